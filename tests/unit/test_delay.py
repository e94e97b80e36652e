from datetime import timedelta
from uuid import uuid4

import pytest

from helpers import at, event_names, refused
from serviceplan import CancellationReason
from serviceplan.errors import DelayAlreadyResolved, DelayNotFound, InvalidInput

DR_PATELS_MORNING = [(8, 0, 30), (8, 30, 20), (8, 50, 60), (9, 50, 20), (10, 10, 30), (11, 30, 15)]


@pytest.fixture
def morning(plan, desk, patient):
    """Dr. Patel's booked morning from DOMAIN.md's worked cascade."""
    return [
        plan.book_visit(
            patient, provider="dr-patel", visit_type="exam", start=at(h, m), length=n, by=desk
        )
        for h, m, n in DR_PATELS_MORNING
    ]


def announce(plan, desk, minutes=45):
    return plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=minutes, reason="back late from surgery",
        by=desk,
    )  # fmt: skip


def test_a_late_surgeon_slips_five_visits_and_the_gap_absorbs_the_sixth(plan, desk, morning):
    delay = plan.get_delay(announce(plan, desk))

    slips = delay.impact.slips
    assert [s.visit_id for s in slips] == morning[:5]
    assert [s.projected_start for s in slips] == [
        at(8, 45), at(9, 15), at(9, 35), at(10, 35), at(10, 55),
    ]  # fmt: skip
    assert {s.minutes for s in slips} == {45}
    assert delay.impact.for_visit(morning[5]) is None


def test_a_revision_projects_again_and_each_slips_fifteen_more(plan, desk, clock, morning):
    delay_id = announce(plan, desk)
    clock.set(at(9))

    plan.revise_delay(delay_id, minutes=60, by=desk)

    delay = plan.get_delay(delay_id)
    assert delay.minutes == 60
    assert [s.minutes for s in delay.impact.slips[:5]] == [60] * 5
    assert delay.impact.for_visit(morning[5]).projected_start == at(11, 40)
    assert "Revised" in event_names(plan)[-11:]


@pytest.mark.usefixtures("morning")
def test_a_revision_to_zero_minutes_leaves_nobody_affected(plan, desk):
    delay_id = announce(plan, desk)
    plan.revise_delay(delay_id, minutes=0, by=desk)
    assert len(plan.get_delay(delay_id).impact) == 0


def test_visits_cancelled_or_underway_are_skipped_by_the_cascade(plan, desk, morning):
    plan.cancel_visit(morning[1], reason=CancellationReason("pat-fb"), by=desk)
    plan.reschedule_visit(morning[2], start=at(13), reason=CancellationReason("prov-hosp"), by=desk)

    delay = plan.get_delay(announce(plan, desk))

    affected = [s.visit_id for s in delay.impact.slips]
    assert morning[1] not in affected
    assert morning[2] not in affected
    assert affected == [morning[0]]  # the freed hour absorbs the rest


@pytest.mark.usefixtures("morning")
def test_other_providers_are_not_affected(plan, desk, patient):
    other = plan.book_visit(
        patient, provider="dr-lee", visit_type="exam", start=at(8), length=30, by=desk
    )
    delay = plan.get_delay(announce(plan, desk))
    assert delay.impact.for_visit(other) is None


def test_a_delay_with_no_visits_is_recorded_with_no_impact(plan, desk):
    delay = plan.get_delay(announce(plan, desk))
    assert len(delay.impact) == 0
    assert delay.provider == "dr-patel"
    assert delay.day == at(8).date()


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, "45", 4.5, True])
def test_a_delay_needs_a_sensible_number_of_minutes(plan, desk, minutes):
    with refused(plan, InvalidInput):
        announce(plan, desk, minutes=minutes)


def test_a_delay_needs_a_reason(plan, desk):
    with refused(plan, InvalidInput, match="reason"):
        plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=10, reason=" ", by=desk)


@pytest.mark.usefixtures("morning")
def test_a_resolved_delay_cannot_be_revised_or_resolved_again(plan, desk, clock):
    delay_id = announce(plan, desk)
    clock.set(at(10))
    plan.resolve_delay(delay_id, by=desk)
    assert plan.get_delay(delay_id).is_resolved

    with refused(plan, DelayAlreadyResolved, match="cannot revise"):
        plan.revise_delay(delay_id, minutes=60, by=desk)
    with refused(plan, DelayAlreadyResolved, match="cannot resolve"):
        plan.resolve_delay(delay_id, by=desk)


@pytest.mark.usefixtures("morning")
def test_a_revision_beyond_a_day_is_refused(plan, desk):
    delay_id = announce(plan, desk)
    with refused(plan, InvalidInput):
        plan.revise_delay(delay_id, minutes=24 * 60 + 1, by=desk)


def test_an_unknown_delay_is_reported(plan, desk):
    with refused(plan, DelayNotFound):
        plan.resolve_delay(uuid4(), by=desk)


def test_visits_booked_before_the_late_start_are_not_pushed(plan, desk, patient):
    early = plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(7, 30), length=30, by=desk
    )
    late_from = at(7, 30) + timedelta(minutes=30)
    delay_id = plan.announce_delay(
        provider="dr-patel", late_from=late_from, minutes=20, reason="running behind", by=desk
    )
    assert plan.get_delay(delay_id).impact.for_visit(early) is None
