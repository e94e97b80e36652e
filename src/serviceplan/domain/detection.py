"""Don't wait to be told: signs in the clinic's own events that a provider is running late.

A visit in progress running past its expected length, or a provider's first visit not started
some minutes after its time, is a delay in the making. Detection works only on the times given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

import attrs

from serviceplan.domain.visit import Visit, VisitStatus


@attrs.frozen
class DelaySign:
    """A proposed delay: late from when, by about how much, and what showed it."""

    provider: str
    late_from: datetime
    minutes: int
    why: str


def _round_up(delta: timedelta, step: int = 5) -> int:
    return max(step, step * math.ceil(delta.total_seconds() / 60 / step))


def overrun(visits: Sequence[Visit], now: datetime, after: int) -> DelaySign | None:
    """Propose a delay when the visit in progress has run `after` minutes past its length."""
    for visit in visits:
        if visit.status is VisitStatus.STARTED and visit.started_at is not None:
            expected_end = visit.started_at + timedelta(minutes=visit.length)
            over = now - expected_end
            if over >= timedelta(minutes=after):
                why = f"the visit in progress is {int(over.total_seconds() // 60)} minutes over"
                return DelaySign(visit.provider, now, _round_up(over), why)
    return None


def late_first_visit(visits: Sequence[Visit], now: datetime, grace: int) -> DelaySign | None:
    """Propose a delay when the day's first visit has not started `grace` minutes after its time."""
    if any(v.started_at is not None for v in visits):
        return None
    waiting = [v for v in visits if v.is_pending]
    if not waiting:
        return None
    first = min(waiting, key=lambda v: v.start)
    late = now - first.start
    if late < timedelta(minutes=grace):
        return None
    why = (
        f"the first visit has not started {int(late.total_seconds() // 60)} minutes after its time"
    )
    return DelaySign(first.provider, first.start, _round_up(late), why)


def detect(
    visits: Sequence[Visit], now: datetime, *, overrun_after: int, first_visit_grace: int
) -> DelaySign | None:
    """Return the first sign of a delay in a provider's day, or None when it runs on time."""
    return overrun(visits, now, overrun_after) or late_first_visit(visits, now, first_visit_grace)
