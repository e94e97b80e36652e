"""What every state machine of the clinic's day shares.

A plan on the in-memory store that keeps what its commands saved in memory, a clock that only
moves forward, the staff at the desk and what each role may do, and the two checks every step ends
with: a refused command records nothing, and the record rebuilt from its stored events equals the
one in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from serviceplan import FixedClock, Money, OfferingKind, ServicePlan, Settings, Staff, memory_store
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.errors import NotPermitted, ServicePlanError
from serviceplan.plugins.builtin.inventory import StockRoom
from serviceplan.plugins.records import StockItem

CLINIC_ZONE = ZoneInfo("America/New_York")
DAY = date(2026, 12, 1)

DESK = Staff("desk-ana", "front-desk")
TECH = Staff("tech-raj", "technician")
MANAGER = Staff("mgr-lee", "manager")
PHYSICIAN = Staff("dr-patel", "physician")
VOLUNTEER = Staff("vol-kim", "volunteer")
"""A role the clinic never configured: it may do nothing at all."""
STAFF = st.sampled_from([DESK, TECH, MANAGER, PHYSICIAN])

YES = EmpowermentCheck(good_for_patient=True, good_for_practice=True, can_take_care_of_it=True)
ANSWERS = st.just(YES) | st.builds(EmpowermentCheck, st.booleans(), st.booleans(), st.booleans())
"""A staff member's answers to the three questions: often three yeses, any mix otherwise."""

OWN_LIMIT = {
    "manager": Money("15.00"), "physician": Money("15.00"), "front-desk": Money("10.00"),
    "technician": Money("0"),
}  # fmt: skip
"""What each role may spend on its own authority (docs/plays.md, "Who may do what")."""


def is_manager(by: Staff) -> bool:
    """Say whether `by` may make the manager's decisions: over a limit, held steps, escalations."""
    return by.role == "manager"


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """A time of the clinic's day, in the clinic's zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=CLINIC_ZONE)


def clinic_plan(clock: FixedClock, **rules: Any) -> ServicePlan:
    """A plan on the in-memory store whose cache holds exactly what each command saved.

    The cache is not fast-forwarded from the store, so the record in it is the object the last
    command changed in memory: the "live" record the stored events must rebuild. Only the
    built-in plugins are loaded, so the playbook is the documented one whatever is installed.
    """
    env = {
        **memory_store(),
        "AGGREGATE_CACHE_MAXSIZE": "100000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
    }
    settings = Settings(timezone=CLINIC_ZONE, **rules)
    return ServicePlan(
        env, clock=clock, settings=settings, entry_points=False, plugins=[StockRoom(AMPLE_STOCK)]
    )


AMPLE_STOCK = tuple(
    StockItem(code, kind, f"{code} for the machines", Money("15.00"), 100_000)
    for code, kind in [
        ("cafe-card-10", OfferingKind.RESTAURANT_GIFT_CARD),
        ("mug", OfferingKind.SWAG),
        ("lunch-voucher", OfferingKind.LUNCH),
        ("first-slot", OfferingKind.FIRST_MORNING_SLOT),
    ]
)
"""Stock that never runs out, so the machines test the limits, not the stock room."""


def replayed(plan: ServicePlan, record_id: UUID) -> Any:
    """Rebuild a record from nothing but its stored events, one event at a time."""
    record = None
    for event in plan.events.get(record_id):
        record = event.mutate(record)
    assert record is not None, f"no stored events for {record_id}"
    return record


class ClinicMachine(RuleBasedStateMachine):
    """A clinic's day on one plan: subclasses add the commands and the plain model."""

    clinic_rules: ClassVar[dict[str, Any]] = {}
    """The clinic's own settings for this machine (`Settings` fields)."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(at(7, 0))
        self.plan = clinic_plan(self.clock, **self.clinic_rules)

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

    def refused_to_a_volunteer(self, command: Callable[[Staff], object]) -> None:
        """Run `command` as a role nobody configured: refused, whatever it is, nothing recorded."""
        with self.refused(NotPermitted):
            command(VOLUNTEER)

    def advance_until(self, minutes: int, until: datetime) -> None:
        """Move the clock on by `minutes`, but not past `until`; it never goes back.

        A cap instead of a precondition: a time rule is always valid, so hypothesis never
        throws away a sequence whose only enabled rules are time rules past their limit.
        """
        self.clock.set(max(self.clock.now, min(self.clock.now + timedelta(minutes=minutes), until)))

    @rule(minutes=st.integers(min_value=5, max_value=90))
    def time_passes(self, minutes: int) -> None:
        """The day moves on, until the evening."""
        self.advance_until(minutes, at(20, 0))


def clinic_times(first: time = time(7, 0), last: time = time(19, 0)) -> st.SearchStrategy[datetime]:
    """Times of the clinic's day on the five-minute grid a schedule uses."""
    span = (datetime.combine(DAY, last) - datetime.combine(DAY, first)) // timedelta(minutes=5)
    opening = at(first.hour, first.minute)
    return st.integers(min_value=0, max_value=span).map(
        lambda n: opening + timedelta(minutes=5 * n)
    )
