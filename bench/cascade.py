"""Workload 2, the delay cascade: announce a delay that pushes back 100, 1,000, 10,000 visits.

One provider's long schedule per size, written straight through the application's own `save`
(booking 10,000 visits one command at a time would measure booking, not the cascade), each visit
for its own patient who consented to texts; the schedule and notice indexes are caught up with
it before any figure. The figure is `announce_delay` as a clinic calls it (`inline=True`, the
default): the impact worked out from the provider's day and recorded with the delay, then the
`DelayNotices` policy owing a delay notice to every patient, before the call returns.

Each announcement of a repeat is later than the one before by `LATE_BY` minutes, so every
patient's estimate moves by more than the material slip again and each repeat owes the same
notices: the same work every time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import count
from uuid import UUID

from bench.harness import Row, Took, interleaved, row, stopwatch
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    Patient,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    Visit,
)

DAY = datetime(2030, 1, 7, tzinfo=UTC)
DESK = Staff("desk-ana", "front-desk")
MINUTES_IN_DAY = 24 * 60
LATE_BY = 30
BATCH = 2000


def room(size: int) -> str:
    """Name the provider whose day holds `size` visits."""
    return f"room-{size}"


def fill_day(plan: ServicePlan, size: int) -> None:
    """Write a day of `size` pending visits with no gaps, so a delay at midnight reaches all.

    Up to 1,440 visits share the day evenly, each as long as its slot; beyond that the day is
    overbooked with one-minute visits (a room or a device queue, not a physician).
    """
    spacing = MINUTES_IN_DAY // size
    booked_at = DAY - timedelta(days=1)
    patients = [_patient(n, booked_at) for n in range(size)]
    visits = [
        Visit.book(
            patient_id=patients[n].id,
            provider=room(size),
            visit_type="exam",
            start=DAY + timedelta(minutes=n * spacing or n * MINUTES_IN_DAY // size),
            length=max(1, spacing),
            at=booked_at,
            by=DESK,
        )
        for n in range(size)
    ]
    for start in range(0, size, BATCH):
        plan.save(*patients[start : start + BATCH])
        plan.save(*visits[start : start + BATCH])
    caught_up(plan)


def caught_up(plan: ServicePlan) -> None:
    """Bring the plan's indexes up to the log (set-up, outside any figure)."""
    plan.schedule.catch_up()
    plan.notice_index.catch_up()


def _patient(n: int, at: datetime) -> Patient:
    """A patient who consented to texts, so each slipped visit owes a delay notice."""
    phone = PhoneNumber(f"+1555{n:07d}")
    patient = Patient.register(
        contact=ContactPoints(phone), preferred=Channel.SMS, language="en", at=at, by=DESK
    )
    patient.give_consent(channel=Channel.SMS, at=at, by=DESK)
    return patient


def announce(plan: ServicePlan, size: int, lateness: Iterator[int]) -> Took:
    """Announce a delay from midnight on the room's day and owe its notices; time it.

    Outside the figure: every visit must slip and every patient be owed a notice of this
    delay, and the delay is resolved and the notice index caught up for the next repeat.
    """
    minutes = next(lateness)
    with stopwatch() as took:
        delay_id = plan.announce_delay(
            provider=room(size), late_from=DAY, minutes=minutes, reason="equipment down", by=DESK
        )
    check_announced(plan, delay_id, size)
    plan.resolve_delay(delay_id, by=DESK)
    caught_up(plan)
    return took


def check_announced(plan: ServicePlan, delay_id: UUID, size: int) -> None:
    """Refuse a run whose delay did not reach every visit or owe every patient a notice."""
    affected = len(plan.get_delay(delay_id).impact.slips)
    told = len(plan.notice_index.told_of(delay_id))
    if affected != size or told != size:
        msg = f"the delay reached {affected} visits and owed {told} notices, not {size}"
        raise RuntimeError(msg)


def lateness() -> Iterator[int]:
    """Yield each announcement's minutes: later each time, so every estimate moves again."""
    return (LATE_BY * n for n in count(1))


def rows(plan: ServicePlan, sizes: Sequence[int], repeats: int) -> list[Row]:
    """Return the time to announce at each size, and the growth between the last two sizes."""
    for size in sizes:
        fill_day(plan, size)
    medians = interleaved({str(s): partial(announce, plan, s, lateness()) for s in sizes}, repeats)
    found = [
        row(f"delay cascade, {s:,} visits affected: announce, notices owed inline (the default)",
            medians[str(s)].wall * 1000, "ms")
        for s in sizes
    ]  # fmt: skip
    found += [
        row(f"delay cascade, {s:,} visits affected: announce, notices owed inline, CPU time",
            medians[str(s)].cpu * 1000, "CPU ms")
        for s in sizes
    ]  # fmt: skip
    small, large = sizes[-2], sizes[-1]
    what = f"delay cascade growth, {small:,} to {large:,} visits (linear = {large // small})"
    found += [
        row(what, medians[str(large)].wall / medians[str(small)].wall, "x", large // small),
        row(f"{what}, CPU time", medians[str(large)].cpu / medians[str(small)].cpu, "x",
            large // small),
    ]  # fmt: skip
    return found


def plan_at(env: dict[str, str], *, inline: bool = True) -> ServicePlan:
    """Return a plan on `env` whose clock stands the day before the schedule."""
    return ServicePlan(
        env,
        clock=FixedClock(DAY - timedelta(hours=1)),
        inline=inline,
        settings=Settings(timezone=UTC),
    )
