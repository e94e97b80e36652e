"""The Visit: one appointment of one patient with one provider, from booking to its end."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING
from uuid import UUID, uuid5

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


def visit_id_for(external_id: str) -> UUID:
    """Derive a stable visit id from the scheduling system's appointment id."""
    return uuid5(VISIT_NAMESPACE, checks.text(external_id, "external id", max_length=128))


class DelayChoice(Enum):
    """What a patient told us they will do about a delay."""

    WAIT = "wait"
    COME_LATER = "come-later"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"


class Visit(Aggregate):
    """One appointment; its events tell the whole of its day."""

    @event("Booked")
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
        checks.an_id(patient_id, "patient id")
        checks.code(provider, "provider")
        checks.code(visit_type, "visit type")
        checks.minutes(length, "expected length")
        checks.staff(by)
        if checks.aware(start, "start") < checks.aware(at, "at"):
            raise VisitInPast(f"cannot book a visit at {start:%Y-%m-%d %H:%M}: that is in the past")
        if rescheduled_from is not None:
            checks.an_id(rescheduled_from, "rescheduled from")
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

    @property
    def end(self) -> datetime:
        """When the visit is booked to end."""
        return self.start + timedelta(minutes=self.length)

    @property
    def is_pending(self) -> bool:
        """Say whether the visit is still to happen (booked or checked in)."""
        return self.status in PENDING

    @event("CheckedIn")
    def check_in(self, at: datetime, by: Staff) -> None:
        """Record the patient's arrival at the desk."""
        self._check_moment(at, by, "check in", VisitStatus.BOOKED)
        self.status = VisitStatus.CHECKED_IN
        self.checked_in_at = at

    @event("Started")
    def begin(self, at: datetime, by: Staff) -> None:
        """Record that the provider began seeing the patient."""
        self._check_moment(at, by, "start", VisitStatus.CHECKED_IN)
        self.status = VisitStatus.STARTED
        self.started_at = at

    @event("Completed")
    def complete(self, at: datetime, by: Staff) -> None:
        """Record the end of the visit."""
        self._check_moment(at, by, "complete", VisitStatus.STARTED)
        self.status = VisitStatus.COMPLETED
        self.completed_at = at

    @event("Cancelled")
    def cancel(self, reason: CancellationReason, at: datetime, by: Staff) -> None:
        """Record a cancellation, by the patient or by the office as the reason code says."""
        self._check_reason(reason)
        self._check_moment(at, by, "cancel", *PENDING)
        self.status = VisitStatus.CANCELLED
        self.cancellation = reason

    @event("Rescheduled")
    def reschedule(self, to: UUID, reason: CancellationReason, at: datetime, by: Staff) -> None:
        """Record that the visit moved to the visit `to`, and why."""
        checks.an_id(to, "new visit id")
        self._check_reason(reason)
        self._check_moment(at, by, "reschedule", *PENDING)
        self.status = VisitStatus.RESCHEDULED
        self.rescheduled_to = to
        self.cancellation = reason

    @event("NoShow")
    def no_show(self, at: datetime, by: Staff) -> None:
        """Record that the patient did not come."""
        self._check_moment(at, by, "mark as no-show", VisitStatus.BOOKED)
        if at < self.start:
            raise NotAllowedNow("visit", "not yet due", "mark as no-show")
        self.status = VisitStatus.NO_SHOW

    @event("FlaggedLong")
    def flag_long(self, why: str, at: datetime, by: Staff) -> None:
        """Flag a long visit when it is booked, so the patient is told what to expect."""
        self._check_moment(at, by, "flag as long", *PENDING)
        self.flagged_long = checks.text(why, "why", max_length=200)

    @event("ChoiceRecorded")
    def record_choice(self, delay_id: UUID, choice: DelayChoice, at: datetime, by: Staff) -> None:
        """Record the patient's answer to a delay: wait, come later, reschedule or cancel."""
        checks.an_id(delay_id, "delay id")
        checks.member(choice, DelayChoice, "choice")
        self._check_moment(at, by, "record a choice", *PENDING)
        self.choices = (*self.choices, (delay_id, choice))

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
