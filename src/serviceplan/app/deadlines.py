"""The clocks an incident runs against: acknowledge the same business day, respond in 7 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from serviceplan.app.settings import Settings

SATURDAY = 5


def acknowledge_by(opened: datetime, settings: Settings) -> datetime:
    """Return close of business on the day opened, or on the next business day if past it."""
    local = opened.astimezone(settings.timezone)
    day = local.date()
    if local.time() >= settings.close_of_business:
        day += timedelta(days=1)
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return datetime.combine(day, settings.close_of_business, tzinfo=settings.timezone)


def respond_by(opened: datetime, settings: Settings) -> datetime:
    """Return the time by which the patient must have a response."""
    return opened + timedelta(days=settings.respond_within_days)
