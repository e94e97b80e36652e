"""Signing and checking a webhook: the Standard Webhooks scheme, and the headers it replaces.

Each POST carries the three headers of the Standard Webhooks specification: `webhook-id` (derived
from the notice's idempotency key, so the same on every retry), `webhook-timestamp` (Unix seconds)
and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`), made with the
specification's reference library (`standardwebhooks`). The secret is a `whsec_` secret (base64
after the prefix), or a plain one as before, whose UTF-8 bytes are the key: `whsec_secret(plain)`
writes that key in the standard form for a receiver's own Standard Webhooks library.

Deprecated, and sent for one more release so that existing receivers keep working: the headers
`X-Serviceplan-Timestamp`, `X-Serviceplan-Signature` (`sha256=` and the hex HMAC-SHA256 of
`timestamp.body`) and `X-Serviceplan-Key`. `verify` reads either; the receiver refuses a bad
signature and a request signed more than five minutes away from its clock (a replay).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook

WEBHOOK_ID = "webhook-id"
WEBHOOK_TIMESTAMP = "webhook-timestamp"
WEBHOOK_SIGNATURE = "webhook-signature"
SIGNATURE = "X-Serviceplan-Signature"
"""Deprecated: the signature header of version 0.1, sent until the next release."""
TIMESTAMP = "X-Serviceplan-Timestamp"
"""Deprecated: the timestamp header of version 0.1, sent until the next release."""
KEY = "X-Serviceplan-Key"
"""Deprecated: the key header of version 0.1 (the body holds the key too), sent until then."""
TOLERANCE = 300
"""Seconds a signed request stays good: older ones (and ones that far ahead) are refused."""
SCHEME = "sha256="
WHSEC = "whsec_"
STANDARD_KEY_BYTES = (24, 64)
"""How long a `whsec_` key may be, in bytes, as the specification advises."""


class WebhookRejected(Exception):  # noqa: N818 (the receiver's verdict)
    """The request is not a notice from serviceplan: the receiver answers 401 and ignores it."""


class BadSignature(WebhookRejected):
    """The signature is missing, malformed, or not made with the shared secret."""


class StaleRequest(WebhookRejected):
    """The timestamp is missing or over five minutes from now: a replay, or a clock that is off."""


def key_bytes(secret: str) -> bytes:
    """Return the HMAC key a secret stands for: a `whsec_` secret's bytes, else its UTF-8 bytes."""
    if not secret.startswith(WHSEC):
        return secret.encode()
    encoded = secret.removeprefix(WHSEC)
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        raise ValueError("a whsec_ secret is base64 after the prefix") from None


def whsec_secret(secret: str) -> str:
    """Return `secret` in the Standard Webhooks form (`whsec_` and base64), for a receiver."""
    return WHSEC + base64.b64encode(key_bytes(secret)).decode()


def webhook_id(key: str) -> str:
    """Return the `webhook-id` of the notice with idempotency key `key`: the same on every try."""
    return "msg_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """Return the `webhook-signature` value: `v1,` and the base64 HMAC of `id.timestamp.body`."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return Webhook(key_bytes(secret)).sign(message_id, moment, body)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the deprecated `X-Serviceplan-Signature` value for `body` sent at `timestamp`."""
    signed = str(timestamp).encode() + b"." + body
    return SCHEME + hmac.new(key_bytes(secret), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes, key: str) -> dict[str, str]:
    """Return the headers a notice is posted with: the standard three, and the deprecated ones."""
    message_id = webhook_id(key)
    return {
        WEBHOOK_ID: message_id,
        WEBHOOK_TIMESTAMP: str(timestamp),
        WEBHOOK_SIGNATURE: standard_signature(secret, message_id, timestamp, body),
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
    receiver's clock in Unix seconds. A request with only the deprecated headers (from a sender
    not yet upgraded) is still read, with a `DeprecationWarning`.
    """
    found = {name.lower(): value for name, value in headers.items()}
    if WEBHOOK_SIGNATURE not in found and SIGNATURE.lower() in found:
        return _verify_deprecated(secret, body, found, now, tolerance)
    message_id = found.get(WEBHOOK_ID, "")
    timestamp = _timestamp(found.get(WEBHOOK_TIMESTAMP), now, tolerance)
    _check_standard(secret, message_id, timestamp, body, found.get(WEBHOOK_SIGNATURE, ""))
    notice = _notice(body)
    if message_id != webhook_id(str(notice.get("key"))):
        raise BadSignature("the webhook-id does not match the signed notice")
    return notice


def verify_look_up(
    secret: str,
    message_id: str,
    headers: Mapping[str, str],
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE,
) -> str:
    """Check a look-up the channel sent for `message_id` (a GET, signed over an empty body)."""
    found = {name.lower(): value for name, value in headers.items()}
    if found.get(WEBHOOK_ID) != message_id:
        raise BadSignature("the webhook-id header does not name the notice looked up")
    timestamp = _timestamp(found.get(WEBHOOK_TIMESTAMP), now, tolerance)
    _check_standard(secret, message_id, timestamp, b"", found.get(WEBHOOK_SIGNATURE, ""))
    return message_id


def _timestamp(value: str | None, now: float | None, tolerance: int) -> int:
    try:
        timestamp = int(value or "")
    except ValueError:
        raise StaleRequest("no timestamp") from None
    moment = time.time() if now is None else now
    if abs(moment - timestamp) > tolerance:
        raise StaleRequest(f"signed {moment - timestamp:.0f} s from now, over {tolerance} s")
    return timestamp


def _check_standard(secret: str, message_id: str, timestamp: int, body: bytes, given: str) -> None:
    if not message_id:
        raise BadSignature("no webhook-id")
    expected = standard_signature(secret, message_id, timestamp, body).encode()
    if not any(hmac.compare_digest(expected, each.encode()) for each in given.split()):
        raise BadSignature("the signature does not match the body and the shared secret")


def _notice(body: bytes) -> dict[str, Any]:
    try:
        notice = json.loads(body)
    except ValueError:
        raise BadSignature("the signed body is not a notice") from None
    if not isinstance(notice, dict):
        raise BadSignature("the signed body is not a notice")
    return notice


def _verify_deprecated(
    secret: str, body: bytes, found: dict[str, str], now: float | None, tolerance: int
) -> dict[str, Any]:
    warnings.warn(
        "a webhook signed with the X-Serviceplan-* headers only: upgrade the sender, whose next "
        "release signs with the Standard Webhooks headers alone",
        DeprecationWarning,
        stacklevel=3,
    )
    timestamp = _timestamp(found.get(TIMESTAMP.lower()), now, tolerance)
    given = found.get(SIGNATURE.lower(), "")
    if not hmac.compare_digest(given.encode(), signature(secret, timestamp, body).encode()):
        raise BadSignature("the signature does not match the body and the shared secret")
    notice = _notice(body)
    if notice.get("key") != found.get(KEY.lower()):
        raise BadSignature("the key header does not match the signed notice")
    return notice
