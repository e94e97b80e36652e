"""FHIR's scheduling resources in serviceplan's words, and a booking written as an Appointment.

Slots and appointments carry their status as codes the R4B models do not check, so they are read
here against FHIR's value sets; an unknown code is an invalid resource, not a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from enum import Enum
from typing import Any, TypeVar

import attrs
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot as FhirSlot

from serviceplan.domain.reasons import CANCELLATION_SYSTEM, CancellationReason, Fault
from serviceplan.errors import InvalidInput
from serviceplan.plugins import Booking, Slot
from serviceplan_fhir.client import Versioned, validated
from serviceplan_fhir.errors import InvalidResource

E = TypeVar("E", bound=Enum)
VISIT_SYSTEM = "urn:serviceplan:visit"
"""The identifier system of the Appointment written for a serviceplan visit (value: visit id)."""
PATIENT_SYSTEM = "urn:serviceplan:patient"
VISIT_TYPE_SYSTEM = "urn:serviceplan:visit-type"


class SlotStatus(Enum):
    """FHIR's slot statuses: only a free slot can be booked."""

    FREE = "free"
    BUSY = "busy"
    BUSY_UNAVAILABLE = "busy-unavailable"
    BUSY_TENTATIVE = "busy-tentative"
    ENTERED_IN_ERROR = "entered-in-error"


NOT_WORKING = frozenset({SlotStatus.BUSY_UNAVAILABLE, SlotStatus.ENTERED_IN_ERROR})
"""Slots that are not part of the provider's working day (away, or never meant)."""


class AppointmentStatus(Enum):
    """FHIR's appointment statuses (http://hl7.org/fhir/appointmentstatus)."""

    PROPOSED = "proposed"
    PENDING = "pending"
    BOOKED = "booked"
    ARRIVED = "arrived"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    NOSHOW = "noshow"
    ENTERED_IN_ERROR = "entered-in-error"
    CHECKED_IN = "checked-in"
    WAITLIST = "waitlist"


GONE = frozenset({AppointmentStatus.CANCELLED, AppointmentStatus.ENTERED_IN_ERROR})
"""Appointments that no longer stand for a visit."""


def slot_status(slot: Versioned[FhirSlot]) -> SlotStatus:
    """Read a slot's status, refusing a code outside FHIR's value set."""
    return _code(SlotStatus, slot.resource.status, slot.reference)


def appointment_status(appointment: Versioned[Appointment]) -> AppointmentStatus:
    """Read an appointment's status, refusing a code outside FHIR's value set."""
    return _code(AppointmentStatus, appointment.resource.status, appointment.reference)


def span(slot: Versioned[FhirSlot]) -> tuple[datetime, datetime]:
    """Return when a slot starts and ends, refusing one that ends before it starts."""
    start, end = slot.resource.start, slot.resource.end
    if start is None or end is None or end <= start:
        raise InvalidResource(slot.reference, "a slot needs a start and a later end")
    return start, end


def as_slot(slot: Versioned[FhirSlot], provider: str, zone: tzinfo) -> Slot:
    """Return a FHIR slot as serviceplan's free time with the provider, in the clinic's zone."""
    start, end = span(slot)
    minutes = int((end - start).total_seconds() // 60)
    if minutes < 1:
        raise InvalidResource(slot.reference, "the slot is shorter than a minute")
    return Slot(provider, start.astimezone(zone), minutes)


def cancellation(appointment: Versioned[Appointment]) -> CancellationReason | None:
    """Return the coded reason the appointment was cancelled for, if it gives one."""
    concept = appointment.resource.cancelationReason
    codes = (
        [c.code for c in (concept.coding or ()) if c.system == CANCELLATION_SYSTEM]
        if concept
        else []
    )
    if not codes or codes[0] is None:
        return None
    try:
        return CancellationReason(codes[0])
    except InvalidInput:
        raise InvalidResource(
            appointment.reference,
            f"cancelationReason: {codes[0]!r} is not in {CANCELLATION_SYSTEM}",
        ) from None


def fault_of(reason: CancellationReason) -> Fault:
    """Office reasons (`prov*`, `maint`, `oth*`, `other`) are the office's fault, others not."""
    return Fault.OFFICE if reason.office_caused else Fault.PATIENT


@attrs.frozen
class AppointmentRecord:
    """What the FHIR server says about an appointment: its status, times and any cancellation."""

    reference: str
    status: AppointmentStatus
    start: datetime | None
    end: datetime | None
    cancellation: CancellationReason | None

    @property
    def fault(self) -> Fault | None:
        """Whose fault the cancellation was, by its reason code; None if none is given."""
        return None if self.cancellation is None else fault_of(self.cancellation)


def record_of(appointment: Versioned[Appointment]) -> AppointmentRecord:
    """Read an appointment in serviceplan's words."""
    resource = appointment.resource
    return AppointmentRecord(
        appointment.reference,
        appointment_status(appointment),
        resource.start,
        resource.end,
        cancellation(appointment),
    )


def new_appointment(
    booking: Booking, slots: Sequence[Versioned[FhirSlot]], schedule: Versioned[Schedule]
) -> Appointment:
    """Write a booking as a booked Appointment over `slots`, with the schedule's actors.

    The patient is named by serviceplan's id only: no name, contact or reason goes to the server.
    """
    patient = {
        "type": "Patient",
        "identifier": {"system": PATIENT_SYSTEM, "value": str(booking.patient_id)},
    }
    actors = [
        {"actor": {"reference": a.reference}, "status": "accepted"}
        for a in schedule.resource.actor
        if a.reference
    ]
    data = {
        "resourceType": "Appointment",
        "status": AppointmentStatus.BOOKED.value,
        "identifier": [{"system": VISIT_SYSTEM, "value": str(booking.visit_id)}],
        "serviceType": [{"coding": [{"system": VISIT_TYPE_SYSTEM, "code": booking.visit_type}]}],
        **_times(booking.start, booking.end, slots),
        "minutesDuration": booking.length,
        "participant": [{"actor": patient, "required": "required", "status": "accepted"}, *actors],
    }
    return validated(Appointment, data, "the new Appointment")


def moved(
    appointment: Versioned[Appointment],
    start: datetime,
    end: datetime,
    slots: Sequence[Versioned[FhirSlot]],
) -> Appointment:
    """Return the appointment at its new time, over its new slots."""
    return _changed(appointment, _times(start, end, slots))


def cancelled(
    appointment: Versioned[Appointment], reason: CancellationReason | None
) -> Appointment:
    """Return the appointment cancelled, with its coded reason when one is known."""
    changes: dict[str, Any] = {"status": AppointmentStatus.CANCELLED.value}
    if reason is not None:
        changes["cancelationReason"] = {
            "coding": [{"system": CANCELLATION_SYSTEM, "code": reason.code}]
        }
    return _changed(appointment, changes)


def with_status(slot: Versioned[FhirSlot], status: SlotStatus) -> FhirSlot:
    """Return the slot with a new status."""
    data = {**slot.resource.model_dump(mode="json"), "status": status.value}
    return validated(FhirSlot, data, slot.reference)


def slot_references(appointment: Versioned[Appointment]) -> list[str]:
    """Return the references of the slots the appointment takes."""
    return [s.reference for s in appointment.resource.slot or () if s.reference]


def _changed(appointment: Versioned[Appointment], changes: dict[str, Any]) -> Appointment:
    data = {**appointment.resource.model_dump(mode="json"), **changes}
    return validated(Appointment, data, appointment.reference)


def _times(start: datetime, end: datetime, slots: Sequence[Versioned[FhirSlot]]) -> dict[str, Any]:
    return {
        "start": start.isoformat(timespec="seconds"),
        "end": end.isoformat(timespec="seconds"),
        "slot": [{"reference": s.reference} for s in slots],
    }


def _code(kind: type[E], value: object, where: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise InvalidResource(
            where, f"status {value!r} is not a FHIR {kind.__name__} code"
        ) from None
