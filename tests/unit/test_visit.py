from datetime import timedelta
from uuid import uuid4

import pytest

from helpers import DAY, at, event_names, refused
from serviceplan import CancellationReason, Channel, VisitStatus
from serviceplan.domain.provider_day import provider_day_id
from serviceplan.errors import (
    InvalidInput,
    NotAllowedNow,
    PatientNotFound,
    VisitInPast,
    VisitNotFound,
)


@pytest.fixture
def visit(plan, desk, patient):
    """A 30-minute exam with Dr. Patel at 8:00, booked at 7:00."""
    return plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(8), length=30, by=desk
    )


def test_a_booked_visit_is_on_the_providers_day(plan, visit):
    booked = plan.get_visit(visit)
    assert booked.status is VisitStatus.BOOKED
    assert booked.end == at(8, 30)
    assert [v.id for v in plan.visits_of("dr-patel", DAY)] == [visit]
    assert plan.visits_of("dr-lee", DAY) == []


def test_a_visit_runs_from_check_in_to_completion(plan, desk, clock, visit):
    since = plan.event_count
    clock.set(at(7, 55))
    plan.check_in(visit, by=desk)
    clock.set(at(8, 5))
    plan.start_visit(visit, by=desk)
    clock.set(at(8, 40))
    plan.complete_visit(visit, by=desk)

    done = plan.get_visit(visit)
    assert done.status is VisitStatus.COMPLETED
    assert (done.checked_in_at, done.started_at, done.completed_at) == (
        at(7, 55),
        at(8, 5),
        at(8, 40),
    )
    assert event_names(plan, since) == ["CheckedIn", "Started", "Completed"]


def test_a_visit_cannot_be_booked_in_the_past(plan, desk, patient):
    with refused(plan, VisitInPast, match="in the past"):
        plan.book_visit(
            patient, provider="dr-patel", visit_type="exam", start=at(6), length=30, by=desk
        )


def test_a_visit_needs_a_known_patient(plan, desk):
    with refused(plan, PatientNotFound):
        plan.book_visit(
            uuid4(), provider="dr-patel", visit_type="exam", start=at(8), length=30, by=desk
        )


def test_a_visit_is_not_booked_for_a_record_that_is_not_a_patient(plan, desk, visit):
    with refused(plan, PatientNotFound, match=str(visit)):
        plan.book_visit(
            visit, provider="dr-patel", visit_type="exam", start=at(9), length=30, by=desk
        )


def test_a_long_known_patient_is_booked_without_reading_their_history(plan, desk, patient):
    for _ in range(3):
        plan.give_consent(patient, Channel.EMAIL, by=desk)
        plan.withdraw_consent(patient, Channel.EMAIL, by=desk)
    read = []
    select = plan.recorder.select_events

    def watched(originator_id, **options):
        read.append((originator_id, options.get("lte")))
        return select(originator_id, **options)

    plan.recorder.select_events = watched
    plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk)

    assert [lte for aggregate, lte in read if aggregate == patient] == [1]


def test_the_visits_of_a_day_are_read_together_in_booked_order(plan, desk, patient):
    starts = [at(10), at(8), at(9, 30), at(8)]
    booked = [
        plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=s, by=desk)
        for s in starts
    ]

    day = plan.visits_of("dr-patel", DAY)

    assert [v.start for v in day] == sorted(starts)
    assert sorted(v.id for v in day) == sorted(booked)
    assert [plan.get_visit(v.id) for v in day] == day
    assert not plan.recorded(provider_day_id("dr-patel", DAY))  # no record every booking writes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"length": 0}, "expected length"),
        ({"length": 24 * 60 + 1}, "expected length"),
        ({"length": "30"}, "whole number"),
        ({"provider": "Dr. Patel's room"}, "provider"),
        ({"visit_type": ""}, "visit type"),
        ({"start": at(8).replace(tzinfo=None)}, "timezone"),
    ],
)
def test_a_booking_with_bad_facts_is_refused(plan, desk, patient, changes, message):
    facts = {"provider": "dr-patel", "visit_type": "exam", "start": at(8), "length": 30}
    with refused(plan, InvalidInput, match=message):
        plan.book_visit(patient, by=desk, **(facts | changes))


def test_a_cancelled_visit_cannot_be_checked_in(plan, desk, visit):
    plan.cancel_visit(visit, reason=CancellationReason("pat-fb"), by=desk)

    with refused(plan, NotAllowedNow, match="cannot check in: the visit is cancelled"):
        plan.check_in(visit, by=desk)


def test_a_visit_never_started_cannot_be_completed(plan, desk, visit):
    plan.check_in(visit, by=desk)
    with refused(plan, NotAllowedNow, match="cannot complete: the visit is checked-in"):
        plan.complete_visit(visit, by=desk)


def test_a_visit_must_be_checked_in_before_it_starts(plan, desk, visit):
    with refused(plan, NotAllowedNow, match="cannot start"):
        plan.start_visit(visit, by=desk)


def test_a_cancellation_says_whether_the_office_caused_it(plan, desk, patient, visit):
    plan.cancel_visit(visit, reason=CancellationReason("prov-hosp"), by=desk)
    assert plan.get_visit(visit).office_caused_change

    other = plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(9), length=30, by=desk
    )
    plan.cancel_visit(other, reason=CancellationReason("pat-lt"), by=desk)
    assert not plan.get_visit(other).office_caused_change


def test_a_cancellation_needs_a_coded_reason(plan, desk, visit):
    with refused(plan, InvalidInput, match="CancellationReason"):
        plan.cancel_visit(visit, reason="patient felt better", by=desk)


def test_a_no_show_is_recorded_only_once_the_visit_is_due(plan, desk, clock, visit):
    with refused(plan, NotAllowedNow, match="not yet due"):
        plan.mark_no_show(visit, by=desk)

    clock.set(at(8, 20))
    plan.mark_no_show(visit, by=desk)
    assert plan.get_visit(visit).status is VisitStatus.NO_SHOW


def test_a_rescheduled_visit_links_to_its_new_visit_both_ways(plan, desk, visit):
    tomorrow = at(8) + timedelta(days=1)

    new = plan.reschedule_visit(
        visit, start=tomorrow, reason=CancellationReason("prov-edu"), by=desk
    )

    old, moved = plan.get_visit(visit), plan.get_visit(new)
    assert old.status is VisitStatus.RESCHEDULED
    assert old.rescheduled_to == new
    assert moved.rescheduled_from == visit
    assert (moved.start, moved.length, moved.patient_id) == (tomorrow, 30, old.patient_id)
    assert [v.id for v in plan.visits_of("dr-patel", tomorrow.date())] == [new]
    assert old.office_caused_change


def test_a_visit_can_move_to_another_provider(plan, desk, visit):
    new = plan.reschedule_visit(
        visit, start=at(10), provider="dr-lee", reason=CancellationReason("pat-cpp"), by=desk
    )
    assert plan.get_visit(new).provider == "dr-lee"
    assert [v.id for v in plan.visits_of("dr-lee", DAY)] == [new]


def test_a_completed_visit_cannot_be_rescheduled(plan, desk, visit):
    plan.check_in(visit, by=desk)
    plan.start_visit(visit, by=desk)
    plan.complete_visit(visit, by=desk)
    with refused(plan, NotAllowedNow, match="reschedule"):
        plan.reschedule_visit(visit, start=at(11), reason=CancellationReason("pat-fb"), by=desk)


def test_an_unknown_visit_is_reported_by_id(plan, desk):
    with refused(plan, VisitNotFound):
        plan.check_in(uuid4(), by=desk)


def test_a_patient_id_is_not_a_visit_id(plan, desk, patient):
    with refused(plan, VisitNotFound):
        plan.check_in(patient, by=desk)


def test_the_providers_day_follows_the_clinics_zone(plan, desk, patient):
    late_evening = at(23, 30)  # 04:30 the next day in UTC
    plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=late_evening, length=15, by=desk
    )
    assert len(plan.visits_of("dr-patel", DAY)) == 1


def test_a_booking_from_a_feed_keeps_the_appointment_id_stable(plan, desk, patient):
    from serviceplan import visit_id_for  # noqa: PLC0415

    visit = plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk, external_id="A-17"
    )
    assert visit == visit_id_for("A-17")
    with refused(plan, InvalidInput, match="already booked"):
        plan.book_visit(
            patient,
            provider="dr-patel",
            visit_type="exam",
            start=at(9),
            by=desk,
            external_id="A-17",
        )


def test_the_current_visit_follows_every_move(plan, desk, visit):
    moved = plan.reschedule_visit(
        visit, start=at(10), reason=CancellationReason("pat-cpp"), by=desk
    )
    again = plan.reschedule_visit(
        moved, start=at(11), reason=CancellationReason("pat-cpp"), by=desk
    )
    assert plan.current_visit(visit).id == again
    assert plan.current_visit(again).id == again
