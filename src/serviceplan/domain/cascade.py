"""How a late start ripples down a provider's day.

A provider who is late is a queue that starts late: each visit starts at the later of its booked
time and the end of the visit before it. Gaps in the day absorb the delay.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

import attrs


@attrs.frozen
class QueuedVisit:
    """A pending visit as the cascade sees it: when it was booked to start and how long it takes."""

    visit_id: UUID
    patient_id: UUID
    start: datetime
    length: int
    arrived: bool = False


@attrs.frozen
class Slip:
    """One visit that will start later than booked."""

    visit_id: UUID
    patient_id: UUID
    booked_start: datetime
    projected_start: datetime

    @property
    def minutes(self) -> int:
        """How many minutes the visit slips."""
        return int((self.projected_start - self.booked_start).total_seconds() // 60)


def _slips(value: Iterable[Slip]) -> tuple[Slip, ...]:
    return tuple(sorted(value, key=lambda s: (s.projected_start, s.booked_start, str(s.visit_id))))


@attrs.frozen
class Impact:
    """The visits a delay pushes back, earliest projected start first: the desk's call list."""

    slips: tuple[Slip, ...] = attrs.field(default=(), converter=_slips)

    def __len__(self) -> int:
        return len(self.slips)

    def for_visit(self, visit_id: UUID) -> Slip | None:
        """Return the slip of one visit, or None if the delay does not touch it."""
        return next((s for s in self.slips if s.visit_id == visit_id), None)


def project(
    queue: Iterable[QueuedVisit],
    late_from: datetime,
    minutes: int,
    seen: Iterable[tuple[QueuedVisit, datetime]] = (),
) -> Impact:
    """Work out which visits slip when the provider is `minutes` late from `late_from`.

    The queue holds the visits booked from `late_from` on, and the patients already checked in
    for an earlier time (they are waiting too); a booked patient whose time has passed without
    arriving is not waited for. `seen` holds the visits the provider has already started, each
    with the time it started (or was projected to): in booking order they come before a waiting
    patient booked for the same time, take their time from when they started, and never slip.
    """
    cursor = late_from + timedelta(minutes=minutes)
    slips = []
    waiting = [(v.start, 1, str(v.visit_id), v, v.start) for v in queue]
    started = [(v.start, 0, str(v.visit_id), v, at) for v, at in seen]
    for _, waits, _, visit, began in sorted(waiting + started, key=lambda t: t[:3]):
        if not waits:
            cursor = max(cursor, began + timedelta(minutes=visit.length))
            continue
        if visit.start < late_from and not visit.arrived:
            continue
        projected = max(visit.start, cursor)
        if projected > visit.start:
            slips.append(Slip(visit.visit_id, visit.patient_id, visit.start, projected))
        cursor = projected + timedelta(minutes=visit.length)
    return Impact(slips)
