"""Time enters the application here and only here; the domain is always given it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Return the current time, timezone-aware."""
    return datetime.now(tz=UTC)


class FixedClock:
    """A clock that says what it is told: for tests, replays and the demo."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        """Return the time the clock was set to."""
        return self.now

    def advance(self, minutes: float) -> datetime:
        """Move the clock on and return the new time."""
        self.now += timedelta(minutes=minutes)
        return self.now

    def set(self, now: datetime) -> datetime:
        """Move the clock to `now` and return it."""
        self.now = now
        return now
