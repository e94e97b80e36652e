"""How a late start ripples down a provider's day, checked on every kind of day hypothesis finds.

The cascade treats the provider's day as a queue: each visit starts at the later of its booked
time and the end of the visit before. The queue holds the visits booked from the delay's start
on, and the patients already checked in for an earlier time (they are waiting too); a patient
whose time passed without arriving is not waited for. These properties hold for any day,
overlapping bookings and early arrivals included; more hold on days without overlaps; and
DOMAIN.md's worked example holds exactly.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import pairwise
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st
from props_day import DESK, at, clinic_plan, clinic_times

from serviceplan import Channel, ContactPoints, FixedClock
from serviceplan.domain.cascade import Impact, QueuedVisit, project

MINUTES = st.integers(min_value=0, max_value=24 * 60)
LATE_FROM = clinic_times(time(7, 0), time(19, 0))
LENGTHS = st.integers(min_value=1, max_value=180)
PATEL_MORNING = ((8, 0, 30), (8, 30, 20), (8, 50, 60), (9, 50, 20), (10, 10, 30), (11, 30, 15))


def visit_at(start: datetime, length: int, draw: st.DrawFn) -> QueuedVisit:
    """A pending visit; about one in four of its patients has already checked in."""
    arrived = draw(st.sampled_from([False, False, False, True]))
    return QueuedVisit(draw(st.uuids()), draw(st.uuids()), start, length, arrived=arrived)


@st.composite
def any_day(draw: st.DrawFn) -> list[QueuedVisit]:
    """A provider's day as booked, double bookings and overlaps included."""
    starts = clinic_times(time(7, 0), time(18, 0))
    return [visit_at(draw(starts), draw(LENGTHS), draw) for _ in range(draw(st.integers(0, 12)))]


@st.composite
def day_without_overlaps(draw: st.DrawFn) -> list[QueuedVisit]:
    """A provider's day where each visit is booked to start after the one before ends."""
    day, start = [], at(7) + timedelta(minutes=draw(st.integers(0, 120)))
    for _ in range(draw(st.integers(0, 12))):
        length = draw(LENGTHS)
        day.append(visit_at(start, length, draw))
        start += timedelta(minutes=length + draw(st.sampled_from([0, 0, 5, 10, 30, 90])))
    return day


def waiting_early(visit: QueuedVisit, late_from: datetime) -> bool:
    """Say whether the patient checked in for a time before the delay's start, and still waits."""
    return visit.arrived and visit.start < late_from


def queue_from(day: list[QueuedVisit], late_from: datetime) -> list[QueuedVisit]:
    """The visits a delay from `late_from` can touch, in the order the provider sees them."""
    return sorted(
        (v for v in day if v.start >= late_from or waiting_early(v, late_from)),
        key=lambda v: (v.start, str(v.visit_id)),
    )


def projected(visit: QueuedVisit, impact: Impact) -> datetime:
    """When the visit is now expected to start: its slip's projection, else its booked time."""
    slip = impact.for_visit(visit.visit_id)
    return visit.start if slip is None else slip.projected_start


@given(any_day(), LATE_FROM, MINUTES)
def test_no_visit_is_projected_before_its_booked_start(
    day: list[QueuedVisit], late_from: datetime, minutes: int
) -> None:
    booked = {v.visit_id: v for v in day}
    for slip in project(day, late_from, minutes).slips:
        visit = booked[slip.visit_id]
        assert (slip.patient_id, slip.booked_start) == (visit.patient_id, visit.start)
        assert slip.projected_start > slip.booked_start
        assert slip.booked_start >= late_from or waiting_early(visit, late_from)
        assert slip.minutes > 0


@given(any_day(), LATE_FROM, MINUTES)
def test_a_patient_already_waiting_is_seen_no_sooner_than_the_provider_is_free(
    day: list[QueuedVisit], late_from: datetime, minutes: int
) -> None:
    impact = project(day, late_from, minutes)
    for visit in (v for v in day if waiting_early(v, late_from)):
        slip = impact.for_visit(visit.visit_id)
        assert slip is not None
        assert slip.projected_start >= late_from + timedelta(minutes=minutes)


@given(any_day(), LATE_FROM, MINUTES)
def test_a_patient_whose_time_passed_without_arriving_is_not_waited_for(
    day: list[QueuedVisit], late_from: datetime, minutes: int
) -> None:
    impact, queue = project(day, late_from, minutes), queue_from(day, late_from)
    assert {s.visit_id for s in impact.slips} <= {v.visit_id for v in queue}
    assert project([v for v in day if v in queue], late_from, minutes) == impact


@given(any_day(), LATE_FROM, MINUTES)
def test_projected_starts_keep_the_booked_order_and_never_overlap(
    day: list[QueuedVisit], late_from: datetime, minutes: int
) -> None:
    impact, queue = project(day, late_from, minutes), queue_from(day, late_from)
    for before, after in pairwise(queue):
        assert projected(after, impact) >= projected(before, impact)
        assert projected(after, impact) >= projected(before, impact) + timedelta(
            minutes=before.length
        )


@given(any_day(), LATE_FROM, MINUTES)
def test_a_visit_slips_exactly_when_the_queue_reaches_it(
    day: list[QueuedVisit], late_from: datetime, minutes: int
) -> None:
    """A gap absorbs the delay: a visit is affected only if the provider is still busy then."""
    impact = project(day, late_from, minutes)
    provider_free = late_from + timedelta(minutes=minutes)
    for visit in queue_from(day, late_from):
        assert (impact.for_visit(visit.visit_id) is not None) == (visit.start < provider_free)
        provider_free = projected(visit, impact) + timedelta(minutes=visit.length)


@given(any_day(), LATE_FROM, MINUTES)
def test_after_a_visit_the_delay_did_not_reach_the_day_runs_as_if_on_time(
    day: list[QueuedVisit], late_from: datetime, minutes: int
) -> None:
    late, on_time = project(day, late_from, minutes), project(day, late_from, 0)
    queue = queue_from(day, late_from)
    reached = [late.for_visit(v.visit_id) is not None for v in queue]
    if False in reached:
        for visit in queue[reached.index(False) :]:
            assert late.for_visit(visit.visit_id) == on_time.for_visit(visit.visit_id)


@given(any_day(), LATE_FROM, MINUTES, MINUTES)
def test_a_longer_delay_never_brings_a_visit_forward(
    day: list[QueuedVisit], late_from: datetime, some: int, more: int
) -> None:
    some, more = sorted((some, more))
    shorter, longer = project(day, late_from, some), project(day, late_from, more)
    for visit in day:
        assert projected(visit, shorter) <= projected(visit, longer)
    assert {s.visit_id for s in shorter.slips} <= {s.visit_id for s in longer.slips}


@given(any_day(), LATE_FROM, MINUTES)
def test_the_call_list_is_earliest_projected_start_first(
    day: list[QueuedVisit], late_from: datetime, minutes: int
) -> None:
    starts = [s.projected_start for s in project(day, late_from, minutes).slips]
    assert starts == sorted(starts)


@given(
    any_day().flatmap(lambda day: st.tuples(st.just(day), st.permutations(day))), LATE_FROM, MINUTES
)
def test_the_order_the_day_is_listed_in_does_not_matter(
    days: tuple[list[QueuedVisit], list[QueuedVisit]], late_from: datetime, minutes: int
) -> None:
    day, shuffled = days
    assert project(shuffled, late_from, minutes) == project(day, late_from, minutes)


@given(day_without_overlaps(), LATE_FROM)
def test_with_nobody_waiting_from_before_it_a_delay_of_zero_minutes_changes_nothing(
    day: list[QueuedVisit], late_from: datetime
) -> None:
    on_time = [v for v in day if not waiting_early(v, late_from)]
    assert project(on_time, late_from, 0) == Impact()


@given(day_without_overlaps(), LATE_FROM, MINUTES)
def test_on_a_day_without_overlaps_no_visit_slips_more_than_the_delay(
    day: list[QueuedVisit], late_from: datetime, minutes: int
) -> None:
    """Nobody waits from before the delay here: each visit's patient arrives on time, or not."""
    day = [v for v in day if not waiting_early(v, late_from)]
    impact, queue = project(day, late_from, minutes), queue_from(day, late_from)
    assert all(0 < slip.minutes <= minutes for slip in impact.slips)
    if queue:
        first = impact.for_visit(queue[0].visit_id)
        expected = (late_from + timedelta(minutes=minutes) - queue[0].start) // timedelta(minutes=1)
        assert (first.minutes if first else 0) == max(0, expected)


def patel_morning() -> list[QueuedVisit]:
    """Dr. Patel's morning as DOMAIN.md books it, for one patient's worth of ids."""
    patient = uuid4()
    return [QueuedVisit(uuid4(), patient, at(h, m), length) for h, m, length in PATEL_MORNING]


def test_dr_patels_morning_five_visits_slip_45_minutes_and_the_1130_hears_nothing() -> None:
    morning = patel_morning()
    impact = project(morning, at(8), 45)
    assert [(s.booked_start, s.projected_start, s.minutes) for s in impact.slips] == [
        (at(8, 0), at(8, 45), 45),
        (at(8, 30), at(9, 15), 45),
        (at(8, 50), at(9, 35), 45),
        (at(9, 50), at(10, 35), 45),
        (at(10, 10), at(10, 55), 45),
    ]
    assert impact.for_visit(morning[-1].visit_id) is None


def test_revised_to_60_minutes_five_slip_15_more_and_the_1130_slips_10() -> None:
    """Ten minutes is under the 15-minute threshold: the 11:30 patient still hears nothing."""
    morning = patel_morning()
    impact = project(morning, at(8), 60)
    assert [s.minutes for s in impact.slips] == [60, 60, 60, 60, 60, 10]
    assert impact.for_visit(morning[-1].visit_id).projected_start == at(11, 40)


def test_the_worked_example_through_the_plan() -> None:
    clock = FixedClock(at(7, 30))
    plan = clinic_plan(clock)
    patient = plan.register_patient(contact=ContactPoints(), preferred=Channel.PORTAL, by=DESK)
    visits = [
        plan.book_visit(
            patient, provider="dr-patel", visit_type="exam", start=at(h, m), length=n, by=DESK
        )
        for h, m, n in PATEL_MORNING
    ]
    clock.set(at(8))
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery", by=DESK
    )
    announced = plan.get_delay(delay).impact
    assert [s.visit_id for s in announced.slips] == visits[:5]
    assert {s.minutes for s in announced.slips} == {45}
    clock.set(at(9))
    plan.revise_delay(delay, minutes=60, by=DESK)
    revised = plan.get_delay(delay).impact
    assert [s.minutes for s in revised.slips] == [60, 60, 60, 60, 60, 10]


@given(any_day(), LATE_FROM, MINUTES, st.data())
def test_a_visit_started_when_projected_changes_nothing_for_anyone(
    day: list[QueuedVisit], late_from: datetime, minutes: int, data: st.DataObject
) -> None:
    """The provider takes the first patients as projected: the rest keep their estimates."""
    impact, queue = project(day, late_from, minutes), queue_from(day, late_from)
    started = data.draw(st.integers(0, len(queue)))
    seen = [(v, projected(v, impact)) for v in queue[:started]]
    waiting = [v for v in day if v not in queue[:started]]

    again = project(waiting, late_from, minutes, seen=seen)

    for visit in queue[started:]:
        assert again.for_visit(visit.visit_id) == impact.for_visit(visit.visit_id)
    assert all(again.for_visit(v.visit_id) is None for v, _ in seen)
