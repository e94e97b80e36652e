"""An opt-in pytest plugin for plugin authors: `pytest_plugins = ["serviceplan.testing.plugin"]`.

Fixtures:

- `serviceplan_clock`: a `FixedClock` at 10:00 on Tuesday 1 December 2026, UTC;
- `serviceplan_plan`: a `ServicePlan` on the in-memory store with the built-in plugins only, the
  demo's stand-ins among them (a console channel, a template-week scheduler, a stock room);
- `plan_with_plugin`: `plan_with_plugin(my_plugin)` registers a plugin on `serviceplan_plan` for
  the one test and returns the plan; it is unregistered when the test ends;
- `delivery_worker`: a `DeliveryWorker` over `serviceplan_plan`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from serviceplan.app.clock import FixedClock
from serviceplan.app.service_plan import ServicePlan
from serviceplan.app.settings import Settings
from serviceplan.delivery.worker import DeliveryWorker
from serviceplan.plugins.loading import with_stand_ins
from serviceplan.store.config import memory_store

TEST_MORNING = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

PlanWithPlugin = Callable[..., ServicePlan]


@pytest.fixture
def serviceplan_clock() -> FixedClock:
    """A clock at 10:00 UTC on a Tuesday, inside every sending window."""
    return FixedClock(TEST_MORNING)


@pytest.fixture
def serviceplan_plan(serviceplan_clock: FixedClock) -> ServicePlan:
    """A plan on the in-memory store with the built-ins and stand-ins only (no entry points)."""
    return ServicePlan(
        with_stand_ins(memory_store()),
        clock=serviceplan_clock,
        settings=Settings(),
        entry_points=False,
    )


@pytest.fixture
def plan_with_plugin(serviceplan_plan: ServicePlan) -> Iterator[PlanWithPlugin]:
    """Register plugins on the plan for one test (they are unregistered after it)."""
    names: list[str] = []

    def register(plugin: object, name: str | None = None) -> ServicePlan:
        names.append(serviceplan_plan.plugins.register(plugin, name))
        return serviceplan_plan

    yield register
    for name in reversed(names):
        serviceplan_plan.plugins.unregister(name)


@pytest.fixture
def delivery_worker(serviceplan_plan: ServicePlan) -> DeliveryWorker:
    """A delivery follower over `serviceplan_plan`, with the default delivery settings."""
    return DeliveryWorker(serviceplan_plan)
