"""One POST to the clinic's receiver: the signed notice out, a 2xx (and maybe an id) back.

Redirects are not followed (a notice goes to the URL the clinic configured, nowhere else), and
errors name the HTTP status only.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from serviceplan_webhook.settings import WebhookSettings

MAX_ANSWER = 64 * 1024


class WebhookNotSent(Exception):  # noqa: N818 (reads as the outcome the worker records)
    """The receiver could not be reached or did not take the notice; the worker tries again."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any, **__: Any) -> None:  # noqa: ANN401 (urllib's signature)
        """Refuse every redirect: the 3xx answer is raised as it is."""
        return


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(settings: WebhookSettings, body: bytes, headers: dict[str, str]) -> str | None:
    """POST `body` to the receiver; return the id it answered with, if any."""
    request = urllib.request.Request(  # noqa: S310 (https, or http on loopback: checked in settings)
        settings.url,
        data=body,
        method="POST",
        headers={
            **headers,
            "Content-Type": "application/json",
            "User-Agent": "serviceplan-webhook",
        },
    )
    try:
        with _OPENER.open(request, timeout=settings.timeout) as response:
            answer = response.read(MAX_ANSWER)
    except urllib.error.HTTPError as error:
        error.close()
        raise WebhookNotSent(f"the receiver answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        kind = type(getattr(error, "reason", error)).__name__
        raise WebhookNotSent(f"the receiver could not be reached ({kind})") from None
    return _id(answer)


NOT_FOUND = 404


def look_up_url(url: str, message_id: str) -> str:
    """Return where the receiver answers a look-up: its URL with `/<webhook-id>` added."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{message_id}"))


def get(settings: WebhookSettings, message_id: str, headers: dict[str, str]) -> tuple[bool, str]:
    """Ask the receiver whether it got `message_id`: (True, its id or "") or (False, "") on 404.

    Any other answer, or none, raises `WebhookNotSent`: the receiver cannot say now.
    """
    request = urllib.request.Request(  # noqa: S310 (the receiver's URL, checked in settings)
        look_up_url(settings.url, message_id),
        method="GET",
        headers={**headers, "Accept": "application/json", "User-Agent": "serviceplan-webhook"},
    )
    try:
        with _OPENER.open(request, timeout=settings.timeout) as response:
            answer = response.read(MAX_ANSWER)
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == NOT_FOUND:
            return False, ""
        raise WebhookNotSent(f"the receiver answered HTTP {error.code} to a look-up") from None
    except (urllib.error.URLError, OSError) as error:
        kind = type(getattr(error, "reason", error)).__name__
        raise WebhookNotSent(f"the receiver could not be reached ({kind})") from None
    return True, _id(answer) or ""


def _id(answer: bytes) -> str | None:
    try:
        found = json.loads(answer).get("id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) and 0 < len(found) <= 120 else None  # noqa: PLR2004
