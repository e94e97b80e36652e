"""The plan a contract runs in: in memory, no entry points, no built-ins, one plugin under test."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from serviceplan.app.clock import FixedClock
from serviceplan.app.service_plan import ServicePlan
from serviceplan.app.settings import Settings
from serviceplan.plugins.builtin import builtins
from serviceplan.plugins.loading import DISABLE, STRICT
from serviceplan.store.config import memory_store

SUBJECT = "contract-subject"
MORNING = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def subject_plan(plugin: object) -> ServicePlan:
    """Return a fresh plan where `plugin`, registered as `contract-subject`, answers alone.

    The plan is strict: an error in the plugin fails the contract instead of being skipped.
    """
    defaults = ",".join(name for name, _ in builtins(UTC))
    env = {**memory_store(), DISABLE: defaults, STRICT: "1"}
    plan = ServicePlan(
        env, clock=FixedClock(MORNING), settings=Settings(timezone=UTC), entry_points=False
    )
    plan.plugins.register(plugin, SUBJECT)
    return plan


def fresh_key(kind: str = "contract") -> str:
    """Return an idempotency key no plugin has seen."""
    return f"{kind}-{uuid4().hex}"


def require(condition: object, message: str) -> None:
    """Fail the contract with `message` unless `condition` holds (works under `python -O` too)."""
    if not condition:
        raise AssertionError(message)
