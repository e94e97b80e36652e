"""The demo's clinic: its staff, its morning, and the routine of a day (check in, start, end).

The story in `serviceplan.demo` drives the unusual moments; this module keeps the ordinary ones
ticking underneath, in time order, so the day on the board looks like a real one.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from itertools import count
from uuid import UUID
from zoneinfo import ZoneInfo

import attrs

from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Staff,
    VisitStatus,
)

CLINIC_ZONE = ZoneInfo("America/New_York")
DAY = datetime(2026, 12, 1, tzinfo=CLINIC_ZONE)
DESK = Staff("desk-ana", "front-desk")
MANAGER = Staff("mgr-lee", "manager")
TECH = Staff("tech-sol", "technician")

PATEL = "dr-patel"
PATEL_MORNING = [
    (8, 0, 30, "exam"),
    (8, 30, 20, "follow-up"),
    (8, 50, 60, "cataract-preop"),
    (9, 50, 20, "dilated-exam"),
    (10, 10, 30, "visual-field"),
    (11, 30, 15, "follow-up"),
]


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """Return a time on the demo day (or `days` after it), in the clinic's zone."""
    day = DAY.date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=CLINIC_ZONE)


@attrs.frozen
class Booking:
    """One visit on the demo morning."""

    provider: str
    start: datetime
    length: int
    visit_type: str


def morning(rng: random.Random) -> list[Booking]:
    """Return the morning: Dr. Patel's worked example, and two providers shaped by the seed."""
    bookings = [Booking(PATEL, at(h, m), n, kind) for h, m, n, kind in PATEL_MORNING]
    cursor = at(8, 0)
    for _ in range(5):
        length = rng.choice([15, 20, 30])
        bookings.append(Booking("dr-okafor", cursor, length, rng.choice(["exam", "follow-up"])))
        cursor += timedelta(minutes=length + rng.choice([0, 0, 10]))
    cursor = at(8, rng.choice([10, 15, 20]))
    for _ in range(3):
        bookings.append(Booking("tech-rivera", cursor, 20, "visual-field"))
        cursor += timedelta(minutes=rng.choice([20, 25, 30]))
    return bookings


def register(plan: ServicePlan, number: int) -> UUID:
    """Register patient `number` (by chart number) with a phone and consent to texts."""
    contact = ContactPoints(
        PhoneNumber(f"+1555555{number:04d}"), EmailAddress(f"patient{number}@example.org")
    )
    pid = plan.register_patient(
        contact=contact, preferred=Channel.SMS, by=DESK, external_id=f"chart-{number}"
    )
    plan.give_consent(pid, Channel.SMS, by=DESK)
    return pid


class Routine:
    """The ordinary moves of the day, run in time order as the story's clock moves on."""

    def __init__(self, plan: ServicePlan, clock: FixedClock) -> None:
        self.plan = plan
        self.clock = clock
        self._queue: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = count()

    def add(self, when: datetime, action: Callable[[], None]) -> None:
        """Run `action` at `when`."""
        heapq.heappush(self._queue, (max(when, self.clock()), next(self._order), action))

    def visit(
        self, visit_id: UUID, check_in: datetime | None, start: datetime, length: int
    ) -> None:
        """Run a visit: the patient checks in (unless already here), is seen, and leaves."""
        by = TECH if self.plan.get_visit(visit_id).provider.startswith("tech") else DESK
        if check_in is not None:
            self.add(check_in, lambda: self.plan.check_in(visit_id, by=DESK))
        self.add(start, lambda: self.plan.start_visit(visit_id, by=by))
        self.add(
            start + timedelta(minutes=length), lambda: self.plan.complete_visit(visit_id, by=by)
        )

    def until(self, moment: datetime) -> None:
        """Run everything due up to `moment`, then leave the clock there."""
        while self._queue and self._queue[0][0] <= moment:
            when, _, action = heapq.heappop(self._queue)
            self.clock.set(when)
            action()
        self.clock.set(moment)

    def later(self, minutes: int) -> None:
        """Let `minutes` pass, running whatever falls due meanwhile."""
        self.until(self.clock() + timedelta(minutes=minutes))

    def run_queue(self, bookings: list[tuple[UUID, datetime, int]], ready: datetime) -> None:
        """Run one provider's visits back to back, none before `ready` or its booked start."""
        cursor = ready
        for visit_id, booked, length in sorted(bookings, key=lambda b: b[1]):
            start = max(booked, cursor)
            here = self.plan.get_visit(visit_id).status is not VisitStatus.BOOKED
            self.visit(visit_id, None if here else start - timedelta(minutes=10), start, length)
            cursor = start + timedelta(minutes=length)
