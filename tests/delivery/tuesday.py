"""The test day for notices: Tuesday 1 December 2026 at a clinic on New York time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/New_York")
TUESDAY = date(2026, 12, 1)


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """A time on the test day (or `days` later), in the clinic's zone."""
    return datetime.combine(TUESDAY + timedelta(days=days), time(hour, minute), tzinfo=ZONE)
