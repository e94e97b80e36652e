"""`FhirScheduler`: serviceplan's scheduler hooks over a FHIR R4 server's Schedules and Slots.

Free time is the provider's Schedule's `free` Slots. A visit is booked as an Appointment that
names the visit by identifier (`urn:serviceplan:visit`), so booking again finds it instead of
booking twice; it is moved, cancelled, marked `noshow` or `entered-in-error` by updating that
Appointment, and its Slots are written `busy` and `free` to match. Only an appointment still to
happen (proposed, pending, booked, waitlist) is moved or ended: one the patient arrived for, was
seen at or missed is refused, never rewritten.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.schedule import Schedule

from serviceplan import hookimpl
from serviceplan.domain.reasons import CancellationReason
from serviceplan.errors import NotAllowedNow, SlotUnavailable
from serviceplan.plugins import Booking, Slot
from serviceplan_fhir.client import FhirClient, Versioned
from serviceplan_fhir.errors import FhirError, FhirUnavailable, ResourceNotFound, UnknownSchedule
from serviceplan_fhir.resources import (
    GONE,
    NOT_WORKING,
    OPEN,
    VISIT_SYSTEM,
    AppointmentRecord,
    AppointmentStatus,
    SlotStatus,
    appointment_status,
    as_slot,
    cancelled,
    missed,
    moved,
    new_appointment,
    record_of,
    slot_references,
    slot_status,
)
from serviceplan_fhir.settings import FhirSettings
from serviceplan_fhir.slots import SlotKeeper


class FhirScheduler:
    """The clinic's FHIR server as serviceplan's scheduler (one answer: its errors reach callers).

    `default_reason` is written as the `cancelationReason` of appointments cancelled through the
    hook, which carries no reason; `cancel(booking, reason)` gives one.
    """

    def __init__(
        self,
        settings: FhirSettings,
        *,
        client: FhirClient | None = None,
        default_reason: CancellationReason | None = None,
    ) -> None:
        self.settings = settings
        self.client = client or FhirClient(settings)
        self.slots = SlotKeeper(self.client)
        self.default_reason = default_reason

    @hookimpl
    def serviceplan_free_slots(self, provider: str, start: datetime, end: datetime) -> list[Slot]:
        """Return the free Slots of the provider's Schedule starting from `start` up to `end`."""
        schedule = self.schedule(provider)
        if schedule.resource.active is False:
            return []
        free = self.slots.between(schedule, start, end, free=True)
        return [as_slot(s, provider, self.settings.zone) for s in free]

    @hookimpl
    def serviceplan_first_slot_of_morning(self, provider: str, day: date) -> list[Slot]:
        """Return the first Slot the provider works that morning, if it is free (else nothing).

        Slots marked `busy-unavailable` (the provider is away) or `entered-in-error` are not part
        of the working morning; a `busy` or `busy-tentative` first slot is taken.
        """
        schedule = self.schedule(provider)
        if schedule.resource.active is False:
            return []
        zone = self.settings.zone
        dawn = datetime.combine(day, time(0), zone)
        noon = datetime.combine(day, self.settings.morning_ends, zone)
        slots = self.slots.between(schedule, dawn, noon)
        working = [s for s in slots if slot_status(s) not in NOT_WORKING]
        if not working or slot_status(working[0]) is not SlotStatus.FREE:
            return []
        return [as_slot(working[0], provider, zone)]

    @hookimpl
    def serviceplan_book_slot(self, booking: Booking) -> str:
        """Book the visit as an Appointment over free Slots; booking it again changes nothing."""
        current = self.standing(booking.visit_id)
        if current is not None:
            if (current.resource.start, current.resource.end) == (booking.start, booking.end):
                return current.reference
            raise SlotUnavailable("that visit is booked at another time: move it instead")
        schedule = self.schedule(booking.provider)
        run, taken = self.slots.take(schedule, booking.start, booking.end)
        system = self.settings.codings.get(booking.visit_type)
        try:
            created = self.client.create(new_appointment(booking, run, schedule, system))
        except FhirUnavailable:
            if self.standing(booking.visit_id) is None:  # no answer: did it get there?
                self.slots.give_back([s.reference for s in taken])
            raise
        except FhirError:
            self.slots.give_back([s.reference for s in taken])
            raise
        return created.reference

    @hookimpl
    def serviceplan_move_booking(self, booking: Booking, start: datetime) -> str:
        """Move the visit's Appointment to `start`, taking the new Slots and freeing the old."""
        current = self._open(booking.visit_id, "move it")
        if current is None:
            raise NotAllowedNow("booking", "not in the scheduler", "move it")
        end = start + timedelta(minutes=booking.length)
        if (current.resource.start, current.resource.end) == (start, end):
            return current.reference
        old = slot_references(current)
        run, taken = self.slots.take(self.schedule(booking.provider), start, end, ours=old)
        try:
            updated = self.client.update(current, moved(current, start, end, run))
        except FhirError:
            self.slots.give_back([s.reference for s in taken])
            raise
        self.slots.give_back([r for r in old if r not in {s.reference for s in run}])
        return updated.reference

    @hookimpl
    def serviceplan_cancel_booking(
        self, booking: Booking, reason: CancellationReason | None
    ) -> bool:
        """Cancel the visit's Appointment for `reason` (else the default) and free its Slots."""
        return self.cancel(booking, reason or self.default_reason)

    @hookimpl
    def serviceplan_no_show_booking(self, booking: Booking) -> bool:
        """Mark the visit's Appointment `noshow`; its Slots stay taken (the time has passed)."""
        current = self._open(booking.visit_id, "mark as no-show", done=AppointmentStatus.NOSHOW)
        if current is None:
            return self._latest_is(booking.visit_id, AppointmentStatus.NOSHOW)
        self.client.update(current, missed(current))
        return True

    def cancel(self, booking: Booking, reason: CancellationReason | None) -> bool:
        """End the visit's Appointment for `reason`: cancelled, or `entered-in-error` for an error.

        False when there is none still to happen; refused (`NotAllowedNow`) when the patient
        arrived, was seen or missed it.
        """
        current = self._open(booking.visit_id, "cancel")
        if current is None:
            return False
        self.client.update(current, cancelled(current, reason))
        self.slots.give_back(slot_references(current))
        return True

    def _open(
        self, visit_id: UUID, command: str, done: AppointmentStatus | None = None
    ) -> Versioned[Appointment] | None:
        """The visit's Appointment still to happen; refuse one that is past that (but `done`)."""
        current = self.standing(visit_id)
        if current is None:
            return None
        status = appointment_status(current)
        if status in OPEN:
            return current
        if status is done:
            return None
        raise NotAllowedNow("appointment", status.value, command)

    def _latest_is(self, visit_id: UUID, status: AppointmentStatus) -> bool:
        current = self.standing(visit_id)
        return current is not None and appointment_status(current) is status

    def schedule(self, provider: str) -> Versioned[Schedule]:
        """Read the provider's Schedule."""
        schedule_id = self.settings.schedule_for(provider)
        try:
            return self.client.read(Schedule, schedule_id)
        except ResourceNotFound:
            raise UnknownSchedule(provider, schedule_id) from None

    def standing(self, visit_id: UUID) -> Versioned[Appointment] | None:
        """Return the visit's Appointment unless it is cancelled or entered in error."""
        found = self._for_visit(visit_id)
        return next((a for a in found if appointment_status(a) not in GONE), None)

    def appointment(self, reference: str) -> AppointmentRecord:
        """Read any Appointment on the server (`Appointment/123`) in serviceplan's words."""
        found = self.client.read(Appointment, reference.removeprefix("Appointment/"))
        return record_of(found, self.settings.reasons)

    def appointment_for(self, visit_id: UUID) -> AppointmentRecord | None:
        """Return what the server says of the visit's Appointment, cancelled ones included."""
        found = self._for_visit(visit_id)
        standing = [a for a in found if appointment_status(a) not in GONE]
        if standing:
            return record_of(standing[-1], self.settings.reasons)
        return record_of(found[-1], self.settings.reasons) if found else None

    def _for_visit(self, visit_id: UUID) -> list[Versioned[Appointment]]:
        token = f"{VISIT_SYSTEM}|{visit_id}"
        found = self.client.search(Appointment, {"identifier": token})
        return [
            a
            for a in found
            if any(
                (i.system, i.value) == (VISIT_SYSTEM, str(visit_id))
                for i in a.resource.identifier or ()
            )
        ]
