"""Who is offered an opening, and when: the rules for rounds of offers, as pure functions.

Entries that fit the time are ranked: patients a delay hurt who asked for anything earlier first
(when the clinic's rule says so), then by fit, then by how long they have waited. Each round
offers the next `batch` of them, with `window` minutes to answer; the next round starts when
every offer of the last is answered or has run out, and `pause` minutes have passed. Nobody is
offered twice within `every_hours`, nor is anything offered closer than `last_call` minutes to
the time's start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from enum import Enum
from uuid import UUID

import attrs

from serviceplan.domain import checks
from serviceplan.domain.waitlist import FreeTime, Wants, fit


class DelayedTime(Enum):
    """Who gets the time a patient frees by leaving a delayed queue (the clinic's rule)."""

    DELAYED_FIRST = "delayed-first"
    """Patients of that provider's day who asked for anything earlier, then the waitlist."""
    WAITLIST = "waitlist"
    """The waitlist, as for any other freed time."""
    NOBODY = "nobody"
    """Nobody: the provider catches up on the delay."""


def _minutes(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    checks.minutes(value, attribute.name, low=1, high=7 * 24 * 60)


@attrs.frozen
class OfferRules:
    """How openings are offered; every figure is the clinic's to set."""

    batch: int = attrs.field(default=3, validator=_minutes)
    """How many patients each round offers the time to."""
    window: int = attrs.field(default=15, validator=_minutes)
    """Minutes a patient has to answer an offer."""
    pause: int = attrs.field(default=5, validator=_minutes)
    """Minutes between the end of one round and the next."""
    last_call: int = attrs.field(default=60, validator=_minutes)
    """No offer goes out later than this many minutes before the time starts."""
    every_hours: int = attrs.field(default=24, validator=_minutes)
    """A patient is offered a time at most once in this many hours."""
    entry_days: int = attrs.field(default=30, validator=_minutes)
    """How long a waitlist entry lasts unless the desk says otherwise."""
    delayed_time: DelayedTime = DelayedTime.DELAYED_FIRST
    """Who gets the time a patient frees by leaving a delayed queue."""


@attrs.frozen
class Candidate:
    """A waitlist entry as the rounds see it."""

    entry_id: UUID
    patient_id: UUID
    wants: Wants
    joined_at: datetime
    last_offered_at: datetime | None = None
    booked: datetime | None = None
    """The start of the visit the patient wants something earlier than, if any."""
    hurt_by_delay: bool = False
    """The patient's visit slips in the delay whose queue freed this time."""


def ranked(
    time: FreeTime,
    candidates: Sequence[Candidate],
    now: datetime,
    zone: tzinfo,
    rules: OfferRules,
) -> list[Candidate]:
    """Return the candidates the time may be offered to now, best first.

    Candidates that tie keep the order they are given in (the order they joined the list).
    """
    scored = []
    for candidate in candidates:
        score = fit(candidate.wants, time, zone, candidate.booked)
        if score is None or not _rested(candidate, now, rules):
            continue
        first = candidate.hurt_by_delay and rules.delayed_time is DelayedTime.DELAYED_FIRST
        scored.append((-int(first), -score, candidate.joined_at, candidate))
    return [item[-1] for item in sorted(scored, key=lambda item: item[:-1])]


def _rested(candidate: Candidate, now: datetime, rules: OfferRules) -> bool:
    last = candidate.last_offered_at
    return last is None or now - last >= timedelta(hours=rules.every_hours)


def too_late(time: FreeTime, now: datetime, rules: OfferRules) -> bool:
    """Say whether it is too close to the time's start to offer it."""
    return now >= time.start - timedelta(minutes=rules.last_call)


def offer_expires(time: FreeTime, now: datetime, rules: OfferRules) -> datetime:
    """Return when an offer made now stops taking answers (never after the last call)."""
    return min(
        now + timedelta(minutes=rules.window), time.start - timedelta(minutes=rules.last_call)
    )


def next_round_due(
    last_round: datetime | None, round_ended: datetime | None, now: datetime, rules: OfferRules
) -> bool:
    """Say whether the next round of offers may go out now.

    `round_ended`: when the last round's last offer was answered or ran out (None while one is
    still open). The next round waits `pause` minutes after that.
    """
    if last_round is None:
        return True
    return round_ended is not None and now >= round_ended + timedelta(minutes=rules.pause)
