"""The waitlist: patients who would take an earlier time, and what time would suit them.

An entry says what the patient wants (a provider or any, a visit type, weekdays, a time of day,
a range of dates), or that they want anything earlier than a visit they have booked. It is open
until it is filled, the patient leaves, or it expires. `fit` says how well an opening suits an
entry (None when it does not), so openings go to the best fit first, then the longest waiting.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING
from uuid import UUID

import attrs
from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.domain.contact import Channel
from serviceplan.errors import InvalidInput, NotAllowedNow

if TYPE_CHECKING:
    from serviceplan.domain.staff import Staff

WEEK = frozenset(range(7))


def _weekdays(value: object) -> frozenset[int]:
    days: frozenset[int] = frozenset(value)  # type: ignore[call-overload]
    if not days or not days <= WEEK:
        raise InvalidInput("weekdays are numbers 0 (Monday) to 6 (Sunday), at least one")
    return days


@attrs.frozen
class Wants:
    """What time would suit a patient on the waitlist."""

    visit_type: str = attrs.field(validator=lambda _, __, v: checks.code(v, "visit type"))
    first_day: date
    last_day: date
    provider: str | None = attrs.field(
        default=None, validator=lambda _, __, v: v is None or checks.code(v, "provider")
    )
    """None: any provider."""
    weekdays: frozenset[int] = attrs.field(default=WEEK, converter=_weekdays)
    earliest: time = time(0)
    latest: time = time(23, 59)
    """The time of day a visit may start, from `earliest` to `latest` (clinic time)."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.first_day, date) or not isinstance(self.last_day, date):
            raise InvalidInput("the days a patient wants are dates")
        if self.last_day < self.first_day:
            raise InvalidInput("the last day wanted comes before the first")
        if not isinstance(self.earliest, time) or not isinstance(self.latest, time):
            raise InvalidInput("the times of day a patient wants are times")
        if self.latest < self.earliest:
            raise InvalidInput("the latest time wanted comes before the earliest")


@attrs.frozen
class FreeTime:
    """A time that freed up: whose, when, how long (what an opening offers)."""

    provider: str
    start: datetime
    length: int
    visit_type: str | None = None
    """The visit type the freed visit had, if the time came from one."""


def fit(wants: Wants, slot: FreeTime, zone: tzinfo, booked: datetime | None = None) -> int | None:
    """Say how well `slot` suits `wants` (higher is better), or None when it does not.

    With `booked` (the patient's own visit, for an entry wanting anything earlier) the slot must
    start before it. The same provider fits better than "any", and the same visit type is needed.
    """
    if slot.visit_type is not None and slot.visit_type != wants.visit_type:
        return None
    if wants.provider is not None and wants.provider != slot.provider:
        return None
    local = slot.start.astimezone(zone)
    if not wants.first_day <= local.date() <= wants.last_day:
        return None
    if local.weekday() not in wants.weekdays or not wants.earliest <= local.time() <= wants.latest:
        return None
    if booked is not None and slot.start >= booked:
        return None
    return (2 if wants.provider is not None else 1) + (1 if booked is not None else 0)


class WaitlistEntry(Aggregate):
    """One patient's wish for an earlier or a free time, until it is filled, left or expired.

    Its own aggregate because an entry is offered one opening at a time at most so often, and is
    filled once.
    """

    class Joined(Aggregate.Created):
        patient_id: UUID
        wants: Wants
        earlier_than: UUID | None
        channel: Channel
        expires: datetime
        at: datetime
        by: Staff

    class Offered(Aggregate.Event):
        opening_id: UUID
        at: datetime
        by: Staff

    class Left(Aggregate.Event):
        at: datetime
        by: Staff

    class Filled(Aggregate.Event):
        opening_id: UUID
        visit_id: UUID
        at: datetime
        by: Staff

    @event(Joined)
    def __init__(  # noqa: PLR0913 (an entry has this many facts)
        self,
        *,
        patient_id: UUID,
        wants: Wants,
        earlier_than: UUID | None,
        channel: Channel,
        expires: datetime,
        at: datetime,
        by: Staff,
    ) -> None:
        del by
        self.patient_id = patient_id
        self.wants = wants
        self.earlier_than = earlier_than
        self.channel = channel
        self.expires = expires
        self.joined_at = at
        self.last_offered_at: datetime | None = None
        self.offered: tuple[UUID, ...] = ()
        self.left_at: datetime | None = None
        self.filled_by: UUID | None = None

    @classmethod
    def join(  # noqa: PLR0913 (an entry has this many facts)
        cls,
        *,
        patient_id: UUID,
        wants: Wants,
        earlier_than: UUID | None,
        channel: Channel,
        expires: datetime,
        at: datetime,
        by: Staff,
    ) -> WaitlistEntry:
        """Put a patient on the waitlist until `expires`."""
        checks.an_id(patient_id, "patient id")
        if not isinstance(wants, Wants):
            raise InvalidInput("what the patient wants must be Wants")
        if earlier_than is not None:
            checks.an_id(earlier_than, "visit id")
        if checks.aware(expires, "expires") <= checks.aware(at, "at"):
            raise InvalidInput("a waitlist entry must expire after it is made")
        return cls(
            patient_id=patient_id, wants=wants, earlier_than=earlier_than,
            channel=checks.member(channel, Channel, "channel"), expires=expires, at=at,
            by=checks.staff(by),
        )  # fmt: skip

    def is_open(self, now: datetime) -> bool:
        """Say whether the entry may still be offered a time."""
        return self.left_at is None and self.filled_by is None and now < self.expires

    def offer(self, opening_id: UUID, at: datetime, by: Staff) -> None:
        """Record that the entry was offered an opening."""
        self._check_open("offer it a time", at, by)
        if opening_id in self.offered:
            raise NotAllowedNow("waitlist entry", "offered that time already", "offer it again")
        self._offered(opening_id=checks.an_id(opening_id, "opening id"), at=at, by=by)

    @event(Offered)
    def _offered(self, opening_id: UUID, at: datetime, by: Staff) -> None:
        del by
        self.offered = (*self.offered, opening_id)
        self.last_offered_at = at

    def leave(self, at: datetime, by: Staff) -> None:
        """Record that the patient no longer wants a time."""
        self._check_open("take it off the list", at, by)
        self._left(at=at, by=by)

    @event(Left)
    def _left(self, at: datetime, by: Staff) -> None:
        del by
        self.left_at = at

    def fill(self, opening_id: UUID, visit_id: UUID, at: datetime, by: Staff) -> None:
        """Record that the entry got a time: the visit booked for it."""
        checks.aware(at, "at")
        checks.staff(by)
        if self.filled_by is not None or self.left_at is not None:
            raise NotAllowedNow("waitlist entry", "closed", "fill it")
        self._filled(opening_id=opening_id, visit_id=checks.an_id(visit_id, "visit id"), at=at,
                     by=by)  # fmt: skip

    @event(Filled)
    def _filled(self, opening_id: UUID, visit_id: UUID, at: datetime, by: Staff) -> None:
        del opening_id, at, by
        self.filled_by = visit_id

    def _check_open(self, command: str, at: datetime, by: Staff) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if not self.is_open(at):
            raise NotAllowedNow("waitlist entry", "closed", command)
