"""An opening: a time that freed up, offered to the waitlist until one patient takes it.

Offers go out in batches; the first acceptance wins, once: every other answer after it, or after
the offer's window, is told the time is gone. The accepted patient is booked by a policy that
asks the scheduler first; if it cannot, the opening is offered again to the others.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING
from uuid import UUID, uuid5

import attrs
from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.domain.waitlist import FreeTime
from serviceplan.errors import InvalidInput, NotAllowedNow, OpeningGone

if TYPE_CHECKING:
    from serviceplan.domain.staff import Staff

OPENING_NAMESPACE = UUID("5e0f2c8a-93d1-4b7e-a6c4-1f8d3b2e7a90")
MAX_REASON = 200


def opening_id_for(source: UUID, version: int) -> UUID:
    """Return the id of the opening an event of a record made: one event, one opening."""
    return uuid5(OPENING_NAMESPACE, f"{source}/{version}")


class OpeningStatus(Enum):
    """Where an opening stands."""

    OFFERING = "offering"
    CLAIMED = "claimed"
    """A patient accepted; the scheduler is being asked for the time."""
    FILLED = "filled"
    CLOSED = "closed"
    """Nobody took it in time, or it was withdrawn."""


@attrs.frozen
class Offer:
    """One patient's offer of the opening, and until when they may take it."""

    entry_id: UUID
    patient_id: UUID
    key: str
    """The notice that tells them of it."""
    batch: int
    expires: datetime


class Opening(Aggregate):
    """A freed time and its offers; the first acceptance wins it, exactly once.

    Its own aggregate because that rule must hold however many patients answer at once: two
    acceptances both start from the same version, and the second save is refused.
    """

    class Opened(Aggregate.Created):
        provider: str
        start: datetime
        length: int
        visit_type: str | None
        source: str
        visit_id: UUID | None
        delay_id: UUID | None
        at: datetime
        by: Staff

    class OfferMade(Aggregate.Event):
        entry_id: UUID
        patient_id: UUID
        key: str
        batch: int
        expires: datetime
        at: datetime
        by: Staff

    class Accepted(Aggregate.Event):
        entry_id: UUID
        at: datetime
        by: Staff

    class Declined(Aggregate.Event):
        entry_id: UUID
        at: datetime
        by: Staff

    class AnsweredGone(Aggregate.Event):
        entry_id: UUID
        at: datetime
        by: Staff

    class Filled(Aggregate.Event):
        visit_id: UUID
        at: datetime
        by: Staff

    class ClaimFailed(Aggregate.Event):
        why: str
        at: datetime
        by: Staff

    class Closed(Aggregate.Event):
        why: str
        at: datetime
        by: Staff

    @event(Opened)
    def __init__(  # noqa: PLR0913 (an opening has this many facts)
        self,
        *,
        provider: str,
        start: datetime,
        length: int,
        visit_type: str | None,
        source: str,
        visit_id: UUID | None,
        delay_id: UUID | None,
        at: datetime,
        by: Staff,
    ) -> None:
        del by
        self.time = FreeTime(provider, start, length, visit_type)
        self.source = source
        self.freed_by = visit_id
        self.delay_id = delay_id
        self.opened_at = at
        self.status = OpeningStatus.OFFERING
        self.offers: dict[UUID, Offer] = {}
        self.batches = 0
        self.last_batch_at: datetime | None = None
        self.declined: frozenset[UUID] = frozenset()
        self.answered_at: dict[UUID, datetime] = {}
        self.claimed_by: UUID | None = None
        self.claimed_at: datetime | None = None
        self.failed: frozenset[UUID] = frozenset()
        self.filled_with: UUID | None = None
        self.settled_at: datetime | None = None

    @classmethod
    def open(  # noqa: PLR0913 (an opening has this many facts)
        cls,
        *,
        time: FreeTime,
        source: str,
        at: datetime,
        by: Staff,
        visit_id: UUID | None = None,
        delay_id: UUID | None = None,
        opening_id: UUID | None = None,
    ) -> Opening:
        """Open a freed time for offers: the visit that freed it, the delay it left, if any.

        With `opening_id` (from the event that freed the time) opening it twice is one opening.
        """
        if not isinstance(time, FreeTime):
            raise InvalidInput("an opening is a FreeTime")
        checks.code(time.provider, "provider")
        checks.minutes(time.length, "length")
        if checks.aware(time.start, "start") <= checks.aware(at, "at"):
            raise InvalidInput("an opening must start after it opens")
        facts = {
            "provider": time.provider, "start": time.start, "length": time.length,
            "visit_type": time.visit_type, "source": checks.code(source, "source"),
            "visit_id": visit_id, "delay_id": delay_id, "at": at, "by": checks.staff(by),
        }  # fmt: skip
        if opening_id is None:
            return cls(**facts)
        return cls._create(cls.Opened, id=opening_id, **facts)

    @property
    def is_offering(self) -> bool:
        """Say whether the opening still takes acceptances."""
        return self.status is OpeningStatus.OFFERING

    def live_offers(self, now: datetime) -> list[Offer]:
        """Return the offers still open to an answer at `now`."""
        return [
            o
            for o in self.offers.values()
            if o.expires > now and o.entry_id not in self.declined | self.failed
        ]

    def round_ended(self, now: datetime) -> datetime | None:
        """Return when the last round's last offer was answered or ran out (None: one is open).

        An offer is answered by a no, or by a yes the scheduler could not book.
        """
        ends = []
        for offer in (o for o in self.offers.values() if o.batch == self.batches):
            end = self.answered_at.get(offer.entry_id, offer.expires)
            if end > now:
                return None
            ends.append(end)
        return max(ends, default=None)

    def offered_to(self, patient_id: UUID) -> bool:
        """Say whether the patient was offered this time already, on any of their entries."""
        return any(o.patient_id == patient_id for o in self.offers.values())

    def make_offer(self, offer: Offer, at: datetime, by: Staff) -> None:
        """Record an offer to one waitlist entry, in the batch it belongs to."""
        self._check(at, by, "make an offer", OpeningStatus.OFFERING)
        if not isinstance(offer, Offer) or offer.entry_id in self.offers:
            raise InvalidInput("an offer is an Offer, one per waitlist entry")
        if offer.expires <= at:
            raise InvalidInput("an offer must leave time to answer")
        self._offer_made(
            entry_id=offer.entry_id, patient_id=offer.patient_id, key=checks.code(offer.key, "key"),
            batch=offer.batch, expires=offer.expires, at=at, by=by,
        )  # fmt: skip

    @event(OfferMade)
    def _offer_made(  # noqa: PLR0913 (an offer has this many facts)
        self,
        *,
        entry_id: UUID,
        patient_id: UUID,
        key: str,
        batch: int,
        expires: datetime,
        at: datetime,
        by: Staff,
    ) -> None:
        del by
        self.offers = {**self.offers, entry_id: Offer(entry_id, patient_id, key, batch, expires)}
        if batch > self.batches:
            self.batches = batch
            self.last_batch_at = at

    def accept(self, entry_id: UUID, at: datetime, by: Staff) -> None:
        """Record the first acceptance; any later one, or one too late, raises `OpeningGone`."""
        offer = self._offer_of(entry_id, at, by)
        if not self.is_offering or offer.expires <= at or entry_id in self.declined | self.failed:
            raise OpeningGone("that time has been taken or is no longer offered")
        self._accepted(entry_id=entry_id, at=at, by=by)

    @event(Accepted)
    def _accepted(self, entry_id: UUID, at: datetime, by: Staff) -> None:
        del by
        self.status = OpeningStatus.CLAIMED
        self.claimed_by = entry_id
        self.claimed_at = at

    def answer_gone(self, entry_id: UUID, at: datetime, by: Staff) -> None:
        """Record that an acceptance came too late: the patient is told the time is gone."""
        self._offer_of(entry_id, at, by)
        self._answered_gone(entry_id=entry_id, at=at, by=by)

    @event(AnsweredGone)
    def _answered_gone(self, entry_id: UUID, at: datetime, by: Staff) -> None:
        del entry_id, at, by

    def decline(self, entry_id: UUID, at: datetime, by: Staff) -> None:
        """Record a patient's no to their offer."""
        self._offer_of(entry_id, at, by)
        if entry_id in self.declined:
            raise NotAllowedNow("offer", "declined", "decline it again")
        self._declined(entry_id=entry_id, at=at, by=by)

    @event(Declined)
    def _declined(self, entry_id: UUID, at: datetime, by: Staff) -> None:
        del by
        self.declined = self.declined | {entry_id}
        self.answered_at = {**self.answered_at, entry_id: at}

    def fill(self, visit_id: UUID, at: datetime, by: Staff) -> None:
        """Record the visit booked for the patient who accepted."""
        self._check(at, by, "fill it", OpeningStatus.CLAIMED)
        self._filled(visit_id=checks.an_id(visit_id, "visit id"), at=at, by=by)

    @event(Filled)
    def _filled(self, visit_id: UUID, at: datetime, by: Staff) -> None:
        del by
        self.status = OpeningStatus.FILLED
        self.filled_with = visit_id
        self.settled_at = at

    def fail_claim(self, why: str, at: datetime, by: Staff) -> None:
        """Record that the accepted patient could not be booked: the others may still take it."""
        self._check(at, by, "fail its claim", OpeningStatus.CLAIMED)
        self._claim_failed(why=checks.text(why, "why", max_length=MAX_REASON), at=at, by=by)

    @event(ClaimFailed)
    def _claim_failed(self, why: str, at: datetime, by: Staff) -> None:
        del why, by
        if self.claimed_by is not None:
            self.failed = self.failed | {self.claimed_by}
            self.answered_at = {**self.answered_at, self.claimed_by: at}
        self.status = OpeningStatus.OFFERING
        self.claimed_by = None
        self.claimed_at = None

    def close(self, why: str, at: datetime, by: Staff) -> None:
        """Record that the opening is offered no more (too close to its start, or withdrawn)."""
        self._check(at, by, "close it", OpeningStatus.OFFERING)
        self._closed(why=checks.text(why, "why", max_length=MAX_REASON), at=at, by=by)

    @event(Closed)
    def _closed(self, why: str, at: datetime, by: Staff) -> None:
        del why, by
        self.status = OpeningStatus.CLOSED
        self.settled_at = at

    def _offer_of(self, entry_id: UUID, at: datetime, by: Staff) -> Offer:
        checks.aware(at, "at")
        checks.staff(by)
        offer = self.offers.get(entry_id)
        if offer is None:
            raise InvalidInput("that patient was not offered this time")
        return offer

    def _check(self, at: datetime, by: Staff, command: str, *allowed: OpeningStatus) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if self.status not in allowed:
            raise NotAllowedNow("opening", self.status.value, command)
