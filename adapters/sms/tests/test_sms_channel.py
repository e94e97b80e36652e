"""The text channel in the clinic's day: the contract, the envelope's checks, the worker's view."""

from __future__ import annotations

import pytest
from eventsourcing.utils import get_topic

from serviceplan import (
    Channel,
    NoticeKind,
    NoticeRecord,
    NoticeStatus,
    ServicePlan,
    Settings,
    memory_store,
)
from serviceplan.delivery import DeliveryWorker
from serviceplan.errors import NoticeRefused
from serviceplan.testing.contracts import ChannelContract
from serviceplan_sms import SmsChannel
from sms_helpers import text_envelope
from twilio_peer import error


class TestSmsChannelContract(ChannelContract):
    @pytest.fixture
    def plugin(self, sms_settings, waits):
        return SmsChannel(sms_settings, sleep=waits.append)

    @pytest.fixture
    def probe(self, twilio):
        return twilio.probe

    @pytest.fixture
    def outage(self, twilio):
        return twilio.outage


def test_a_key_is_texted_once(twilio, sms_settings):
    channel = SmsChannel(sms_settings)
    first = channel.serviceplan_deliver_notice(text_envelope(), "heads-up-1")
    again = channel.serviceplan_deliver_notice(text_envelope(), "heads-up-1")
    assert again == first
    assert first.reference == twilio.sent[0]["sid"]
    assert len(twilio.sent) == 1


@pytest.mark.parametrize(
    ("envelope", "why"),
    [
        (text_envelope(text="x" * 161), "160 characters"),
        (text_envelope(to="pat@example.org"), "E.164"),
        (text_envelope(to="5555550100"), "E.164"),
        (text_envelope(channel=Channel.VOICE), "text notices"),
    ],
)
def test_what_a_text_may_not_be_is_refused_before_twilio_hears_of_it(
    twilio, sms_settings, envelope, why
):
    with pytest.raises(NoticeRefused, match=why):
        SmsChannel(sms_settings).serviceplan_deliver_notice(envelope, envelope.key)
    assert twilio.posted == []


def test_a_text_of_exactly_160_characters_goes(twilio, sms_settings):
    SmsChannel(sms_settings).serviceplan_deliver_notice(text_envelope(text="x" * 160), "heads-up-1")
    assert len(twilio.sent[0]["Body"]) == 160


def test_the_worker_texts_the_patient_once(plan, desk, patient, twilio, sms_settings, waits):
    plan.plugins.register(SmsChannel(sms_settings, sleep=waits.append), "sms")
    twilio.script.append(error(503, 20503, "Service Unavailable"))
    visit = plan.book_visit(  # an exam: no preparation text owed ahead of this one
        patient, provider="dr-patel", visit_type="exam", start=_at(plan, 14), by=desk
    )
    key = plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    DeliveryWorker(plan).run_once()
    [sent] = twilio.sent
    assert sent["To"] == "+15555550100"
    assert len(sent["Body"]) <= 160
    assert "cataract" not in sent["Body"].lower()
    record = plan.get_notice(key)
    assert record.status is NoticeStatus.DELIVERED
    assert record.receipt is not None
    assert record.receipt.reference == sent["sid"]
    assert waits == [0.5]


def test_a_refusal_is_a_failure_the_worker_records(plan, desk, patient, twilio, sms_settings):
    plan.plugins.register(SmsChannel(sms_settings), "sms")
    twilio.unsubscribed.add("+15555550100")
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    tally = DeliveryWorker(plan).run_once()
    assert (tally.failed, tally.waiting) == (1, 1)
    assert len(twilio.posted) == 1
    assert plan.get_notice(key).status is NoticeStatus.OWED
    [failure] = [
        plan.mapper.to_domain_event(n)
        for n in plan.recorder.select_notifications(
            1, 1000, topics=[get_topic(NoticeRecord.Failed)]
        )
    ]
    assert failure.error == "GatewayRefused: Twilio refused the message: HTTP 400, error 21610"


def test_installed_the_channel_is_off_until_an_account_is_named(monkeypatch, clock):
    monkeypatch.delenv("SERVICEPLAN_SMS_ACCOUNT_SID", raising=False)
    plan = ServicePlan(memory_store(), clock=clock, settings=Settings())
    assert plan.plugins.channels()["sms"] == frozenset()
    assert plan.plugins.deliverers(Channel.SMS) == ["serviceplan.console"]
    monkeypatch.setenv("SERVICEPLAN_SMS_ACCOUNT_SID", "AC1")
    monkeypatch.setenv("SERVICEPLAN_SMS_AUTH_TOKEN", "token")
    monkeypatch.setenv("SERVICEPLAN_SMS_FROM", "+15555550199")
    assert plan.plugins.channels()["sms"] == frozenset({Channel.SMS})
    assert plan.plugins.deliverers(Channel.SMS) == ["sms"]


def _at(plan, hour):
    return plan.clock().replace(hour=hour)


def test_a_bad_setting_fails_each_delivery_instead_of_falling_back(
    monkeypatch, plan, patient, desk
):
    monkeypatch.setenv("SERVICEPLAN_SMS_ACCOUNT_SID", "AC1")
    monkeypatch.delenv("SERVICEPLAN_SMS_AUTH_TOKEN", raising=False)
    plan.plugins.register(SmsChannel(), "sms")
    assert plan.plugins.deliverers(Channel.SMS) == ["sms"]
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    assert DeliveryWorker(plan).run_once().failed == 1
    assert plan.get_notice(key).status is NoticeStatus.OWED
