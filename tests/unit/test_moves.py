from datetime import timedelta

import pytest

from helpers import DAY, at, event_names, refused
from serviceplan import (
    CancellationReason,
    Fault,
    Level,
    Money,
    Observation,
    OfferingKind,
    OfferingStatus,
    Topic,
    VisitStatus,
)
from serviceplan.errors import NotOfficeFault, OutOfStock, SlotUnavailable

OFFICE = CancellationReason("prov-hosp")
TOMORROW = DAY + timedelta(days=1)  # Wednesday 2 December 2026


@pytest.fixture
def visit(plan, desk, patient):
    return plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(10), by=desk)


@pytest.fixture
def office_fault(plan, desk, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="a long wait", by=desk
    )
    plan.determine_fault(incident, Fault.OFFICE, by=desk)
    return incident


def test_a_move_goes_through_the_scheduler_and_is_recorded(plan, desk, visit):
    new = plan.move_visit(visit, start=at(14), reason=OFFICE, by=desk)

    assert plan.get_visit(visit).status is VisitStatus.RESCHEDULED
    assert plan.get_visit(new).start == at(14)
    assert at(14) not in [s.start for s in plan.plugins.free_slots("dr-patel", at(8), at(17))]


def test_a_time_the_scheduler_cannot_give_is_refused_on_the_record_and_the_visit_stands(
    plan, desk, visit
):
    plan.move_visit(visit, start=at(14), reason=OFFICE, by=desk)
    other = plan.book_visit(
        plan.get_visit(visit).patient_id, provider="dr-patel", visit_type="exam", start=at(11),
        by=desk,
    )  # fmt: skip
    for taken in (at(14), at(12, 30)):  # another visit, then the lunch break
        since = plan.event_count
        with pytest.raises(SlotUnavailable, match="dr-patel"):
            plan.move_visit(other, start=taken, reason=OFFICE, by=desk)
        assert event_names(plan, since) == ["MoveRequested", "MoveRefused"]
        standing = plan.get_visit(other)
        assert (standing.status, standing.start) == (VisitStatus.BOOKED, at(11))
        assert standing.move_refused is not None


def test_a_visit_moved_through_the_scheduler_frees_its_old_time(plan, desk, visit):
    since = plan.event_count
    new = plan.move_visit(visit, start=at(14), reason=OFFICE, by=desk)

    assert event_names(plan, since) == ["MoveRequested", "Booked", "Rescheduled", "SchedulerTold"]
    free = [s.start for s in plan.plugins.free_slots("dr-patel", at(8), at(17))]
    assert at(10) in free
    assert at(14) not in free
    assert plan.get_visit(visit).rescheduled_to == new


def test_the_first_slot_of_a_morning_is_a_peace_offering_for_the_offices_fault(
    plan, desk, patient, visit, office_fault
):
    since = plan.event_count
    new = plan.move_to_first_slot(visit, incident_id=office_fault, reason=OFFICE, by=desk)

    moved = plan.get_visit(new)
    assert moved.start.astimezone(at(8).tzinfo) == at(8) + timedelta(days=1)
    assert event_names(plan, since)[:3] == ["MoveRequested", "Booked", "Rescheduled"]
    [offering_id] = [e.offering_id for e in plan.get_patient(patient).ledger]
    offering = plan.get_offering(offering_id)
    assert offering.kind is OfferingKind.FIRST_MORNING_SLOT
    assert offering.value == Money.zero()
    assert plan.first_slot_of_morning("dr-patel", TOMORROW) is None  # now taken


def test_the_first_slot_needs_the_offices_fault(plan, desk, patient, visit):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="a long wait", by=desk
    )
    with refused(plan, NotOfficeFault):
        plan.move_to_first_slot(visit, incident_id=incident, reason=OFFICE, by=desk)


def test_a_taken_first_slot_is_refused(plan, desk, patient, visit, office_fault):
    plan.move_to_first_slot(visit, incident_id=office_fault, reason=OFFICE, by=desk)
    other = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(15), by=desk)
    with refused(plan, SlotUnavailable, match="taken"):
        plan.move_to_first_slot(other, incident_id=office_fault, reason=OFFICE, by=desk)


def test_an_offering_holds_its_item_in_stock_and_gives_it_back_when_declined(
    plan, desk, manager, office_fault
):
    def mugs_left():
        return next(i.available for i in plan.plugins.offering_stock() if i.code == "mug")

    before = mugs_left()
    mug = plan.propose_offering(
        office_fault, kind=OfferingKind.SWAG, value=Money("8.00"), item="mug", by=desk
    )
    assert mugs_left() == before - 1
    plan.decline_offering(mug, by=desk)
    assert mugs_left() == before

    again = plan.propose_offering(
        office_fault, kind=OfferingKind.SWAG, value=Money("8.00"), item="mug", by=desk
    )
    plan.approve_offering(again, by=manager)
    plan.issue_offering(again, by=desk)
    assert plan.get_offering(again).status is OfferingStatus.ISSUED
    assert mugs_left() == before - 1


def test_an_item_out_of_stock_is_refused_and_nothing_recorded(plan, desk, office_fault):
    for _ in range(5):
        plan.propose_offering(
            office_fault, kind=OfferingKind.STORE_GIFT_CARD, value=Money("1.00"),
            item="bookshop-card", by=desk,
        )  # fmt: skip
    with refused(plan, OutOfStock):
        plan.propose_offering(
            office_fault, kind=OfferingKind.STORE_GIFT_CARD, value=Money("1.00"),
            item="bookshop-card", by=desk,
        )  # fmt: skip


def test_a_long_visit_moved_to_the_first_slot_is_prepared_for_again(
    plan, desk, patient, office_fault
):
    preop = plan.book_visit(
        patient, provider="dr-patel", visit_type="cataract-preop", start=at(13), by=desk
    )
    since = plan.event_count

    new = plan.move_to_first_slot(preop, incident_id=office_fault, reason=OFFICE, by=desk)

    assert plan.get_visit(new).flagged_long is not None
    assert "FlaggedLong" in event_names(plan, since)
    notices = plan.notices_of(patient)
    assert [(n.notice.kind.value, n.notice.visit_id) for n in notices] == [
        ("preparation", preop), ("preparation", new),
    ]  # fmt: skip
    assert len(plan.get_patient(patient).ledger) == 1  # and the slot is on the ledger
