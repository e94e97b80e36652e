"""The verifier the clinic's receiver runs: a genuine notice passes, forgeries and replays fail."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from serviceplan_webhook import (
    KEY,
    SIGNATURE,
    TIMESTAMP,
    BadSignature,
    StaleRequest,
    signature,
    signed_headers,
    verify,
)
from webhook_peer import SECRET

SIGNED_AT = 1_796_137_200  # 2026-12-01 10:00 New York time, in Unix seconds
BODY = json.dumps({"key": "heads-up-1", "text": "Eye Clinic: see you at 14:00."}).encode()


def headers(body: bytes = BODY, *, at: int = SIGNED_AT, key: str = "heads-up-1") -> dict[str, str]:
    return signed_headers(SECRET, at, body, key)


def test_a_genuine_notice_is_returned():
    assert verify(SECRET, BODY, headers(), now=SIGNED_AT + 10) == json.loads(BODY)


def test_the_signature_is_hmac_sha256_over_the_timestamp_a_dot_and_the_body():
    digest = hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert signature("key", 1_700_000_000, b"{}") == f"sha256={digest}"


def test_header_names_are_read_in_any_case():
    lower = {name.lower(): value for name, value in headers().items()}
    assert verify(SECRET, BODY, lower, now=SIGNED_AT)["key"] == "heads-up-1"


@pytest.mark.parametrize(
    "change",
    [
        lambda h, b: (h, b.replace(b"14:00", b"15:00")),
        lambda h, b: ({**h, SIGNATURE: signature("another-secret-entirely", SIGNED_AT, b)}, b),
        lambda h, b: ({**h, TIMESTAMP: str(SIGNED_AT - 1)}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != SIGNATURE}, b),
        lambda h, b: ({**h, KEY: "heads-up-2"}, b),
    ],
    ids=["body changed", "wrong secret", "timestamp changed", "no signature", "key swapped"],
)
def test_a_forgery_is_refused(change):
    forged_headers, forged_body = change(headers(), BODY)
    with pytest.raises(BadSignature):
        verify(SECRET, forged_body, forged_headers, now=SIGNED_AT)


@pytest.mark.parametrize("late", [301, -301, 3600])
def test_a_request_signed_over_five_minutes_away_is_refused(late):
    with pytest.raises(StaleRequest):
        verify(SECRET, BODY, headers(), now=SIGNED_AT + late)


def test_a_request_five_minutes_old_still_passes():
    assert verify(SECRET, BODY, headers(), now=SIGNED_AT + 300)


@pytest.mark.parametrize("stamp", [None, "yesterday"])
def test_a_request_without_a_readable_timestamp_is_refused(stamp):
    given = {k: v for k, v in headers().items() if k != TIMESTAMP}
    if stamp is not None:
        given[TIMESTAMP] = stamp
    with pytest.raises(StaleRequest, match="no timestamp"):
        verify(SECRET, BODY, given, now=SIGNED_AT)
