"""Plans for plugin tests: in memory, and deaf to whatever entry points this machine has."""

from __future__ import annotations

import pytest

from serviceplan import FixedClock, ServicePlan, Settings, memory_store


@pytest.fixture
def plan(clock: FixedClock) -> ServicePlan:
    return ServicePlan(memory_store(), clock=clock, settings=Settings(), entry_points=False)
