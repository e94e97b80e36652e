"""A clinic's day by e-mail: the delivery worker sends through the mail server, once per notice."""

from __future__ import annotations

import attrs
import icalendar
import pytest
from eventsourcing.utils import get_topic

from serviceplan import (
    CancellationReason,
    Channel,
    NoticeKind,
    NoticeRecord,
    NoticeStatus,
    ServicePlan,
    Settings,
    memory_store,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.delivery.text import address, compose
from serviceplan.plugins import Envelope
from serviceplan_smtp import Mode, SmtpChannel, message_id
from smtp_helpers import at
from smtp_peer import free_port

OFFICE_MOVE = CancellationReason("prov-pers")


def calendar_of(received) -> icalendar.Calendar:
    [part] = [p for p in received.message.walk() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


@pytest.fixture
def mail(serve):
    return serve(Mode.STARTTLS, login=True)


@pytest.fixture
def channel(plan, mail):
    settings, _ = mail
    with plan.plugins.registered(SmtpChannel(settings), "smtp") as name:
        yield plan.plugins.manager.get_plugin(name)


@pytest.mark.usefixtures("channel")
def test_a_move_then_a_cancellation_update_one_calendar_entry(plan, desk, patient, mail):
    _, inbox = mail
    worker = DeliveryWorker(plan)
    first = plan.book_visit(
        patient, provider="dr-patel", visit_type="cataract-preop", start=at(14), by=desk
    )
    moved = plan.reschedule_visit(first, start=at(16), reason=OFFICE_MOVE, by=desk)
    key = plan.request_notice(patient, kind=NoticeKind.RESCHEDULED, visit_id=moved, by=desk)
    worker.run_once()
    plan.cancel_visit(moved, reason=CancellationReason("pat-swl"), by=desk)
    plan.request_notice(patient, kind=NoticeKind.CANCELLED, visit_id=moved, by=desk)
    worker.run_once()

    record = plan.get_notice(key)
    assert record.status is NoticeStatus.DELIVERED
    assert record.receipt is not None
    # the long pre-op owed a preparation e-mail when booked; the calendar story is the rest
    received = [r for r in inbox.received if "Planning for" not in str(r.message["Subject"])]
    assert len(received) == len(inbox.received) - 1
    inbox_received = received
    assert record.receipt.reference == inbox_received[0].message["Message-ID"]
    assert [r.message["Subject"] for r in inbox_received] == [
        "Eye Clinic: Your appointment has moved",
        "Eye Clinic: Your appointment is cancelled",
    ]
    assert "cataract" not in " ".join(r.message["Subject"].lower() for r in inbox.received)
    move, cancel = (calendar_of(r) for r in inbox_received)
    [moved_event], [cancelled_event] = move.walk("VEVENT"), cancel.walk("VEVENT")
    assert (str(move["method"]), moved_event["sequence"]) == ("REQUEST", 1)
    assert (str(cancel["method"]), cancelled_event["sequence"]) == ("CANCEL", 2)
    assert str(moved_event["uid"]) == str(cancelled_event["uid"]) == f"{first}@eyes.example"


@pytest.mark.usefixtures("channel")
def test_a_retry_after_a_crash_is_not_sent_again(plan, desk, patient, mail):
    settings, inbox = mail
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    DeliveryWorker(plan).run_once()
    envelope = inbox.received[0]
    again = plan.plugins.deliver_notice("smtp", _envelope_of(plan, patient, key))
    assert again.reference == message_id(key, settings) == envelope.message["Message-ID"]
    assert len(inbox.received) == 1


def test_a_restarted_channel_remembers_what_it_sent_in_its_file(
    serve, tmp_path, desk, plan, patient
):
    settings, inbox = serve(Mode.PLAIN, receipts_path=str(tmp_path / "sent.sqlite3"))
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    envelope = _envelope_of(plan, patient, key)
    first = SmtpChannel(settings).serviceplan_deliver_notice(envelope, key)
    after_restart = SmtpChannel(settings).serviceplan_deliver_notice(envelope, key)
    assert after_restart == first
    assert len(inbox.received) == 1


def test_without_memory_a_resend_keeps_its_message_id(serve, desk, plan, patient):
    settings, inbox = serve(Mode.PLAIN)
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    envelope = _envelope_of(plan, patient, key)
    SmtpChannel(settings).serviceplan_deliver_notice(envelope, key)
    SmtpChannel(settings).serviceplan_deliver_notice(envelope, key)
    ids = {r.message["Message-ID"] for r in inbox.received}
    assert ids == {message_id(key, settings)}  # the receiving side can tell it is one message


def test_a_server_that_is_down_is_a_failure_the_worker_retries(plan, desk, patient, mail, channel):
    settings, _ = mail
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    channel._settings = attrs.evolve(settings, port=free_port())
    tally = DeliveryWorker(plan).run_once()
    assert (tally.failed, tally.waiting) == (1, 1)
    assert plan.get_notice(key).status is NoticeStatus.OWED
    [failure] = [
        plan.mapper.to_domain_event(n)
        for n in plan.recorder.select_notifications(
            1, 1000, topics=[get_topic(NoticeRecord.Failed)]
        )
    ]
    assert failure.via == "smtp"
    assert (
        failure.error
        == "MailNotSent: ConnectionRefusedError: the mail server could not be reached or broke off"
    )


def test_installed_the_channel_is_off_until_a_mail_server_is_named(monkeypatch, clock):
    for name in ("HOST", "FROM"):
        monkeypatch.delenv(f"SERVICEPLAN_SMTP_{name}", raising=False)
    plan = ServicePlan(memory_store(), clock=clock, settings=Settings())
    assert plan.plugins.channels()["smtp"] == frozenset()
    assert plan.plugins.deliverers(Channel.EMAIL) == ["serviceplan.console"]
    monkeypatch.setenv("SERVICEPLAN_SMTP_HOST", "mail.eyes.example")
    monkeypatch.setenv("SERVICEPLAN_SMTP_FROM", "desk@eyes.example")
    assert plan.plugins.channels()["smtp"] == frozenset({Channel.EMAIL})
    assert plan.plugins.deliverers(Channel.EMAIL) == ["smtp"]


def _envelope_of(plan, patient, key):
    """The envelope the worker would hand the channel for the patient's notice `key`."""
    notice = plan.get_notice(key).notice
    words = compose(notice, DeliverySettings(), plan.settings.timezone)
    return Envelope(notice, address(plan.get_patient(patient), Channel.EMAIL), words)


def test_a_bad_setting_fails_each_delivery_instead_of_falling_back(
    monkeypatch, plan, patient, desk
):
    monkeypatch.setenv("SERVICEPLAN_SMTP_HOST", "mail.eyes.example")
    monkeypatch.delenv("SERVICEPLAN_SMTP_FROM", raising=False)  # no sending address
    plan.plugins.register(SmtpChannel(), "smtp")
    assert plan.plugins.deliverers(Channel.EMAIL) == ["smtp"]
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    assert DeliveryWorker(plan).run_once().failed == 1
    assert plan.get_notice(key).status is NoticeStatus.OWED
