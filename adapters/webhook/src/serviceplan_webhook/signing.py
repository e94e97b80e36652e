"""Signing and checking a webhook: HMAC-SHA256 over `timestamp + "." + body`, with a shared secret.

The sender puts three headers on each POST: `X-Serviceplan-Timestamp` (Unix seconds),
`X-Serviceplan-Signature` (`sha256=` and the hex digest) and `X-Serviceplan-Key` (the notice's
idempotency key). The clinic's receiver calls `verify`, which refuses a bad signature and a
request older than five minutes (a replay); within those minutes, the key tells a repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

SIGNATURE = "X-Serviceplan-Signature"
TIMESTAMP = "X-Serviceplan-Timestamp"
KEY = "X-Serviceplan-Key"
TOLERANCE = 300
"""Seconds a signed request stays good: older ones (and ones that far ahead) are refused."""
SCHEME = "sha256="


class WebhookRejected(Exception):  # noqa: N818 (the receiver's verdict)
    """The request is not a notice from serviceplan: the receiver answers 401 and ignores it."""


class BadSignature(WebhookRejected):
    """The signature is missing, malformed, or not made with the shared secret."""


class StaleRequest(WebhookRejected):
    """The timestamp is missing or over five minutes from now: a replay, or a clock that is off."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header's value for `body` sent at `timestamp`."""
    signed = str(timestamp).encode() + b"." + body
    return SCHEME + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes, key: str) -> dict[str, str]:
    """Return the three headers a notice is posted with."""
    return {
        TIMESTAMP: str(timestamp),
        SIGNATURE: signature(secret, timestamp, body),
        KEY: key,
    }


def verify(
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE,
) -> dict[str, Any]:
    """Return the notice in a request the receiver got, or raise `WebhookRejected`.

    `headers` is any mapping of the request's headers (names in any case); `now` defaults to the
    receiver's clock in Unix seconds.
    """
    found = {name.lower(): value for name, value in headers.items()}
    try:
        timestamp = int(found[TIMESTAMP.lower()])
    except (KeyError, ValueError):
        raise StaleRequest("no timestamp") from None
    moment = time.time() if now is None else now
    if abs(moment - timestamp) > tolerance:
        raise StaleRequest(f"signed {moment - timestamp:.0f} s from now, over {tolerance} s")
    given = found.get(SIGNATURE.lower(), "")
    if not hmac.compare_digest(given.encode(), signature(secret, timestamp, body).encode()):
        raise BadSignature("the signature does not match the body and the shared secret")
    notice: dict[str, Any] = json.loads(body)
    if notice.get("key") != found.get(KEY.lower()):
        raise BadSignature("the key header does not match the signed notice")
    return notice
