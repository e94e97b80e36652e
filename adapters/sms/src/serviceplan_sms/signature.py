"""Twilio's request signature: proof that a reply posted to the clinic really came from Twilio.

Twilio signs each webhook with the account's auth token: HMAC-SHA1 over the URL it called
followed by every form field, sorted by name, as name then value; base64, in the
`X-Twilio-Signature` header. Without this check anyone could post a START for a patient who
texted STOP, or stop a patient's reminders.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def twilio_signature(token: str, url: str, fields: Iterable[tuple[str, str]]) -> str:
    """Return the signature Twilio sends for a POST of `fields` to `url`."""
    payload = url + "".join(name + value for name, value in sorted(fields))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_by_twilio(
    token: str, url: str, fields: Iterable[tuple[str, str]], signature: str
) -> bool:
    """Say whether `signature` is Twilio's for this request (compared in constant time)."""
    expected = twilio_signature(token, url, fields)
    return hmac.compare_digest(expected.encode(), signature.encode())
