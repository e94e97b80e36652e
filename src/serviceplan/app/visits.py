"""Commands and queries about visits: booking, the visit's day, cancelling and moving."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from serviceplan.app.notices import Notices
from serviceplan.app.permissions import permitted
from serviceplan.domain import checks
from serviceplan.domain.contact import Channel
from serviceplan.domain.delay import Delay
from serviceplan.domain.notice import Notice, NoticeKind, notice_key
from serviceplan.domain.patient import Patient
from serviceplan.domain.provider_day import ProviderDay, provider_day_id
from serviceplan.domain.reasons import CancellationReason
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import DelayChoice, Visit, visit_id_for
from serviceplan.domain.visit_type import VisitType
from serviceplan.errors import DelayNotFound, InvalidInput, PatientNotFound, VisitNotFound
from serviceplan.plugins.records import Booking


def booking_of(visit: Visit) -> Booking:
    """Return the visit as a scheduling system sees it."""
    return Booking(
        visit.id, visit.patient_id, visit.provider, visit.visit_type, visit.start, visit.length
    )


class Visits(Notices):
    """The visit commands of `ServicePlan`."""

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
        self._exists(Patient, patient_id, PatientNotFound)
        kind = self._visit_type(visit_type, length)
        at = self._now(now)
        facts: dict[str, Any] = {
            "patient_id": patient_id, "provider": provider, "visit_type": visit_type,
            "start": start, "length": kind.expected_minutes if length is None else length,
            "at": at, "by": by, "rescheduled_from": None,
        }  # fmt: skip
        if external_id is None:
            visit = Visit(**facts)
        else:
            visit = self._new_visit_with_id(visit_id_for(external_id), facts)
        self._flag_if_long(visit, kind, at, by)
        told = self._prepare(patient_id, visit, kind, at, by)
        self._save(visit, self._day_with(visit), *told)
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

        The delay must be one of the visit's provider on the visit's day.
        """
        visit = self.get_visit(visit_id)
        delay = self._load(Delay, checks.an_id(delay_id, "delay id"), DelayNotFound)
        if (delay.provider, delay.day) != (visit.provider, self.day_of(visit.start)):
            msg = f"delay {delay_id} is {delay.provider}'s on {delay.day}, not this visit's"
            raise InvalidInput(msg)
        visit.record_choice(delay_id=delay_id, choice=choice, at=self._now(now), by=by)
        self._save(visit)

    def get_visit(self, visit_id: UUID) -> Visit:
        """Return the visit as recorded now."""
        return self._load(Visit, visit_id, VisitNotFound)

    @permitted("check-in")
    def check_in(self, visit_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record the patient's arrival."""
        visit = self.get_visit(visit_id)
        visit.check_in(at=self._now(now), by=by)
        self._save(visit)

    @permitted("start-visit")
    def start_visit(self, visit_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record that the provider began the visit."""
        visit = self.get_visit(visit_id)
        visit.begin(at=self._now(now), by=by)
        self._save(visit)

    @permitted("complete-visit")
    def complete_visit(self, visit_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record the end of the visit."""
        visit = self.get_visit(visit_id)
        visit.complete(at=self._now(now), by=by)
        self._save(visit)

    @permitted("cancel-visit")
    def cancel_visit(
        self,
        visit_id: UUID,
        *,
        reason: CancellationReason,
        by: Staff,
        now: datetime | None = None,
    ) -> None:
        """Cancel a visit with a coded reason (the code tells patient from office).

        The scheduler is told first, with the reason, so a scheduler that refuses leaves nothing
        recorded; telling it again is harmless when the record then fails to save.
        """
        visit = self.get_visit(visit_id)
        visit.cancel(reason=reason, at=self._now(now), by=by)
        self.plugins.cancel_booking(booking_of(visit), reason)
        self._save(visit)

    @permitted("mark-no-show")
    def mark_no_show(self, visit_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record that the patient did not come; the scheduler is told first, as for a cancel."""
        visit = self.get_visit(visit_id)
        visit.no_show(at=self._now(now), by=by)
        self.plugins.no_show_booking(booking_of(visit))
        self._save(visit)

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
        """Move a visit to `start` (and `provider`); returns the new visit, linked both ways.

        The new visit keeps the old one's provider and length unless given new ones; a long one is
        flagged again, and its preparation notice owed again for the new time.
        """
        old, new, told = self._moved(
            visit_id, start=start, reason=reason, by=by, provider=provider, length=length,
            at=self._now(now),
        )  # fmt: skip
        self._save(new, old, self._day_with(new), *told)
        return new.id

    def _moved(  # noqa: PLR0913 (a move has this many facts)
        self,
        visit_id: UUID,
        *,
        start: datetime,
        reason: CancellationReason,
        by: Staff,
        provider: str | None,
        at: datetime,
        length: int | None = None,
    ) -> tuple[Visit, Visit, list[Aggregate]]:
        """Return the visit marked as moved, its new visit and who is owed a notice (unsaved).

        The two visits are linked both ways; a long new visit is flagged, and its patient owed a
        preparation notice for the new time.
        """
        old = self.get_visit(visit_id)
        new = Visit(
            patient_id=old.patient_id, provider=provider or old.provider,
            visit_type=old.visit_type, start=start,
            length=old.length if length is None else length, at=at, by=by,
            rescheduled_from=old.id,
        )  # fmt: skip
        old.reschedule(to=new.id, reason=reason, at=at, by=by)
        kind = self._visit_type(new.visit_type, new.length)
        self._flag_if_long(new, kind, at, by)
        return old, new, self._prepare(new.patient_id, new, kind, at, by)

    def current_visit(self, visit_id: UUID) -> Visit:
        """Return the visit, or the one it was rescheduled to, following every move."""
        visit = self.get_visit(visit_id)
        while visit.rescheduled_to is not None:
            visit = self.get_visit(visit.rescheduled_to)
        return visit

    def _new_visit_with_id(self, visit_id: UUID, facts: dict[str, Any]) -> Visit:
        if self._recorded(visit_id):
            raise InvalidInput("a visit with that external id is already booked")
        return Visit._create(  # noqa: SLF001 (eventsourcing's way to choose the id)
            Visit.Booked,  # type: ignore[attr-defined]  # made by @event
            id=visit_id,
            **facts,
        )

    def _visit_type(self, code: str, length: int | None) -> VisitType:
        """Return the catalogue's visit type, or an ad-hoc one when a length is given."""
        try:
            return self.settings.catalogue.get(code)
        except InvalidInput:
            if length is None:
                raise
        return VisitType(checks.code(code, "visit type"), code, checks.minutes(length, "length"))

    def _prepare(
        self, patient_id: UUID, visit: Visit, kind: VisitType, at: datetime, by: Staff
    ) -> list[Aggregate]:
        """Owe the patient a preparation notice ahead of a long visit (or any, if configured).

        It goes on e-mail or the portal when the patient consented to one (the detail goes
        there), else on their preferred channel; `Settings.preparation_lead_hours` before.
        """
        long_visit = visit.flagged_long is not None and self.settings.prepare_long_visits
        if not (long_visit or (self.settings.preparation_for_all and kind.preparation)):
            return []
        patient = self._load(Patient, patient_id, PatientNotFound)
        channel = next(
            (c for c in (Channel.EMAIL, Channel.PORTAL, patient.preferred) if patient.can_reach(c)),
            None,
        )
        if channel is None:
            return []
        lead = timedelta(hours=self.settings.preparation_lead_hours)
        not_before = max(at, visit.start - lead)
        key = notice_key(NoticeKind.PREPARATION, patient.id, channel, visit.id, visit.start)
        notice = Notice(
            key, NoticeKind.PREPARATION, patient.id, channel, visit.id, visit.start,
            not_before if not_before < visit.start else None, visit.start,
        )  # fmt: skip
        day = self._notice_day(at)
        return [patient, day] if self._owe(patient, notice, day, at, by) else []

    def _flag_if_long(self, visit: Visit, kind: VisitType, at: datetime, by: Staff) -> None:
        if kind.long_testing:
            visit.flag_long(why="long testing", at=at, by=by)
        elif visit.length >= self.settings.long_visit_minutes:
            visit.flag_long(why=f"{visit.length} minutes", at=at, by=by)

    def day_of(self, start: datetime) -> date:
        """Return the clinic day a moment falls on, in the clinic's zone."""
        return checks.aware(start, "start").astimezone(self.settings.timezone).date()

    def visits_of(self, provider: str, day: date) -> list[Visit]:
        """Return the provider's visits on `day`, by booked start."""
        return self._visits_on(self._find_day(checks.code(provider, "provider"), day))

    def _visits_on(self, provider_day: ProviderDay | None) -> list[Visit]:
        """Return the visits on the provider's day, by booked start, read in one query."""
        if provider_day is None:
            return []
        visits = self._load_many(Visit, provider_day.visit_ids, VisitNotFound)
        return sorted(visits, key=lambda v: (v.start, str(v.id)))

    def _find_day(self, provider: str, day: date) -> ProviderDay | None:
        found = self._get(provider_day_id(provider, day))
        return found if isinstance(found, ProviderDay) else None

    def _day_with(self, visit: Visit) -> ProviderDay:
        """Return the provider's day with `visit` added (opening the day if it is new)."""
        day = self.day_of(visit.start)
        provider_day = self._find_day(visit.provider, day) or ProviderDay(
            provider=visit.provider, day=day
        )
        provider_day.add_visit(visit.id)
        return provider_day
