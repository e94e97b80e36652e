"""The clocks an incident runs against: acknowledge by close of business, respond in 7 days.

Close of business is on the business day the incident opens, or the next business day when it
opens after hours or on a day the clinic is closed (`ClinicCalendar`). Hospitals answer a
grievance within about 7 days (DOMAIN.md), and many practices keep the same clock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from serviceplan.domain.business_days import ClinicCalendar


def acknowledge_by(
    opened: datetime, zone: tzinfo, closes: time, calendar: ClinicCalendar
) -> datetime:
    """Return close of business on the business day of `opened`, or the next one if past it."""
    local = opened.astimezone(zone)
    if local.time() >= closes:
        day = calendar.next_open_day(local.date())
    else:
        day = calendar.open_on_or_after(local.date())
    return datetime.combine(day, closes, tzinfo=zone)


def respond_by(opened: datetime, within_days: int) -> datetime:
    """Return the time by which the patient must have a response."""
    return opened + timedelta(days=within_days)
