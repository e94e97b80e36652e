"""What every state machine of the clinic's day shares.

A plan on the in-memory store that keeps what its commands saved in memory, a clock that only
moves forward, the staff at the desk, and the two checks every step ends with: a refused command
records nothing, and the record rebuilt from its stored events equals the one in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from serviceplan import FixedClock, ServicePlan, Settings, Staff, memory_store
from serviceplan.errors import ServicePlanError

CLINIC_ZONE = ZoneInfo("America/New_York")
DAY = date(2026, 12, 1)

DESK = Staff("desk-ana", "front-desk")
TECH = Staff("tech-raj", "technician")
MANAGER = Staff("mgr-lee", "manager")
STAFF = st.sampled_from([DESK, TECH, MANAGER])


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """A time of the clinic's day, in the clinic's zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=CLINIC_ZONE)


def clinic_plan(clock: FixedClock) -> ServicePlan:
    """A plan on the in-memory store whose cache holds exactly what each command saved.

    The cache is not fast-forwarded from the store, so the record in it is the object the last
    command changed in memory: the "live" record the stored events must rebuild.
    """
    env = {
        **memory_store(),
        "AGGREGATE_CACHE_MAXSIZE": "100000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
    }
    return ServicePlan(env, clock=clock, settings=Settings(timezone=CLINIC_ZONE))


def replayed(plan: ServicePlan, record_id: UUID) -> Any:
    """Rebuild a record from nothing but its stored events, one event at a time."""
    record = None
    for event in plan.events.get(record_id):
        record = event.mutate(record)
    assert record is not None, f"no stored events for {record_id}"
    return record


class ClinicMachine(RuleBasedStateMachine):
    """A clinic's day on one plan: subclasses add the commands and the plain model."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(at(7, 0))
        self.plan = clinic_plan(self.clock)

    @contextmanager
    def refused(self, error: type[ServicePlanError]) -> Iterator[None]:
        """Expect the command to be refused with `error` and to record nothing at all."""
        before = self.plan.event_count
        with pytest.raises(error):
            yield
        assert self.plan.event_count == before, "a refused command recorded an event"

    def live(self, record_id: UUID) -> Any:
        """Return the record in memory, after checking its stored events rebuild it exactly."""
        in_memory = self.plan.repository.cache.get(record_id)
        assert replayed(self.plan, record_id) == in_memory
        return in_memory

    @precondition(lambda self: self.clock.now < at(20, 0))
    @rule(minutes=st.integers(min_value=5, max_value=90))
    def time_passes(self, minutes: int) -> None:
        """The day moves on; the clock never goes back."""
        self.clock.advance(minutes)


def clinic_times(first: time = time(7, 0), last: time = time(19, 0)) -> st.SearchStrategy[datetime]:
    """Times of the clinic's day on the five-minute grid a schedule uses."""
    span = (datetime.combine(DAY, last) - datetime.combine(DAY, first)) // timedelta(minutes=5)
    opening = at(first.hour, first.minute)
    return st.integers(min_value=0, max_value=span).map(
        lambda n: opening + timedelta(minutes=5 * n)
    )
