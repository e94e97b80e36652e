"""Twilio's Messages API as the gateway speaks it: the request's shape, retries and refusals."""

from __future__ import annotations

import attrs
import pytest

from serviceplan_sms import GatewayRefused, GatewayUnavailable, MessagesApi, SmsSettings
from twilio_peer import ACCOUNT, CLINIC_NUMBER, Answer, error


def test_a_message_is_a_form_post_with_basic_auth_answered_with_its_sid(twilio, sms_settings):
    sid = MessagesApi(sms_settings).create("+15555550100", "Eye Clinic: see you at 14:00.")
    [posted] = twilio.posted
    assert posted.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert posted.content_type == "application/x-www-form-urlencoded"
    assert posted.form == {
        "To": "+15555550100",
        "From": CLINIC_NUMBER,
        "Body": "Eye Clinic: see you at 14:00.",
    }
    assert sid == twilio.sent[0]["sid"]
    assert sid.startswith("SM")


def test_a_messaging_service_picks_the_number(twilio, sms_settings):
    service = attrs.evolve(sms_settings, sender=None, messaging_service="MG" + "1" * 32)
    MessagesApi(service).create("+15555550100", "Eye Clinic: see you at 14:00.")
    assert twilio.posted[0].form["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in twilio.posted[0].form


def test_a_busy_or_failing_twilio_is_tried_again_with_growing_capped_waits(
    twilio, sms_settings, waits
):
    twilio.script.extend([error(429, 20429, "Too Many Requests"), error(503, 20503, "Down")])
    sid = MessagesApi(sms_settings, sleep=waits.append).create("+15555550100", "Hello")
    assert len(twilio.posted) == 3
    assert len(twilio.sent) == 1
    assert sid == twilio.sent[0]["sid"]
    assert waits == [0.5, 1.0]


def test_retry_after_is_honoured_within_the_cap(twilio, sms_settings, waits):
    twilio.script.extend(
        [
            error(429, 20429, "Too Many Requests", **{"Retry-After": "1.5"}),
            error(429, 20429, "Too Many Requests", **{"Retry-After": "3600"}),
        ]
    )
    MessagesApi(sms_settings, sleep=waits.append).create("+15555550100", "Hello")
    assert waits == [1.5, sms_settings.backoff_cap]


def test_a_twilio_failing_through_every_try_is_unavailable(twilio, sms_settings, waits):
    twilio.script.extend([error(500, 20500, "Internal Server Error")] * 5)
    with pytest.raises(GatewayUnavailable, match=r"HTTP 500, error 20500 after 3 tries"):
        MessagesApi(sms_settings, sleep=waits.append).create("+15555550100", "Hello")
    assert len(twilio.posted) == sms_settings.tries
    assert twilio.sent == []
    assert waits == [0.5, 1.0]


def test_a_refusal_is_raised_at_once_naming_no_number(twilio, sms_settings, waits):
    twilio.unsubscribed.add("+15555550100")
    with pytest.raises(GatewayRefused) as refused:
        MessagesApi(sms_settings, sleep=waits.append).create("+15555550100", "Hello")
    assert str(refused.value) == "Twilio refused the message: HTTP 400, error 21610"
    assert len(twilio.posted) == 1
    assert waits == []


def test_wrong_credentials_are_a_refusal(twilio, sms_settings):
    wrong = attrs.evolve(sms_settings, auth_token="guess")  # noqa: S106 (a made-up token)
    with pytest.raises(GatewayRefused, match="HTTP 401, error 20003"):
        MessagesApi(wrong).create("+15555550100", "Hello")
    assert twilio.sent == []


def test_an_answer_without_a_sid_is_not_a_delivery(twilio, sms_settings):
    twilio.script.append(Answer(201, {"status": "queued"}))
    with pytest.raises(GatewayUnavailable, match="no message SID"):
        MessagesApi(sms_settings).create("+15555550100", "Hello")


def test_an_unreachable_twilio_is_unavailable(sms_settings):
    unreachable = attrs.evolve(sms_settings, base_url="http://127.0.0.1:1")
    with pytest.raises(
        GatewayUnavailable, match=r"could not be reached \(ConnectionRefusedError\)"
    ):
        MessagesApi(unreachable).create("+15555550100", "Hello")


def test_settings_come_from_the_environment(sms_settings):
    env = {
        "SERVICEPLAN_SMS_ACCOUNT_SID": ACCOUNT,
        "SERVICEPLAN_SMS_AUTH_TOKEN": "s3cret",
        "SERVICEPLAN_SMS_FROM": CLINIC_NUMBER,
        "SERVICEPLAN_SMS_BASE_URL": "http://127.0.0.1:8080/",
        "SERVICEPLAN_SMS_TRIES": "2",
    }
    settings = SmsSettings.from_env(env)
    assert settings is not None
    assert settings.messages_url == (
        f"http://127.0.0.1:8080/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    )
    assert settings.tries == 2
    assert "s3cret" not in repr(settings)
    assert SmsSettings.from_env({}) is None
    assert sms_settings.wait_before(5) == sms_settings.backoff_cap
