"""The verifier the clinic's receiver runs: a genuine notice passes, forgeries and replays fail.

Requests carry the Standard Webhooks headers; the deprecated `X-Serviceplan-*` headers ride
along for one release, and a request with only those still verifies, with a warning.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from standardwebhooks import Webhook

from serviceplan_webhook import (
    KEY,
    SIGNATURE,
    TIMESTAMP,
    WEBHOOK_ID,
    WEBHOOK_SIGNATURE,
    WEBHOOK_TIMESTAMP,
    BadSignature,
    StaleRequest,
    WebhookSettings,
    signature,
    signed_headers,
    standard_signature,
    verify,
    verify_look_up,
    webhook_id,
    whsec_secret,
)
from serviceplan_webhook.signing import key_bytes
from webhook_peer import SECRET

SIGNED_AT = 1_796_137_200  # 2026-12-01 10:00 New York time, in Unix seconds
BODY = json.dumps({"key": "heads-up-1", "text": "Eye Clinic: see you at 14:00."}).encode()
STANDARD = (WEBHOOK_ID, WEBHOOK_TIMESTAMP, WEBHOOK_SIGNATURE)
DEPRECATED = (TIMESTAMP, SIGNATURE, KEY)


def headers(body: bytes = BODY, *, at: int = SIGNED_AT, key: str = "heads-up-1") -> dict[str, str]:
    return signed_headers(SECRET, at, body, key)


def without(given: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k, v in given.items() if k not in names}


def forged(message_id: str, body: bytes) -> str:
    return standard_signature("another-secret-entirely", message_id, SIGNED_AT, body)


def test_a_genuine_notice_is_returned():
    assert verify(SECRET, BODY, headers(), now=SIGNED_AT + 10) == json.loads(BODY)


def test_the_signature_is_v1_and_base64_hmac_sha256_over_id_timestamp_and_body():
    digest = hmac.new(b"key-bytes", b"msg_1.1700000000.{}", hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(digest).decode()
    assert standard_signature("key-bytes", "msg_1", 1_700_000_000, b"{}") == expected


def test_the_webhook_id_comes_from_the_key_alone_and_is_the_same_on_every_try():
    first, retried = headers(at=SIGNED_AT), headers(at=SIGNED_AT + 60)
    assert first[WEBHOOK_ID] == retried[WEBHOOK_ID] == webhook_id("heads-up-1")
    assert first[WEBHOOK_SIGNATURE] != retried[WEBHOOK_SIGNATURE]
    assert webhook_id("heads-up-2") != webhook_id("heads-up-1")
    assert webhook_id("heads-up-1").startswith("msg_")


def test_the_reference_library_accepts_what_the_channel_signs():
    """A receiver on any Standard Webhooks library verifies our requests with the whsec_ form."""
    now = int(time.time())
    sent = headers(at=now)
    assert Webhook(whsec_secret(SECRET)).verify(BODY, sent) == json.loads(BODY)


def test_a_whsec_secret_signs_both_ways():
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    WebhookSettings(url="https://portal.clinic.example/hooks", secret=secret)
    assert key_bytes(secret) == b"k" * 32
    assert whsec_secret(secret) == secret
    sent = signed_headers(secret, SIGNED_AT, BODY, "heads-up-1")
    assert verify(secret, BODY, sent, now=SIGNED_AT)["key"] == "heads-up-1"
    assert sent[SIGNATURE] == signature(secret, SIGNED_AT, BODY)


def test_header_names_are_read_in_any_case():
    upper = {name.upper(): value for name, value in headers().items()}
    assert verify(SECRET, BODY, upper, now=SIGNED_AT)["key"] == "heads-up-1"


def test_a_request_with_the_deprecated_headers_only_still_verifies_with_a_warning():
    old = without(headers(), STANDARD)
    with pytest.warns(DeprecationWarning, match="Standard Webhooks"):
        assert verify(SECRET, BODY, old, now=SIGNED_AT)["key"] == "heads-up-1"


def test_the_deprecated_signature_is_unchanged():
    digest = hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert signature("key", 1_700_000_000, b"{}") == f"sha256={digest}"


@pytest.mark.parametrize(
    "change",
    [
        lambda h, b: (h, b.replace(b"14:00", b"15:00")),
        lambda h, b: ({**h, WEBHOOK_SIGNATURE: forged(h[WEBHOOK_ID], b)}, b),
        lambda h, b: ({**h, WEBHOOK_TIMESTAMP: str(SIGNED_AT - 1)}, b),
        lambda h, b: (without(h, (WEBHOOK_SIGNATURE, SIGNATURE)), b),
        lambda h, b: ({**h, WEBHOOK_ID: webhook_id("heads-up-2")}, b),
        lambda h, b: ({**h, WEBHOOK_SIGNATURE: "v1,bm90IGl0"}, b),
    ],
    ids=[
        "body changed", "wrong secret", "timestamp changed", "no signature", "id swapped",
        "garbage",
    ],
)  # fmt: skip
def test_a_forgery_is_refused(change):
    forged_headers, forged_body = change(headers(), BODY)
    with pytest.raises(BadSignature):
        verify(SECRET, forged_body, forged_headers, now=SIGNED_AT)


def test_a_deprecated_forgery_is_refused():
    old = without(headers(), STANDARD)
    with pytest.warns(DeprecationWarning, match="upgrade"), pytest.raises(BadSignature):
        verify(SECRET, BODY, {**old, KEY: "heads-up-2"}, now=SIGNED_AT)


@pytest.mark.parametrize("late", [301, -301, 3600])
def test_a_request_signed_over_five_minutes_away_is_refused(late):
    with pytest.raises(StaleRequest):
        verify(SECRET, BODY, headers(), now=SIGNED_AT + late)


def test_a_request_five_minutes_old_still_passes():
    assert verify(SECRET, BODY, headers(), now=SIGNED_AT + 300)


@pytest.mark.parametrize("stamp", [None, "yesterday"])
def test_a_request_without_a_readable_timestamp_is_refused(stamp):
    given = without(headers(), (WEBHOOK_TIMESTAMP,))
    if stamp is not None:
        given[WEBHOOK_TIMESTAMP] = stamp
    with pytest.raises(StaleRequest, match="no timestamp"):
        verify(SECRET, BODY, given, now=SIGNED_AT)


def test_a_look_up_is_signed_over_an_empty_body_for_the_id_it_names():
    message_id = webhook_id("heads-up-1")
    asked = {
        WEBHOOK_ID: message_id,
        WEBHOOK_TIMESTAMP: str(SIGNED_AT),
        WEBHOOK_SIGNATURE: standard_signature(SECRET, message_id, SIGNED_AT, b""),
    }
    assert verify_look_up(SECRET, message_id, asked, now=SIGNED_AT) == message_id
    with pytest.raises(BadSignature, match="does not name"):
        verify_look_up(SECRET, webhook_id("heads-up-2"), asked, now=SIGNED_AT)
    with pytest.raises(StaleRequest):
        verify_look_up(SECRET, message_id, asked, now=SIGNED_AT + 600)
