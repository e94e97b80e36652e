"""Workload 2, the delay cascade: announce a delay that pushes back 100, 1,000, 10,000 visits.

One provider's long schedule per size, written straight through the application's own `save`
(booking 10,000 visits one command at a time would measure booking, not the cascade), each visit
for its own patient who consented to texts. The figure is `announce_delay`: the impact worked
out from the stored day, and a delay notice owed to every patient, saved in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

from bench.harness import Row, Took, interleaved, row, stopwatch
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    Patient,
    PhoneNumber,
    ServicePlan,
    Staff,
    Visit,
)
from serviceplan.domain.provider_day import ProviderDay

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
        Visit(
            patient_id=patients[n].id,
            provider=room(size),
            visit_type="exam",
            start=DAY + timedelta(minutes=n * spacing or n * MINUTES_IN_DAY // size),
            length=max(1, spacing),
            at=booked_at,
            by=DESK,
            rescheduled_from=None,
        )
        for n in range(size)
    ]
    day = ProviderDay(provider=room(size), day=DAY.date())
    for visit in visits:
        day.add_visit(visit.id)
    for start in range(0, size, BATCH):
        plan.save(*patients[start : start + BATCH])
        plan.save(*visits[start : start + BATCH])
    plan.save(day)


def _patient(n: int, at: datetime) -> Patient:
    """A patient who consented to texts, so each slipped visit owes a delay notice."""
    phone = PhoneNumber(f"+1555{n:07d}")
    patient = Patient(
        contact=ContactPoints(phone), preferred=Channel.SMS, language="en", at=at, by=DESK
    )
    patient.give_consent(channel=Channel.SMS, at=at, by=DESK)
    return patient


def announce(plan: ServicePlan, size: int) -> Took:
    """Announce a delay from midnight on the room's day; return the seconds it took."""
    with stopwatch() as took:
        delay_id = plan.announce_delay(
            provider=room(size), late_from=DAY, minutes=LATE_BY, reason="equipment down", by=DESK
        )
    affected = len(plan.get_delay(delay_id).impact)
    if affected != size:
        raise RuntimeError(f"the delay reached {affected} visits, not {size}")
    return took


def rows(plan: ServicePlan, sizes: Sequence[int], repeats: int) -> list[Row]:
    """Return the time to announce at each size, and the growth between the last two sizes."""
    for size in sizes:
        fill_day(plan, size)
    medians = interleaved({str(s): partial(announce, plan, s) for s in sizes}, repeats)
    found = [
        row(f"delay cascade, {s:,} visits affected: announce (impact + save, one transaction)",
            medians[str(s)].wall * 1000, "ms")
        for s in sizes
    ]  # fmt: skip
    found += [
        row(f"delay cascade, {s:,} visits affected: announce, CPU time",
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


def plan_at(env: dict[str, str]) -> ServicePlan:
    """Return a plan on `env` whose clock stands the day before the schedule."""
    return ServicePlan(env, clock=FixedClock(DAY - timedelta(hours=1)))
