"""The recovery report groups incidents by the process that failed and counts the amends made."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from helpers import CLINIC_ZONE, at
from serviceplan import (
    Channel,
    ContactPoints,
    Fault,
    Level,
    Money,
    Observation,
    OfferingKind,
    PhoneNumber,
    ProcessCause,
    Topic,
)
from serviceplan.read import Recovery

DEC_1, DEC_2 = date(2026, 12, 1), date(2026, 12, 2)


def _open(plan, desk, patient, when, topic=Topic.BALANCE):
    return plan.open_incident(
        patient, observation=Observation(Level.UPSET, topic), need="help", by=desk, now=when
    )


@pytest.fixture
def second_patient(plan, desk):
    contact = ContactPoints(PhoneNumber("+15555550177"))
    return plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)


@pytest.fixture
def recovery(plan, desk, manager, patient, second_patient):
    """Two billing incidents on Dec 1 (one resolved in 2 hours, one after 10 days), one on Dec 2."""
    first = _open(plan, desk, patient, at(9))
    plan.take_step(first, "acknowledge", by=desk, now=at(9, 10))
    plan.take_step(first, "say-what-we-will-do", by=desk, now=at(9, 20))
    plan.set_cause(first, ProcessCause.BILLING, by=desk, now=at(9, 30))
    plan.determine_fault(first, Fault.OFFICE, by=manager, now=at(9, 30))
    mug = plan.propose_offering(
        first, kind=OfferingKind.SWAG, value=Money("8.00"), item="mug", by=desk, now=at(10)
    )
    plan.approve_offering(mug, by=manager, now=at(10))
    plan.issue_offering(mug, by=desk, now=at(10, 5))
    card = plan.propose_offering(
        first, kind=OfferingKind.RESTAURANT_GIFT_CARD, value=Money("15.00"), item="cafe-card",
        by=desk, now=at(10),
    )  # fmt: skip
    plan.decline_offering(card, by=desk, now=at(10, 10))
    plan.resolve_incident(first, outcome="corrected", by=desk, now=at(11))

    second = _open(plan, desk, second_patient, at(10))
    plan.take_step(second, "acknowledge", by=desk, now=at(10, 30))
    plan.set_cause(second, ProcessCause.BILLING, by=desk, now=at(10, 30))
    plan.resolve_incident(second, outcome="refund", by=desk, now=at(10) + timedelta(days=10))

    _open(plan, desk, patient, datetime(2026, 12, 2, 9, tzinfo=CLINIC_ZONE), Topic.WAIT)
    built = Recovery(plan)
    built.catch_up()
    return built


def test_incidents_are_grouped_by_the_process_that_failed(recovery):
    report = recovery.report(DEC_1, DEC_1)

    (billing,) = report.causes
    assert (billing.cause, billing.opened, billing.resolved, billing.resolved_in_time) == (
        "billing", 2, 2, 1,
    )  # fmt: skip
    assert billing.share_in_time == 0.5
    assert billing.median_minutes_to_acknowledge == 20  # 10 and 30 minutes
    assert billing.median_minutes_to_resolve == (120 + 10 * 24 * 60) // 2
    assert report.incidents == 2


def test_an_incident_with_no_cause_yet_is_undetermined(recovery):
    report = recovery.report(DEC_1, DEC_2)

    assert [(c.cause, c.opened, c.resolved) for c in report.causes] == [
        ("billing", 2, 2), ("undetermined", 1, 0),
    ]  # fmt: skip
    assert report.causes[1].median_minutes_to_resolve is None
    assert report.causes[1].share_in_time == 0.0


def test_only_issued_offerings_count_by_kind(recovery):
    (swag,) = recovery.report(DEC_1, DEC_2).offerings

    assert (swag.kind, swag.count, swag.total) == ("swag", 1, Money("8.00"))


def test_patients_nearest_the_limit_count_what_stays_on_their_ledger(recovery, patient):
    (nearest,) = recovery.report(DEC_1, DEC_2).nearest_limit

    assert nearest.patient_id == str(patient)
    assert nearest.total == Money("8.00")
    assert nearest.headroom == Money("67.00")


def test_a_year_later_the_ledger_is_clear(recovery):
    report = recovery.report(DEC_1 + timedelta(days=400), DEC_1 + timedelta(days=401))

    assert report.nearest_limit == ()
    assert report.causes == ()
    assert report.offerings == ()


def test_the_span_covers_every_day_with_an_incident_or_an_issued_offering(recovery, plan):
    assert recovery.span() == (DEC_1, DEC_2)
    assert Recovery(plan).span() is None


def test_the_limit_and_the_deadline_can_be_the_clinics_own(recovery):
    report = recovery.report(
        DEC_1, DEC_1, resolve_within=timedelta(days=30), yearly_limit=Money("10.00")
    )

    assert report.causes[0].resolved_in_time == 2
    assert report.nearest_limit[0].headroom == Money("2.00")


def test_a_reopened_incident_is_not_resolved_until_it_is_again(plan, desk, patient):
    incident = _open(plan, desk, patient, at(9))
    plan.resolve_incident(incident, outcome="done", by=desk, now=at(9, 30))
    plan.reopen_incident(incident, reason="called again", by=desk, now=at(10))
    recovery = Recovery(plan)
    recovery.catch_up()

    (line,) = recovery.report(DEC_1, DEC_1).causes

    assert (line.opened, line.resolved) == (1, 0)
