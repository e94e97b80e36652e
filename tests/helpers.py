"""Assertions shared by the tests, in the clinic's words."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from serviceplan import ServicePlan, Settings
from serviceplan.errors import ServicePlanError

CLINIC_ZONE = ZoneInfo("America/New_York")
DAY = datetime(2026, 12, 1, tzinfo=CLINIC_ZONE).date()


def at(hour: int, minute: int = 0) -> datetime:
    """A time on the test day, in the clinic's zone."""
    return datetime.combine(DAY, time(hour, minute), tzinfo=CLINIC_ZONE)


@contextmanager
def refused(
    plan: ServicePlan, error: type[ServicePlanError], match: str | None = None
) -> Iterator[None]:
    """Then the command is refused with `error`, and no event is recorded."""
    before = plan.event_count
    with pytest.raises(error, match=match):
        yield
    assert plan.event_count == before, "a refused command recorded an event"


def event_names(plan: ServicePlan, since: int = 0) -> list[str]:
    """The names of the events recorded after position `since`, in order."""
    return [
        n.topic.rsplit(".", 1)[-1]
        for n in plan.recorder.select_notifications(start=since + 1, limit=100_000)
    ]


CLINIC = Settings(timezone=CLINIC_ZONE)
"""A clinic's settings that name its zone, as every store that lasts must be opened with."""
