"""The Visit: one appointment of one patient with one provider, from booking to its end."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

import attrs
from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.domain.reasons import CancellationReason
from serviceplan.errors import InvalidInput, NotAllowedNow, VisitInPast

if TYPE_CHECKING:
    from serviceplan.domain.staff import Staff


class VisitStatus(Enum):
    """Where a visit stands in its day."""

    BOOKED = "booked"
    CHECKED_IN = "checked-in"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    NO_SHOW = "no-show"


PENDING = frozenset({VisitStatus.BOOKED, VisitStatus.CHECKED_IN})
VISIT_NAMESPACE = UUID("3c9a6f0b-71d2-4e58-a4c3-9d2e8b1f5a64")
MAX_WHY = 200


def visit_id_for(external_id: str) -> UUID:
    """Derive a stable visit id from the scheduling system's appointment id."""
    return uuid5(VISIT_NAMESPACE, checks.text(external_id, "external id", max_length=128))


def moved_visit_id(request_id: UUID) -> UUID:
    """Return the id the new visit of a requested move gets: one move request, one new visit."""
    return uuid5(VISIT_NAMESPACE, f"move/{request_id}")


class DelayChoice(Enum):
    """What a patient told us they will do about a delay."""

    WAIT = "wait"
    COME_LATER = "come-later"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"


LEAVES_QUEUE = frozenset({DelayChoice.COME_LATER, DelayChoice.RESCHEDULE, DelayChoice.CANCEL})
"""Choices that take the patient out of the delayed queue: the visits after theirs move up."""


@attrs.frozen
class MoveRequest:
    """A move the desk asked the scheduler for, not yet booked or refused."""

    request_id: UUID
    start: datetime
    provider: str
    length: int
    reason: CancellationReason
    amends: UUID | None
    """The incident the move makes amends for (the first slot of a morning), if any."""
    by: Staff


class Visit(Aggregate):
    """One appointment; its events tell the whole of its day.

    Its own aggregate because its status moves one way (booked, checked in, started, completed;
    or cancelled, moved, no-show) and every command must see where it stands.
    """

    class Booked(Aggregate.Created):
        patient_id: UUID
        provider: str
        visit_type: str
        start: datetime
        length: int
        at: datetime
        by: Staff
        rescheduled_from: UUID | None

    class CheckedIn(Aggregate.Event):
        at: datetime
        by: Staff

    class Started(Aggregate.Event):
        at: datetime
        by: Staff

    class Completed(Aggregate.Event):
        at: datetime
        by: Staff

    class Cancelled(Aggregate.Event):
        reason: CancellationReason
        at: datetime
        by: Staff

    class Rescheduled(Aggregate.Event):
        to: UUID
        reason: CancellationReason
        at: datetime
        by: Staff

    class NoShow(Aggregate.Event):
        at: datetime
        by: Staff

    class FlaggedLong(Aggregate.Event):
        why: str
        at: datetime
        by: Staff

    class ChoiceRecorded(Aggregate.Event):
        delay_id: UUID
        choice: DelayChoice
        at: datetime
        by: Staff

    class MoveRequested(Aggregate.Event):
        request_id: UUID
        start: datetime
        provider: str
        length: int
        reason: CancellationReason
        amends: UUID | None
        at: datetime
        by: Staff

    class MoveRefused(Aggregate.Event):
        request_id: UUID
        why: str
        at: datetime
        by: Staff

    class SchedulerTold(Aggregate.Event):
        change: str
        answered: bool
        at: datetime
        by: Staff

    @event(Booked)
    def __init__(  # noqa: PLR0913 (a booking has this many facts)
        self,
        *,
        patient_id: UUID,
        provider: str,
        visit_type: str,
        start: datetime,
        length: int,
        at: datetime,
        by: Staff,
        rescheduled_from: UUID | None = None,
    ) -> None:
        del by
        self.patient_id = patient_id
        self.provider = provider
        self.visit_type = visit_type
        self.start = start
        self.length = length
        self.booked_at = at
        self.rescheduled_from = rescheduled_from
        self.rescheduled_to: UUID | None = None
        self.status = VisitStatus.BOOKED
        self.cancellation: CancellationReason | None = None
        self.checked_in_at: datetime | None = None
        self.started_at: datetime | None = None
        self.completed_at: datetime | None = None
        self.flagged_long: str | None = None
        self.choices: tuple[tuple[UUID, DelayChoice], ...] = ()
        self.move_request: MoveRequest | None = None
        self.move_refused: str | None = None
        self.moved_through_scheduler = False
        self.scheduler_told: tuple[str, ...] = ()

    @classmethod
    def book(  # noqa: PLR0913 (a booking has this many facts)
        cls,
        *,
        patient_id: UUID,
        provider: str,
        visit_type: str,
        start: datetime,
        length: int,
        at: datetime,
        by: Staff,
        rescheduled_from: UUID | None = None,
        visit_id: UUID | None = None,
    ) -> Visit:
        """Book a visit that starts no earlier than the booking (with `visit_id` if given)."""
        checks.an_id(patient_id, "patient id")
        checks.code(provider, "provider")
        checks.code(visit_type, "visit type")
        checks.minutes(length, "expected length")
        checks.staff(by)
        if checks.aware(start, "start") < checks.aware(at, "at"):
            raise VisitInPast(f"cannot book a visit at {start:%Y-%m-%d %H:%M}: that is in the past")
        if rescheduled_from is not None:
            checks.an_id(rescheduled_from, "rescheduled from")
        facts: dict[str, Any] = {
            "patient_id": patient_id, "provider": provider, "visit_type": visit_type,
            "start": start, "length": length, "at": at, "by": by,
            "rescheduled_from": rescheduled_from,
        }  # fmt: skip
        if visit_id is None:
            return cls(**facts)
        return cls._create(cls.Booked, id=checks.an_id(visit_id, "visit id"), **facts)

    @property
    def end(self) -> datetime:
        """When the visit is booked to end."""
        return self.start + timedelta(minutes=self.length)

    @property
    def is_pending(self) -> bool:
        """Say whether the visit is still to happen (booked or checked in)."""
        return self.status in PENDING

    def check_in(self, at: datetime, by: Staff) -> None:
        """Record the patient's arrival at the desk."""
        self._check_moment(at, by, "check in", VisitStatus.BOOKED)
        self._checked_in(at=at, by=by)

    @event(CheckedIn)
    def _checked_in(self, at: datetime, by: Staff) -> None:
        del by
        self.status = VisitStatus.CHECKED_IN
        self.checked_in_at = at

    def begin(self, at: datetime, by: Staff) -> None:
        """Record that the provider began seeing the patient."""
        self._check_moment(at, by, "start", VisitStatus.CHECKED_IN)
        self._started(at=at, by=by)

    @event(Started)
    def _started(self, at: datetime, by: Staff) -> None:
        del by
        self.status = VisitStatus.STARTED
        self.started_at = at

    def complete(self, at: datetime, by: Staff) -> None:
        """Record the end of the visit."""
        self._check_moment(at, by, "complete", VisitStatus.STARTED)
        self._completed(at=at, by=by)

    @event(Completed)
    def _completed(self, at: datetime, by: Staff) -> None:
        del by
        self.status = VisitStatus.COMPLETED
        self.completed_at = at

    def cancel(self, reason: CancellationReason, at: datetime, by: Staff) -> None:
        """Record a cancellation, by the patient or by the office as the reason code says."""
        self._check_reason(reason)
        self._check_moment(at, by, "cancel", *PENDING)
        self._cancelled(reason=reason, at=at, by=by)

    @event(Cancelled)
    def _cancelled(self, reason: CancellationReason, at: datetime, by: Staff) -> None:
        del at, by
        self.status = VisitStatus.CANCELLED
        self.cancellation = reason

    def reschedule(self, to: UUID, reason: CancellationReason, at: datetime, by: Staff) -> None:
        """Record that the visit moved to the visit `to`, and why."""
        checks.an_id(to, "new visit id")
        self._check_reason(reason)
        self._check_moment(at, by, "reschedule", *PENDING)
        self._rescheduled(to=to, reason=reason, at=at, by=by)

    @event(Rescheduled)
    def _rescheduled(self, to: UUID, reason: CancellationReason, at: datetime, by: Staff) -> None:
        del at, by
        self.status = VisitStatus.RESCHEDULED
        self.rescheduled_to = to
        self.cancellation = reason
        self.moved_through_scheduler = self.move_request is not None
        self.move_request = None

    def no_show(self, at: datetime, by: Staff) -> None:
        """Record that the patient did not come."""
        self._check_moment(at, by, "mark as no-show", VisitStatus.BOOKED)
        if at < self.start:
            raise NotAllowedNow("visit", "not yet due", "mark as no-show")
        self._no_show(at=at, by=by)

    @event(NoShow)
    def _no_show(self, at: datetime, by: Staff) -> None:
        del at, by
        self.status = VisitStatus.NO_SHOW

    def flag_long(self, why: str, at: datetime, by: Staff) -> None:
        """Flag a long visit when it is booked, so the patient is told what to expect."""
        self._check_moment(at, by, "flag as long", *PENDING)
        self._flagged_long(why=checks.text(why, "why", max_length=MAX_WHY), at=at, by=by)

    @event(FlaggedLong)
    def _flagged_long(self, why: str, at: datetime, by: Staff) -> None:
        del at, by
        self.flagged_long = why

    def record_choice(self, delay_id: UUID, choice: DelayChoice, at: datetime, by: Staff) -> None:
        """Record the patient's answer to a delay: wait, come later, reschedule or cancel."""
        checks.an_id(delay_id, "delay id")
        checks.member(choice, DelayChoice, "choice")
        self._check_moment(at, by, "record a choice", *PENDING)
        self._choice_recorded(delay_id=delay_id, choice=choice, at=at, by=by)

    @event(ChoiceRecorded)
    def _choice_recorded(
        self, delay_id: UUID, choice: DelayChoice, at: datetime, by: Staff
    ) -> None:
        del at, by
        self.choices = (*self.choices, (delay_id, choice))

    def request_move(self, request: MoveRequest, at: datetime) -> None:
        """Record that the desk asked the scheduler to move the visit; a follower carries it out."""
        if not isinstance(request, MoveRequest):
            raise InvalidInput("a move needs a MoveRequest")
        self._check_reason(request.reason)
        checks.aware(request.start, "start")
        checks.code(request.provider, "provider")
        checks.minutes(request.length, "length")
        self._check_moment(at, request.by, "move", *PENDING)
        if self.move_request is not None:
            raise NotAllowedNow("visit", "already being moved", "move it again")
        if request.start < at:
            raise VisitInPast(f"cannot move a visit to {request.start:%Y-%m-%d %H:%M}: the past")
        self._move_requested(
            request_id=request.request_id, start=request.start, provider=request.provider,
            length=request.length, reason=request.reason, amends=request.amends, at=at,
            by=request.by,
        )  # fmt: skip

    @event(MoveRequested)
    def _move_requested(  # noqa: PLR0913 (a move has this many facts)
        self,
        *,
        request_id: UUID,
        start: datetime,
        provider: str,
        length: int,
        reason: CancellationReason,
        amends: UUID | None,
        at: datetime,
        by: Staff,
    ) -> None:
        del at
        self.move_request = MoveRequest(request_id, start, provider, length, reason, amends, by)
        self.move_refused = None

    def refuse_move(self, request_id: UUID, why: str, at: datetime, by: Staff) -> None:
        """Record that the requested move could not be made (the scheduler said no, say)."""
        checks.aware(at, "at")
        checks.staff(by)
        if self.move_request is None or self.move_request.request_id != request_id:
            raise NotAllowedNow("visit", "not being moved", "refuse the move")
        self._move_refused(
            request_id=request_id, why=checks.text(why, "why", max_length=MAX_WHY), at=at, by=by
        )

    @event(MoveRefused)
    def _move_refused(self, request_id: UUID, why: str, at: datetime, by: Staff) -> None:
        del request_id, at, by
        self.move_request = None
        self.move_refused = why

    def tell_scheduler(self, change: str, answered: bool, at: datetime, by: Staff) -> None:  # noqa: FBT001
        """Record that the scheduler was told of a change (`answered`: it held the booking).

        A visit moved through the scheduler frees its old time ("moved"); a cancellation
        ("cancelled") and a no-show ("no-show") are told as they are recorded.
        """
        checks.aware(at, "at")
        checks.staff(by)
        if change != self.change_to_tell:
            raise NotAllowedNow("visit", self.status.value, f"tell the scheduler it {change}")
        self._scheduler_told(change=change, answered=bool(answered), at=at, by=by)

    @event(SchedulerTold)
    def _scheduler_told(self, change: str, answered: bool, at: datetime, by: Staff) -> None:  # noqa: FBT001
        del answered, at, by
        self.scheduler_told = (*self.scheduler_told, change)

    @property
    def change_to_tell(self) -> str | None:
        """Return the change the scheduler has still to hear of, if there is one."""
        due = None
        if self.moved_through_scheduler:
            due = "moved"
        elif self.status is VisitStatus.CANCELLED:
            due = "cancelled"
        elif self.status is VisitStatus.NO_SHOW:
            due = "no-show"
        return None if due in self.scheduler_told else due

    def choice_for(self, delay_id: UUID) -> DelayChoice | None:
        """Return the patient's latest answer to the delay, if any."""
        answers = [choice for delay, choice in self.choices if delay == delay_id]
        return answers[-1] if answers else None

    @property
    def office_caused_change(self) -> bool:
        """Say whether the office cancelled or moved the visit."""
        return self.cancellation is not None and self.cancellation.office_caused

    def _check_moment(self, at: datetime, by: Staff, command: str, *allowed: VisitStatus) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if self.status not in allowed:
            raise NotAllowedNow("visit", self.status.value, command)

    @staticmethod
    def _check_reason(reason: object) -> None:
        if not isinstance(reason, CancellationReason):
            raise InvalidInput("reason must be a CancellationReason")
