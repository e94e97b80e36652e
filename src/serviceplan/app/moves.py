"""Moves that go through the clinic's scheduler, and the first slot of a morning as amends.

`reschedule_visit` records a move made elsewhere (a feed from the practice-management system).
`move_visit` makes the move: it books the new time in the scheduler (the scheduler hook), frees
the old one, and records both in one transaction. When the office caused the trouble,
`move_to_first_slot` gives the patient the first slot of a morning, recorded as a peace offering.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from serviceplan.app.delays import Delays
from serviceplan.app.offerings import Offerings
from serviceplan.app.permissions import permitted
from serviceplan.app.visits import booking_of
from serviceplan.domain.money import Money
from serviceplan.domain.offering import Offering, OfferingKind
from serviceplan.domain.patient import Patient
from serviceplan.domain.reasons import CancellationReason, Fault
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import Visit
from serviceplan.errors import NotOfficeFault, PatientNotFound, SlotUnavailable
from serviceplan.plugins.records import Booking, Slot

SATURDAY = 5
FIRST_SLOT_ITEM = "first-slot"


class Moves(Delays, Offerings):
    """The scheduler-backed moves of `ServicePlan`."""

    def first_slot_of_morning(self, provider: str, day: date) -> Slot | None:
        """Ask the scheduler for the provider's first free slot on `day` (None if taken)."""
        return self.plugins.first_slot_of_morning(provider, day)

    @permitted("move-visit")
    def move_visit(  # noqa: PLR0913 (a move has this many facts)
        self,
        visit_id: UUID,
        *,
        start: datetime,
        reason: CancellationReason,
        by: Staff,
        provider: str | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Move a visit through the scheduler and record it; returns the new visit's id.

        The scheduler books the new time first (`SlotUnavailable` if it cannot) and is told to
        free it again should the record not be saved.
        """
        old, new, told = self._moved(
            visit_id, start=start, reason=reason, by=by, provider=provider, at=self._now(now)
        )
        with self._booked(old, new):
            self._save(new, old, self._day_with(new), *told)
        return new.id

    @permitted("move-visit")
    def move_to_first_slot(  # noqa: PLR0913 (amends have this many facts)
        self,
        visit_id: UUID,
        *,
        incident_id: UUID,
        reason: CancellationReason,
        by: Staff,
        day: date | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Give the patient the first slot of a morning for an incident the office caused.

        The move and a `FIRST_MORNING_SLOT` offering (no retail value, issued by the move itself)
        are recorded together.
        """
        at = self._now(now)
        incident = self.get_incident(incident_id)
        if incident.fault is not Fault.OFFICE:
            raise NotOfficeFault("the first slot of a morning makes amends for the office's fault")
        visit = self.get_visit(visit_id)
        slot = self.first_slot_of_morning(visit.provider, day or self._next_business_day(at))
        if slot is None:
            raise SlotUnavailable("the first slot of that morning is taken")
        old, new, told = self._moved(
            visit_id, start=slot.start, reason=reason, by=by, provider=None, at=at
        )
        offering = Offering(
            patient_id=old.patient_id, incident_id=incident.id,
            kind=OfferingKind.FIRST_MORNING_SLOT, value=Money.zero(), item=FIRST_SLOT_ITEM,
            at=at, by=by,
        )  # fmt: skip
        offering.approve(check=None, at=at, by=by)  # no retail value: the move itself honours it
        offering.issue(at=at, by=by)
        owed = [a for a in told if not isinstance(a, Patient)]
        patient = next((a for a in told if isinstance(a, Patient)), None)
        patient = patient or self._load(Patient, old.patient_id, PatientNotFound)
        patient.enter_offering(offering_id=offering.id, value=offering.value, at=at)
        with self._booked(old, new):
            self._save(new, old, self._day_with(new), offering, patient, *owed)
        return new.id

    def _booked(self, old: Visit, new: Visit) -> _SchedulerMove:
        return _SchedulerMove(self, booking_of(new), old)

    def _next_business_day(self, at: datetime) -> date:
        day = at.astimezone(self.settings.timezone).date() + timedelta(days=1)
        while day.weekday() >= SATURDAY:
            day += timedelta(days=1)
        return day


class _SchedulerMove:
    """Book the new time in the scheduler; free it if the record fails, free the old one if not."""

    def __init__(self, plan: Moves, new: Booking, old: Visit) -> None:
        self.plan, self.new, self.old = plan, new, old

    def __enter__(self) -> None:
        self.plan.plugins.book_slot(self.new)

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self.plan.plugins.cancel_booking(self.new)
            return
        self.plan.plugins.cancel_booking(booking_of(self.old), self.old.cancellation)
