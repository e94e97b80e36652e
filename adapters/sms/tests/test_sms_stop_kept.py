"""A STOP is never lost and confirmed at most once: recorded through a concurrent write to the
patient's record, answered 503 (for Twilio to send it again) while it could not be recorded, and
confirmed by one text in the answer only when it changed something."""

from __future__ import annotations

import io
from contextlib import contextmanager
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import attrs
import pytest

from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    Patient,
    PhoneNumber,
    ServicePlan,
    Settings,
    sqlite_store,
)
from serviceplan_sms import InboundSms, TextReplies, twilio_signature
from sms_helpers import PHONE
from test_sms_inbound import post
from twilio_peer import wsgi_on_loopback

CONFIRMATION = "Eye Clinic: you will get no more automated texts or calls from us."
EMPTY = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@pytest.fixture
def store(tmp_path):
    return sqlite_store(tmp_path / "clinic.sqlite3")


@pytest.fixture
def line(store, clock):
    """The inbound line's plan on the clinic's store."""
    plan = ServicePlan(store, clock=clock, settings=Settings(), entry_points=False)
    yield plan
    plan.close()


@pytest.fixture
def desk_plan(store, clock):
    """The front desk's plan on the same store: another writer of the same records."""
    plan = ServicePlan(store, clock=clock, settings=Settings(), entry_points=False)
    yield plan
    plan.close()


@pytest.fixture
def texting(desk_plan, desk):
    """A patient who takes texts and calls, and gave an e-mail address too."""
    contact = ContactPoints(PhoneNumber(PHONE), email=EmailAddress("pat@example.org"))
    patient = desk_plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    for channel in (Channel.SMS, Channel.VOICE, Channel.EMAIL):
        desk_plan.give_consent(patient, channel, by=desk)
    return patient


@contextmanager
def desk_writes_first(monkeypatch, desk_plan, desk, patient, times: int):
    """The desk saves a change to the patient each time the line is about to, `times` times."""
    opt_out = Patient.opt_out
    raced: list[int] = []

    def racing(self, channel, at, by):
        if len(raced) < times:
            raced.append(1)
            desk_plan.give_consent(patient, Channel.EMAIL, by=desk)  # the desk saves first
        opt_out(self, channel, at, by)

    monkeypatch.setattr(Patient, "opt_out", racing)
    yield raced
    monkeypatch.setattr(Patient, "opt_out", opt_out)


def opted_out_events(plan: ServicePlan, patient) -> list:
    events = [plan.mapper.to_domain_event(n) for n in plan.recorder.select_notifications(1, 1000)]
    return [e for e in events if type(e).__name__ == "OptedOut" and e.originator_id == patient]


def test_a_stop_under_a_concurrent_write_is_recorded_and_the_write_kept(
    monkeypatch, line, desk_plan, desk, texting
):
    before = len(desk_plan.get_patient(texting).consents)
    with desk_writes_first(monkeypatch, desk_plan, desk, texting, times=2) as raced:
        handled = TextReplies(line).handle(PHONE, "Opt out", "SM1")
    assert raced == [1, 1]  # the desk saved twice while the line opted out: it tried again
    assert handled.consent_changed == (texting,)
    record = desk_plan.get_patient(texting)
    assert {Channel.SMS, Channel.VOICE} <= record.opted_out
    assert Channel.EMAIL in record.consents  # the desk's change is kept
    assert len(record.consents) == before - 2
    assert sorted(e.channel.value for e in opted_out_events(line, texting)) == ["sms", "voice"]


def test_a_stop_that_could_not_be_recorded_is_answered_503_and_recorded_when_sent_again(
    monkeypatch, line, desk_plan, desk, texting, sms_settings
):
    with wsgi_on_loopback(InboundSms(line, sms_settings)) as base:
        url = f"{base}/sms/inbound"
        with desk_writes_first(monkeypatch, desk_plan, desk, texting, times=1_000):
            status, _ = post(url, "STOP")
        assert status == 503  # Twilio, told to retry on 5xx, sends it again
        assert opted_out_events(line, texting) == []
        assert desk_plan.get_patient(texting).can_reach(Channel.SMS)
        status, answer = post(url, "STOP")  # Twilio's retry: the same MessageSid
    assert (status, answer) == (200, EMPTY)
    [reply] = line.replies_of(texting)
    assert reply.outcome == "stop to consent"
    assert {Channel.SMS, Channel.VOICE} <= desk_plan.get_patient(texting).opted_out


def test_one_confirmation_at_most_and_only_when_the_stop_changed_something(
    line, texting, sms_settings
):
    confirming = attrs.evolve(sms_settings, stop_reply=CONFIRMATION)
    with wsgi_on_loopback(InboundSms(line, confirming)) as base:
        url = f"{base}/sms/inbound"
        first = post(url, "Revoke", sid="SM1")
        repeated = post(url, "Revoke", sid="SM1")  # Twilio repeating the first
        again = post(url, "STOP", sid="SM2")  # a second STOP
        chat = post(url, "Can I come at 3 instead?", sid="SM3")
    assert first == (
        200,
        b'<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
        + CONFIRMATION.encode()
        + b"</Message></Response>",
    )
    assert repeated == again == chat == (200, EMPTY)
    assert not line.get_patient(texting).can_reach(Channel.VOICE)


def test_without_a_confirmation_configured_none_is_sent(line, texting, sms_settings):
    with wsgi_on_loopback(InboundSms(line, sms_settings)) as base:
        assert post(f"{base}/sms/inbound", "STOP") == (200, EMPTY)
    assert Channel.SMS in line.get_patient(texting).opted_out


@pytest.mark.parametrize("signed", ["with", "without"])
def test_the_signature_is_checked_on_the_url_with_or_without_twilios_retry_fragment(
    line, texting, sms_settings, signed
):
    """`#rc=3&rp=5xx` tells Twilio to retry on 5xx; the URL it signs may or may not carry it."""
    public = "https://clinic.example/twilio/sms"
    configured = attrs.evolve(sms_settings, inbound_url=f"{public}#rc=3&rp=5xx")
    reply = {
        "MessageSid": "SM1", "AccountSid": sms_settings.account_sid, "From": PHONE, "Body": "stop",
    }  # fmt: skip
    body = urlencode(reply).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_X_TWILIO_SIGNATURE": twilio_signature(
            sms_settings.auth_token, configured.inbound_url if signed == "with" else public,
            reply.items(),
        ),
    }  # fmt: skip
    setup_testing_defaults(environ)
    statuses = []
    InboundSms(line, configured)(environ, lambda status, _: statuses.append(status))
    assert statuses == ["200 OK"]
    assert Channel.SMS in line.get_patient(texting).opted_out


def test_a_confirmation_must_fit_one_text(sms_settings):
    with pytest.raises(ValueError, match="one text"):
        attrs.evolve(sms_settings, stop_reply="x" * 161)
