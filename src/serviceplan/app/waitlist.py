"""Commands and questions about the waitlist: who wants a time, what freed up, who took it.

Joining records what the patient wants; openings are made by the `FreedTime` policy (or by the
desk, for a time the scheduler reports free), offered by `OfferRounds`, and booked by
`OpeningFill`. Accepting records the acceptance alone, on the opening's own record, so two
patients answering at once can never both have it: the second save is refused, and that patient
hears the time is gone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum
from uuid import UUID

from serviceplan.app.desk import Desk
from serviceplan.app.permissions import permitted
from serviceplan.app.policies.offer_rounds import OfferRounds
from serviceplan.app.policies.openings import REPORTED
from serviceplan.domain import checks
from serviceplan.domain.contact import Channel
from serviceplan.domain.opening import Opening, OpeningStatus
from serviceplan.domain.patient import Patient
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import Visit
from serviceplan.domain.waitlist import FreeTime, WaitlistEntry, Wants
from serviceplan.errors import (
    ConcurrentUpdate,
    InvalidInput,
    NoticeRefused,
    OpeningGone,
    OpeningNotFound,
    PatientNotFound,
    VisitNotFound,
    WaitlistEntryNotFound,
)

RACES = 5
"""How often an answer is tried again after another answer to the same opening saved first."""


class OfferAnswer(Enum):
    """What came of a patient's yes to an offer."""

    BOOKED = "booked"
    """They have the time: booked (and their old visit moved, if they had one)."""
    BOOKING = "booking"
    """They have the time; the booking follows (policies not run inline)."""
    NOT_BOOKED = "not-booked"
    """They were first, but the scheduler would not book it: the desk calls them."""
    GONE = "gone"
    """Someone answered first, or the offer ran out: they hear the time is gone."""


class WaitlistDesk(Desk):
    """Patients waiting for a time, the times that free up, and the answers to offers."""

    @permitted("join-waitlist")
    def join_waitlist(  # noqa: PLR0913 (an entry has this many facts, most optional)
        self,
        patient_id: UUID,
        *,
        by: Staff,
        wants: Wants | None = None,
        earlier_than: UUID | None = None,
        channel: Channel | None = None,
        expires: datetime | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Put the patient on the waitlist; return the entry's id.

        Say what would suit them (`wants`), or that they want anything earlier than their booked
        visit `earlier_than` (then `wants` defaults to the same visit type and provider, from
        today until that visit). Offers go on `channel` (their preferred one by default), which
        they must have consented to. The entry lasts `OfferRules.entry_days` unless `expires`
        says otherwise, and never past the visit it wants to beat.
        """
        at = self.plan.now(now)
        patient = self.plan.load(Patient, patient_id, PatientNotFound)
        visit = None if earlier_than is None else self._own_visit(patient, earlier_than, at)
        wants = wants if wants is not None else self._wants_of(visit, at)
        channel = checks.member(channel or patient.preferred, Channel, "channel")
        if not patient.can_reach(channel):
            msg = f"offers need consent and a contact point on {channel.value}"
            raise NoticeRefused(msg)
        expires = expires or at + timedelta(days=self.settings.offers.entry_days)
        if visit is not None:
            expires = min(expires, visit.start)
        entry = WaitlistEntry.join(
            patient_id=patient.id, wants=wants, earlier_than=earlier_than, channel=channel,
            expires=expires, at=at, by=by,
        )  # fmt: skip
        self.plan.record(entry)
        return entry.id

    @permitted("leave-waitlist")
    def leave_waitlist(self, entry_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Take the entry off the list: the patient no longer wants a time."""
        entry = self.get_waitlist_entry(entry_id)
        entry.leave(self.plan.now(now), by)
        self.plan.record(entry)

    def get_waitlist_entry(self, entry_id: UUID) -> WaitlistEntry:
        """Return the waitlist entry as recorded now."""
        return self.plan.load(WaitlistEntry, entry_id, WaitlistEntryNotFound)

    def waitlist_of(self, patient_id: UUID) -> list[WaitlistEntry]:
        """Return every entry the patient made, oldest first."""
        self.plan.exists(Patient, patient_id, PatientNotFound)
        ids = self.plan.waitlist.entries_of(patient_id)
        return self.plan.load_many(WaitlistEntry, ids, WaitlistEntryNotFound)

    @permitted("report-free-time")
    def report_free_time(  # noqa: PLR0913 (a time has this many facts)
        self,
        *,
        provider: str,
        start: datetime,
        length: int,
        by: Staff,
        visit_type: str | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Open a time the scheduler reports free; return the opening (the open one, if any)."""
        at = self.plan.now(now)
        time = FreeTime(checks.code(provider, "provider"), start, length, visit_type)
        existing = self.plan.waitlist.opening_at(time.provider, checks.aware(start, "start"))
        if existing is not None:
            return existing
        opening = Opening.open(time=time, source=REPORTED, at=at, by=by)
        self.plan.record(opening)
        return opening.id

    def get_opening(self, opening_id: UUID) -> Opening:
        """Return the opening as recorded now."""
        return self.plan.load(Opening, opening_id, OpeningNotFound)

    def open_openings(self) -> list[Opening]:
        """Return the openings still offered or being booked, oldest first."""
        ids = self.plan.waitlist.open_openings()
        return self.plan.load_many(Opening, ids, OpeningNotFound)

    @permitted("answer-offer")
    def accept_offer(
        self, opening_id: UUID, entry_id: UUID, *, by: Staff, now: datetime | None = None
    ) -> OfferAnswer:
        """Record the patient's yes: the first wins the time, any later one hears it is gone."""
        at = self.plan.now(now)
        for _ in range(RACES):
            opening = self.get_opening(opening_id)
            if opening.claimed_by == entry_id:
                return self._answer(opening)
            try:
                opening.accept(entry_id, at, by)
            except OpeningGone:
                opening = self.get_opening(opening_id)
                opening.answer_gone(entry_id, at, by)
            try:
                self.plan.record(opening)
            except ConcurrentUpdate:
                continue  # another answer saved first: read the opening again
            return self._answer(self.get_opening(opening_id), entry_id)
        msg = "the opening kept changing while the answer was recorded; try again"
        raise ConcurrentUpdate(msg)

    @permitted("answer-offer")
    def decline_offer(
        self, opening_id: UUID, entry_id: UUID, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record the patient's no: the time goes on to the others."""
        at = self.plan.now(now)
        for _ in range(RACES):
            opening = self.get_opening(opening_id)
            opening.decline(entry_id, at, by)
            try:
                self.plan.record(opening)
            except ConcurrentUpdate:
                continue
            return
        msg = "the opening kept changing while the answer was recorded; try again"
        raise ConcurrentUpdate(msg)

    @permitted("report-free-time")
    def close_opening(
        self, opening_id: UUID, *, why: str, by: Staff, now: datetime | None = None
    ) -> None:
        """Withdraw an opening: the time is offered no more (booked by other means, say)."""
        opening = self.get_opening(opening_id)
        opening.close(why, self.plan.now(now), by)
        self.plan.record(opening)

    def offer_openings(self, now: datetime | None = None) -> int:
        """Send the rounds of offers the clock made due; return how many openings changed.

        The delivery worker does this on each pass; call it where no worker runs.
        """
        rounds = next(f for f in self.plan.followers if isinstance(f, OfferRounds))
        return rounds.tick(self.plan.now(now))

    def _answer(self, opening: Opening, entry_id: UUID | None = None) -> OfferAnswer:
        if entry_id is not None and opening.claimed_by != entry_id:
            if entry_id in opening.failed:
                return OfferAnswer.NOT_BOOKED
            return OfferAnswer.GONE
        if opening.status is OpeningStatus.FILLED:
            return OfferAnswer.BOOKED
        return OfferAnswer.BOOKING

    def _own_visit(self, patient: Patient, visit_id: UUID, at: datetime) -> Visit:
        visit = self.plan.load(Visit, checks.an_id(visit_id, "visit id"), VisitNotFound)
        if visit.patient_id != patient.id:
            raise InvalidInput("the visit is another patient's")
        if not visit.is_pending or visit.start <= at:
            raise InvalidInput("only a visit still to come can be beaten by an earlier time")
        return visit

    def _wants_of(self, visit: Visit | None, at: datetime) -> Wants:
        if visit is None:
            raise InvalidInput("say what the patient wants, or the visit they want earlier")
        return Wants(
            visit_type=visit.visit_type, first_day=self.plan.day_of(at),
            last_day=self.plan.day_of(visit.start), provider=visit.provider,
        )  # fmt: skip
