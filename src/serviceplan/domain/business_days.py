"""When the clinic is open: its working days, with weekends and the days it closes.

Deadlines count business days (acknowledge an incident by close of business, offer the first
slot of the next morning); a holiday the clinic closes on is not one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import attrs

from serviceplan.errors import InvalidInput

SATURDAY, SUNDAY = 5, 6
MAX_SEARCH = 366


def _days(value: Iterable[object]) -> frozenset[date]:
    days = frozenset(value)
    if not all(isinstance(d, date) and not isinstance(d, datetime) for d in days):
        raise InvalidInput("closed days must be dates")
    return days  # type: ignore[return-value]


def _weekdays(value: Iterable[object]) -> frozenset[int]:
    days = frozenset(value)
    if not all(isinstance(d, int) and 0 <= d <= SUNDAY for d in days) or len(days) > SUNDAY:
        raise InvalidInput("weekend days are numbers 0 (Monday) to 6 (Sunday), not all seven")
    return days  # type: ignore[return-value]


@attrs.frozen
class ClinicCalendar:
    """Business days: every day but the weekend and the dates the clinic is closed."""

    closed: frozenset[date] = attrs.field(default=frozenset(), converter=_days)
    """Holidays and other days the clinic does not open."""
    weekend: frozenset[int] = attrs.field(
        default=frozenset({SATURDAY, SUNDAY}), converter=_weekdays
    )
    """Weekdays the clinic never opens (0 is Monday)."""

    def is_open(self, day: date) -> bool:
        """Say whether `day` is a business day."""
        return day.weekday() not in self.weekend and day not in self.closed

    def open_on_or_after(self, day: date) -> date:
        """Return `day` if it is a business day, else the next one."""
        for n in range(MAX_SEARCH):
            candidate = day + timedelta(days=n)
            if self.is_open(candidate):
                return candidate
        raise InvalidInput(f"the clinic has no business day in the year after {day}")

    def next_open_day(self, day: date) -> date:
        """Return the first business day after `day`."""
        return self.open_on_or_after(day + timedelta(days=1))
