"""One text through Twilio's Messages API: a form-encoded POST with basic auth, a JSON answer.

A busy or failing gateway (429, 5xx) is tried again within the call, after a short wait that
doubles and is capped, so a delivery never outlives the worker's time limit; Twilio's
`Retry-After` is honoured within the same cap. Any other refusal (4xx: a bad number, an
unsubscribed recipient, bad credentials) is raised at once: trying again would not help.
Errors name the HTTP status and Twilio's error code, never the number or the text.

`find` reads the account's message list (a GET filtered by `To`, and `From` when the clinic's
number is set) for a text a try left in doubt: the same number, the same words, created since
the try began. It answers the SID, None when the list has no such text, or raises when Twilio
cannot be read.
"""

from __future__ import annotations

import base64
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

from serviceplan_sms.journal import InFlight, digest
from serviceplan_sms.settings import SmsSettings

TOO_MANY = 429
PAGE_SIZE = 50
MAX_PAGES = 20
SKEW = timedelta(minutes=5)
"""How far Twilio's clock and ours may disagree when a text's creation is compared with a try."""
RETRIED = frozenset({TOO_MANY}) | frozenset(range(500, 600))
MAX_ANSWER = 64 * 1024

log = logging.getLogger("serviceplan_sms")


class SmsNotSent(Exception):  # noqa: N818 (reads as the outcome the worker records)
    """The text did not go out."""


class GatewayRefused(SmsNotSent):
    """Twilio refused the message (4xx): sending it again unchanged would not help."""


class GatewayUnavailable(SmsNotSent):
    """Twilio could not be reached, or stayed busy or failing through every try."""


Sleep = Callable[[float], None]


class MessagesApi:
    """Creates messages on one Twilio account."""

    def __init__(self, settings: SmsSettings, *, sleep: Sleep = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        token = f"{settings.account_sid}:{settings.auth_token}".encode()
        self._authorization = "Basic " + base64.b64encode(token).decode()

    def create(self, to: str, body: str) -> str:
        """Send `body` to the number `to` and return Twilio's message SID."""
        form = {"To": to, "Body": body}
        if self.settings.messaging_service:
            form["MessagingServiceSid"] = self.settings.messaging_service
        else:
            form["From"] = self.settings.sender or ""
        data = urllib.parse.urlencode(form).encode()
        for attempt in range(1, self.settings.tries + 1):
            status, headers, answer = self._post(data)
            if status < 300:  # noqa: PLR2004 (HTTP's success range)
                return _sid(answer)
            if status not in RETRIED:
                raise GatewayRefused(f"Twilio refused the message: {_problem(status, answer)}")
            if attempt == self.settings.tries:
                break
            wait = self.settings.wait_before(attempt, _retry_after(headers))
            log.info("Twilio answered %s; trying again in %.1f s", status, wait)
            self._sleep(wait)
        tries = self.settings.tries
        msg = f"Twilio kept failing: {_problem(status, answer)} after {tries} tries"
        raise GatewayUnavailable(msg)

    def find(self, sent: InFlight) -> str | None:
        """Return the SID of the text `sent` stands for if Twilio created it, else None."""
        query = {"To": sent.phone, "PageSize": str(PAGE_SIZE)}
        if self.settings.sender:
            query["From"] = self.settings.sender
        url: str | None = f"{self.settings.messages_url}?{urllib.parse.urlencode(query)}"
        since = sent.at - SKEW
        for _ in range(MAX_PAGES):
            if url is None:
                return None
            page = self._page(url)
            for message in page.get("messages") or []:
                if _is(message, sent, since):
                    return str(message["sid"])
            following = page.get("next_page_uri")
            url = self._absolute(following) if isinstance(following, str) and following else None
        raise GatewayUnavailable(f"Twilio's message list ran past {MAX_PAGES} pages")

    def _page(self, url: str) -> dict[str, Any]:
        status, _, answer = self._send(url, None)
        if status >= 300:  # noqa: PLR2004 (HTTP's success range)
            raise GatewayUnavailable(f"Twilio's message list: {_problem(status, answer)}")
        try:
            page = json.loads(answer)
        except ValueError:
            page = None
        if not isinstance(page, dict):
            raise GatewayUnavailable("Twilio's message list was not JSON")
        return page

    def _absolute(self, uri: str) -> str:
        return self.settings.base_url.rstrip("/") + "/" + uri.lstrip("/")

    def _post(self, data: bytes) -> tuple[int, Mapping[str, str], bytes]:
        return self._send(self.settings.messages_url, data)

    def _send(self, url: str, data: bytes | None) -> tuple[int, Mapping[str, str], bytes]:
        headers = {
            "Authorization": self._authorization,
            "Accept": "application/json",
            "User-Agent": "serviceplan-sms",
        }
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(  # noqa: S310 (an http(s) URL, checked in the settings)
            url, data=data, method="GET" if data is None else "POST", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:  # noqa: S310
                return response.status, _headers(response.headers), response.read(MAX_ANSWER)
        except urllib.error.HTTPError as error:
            try:
                return error.code, _headers(error.headers), error.read(MAX_ANSWER)
            finally:
                error.close()
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            kind = type(reason).__name__
            raise GatewayUnavailable(f"Twilio could not be reached ({kind})") from None


def _is(message: dict[str, Any], sent: InFlight, since: datetime) -> bool:
    """Say whether a listed message is the text `sent`: outbound, its words, created since."""
    try:
        created = parsedate_to_datetime(str(message.get("date_created")))
    except (TypeError, ValueError):
        return False
    return (
        str(message.get("direction", "")).startswith("outbound")
        and digest(str(message.get("body", ""))) == sent.words
        and created.tzinfo is not None
        and created >= since
        and isinstance(message.get("sid"), str)
    )


def _headers(message: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in message.items()}


def _retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return float(headers["retry-after"])
    except (KeyError, ValueError):
        return None


def _sid(answer: bytes) -> str:
    try:
        sid = json.loads(answer)["sid"]
    except (ValueError, KeyError, TypeError):
        sid = None
    if not isinstance(sid, str) or not sid:
        raise GatewayUnavailable("Twilio's answer named no message SID")
    return sid


def _problem(status: int, answer: bytes) -> str:
    """Name the HTTP status and Twilio's error code; its message may quote the number."""
    try:
        code = json.loads(answer).get("code")
    except (ValueError, AttributeError):
        code = None
    return f"HTTP {status}" + (f", error {code}" if isinstance(code, int) else "")
