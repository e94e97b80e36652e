"""Commands and questions about visits: booking, the visit's day, cancelling and moving.

`reschedule_visit` records a move made elsewhere (a feed from the practice-management system);
`move_visit` (in `serviceplan.app.moves`) asks the clinic's scheduler to make one.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from serviceplan.app import preparation
from serviceplan.app.desk import Desk
from serviceplan.app.permissions import permitted
from serviceplan.app.preparation import prepared
from serviceplan.app.returning import coming_back
from serviceplan.domain import checks
from serviceplan.domain.delay import Delay
from serviceplan.domain.patient import Patient
from serviceplan.domain.reasons import CancellationReason
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import DelayChoice, Visit, visit_id_for
from serviceplan.errors import DelayNotFound, InvalidInput, PatientNotFound, VisitNotFound


def a_day(value: object, name: str = "day") -> date:
    """Return `value` if it is a calendar day (a date, not a datetime)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput(f"{name} must be a date, not {type(value).__name__}")
    return value


class VisitDesk(Desk):
    """Booking visits and recording their day, from check-in to the end or a change of plan."""

    @permitted("book-visit")
    def book_visit(  # noqa: PLR0913 (a booking has this many facts)
        self,
        patient_id: UUID,
        *,
        provider: str,
        visit_type: str,
        start: datetime,
        by: Staff,
        length: int | None = None,
        external_id: str | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Book a visit; its length defaults to the visit type's, and long visits are flagged.

        With `external_id` (the scheduling system's appointment id) the visit id is stable, so a
        feed that sends the same booking twice is told so instead of booking twice.
        """
        self.plan.exists(Patient, patient_id, PatientNotFound)
        kind = preparation.visit_type(self.plan, visit_type, length)
        visit_id = None if external_id is None else visit_id_for(external_id)
        if visit_id is not None and self.plan.recorded(visit_id):
            raise InvalidInput("a visit with that external id is already booked")
        at = self.plan.now(now)
        visit = Visit.book(
            patient_id=patient_id, provider=provider, visit_type=visit_type, start=start,
            length=kind.expected_minutes if length is None else length, at=at, by=by,
            visit_id=visit_id,
        )  # fmt: skip
        self.plan.record(visit, *prepared(self.plan, visit, at, by))
        return visit.id

    @permitted("record-choice")
    def record_choice(
        self,
        visit_id: UUID,
        *,
        delay_id: UUID,
        choice: DelayChoice,
        by: Staff,
        now: datetime | None = None,
    ) -> None:
        """Record the patient's answer to a delay (wait, come later, reschedule, cancel).

        The delay must be one of the visit's provider on the visit's day. A patient who left the
        queue and now waits after all takes back a time still offered to the waitlist; one
        another patient took is refused (`NotAllowedNow`): the desk books them a new time.
        """
        visit = self.get_visit(visit_id)
        delay = self.plan.load(Delay, checks.an_id(delay_id, "delay id"), DelayNotFound)
        if (delay.provider, delay.day) != (visit.provider, self.plan.day_of(visit.start)):
            msg = f"delay {delay_id} is {delay.provider}'s on {delay.day}, not this visit's"
            raise InvalidInput(msg)
        at = self.plan.now(now)
        kept = coming_back(self.plan, visit, choice, at, by)
        visit.record_choice(delay_id=delay_id, choice=choice, at=at, by=by)
        self.plan.record(visit, *kept)

    def get_visit(self, visit_id: UUID) -> Visit:
        """Return the visit as recorded now."""
        return self.plan.load(Visit, visit_id, VisitNotFound)

    @permitted("check-in")
    def check_in(self, visit_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record the patient's arrival."""
        visit = self.get_visit(visit_id)
        visit.check_in(at=self.plan.now(now), by=by)
        self.plan.record(visit)

    @permitted("start-visit")
    def start_visit(self, visit_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record that the provider began the visit."""
        visit = self.get_visit(visit_id)
        visit.begin(at=self.plan.now(now), by=by)
        self.plan.record(visit)

    @permitted("complete-visit")
    def complete_visit(self, visit_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record the end of the visit."""
        visit = self.get_visit(visit_id)
        visit.complete(at=self.plan.now(now), by=by)
        self.plan.record(visit)

    @permitted("cancel-visit")
    def cancel_visit(
        self,
        visit_id: UUID,
        *,
        reason: CancellationReason,
        by: Staff,
        now: datetime | None = None,
    ) -> None:
        """Cancel a visit with a coded reason (the code tells patient from office)."""
        visit = self.get_visit(visit_id)
        visit.cancel(reason=reason, at=self.plan.now(now), by=by)
        self.plan.record(visit)

    @permitted("mark-no-show")
    def mark_no_show(self, visit_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record that the patient did not come."""
        visit = self.get_visit(visit_id)
        visit.no_show(at=self.plan.now(now), by=by)
        self.plan.record(visit)

    @permitted("reschedule-visit")
    def reschedule_visit(  # noqa: PLR0913 (a move has this many facts)
        self,
        visit_id: UUID,
        *,
        start: datetime,
        reason: CancellationReason,
        by: Staff,
        provider: str | None = None,
        length: int | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Record a move made elsewhere; returns the new visit, linked both ways.

        The new visit keeps the old one's provider and length unless given new ones; a long one is
        flagged again, and its preparation notice owed again for the new time.
        """
        at = self.plan.now(now)
        old = self.get_visit(visit_id)
        new = Visit.book(
            patient_id=old.patient_id, provider=provider or old.provider,
            visit_type=old.visit_type, start=start,
            length=old.length if length is None else length, at=at, by=by,
            rescheduled_from=old.id,
        )  # fmt: skip
        old.reschedule(to=new.id, reason=reason, at=at, by=by)
        self.plan.record(new, old, *prepared(self.plan, new, at, by))
        return new.id

    def current_visit(self, visit_id: UUID) -> Visit:
        """Return the visit, or the one it was rescheduled to, following every move."""
        visit = self.get_visit(visit_id)
        while visit.rescheduled_to is not None:
            visit = self.get_visit(visit.rescheduled_to)
        return visit

    def visits_of(self, provider: str, day: date) -> list[Visit]:
        """Return the provider's visits on `day`, by booked start."""
        ids = self.plan.schedule.visit_ids(checks.code(provider, "provider"), a_day(day))
        visits = self.plan.load_many(Visit, ids, VisitNotFound)
        return sorted(visits, key=lambda v: (v.start, str(v.id)))
