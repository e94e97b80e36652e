"""FHIR's scheduling resources in serviceplan's words, and a booking written as an Appointment.

Slots and appointments carry their status as codes the R4B models do not check, so they are read
here against FHIR's value sets; an unknown code is an invalid resource, not a guess. Nor do the
models check R4's Appointment invariants (app-1 to app-4, an end after the start): an
appointment is checked against them as it is read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from enum import Enum
from types import MappingProxyType
from typing import Any, TypeVar

import attrs
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot as FhirSlot

from serviceplan.domain.reasons import (
    CANCELLATION_SYSTEM,
    ENTERED_IN_ERROR,
    UNKNOWN,
    CancellationReason,
    Fault,
)
from serviceplan.domain.visit import VisitStatus
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
OPEN = frozenset(
    {
        AppointmentStatus.PROPOSED,
        AppointmentStatus.PENDING,
        AppointmentStatus.BOOKED,
        AppointmentStatus.WAITLIST,
    }
)
"""Appointments still to happen, which a booking may move, cancel or mark as missed."""
VISIT_STATUS_OF = MappingProxyType(
    {
        AppointmentStatus.PROPOSED: VisitStatus.BOOKED,
        AppointmentStatus.PENDING: VisitStatus.BOOKED,
        AppointmentStatus.BOOKED: VisitStatus.BOOKED,
        AppointmentStatus.WAITLIST: VisitStatus.BOOKED,
        AppointmentStatus.ARRIVED: VisitStatus.CHECKED_IN,
        AppointmentStatus.CHECKED_IN: VisitStatus.CHECKED_IN,
        AppointmentStatus.FULFILLED: VisitStatus.COMPLETED,
        AppointmentStatus.NOSHOW: VisitStatus.NO_SHOW,
        AppointmentStatus.CANCELLED: VisitStatus.CANCELLED,
        AppointmentStatus.ENTERED_IN_ERROR: VisitStatus.CANCELLED,
    }
)
"""FHIR to the record: where a visit stands, by its appointment's status."""
STATUS_OF = MappingProxyType(
    {
        VisitStatus.BOOKED: AppointmentStatus.BOOKED,
        VisitStatus.CHECKED_IN: AppointmentStatus.CHECKED_IN,
        VisitStatus.STARTED: AppointmentStatus.CHECKED_IN,
        VisitStatus.COMPLETED: AppointmentStatus.FULFILLED,
        VisitStatus.NO_SHOW: AppointmentStatus.NOSHOW,
        VisitStatus.CANCELLED: AppointmentStatus.CANCELLED,
        VisitStatus.RESCHEDULED: AppointmentStatus.CANCELLED,
    }
)
"""The record to FHIR: the appointment's status for a visit's (a deletion: `entered-in-error`)."""


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


def cancellation(
    appointment: Versioned[Appointment], reasons: Mapping[str, str] = MappingProxyType({})
) -> CancellationReason | None:
    """Return the cause an appointment that ended early gives, through the clinic's table.

    Each coding of `cancelationReason` is looked up as `system|code`, then as `code`; a code of
    the appointment-cancellation-reason system is its own cause. A reason nobody can read (text
    only, another system's code, a code the system does not define) is the `unknown` cause, never
    the office's fault. An appointment entered in error is the cause `entered-in-error`.
    """
    resource = appointment.resource
    if appointment_status(appointment) is AppointmentStatus.ENTERED_IN_ERROR:
        return CancellationReason(ENTERED_IN_ERROR)
    concept = resource.cancelationReason
    if concept is None:
        return None
    for coding in concept.coding or ():
        for key in (f"{coding.system}|{coding.code}", str(coding.code)):
            if key in reasons:
                return CancellationReason(reasons[key])
        if coding.system == CANCELLATION_SYSTEM:
            try:
                return CancellationReason(str(coding.code))
            except InvalidInput:
                continue
    return CancellationReason(UNKNOWN)


def fault_of(reason: CancellationReason) -> Fault | None:
    """Whose fault a cause is: the office's, the patient's, nobody's (an error), or None (unknown).

    Office reasons are `prov*`, `maint`, `oth*` and `other`; patients' are `pat*` and `meds-inc`.
    """
    return reason.fault


def check_invariants(appointment: Versioned[Appointment]) -> None:
    """Refuse an appointment that breaks R4's invariants app-1 to app-4, or ends before starting."""
    resource, where = appointment.resource, appointment.reference
    status = appointment_status(appointment)
    for participant in resource.participant or ():
        if participant.type is None and participant.actor is None:
            raise InvalidResource(where, "app-1: a participant has a type or an actor")
    if (resource.start is None) != (resource.end is None):
        raise InvalidResource(where, "app-2: start and end are given together or not at all")
    loose = {AppointmentStatus.PROPOSED, AppointmentStatus.CANCELLED, AppointmentStatus.WAITLIST}
    if resource.start is None and status not in loose:
        raise InvalidResource(where, f"app-3: a {status.value} appointment has a start and end")
    if resource.cancelationReason is not None and status not in {
        AppointmentStatus.CANCELLED,
        AppointmentStatus.NOSHOW,
    }:
        raise InvalidResource(
            where, "app-4: only a cancelled or missed one has a cancelationReason"
        )
    if resource.start is not None and resource.end is not None and resource.end < resource.start:
        raise InvalidResource(where, "the end is before the start")


@attrs.frozen
class AppointmentRecord:
    """What the FHIR server says about an appointment: its status, times and any cancellation."""

    reference: str
    status: AppointmentStatus
    start: datetime | None
    end: datetime | None
    cancellation: CancellationReason | None
    identifiers: tuple[tuple[str | None, str | None], ...] = ()
    """The appointment's identifiers as (system, value)."""

    @property
    def fault(self) -> Fault | None:
        """Whose fault the cancellation was, by its cause; None if none is known."""
        return None if self.cancellation is None else fault_of(self.cancellation)

    @property
    def visit_status(self) -> VisitStatus:
        """Where the visit stands, as the record says it (`VISIT_STATUS_OF`)."""
        return VISIT_STATUS_OF[self.status]


def record_of(
    appointment: Versioned[Appointment], reasons: Mapping[str, str] = MappingProxyType({})
) -> AppointmentRecord:
    """Read an appointment in serviceplan's words, once it is checked against R4's invariants."""
    check_invariants(appointment)
    resource = appointment.resource
    return AppointmentRecord(
        appointment.reference,
        appointment_status(appointment),
        resource.start,
        resource.end,
        cancellation(appointment, reasons),
        tuple((i.system, i.value) for i in resource.identifier or ()),
    )


def service_type(visit_type: str, system: str | None) -> list[dict[str, Any]]:
    """The visit type as a `serviceType` concept, in its own code system when the clinic says it."""
    return [{"coding": [{"system": system or VISIT_TYPE_SYSTEM, "code": visit_type}]}]


def new_appointment(
    booking: Booking,
    slots: Sequence[Versioned[FhirSlot]],
    schedule: Versioned[Schedule],
    system: str | None = None,
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
        "serviceType": service_type(booking.visit_type, system),
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
    """Return the appointment ended for `reason` (`ended_for`): cancelled, or entered in error."""
    return _changed(appointment, ended_for(reason))


def ended_for(reason: CancellationReason | None) -> dict[str, Any]:
    """The status and reason an appointment ended for `reason` carries.

    A deletion (`entered-in-error`) is that status, with no reason; an unknown cause is cancelled
    with its reason in words only; a code of the cancellation-reason system is written coded.
    """
    if reason is not None and reason.code == ENTERED_IN_ERROR:
        return {"status": AppointmentStatus.ENTERED_IN_ERROR.value, "cancelationReason": None}
    changes: dict[str, Any] = {"status": AppointmentStatus.CANCELLED.value}
    if reason is not None and reason.code == UNKNOWN:
        changes["cancelationReason"] = {"text": "unknown cause"}
    elif reason is not None:
        changes["cancelationReason"] = {
            "coding": [{"system": CANCELLATION_SYSTEM, "code": reason.code}]
        }
    return changes


def missed(appointment: Versioned[Appointment]) -> Appointment:
    """Return the appointment marked `noshow`."""
    return _changed(appointment, {"status": AppointmentStatus.NOSHOW.value})


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
