"""Whether a notice may go out now: reachability, expiry, quiet hours and the per-patient limits.

Pure functions of the patient's record, the notice and the time, so each rule is tested alone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

import attrs

from serviceplan.delivery.settings import DeliverySettings
from serviceplan.domain.notice import AHEAD_OF_VISIT, NoticeKind
from serviceplan.domain.notice_record import NoticeRecord, NoticeStatus
from serviceplan.domain.patient import Patient
from serviceplan.domain.visit import VisitStatus

WEEK = 7


@attrs.frozen
class Send:
    """Send it now."""


@attrs.frozen
class Wait:
    """Try again at `until`, for `reason`."""

    until: datetime
    reason: str


@attrs.frozen
class GiveUp:
    """Stop trying, for `reason`: the desk takes it, unless nothing is left to tell (`dropped`)."""

    reason: str
    dropped: bool = False
    """A newer estimate replaced it, or its visit was moved or cancelled."""


Decision = Send | Wait | GiveUp
GONE = frozenset({VisitStatus.CANCELLED, VisitStatus.RESCHEDULED})


def decide(  # noqa: PLR0913 (the facts a decision rests on)
    patient: Patient,
    record: NoticeRecord,
    now: datetime,
    zone: tzinfo,
    rules: DeliverySettings,
    *,
    visit: VisitStatus | None = None,
) -> Decision:
    """Decide what to do with an owed notice at `now` (`visit`: the status of its visit)."""
    notice = record.notice
    stale = stale_now(patient, record, now, visit)
    if stale is not None:
        return stale
    waits = [Wait(record.due, "scheduled")] if record.due > now else []
    if notice.channel in rules.automated:
        waits += [
            w for w in (quiet_hours(now, zone, rules), limits(patient, now, zone, rules)) if w
        ]
    if not waits:
        return Send()
    wait = max(waits, key=lambda w: w.until)
    if notice.expires is not None and wait.until >= notice.expires:
        return GiveUp(f"it would wait ({wait.reason}) until after it expires")
    return wait


def stale_now(
    patient: Patient, record: NoticeRecord, now: datetime, visit: VisitStatus | None
) -> GiveUp | None:
    """Return why the notice should no longer go out at all, if it should not.

    Nothing left to tell (dropped) is checked first, as the read models count it: a notice
    replaced or about a visit gone is dropped whatever else is true of it.
    """
    notice = record.notice
    if notice.kind in AHEAD_OF_VISIT and visit in GONE:
        return GiveUp("its visit was moved or cancelled", dropped=True)
    if superseded(patient, record):
        return GiveUp("a newer estimate for the same visit replaced it", dropped=True)
    if not patient.can_reach(notice.channel):
        return GiveUp(f"the patient cannot be reached on {notice.channel.value} any more")
    if notice.expires is not None and now >= notice.expires:
        return GiveUp("it expired before it could go out")
    return None


def superseded(patient: Patient, record: NoticeRecord) -> bool:
    """Say whether a delay notice for the same visit was requested after this one.

    Order on the patient's record decides, not the clock: two estimates may share a minute.
    """
    notice = record.notice
    if notice.kind is not NoticeKind.DELAY or notice.visit_id is None:
        return False
    keys = [r.key for r in patient.notices]
    later = patient.notices[keys.index(record.key) + 1 :] if record.key in keys else ()
    return any(
        r.notice.kind is NoticeKind.DELAY and r.notice.visit_id == notice.visit_id for r in later
    )


def quiet_hours(now: datetime, zone: tzinfo, rules: DeliverySettings) -> Wait | None:
    """Return a wait until the sending window opens if `now` is in quiet hours."""
    local = now.astimezone(zone)
    moment, start, end = local.time(), rules.quiet_from, rules.quiet_until
    quiet = (moment >= start or moment < end) if start > end else (start <= moment < end)
    if not quiet:
        return None
    day = local.date() if moment < end else local.date() + timedelta(days=1)
    return Wait(datetime.combine(day, end, zone), "quiet hours")


def limits(patient: Patient, now: datetime, zone: tzinfo, rules: DeliverySettings) -> Wait | None:
    """Return a wait until the patient may get another automated message, if they are at a limit."""
    today = now.astimezone(zone).date()
    days = sorted(
        r.settled_at.astimezone(zone).date()
        for r in patient.notices
        if r.status is NoticeStatus.DELIVERED
        and r.settled_at is not None
        and r.notice.channel in rules.automated
    )
    week = [d for d in days if d > today - timedelta(days=WEEK)]
    free: list[tuple[date, str]] = []
    if sum(1 for d in week if d == today) >= rules.per_day:
        free.append((today + timedelta(days=1), f"{rules.per_day} a day"))
    if len(week) >= rules.per_week:
        free.append(
            (week[len(week) - rules.per_week] + timedelta(days=WEEK), f"{rules.per_week} a week")
        )
    if not free:
        return None
    day, limit = max(free)
    return Wait(datetime.combine(day, rules.quiet_until, zone), f"the limit of {limit}")
