"""E-mail and portal notices carry the visit as a calendar entry: one entry across its moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fake_channels import EmailGateway, Gateway

from serviceplan import (
    CancellationReason,
    Channel,
    EmailAddress,
    NoticeKind,
    PhoneNumber,
    Staff,
)
from serviceplan.domain.contact import ContactPoints
from serviceplan.plugins import Appointment
from serviceplan.plugins.records import Envelope

MOVE = CancellationReason("prov-pers")


@pytest.fixture
def emailed(plan, desk):
    """A patient who chose e-mail and consented to it."""
    contact = ContactPoints(PhoneNumber("+15555550100"), EmailAddress("pat@example.org"))
    patient = plan.register_patient(contact=contact, preferred=Channel.EMAIL, by=desk)
    plan.give_consent(patient, Channel.EMAIL, by=desk)
    return patient


@pytest.fixture
def gateway(plan):
    with plan.plugins.registered(EmailGateway(), "mailer") as name:
        yield plan.plugins.manager.get_plugin(name)


def sent(worker, gateway, patient, kind, visit) -> Envelope:
    """Request a notice about `visit` at the desk and return what the e-mail gateway was given."""
    key = worker.plan.request_notice(patient, kind=kind, visit_id=visit, by=Staff("desk-ana"))
    worker.run_once()
    return gateway.sent[key]


def test_a_heads_up_names_the_booked_visit_as_a_first_revision(plan, worker, gateway, emailed, at):
    visit = plan.book_visit(
        emailed, provider="dr-patel", visit_type="exam", start=at(14), by=Staff("desk-ana")
    )
    envelope = sent(worker, gateway, emailed, NoticeKind.HEADS_UP, visit)
    length = plan.get_visit(visit).length
    assert envelope.appointment == Appointment(
        uid=visit, sequence=0, start=at(14), end=at(14) + timedelta(minutes=length)
    )


def test_each_move_keeps_the_entry_and_revises_it(plan, worker, gateway, emailed, desk, at):
    first = plan.book_visit(emailed, provider="dr-patel", visit_type="exam", start=at(14), by=desk)
    second = plan.reschedule_visit(first, start=at(15), reason=MOVE, by=desk)
    third = plan.reschedule_visit(second, start=at(16), reason=MOVE, by=desk)
    envelope = sent(worker, gateway, emailed, NoticeKind.RESCHEDULED, third)
    assert envelope.appointment is not None
    assert (envelope.appointment.uid, envelope.appointment.sequence) == (first, 2)
    assert envelope.appointment.start == at(16)
    assert not envelope.appointment.cancelled
    assert envelope.text.startswith("Your clinic: your appointment has moved to Tue Dec 1 at 16:00")


def test_a_cancellation_revises_the_entry_once_more(plan, worker, gateway, emailed, desk, at):
    first = plan.book_visit(emailed, provider="dr-patel", visit_type="exam", start=at(14), by=desk)
    moved = plan.reschedule_visit(first, start=at(15), reason=MOVE, by=desk)
    plan.cancel_visit(moved, reason=CancellationReason("pat-swl"), by=desk)
    envelope = sent(worker, gateway, emailed, NoticeKind.CANCELLED, moved)
    assert envelope.appointment is not None
    assert (envelope.appointment.uid, envelope.appointment.sequence) == (first, 2)
    assert envelope.appointment.cancelled
    assert "is cancelled" in envelope.text
    assert "\n" not in envelope.text  # what to expect from a visit that will not happen: nothing


def test_a_text_carries_no_calendar_entry(plan, worker, patient, desk, at):
    visit = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(14), by=desk)
    gateway = Gateway()
    with plan.plugins.registered(gateway, "texter"):
        key = plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
        worker.run_once()
    assert gateway.sent[key].appointment is None
