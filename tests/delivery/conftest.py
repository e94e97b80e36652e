"""A clinic's Tuesday for notices: the plan at 10:00, inside the sending window; no entry points."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import pytest
from tuesday import ZONE
from tuesday import at as at_tuesday

from serviceplan import FixedClock, ServicePlan, Settings, Staff, memory_store
from serviceplan.delivery import DeliveryWorker
from serviceplan.plugins import Envelope

At = Callable[..., datetime]


@pytest.fixture
def at() -> At:
    return at_tuesday


@pytest.fixture
def clock(at: At) -> FixedClock:
    return FixedClock(at(10))


@pytest.fixture
def plan(clock: FixedClock) -> ServicePlan:
    return ServicePlan(
        memory_store(),
        clock=clock,
        # these tests request each notice themselves: no automatic preparation notices
        settings=Settings(timezone=ZONE, prepare_long_visits=False),
        entry_points=False,
    )


@pytest.fixture
def visit(plan: ServicePlan, patient: UUID, desk: Staff, at: At) -> UUID:
    """The patient's cataract pre-op work-up at 14:00."""
    return plan.book_visit(
        patient, provider="dr-patel", visit_type="cataract-preop", start=at(14), length=60, by=desk
    )


@pytest.fixture
def outbox(plan: ServicePlan) -> list[Envelope]:
    """What the built-in console channel sent."""
    return plan.plugins.manager.get_plugin("serviceplan.console").outbox  # type: ignore[no-any-return]


@pytest.fixture
def worker(plan: ServicePlan) -> DeliveryWorker:
    return DeliveryWorker(plan)
