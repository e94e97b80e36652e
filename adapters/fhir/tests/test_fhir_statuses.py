"""Statuses both ways, R4's invariants on read, and what the record tells the FHIR server."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.appointment import Appointment

from fhir_helpers import at, booking
from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    FixedClock,
    ServicePlan,
    Staff,
    VisitStatus,
    memory_store,
)
from serviceplan.domain.reasons import ENTERED_IN_ERROR, Fault
from serviceplan.errors import NotAllowedNow
from serviceplan_fhir import (
    STATUS_OF,
    VISIT_STATUS_OF,
    AppointmentStatus,
    FhirScheduler,
    InvalidResource,
    Versioned,
    record_of,
)

DESK = Staff("desk-ana", "front-desk")


def appointment(**fields):
    base = {
        "resourceType": "Appointment",
        "id": "x",
        "status": "booked",
        "start": "2026-12-01T09:00:00Z",
        "end": "2026-12-01T09:15:00Z",
        "participant": [{"actor": {"reference": "Practitioner/contract"}, "status": "accepted"}],
    }
    return Versioned(Appointment.model_validate({**base, **fields}), None)


@pytest.mark.parametrize(
    ("fields", "invariant"),
    [
        ({"participant": [{"status": "accepted"}]}, "app-1"),
        ({"end": None}, "app-2"),
        ({"start": None, "end": None}, "app-3"),
        ({"cancelationReason": {"coding": [{"code": "pat"}]}}, "app-4"),
        ({"end": "2026-12-01T08:45:00Z"}, "the end is before the start"),
    ],
)
def test_an_appointment_that_breaks_an_r4_invariant_is_refused_on_read(fields, invariant):
    with pytest.raises(InvalidResource, match=invariant):
        record_of(appointment(**{k: v for k, v in fields.items() if v is not None}, **{
            k: None for k, v in fields.items() if v is None
        }))  # fmt: skip


@pytest.mark.parametrize(
    ("status", "visit"),
    [
        ("proposed", VisitStatus.BOOKED),
        ("booked", VisitStatus.BOOKED),
        ("arrived", VisitStatus.CHECKED_IN),
        ("checked-in", VisitStatus.CHECKED_IN),
        ("fulfilled", VisitStatus.COMPLETED),
        ("noshow", VisitStatus.NO_SHOW),
        ("cancelled", VisitStatus.CANCELLED),
        ("entered-in-error", VisitStatus.CANCELLED),
    ],
)
def test_each_fhir_status_reads_as_where_the_visit_stands(status, visit):
    assert record_of(appointment(status=status)).visit_status is visit


def test_every_visit_status_is_written_and_reads_back_the_same():
    for visit, status in STATUS_OF.items():
        back = VISIT_STATUS_OF[status]
        assert back is visit or (visit, back) in {
            (VisitStatus.STARTED, VisitStatus.CHECKED_IN),  # FHIR has no "being seen"
            (VisitStatus.RESCHEDULED, VisitStatus.CANCELLED),  # the new visit's stands
        }


def test_an_appointment_entered_in_error_is_nobodys_fault():
    record = record_of(appointment(status="entered-in-error"))
    assert (record.cancellation, record.fault) == (
        CancellationReason(ENTERED_IN_ERROR),
        Fault.NONE,
    )


@pytest.fixture
def clinic(scheduler, patient_plan):
    return patient_plan(scheduler)


@pytest.fixture
def patient_plan():
    def make(scheduler):
        plan = ServicePlan(
            memory_store(), clock=FixedClock(at(7)), plugins=[scheduler], entry_points=False
        )
        patient = plan.register_patient(contact=ContactPoints(), preferred=Channel.PORTAL, by=DESK)
        return plan, patient

    return make


def book(plan, patient, hour):
    """A visit booked in the record and, as the follower will, in the FHIR scheduler."""
    visit = plan.book_visit(
        patient, provider="dr-contract", visit_type="exam", start=at(hour), length=15, by=DESK
    )
    v = plan.get_visit(visit)
    plan.plugins.book_slot(booking(v.start, v.length, visit=v.id))
    return visit


def on_server(server, scheduler, visit):
    record = scheduler.appointment_for(visit)
    return server.store.read(*record.reference.split("/"))


def test_a_no_show_in_the_record_reaches_the_fhir_server(clinic, scheduler, fhir_server):
    plan, patient = clinic
    visit = book(plan, patient, 9)
    plan.clock.set(at(9, 20))

    plan.mark_no_show(visit, by=DESK)

    written = on_server(fhir_server, scheduler, visit)
    assert written["status"] == "noshow"
    assert fhir_server.store.read("Slot", "contract-202612010900")["status"] == "busy"
    assert plan.plugins.no_show_booking(booking(at(9), visit=visit)) is True  # said again: same


def test_a_deletion_in_the_record_reaches_the_server_as_entered_in_error(
    clinic, scheduler, fhir_server
):
    plan, patient = clinic
    visit = book(plan, patient, 10)

    plan.cancel_visit(visit, reason=CancellationReason(ENTERED_IN_ERROR), by=DESK)

    written = on_server(fhir_server, scheduler, visit)
    assert written["status"] == "entered-in-error"
    assert "cancelationReason" not in written
    assert scheduler.appointment_for(visit).fault is Fault.NONE
    assert fhir_server.store.read("Slot", "contract-202612011000")["status"] == "free"


def test_a_patients_cancellation_reaches_the_server_with_its_reason(clinic, scheduler):
    plan, patient = clinic
    visit = book(plan, patient, 11)

    plan.cancel_visit(visit, reason=CancellationReason("pat-cpp"), by=DESK)

    assert scheduler.appointment_for(visit).fault is Fault.PATIENT


@pytest.mark.parametrize("status", ["arrived", "checked-in", "fulfilled", "noshow"])
def test_an_appointment_past_booked_is_never_cancelled_or_its_slots_freed(
    scheduler, fhir_server, status
):
    visit = booking(at(13))
    reference = scheduler.serviceplan_book_slot(visit)
    kind, name = reference.split("/")
    fhir_server.store.update(
        kind, name, {**fhir_server.store.read(kind, name), "status": status}, None
    )

    with pytest.raises(NotAllowedNow, match=status):
        scheduler.serviceplan_cancel_booking(visit, CancellationReason("pat"))

    assert fhir_server.store.read(kind, name)["status"] == status
    assert fhir_server.store.read("Slot", "contract-202612011300")["status"] == "busy"


def test_the_visit_type_keeps_its_own_code_system(settings, fhir_server):
    import attrs  # noqa: PLC0415

    snomed = "http://snomed.info/sct"
    scheduler = FhirScheduler(attrs.evolve(settings, codings={"exam": snomed}))
    reference = scheduler.serviceplan_book_slot(booking(at(14)))

    written = fhir_server.store.read(*reference.split("/"))
    assert written["serviceType"] == [{"coding": [{"system": snomed, "code": "exam"}]}]
    assert AppointmentStatus(written["status"]) is AppointmentStatus.BOOKED
