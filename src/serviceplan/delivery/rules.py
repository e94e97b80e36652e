"""Whether a notice may go out now: reachability, expiry, quiet hours and the per-patient limits.

Pure functions of the facts a decision rests on (`Facts`) and the time, so each rule is tested
alone. "At most 1 a day" counts the clinic's calendar day. "At most 3 a week" counts any 168
hours (7 days of 24), the strict reading: texts on Tuesday evening, Thursday and Friday hold
the next one until the Tuesday evening after, not until the next calendar week (the FCC's
exemption says "a week" without saying which; a rolling window never lets four through in six
days).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

import attrs

from serviceplan.delivery.settings import DeliverySettings
from serviceplan.domain.notice import AHEAD_OF_VISIT, ANSWERS
from serviceplan.domain.notice_record import NoticeRecord
from serviceplan.domain.visit import VisitStatus

WEEK = timedelta(days=7)


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


@attrs.frozen
class Facts:
    """What else a decision about one notice rests on, read from the record when it is made."""

    reachable: bool
    """The patient consented on the notice's channel, did not opt out, and has an address there."""
    visit: VisitStatus | None = None
    """The status of the visit a notice ahead of it is about (None for the others)."""
    replaced: bool = False
    """A newer estimate for the same visit was owed after this one."""
    sent: Sequence[datetime] = ()
    """When the patient's automated messages were delivered in the last eight days."""
    offer_gone: bool = False
    """The time an offer names was taken, or is offered no more."""


Decision = Send | Wait | GiveUp
GONE = frozenset({VisitStatus.CANCELLED, VisitStatus.RESCHEDULED})


def decide(
    record: NoticeRecord, facts: Facts, now: datetime, zone: tzinfo, rules: DeliverySettings
) -> Decision:
    """Decide what to do with an owed notice at `now`."""
    notice = record.notice
    stale = stale_now(record, facts, now)
    if stale is not None:
        return stale
    waits = [Wait(record.due, "scheduled")] if record.due > now else []
    if notice.channel in rules.automated:
        counted = notice.kind not in ANSWERS
        held = [quiet_hours(now, zone, rules), counted and limits(facts.sent, now, zone, rules)]
        waits += [w for w in held if w]
    if not waits:
        return Send()
    wait = max(waits, key=lambda w: w.until)
    if notice.expires is not None and wait.until >= notice.expires:
        return GiveUp(f"it would wait ({wait.reason}) until after it expires")
    return wait


def stale_now(record: NoticeRecord, facts: Facts, now: datetime) -> GiveUp | None:
    """Return why the notice should no longer go out at all, if it should not.

    Nothing left to tell (dropped) is checked first, as the read models count it: a notice
    replaced or about a visit gone is dropped whatever else is true of it.
    """
    notice = record.notice
    if notice.kind in AHEAD_OF_VISIT and facts.visit in GONE:
        return GiveUp("its visit was moved or cancelled", dropped=True)
    if facts.replaced:
        return GiveUp("a newer estimate for the same visit replaced it", dropped=True)
    if facts.offer_gone:
        return GiveUp("the time it offers was taken or is offered no more", dropped=True)
    if not facts.reachable:
        return GiveUp(f"the patient cannot be reached on {notice.channel.value} any more")
    if notice.expires is not None and now >= notice.expires:
        return GiveUp("it expired before it could go out")
    return None


def quiet_hours(now: datetime, zone: tzinfo, rules: DeliverySettings) -> Wait | None:
    """Return a wait until the sending window opens if `now` is in quiet hours."""
    local = now.astimezone(zone)
    moment, start, end = local.time(), rules.quiet_from, rules.quiet_until
    quiet = (moment >= start or moment < end) if start > end else (start <= moment < end)
    if not quiet:
        return None
    day = local.date() if moment < end else local.date() + timedelta(days=1)
    return Wait(datetime.combine(day, end, zone), "quiet hours")


def limits(
    sent: Sequence[datetime], now: datetime, zone: tzinfo, rules: DeliverySettings
) -> Wait | None:
    """Return a wait until the patient may get another automated message, if they are at a limit.

    `sent` holds when their automated messages were delivered; a day is the clinic's calendar
    day, a week any 168 hours.
    """
    today = now.astimezone(zone).date()
    free: list[tuple[datetime, str]] = []
    if sum(1 for t in sent if t.astimezone(zone).date() == today) >= rules.per_day:
        tomorrow = datetime.combine(today + timedelta(days=1), rules.quiet_until, zone)
        free.append((tomorrow, f"{rules.per_day} a day"))
    week = sorted(t for t in sent if now - WEEK < t <= now)
    if len(week) >= rules.per_week:
        free.append((week[len(week) - rules.per_week] + WEEK, f"{rules.per_week} in 7 days"))
    if not free:
        return None
    until, limit = max(free)
    return Wait(until, f"the limit of {limit}")
