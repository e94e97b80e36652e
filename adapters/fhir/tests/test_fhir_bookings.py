"""Booking, moving and cancelling through Appointments: the right slots taken and given back."""

from __future__ import annotations

import attrs
import pytest

from fhir_helpers import at, booking, slot
from serviceplan import CancellationReason
from serviceplan.domain.reasons import CANCELLATION_SYSTEM, Fault
from serviceplan.errors import NotAllowedNow, SlotUnavailable
from serviceplan_fhir import (
    PATIENT_SYSTEM,
    VISIT_SYSTEM,
    AppointmentStatus,
    FhirScheduler,
    FhirServerError,
    FhirTimeout,
    InvalidResource,
    UnknownSchedule,
)


def status(server, hour: int, minute: int = 0) -> str:
    return server.store.read("Slot", f"contract-20261201{hour:02}{minute:02}")["status"]


def writes(server) -> list[tuple[str, str]]:
    return [(r.method, r.path.rsplit("/fhir/", 1)[1]) for r in server.requests if r.method != "GET"]


def test_a_half_hour_visit_takes_two_slots_back_to_back(scheduler, fhir_server):
    reference = scheduler.serviceplan_book_slot(booking(at(9), length=30))
    appointment = fhir_server.store.read(*reference.split("/"))
    assert [s["reference"] for s in appointment["slot"]] == [
        "Slot/contract-202612010900",
        "Slot/contract-202612010915",
    ]
    assert (appointment["minutesDuration"], appointment["end"]) == (30, "2026-12-01T09:30:00Z")
    assert [status(fhir_server, 9, m) for m in (0, 15, 30)] == ["busy", "busy", "free"]


def test_the_appointment_names_the_visit_and_patient_by_id_only(scheduler, fhir_server):
    visit = booking(at(9))
    appointment = fhir_server.store.read(*scheduler.serviceplan_book_slot(visit).split("/"))
    assert appointment["identifier"] == [{"system": VISIT_SYSTEM, "value": str(visit.visit_id)}]
    patient = appointment["participant"][0]["actor"]
    assert patient == {
        "type": "Patient",
        "identifier": {"system": PATIENT_SYSTEM, "value": str(visit.patient_id)},
    }
    assert {"name", "telecom", "description", "comment", "reasonCode"}.isdisjoint(appointment)


def test_a_visit_booked_again_at_another_time_must_be_moved(scheduler):
    visit = booking(at(9))
    scheduler.serviceplan_book_slot(visit)
    with pytest.raises(SlotUnavailable, match="move it instead"):
        scheduler.serviceplan_book_slot(attrs.evolve(visit, start=at(10)))


@pytest.mark.parametrize(
    ("start", "length"),
    [(at(9, 5), 15), (at(11, 45), 30), (at(12, 0), 15), (at(7, 30), 15), (at(7, 45), 15)],
    ids=["between-slots", "past-the-morning", "lunch", "away", "entered-in-error"],
)
def test_a_visit_needs_free_slots_from_its_start_to_its_end(scheduler, fhir_server, start, length):
    with pytest.raises(SlotUnavailable):
        scheduler.serviceplan_book_slot(booking(start, length))
    assert writes(fhir_server) == []


def test_a_move_later_by_a_quarter_keeps_the_shared_slot(scheduler, fhir_server):
    visit = booking(at(9), length=30)
    reference = scheduler.serviceplan_book_slot(visit)
    assert scheduler.serviceplan_move_booking(visit, at(9, 15)) == reference
    assert [status(fhir_server, 9, m) for m in (0, 15, 30)] == ["free", "busy", "busy"]
    moved = fhir_server.store.read(*reference.split("/"))
    assert (moved["start"], moved["meta"]["versionId"]) == ("2026-12-01T09:15:00Z", "2")


def test_a_move_to_the_same_time_changes_nothing(scheduler, fhir_server):
    visit = booking(at(9))
    scheduler.serviceplan_book_slot(visit)
    before = len(writes(fhir_server))
    scheduler.serviceplan_move_booking(visit, at(9))
    assert len(writes(fhir_server)) == before


def test_a_move_onto_taken_time_is_refused_and_keeps_the_booking(scheduler, fhir_server):
    visit, other = booking(at(9)), booking(at(10))
    scheduler.serviceplan_book_slot(visit)
    scheduler.serviceplan_book_slot(other)
    with pytest.raises(SlotUnavailable):
        scheduler.serviceplan_move_booking(visit, at(10))
    assert (status(fhir_server, 9), status(fhir_server, 10)) == ("busy", "busy")
    assert scheduler.appointment_for(visit.visit_id).start == at(9)


def test_a_visit_never_booked_cannot_be_moved(scheduler):
    with pytest.raises(NotAllowedNow):
        scheduler.serviceplan_move_booking(booking(at(9)), at(10))


def test_cancelling_with_an_office_reason_writes_the_coded_reason(scheduler, fhir_server):
    visit = booking(at(9))
    reference = scheduler.serviceplan_book_slot(visit)
    assert scheduler.cancel(visit, CancellationReason("prov-pers")) is True

    written = fhir_server.store.read(*reference.split("/"))
    assert written["status"] == "cancelled"
    assert written["cancelationReason"] == {
        "coding": [{"system": CANCELLATION_SYSTEM, "code": "prov-pers"}]
    }
    record = scheduler.appointment_for(visit.visit_id)
    assert (record.status, record.fault) == (AppointmentStatus.CANCELLED, Fault.OFFICE)
    assert status(fhir_server, 9) == "free"


def test_the_hook_cancels_with_the_configured_default_reason(settings):
    scheduler = FhirScheduler(settings, default_reason=CancellationReason("pat-cpp"))
    visit = booking(at(9))
    scheduler.serviceplan_book_slot(visit)
    assert scheduler.serviceplan_cancel_booking(visit, None) is True
    assert scheduler.appointment_for(visit.visit_id).fault is Fault.PATIENT


def test_a_cancelled_visit_may_be_booked_again(scheduler):
    visit = booking(at(9))
    first = scheduler.serviceplan_book_slot(visit)
    scheduler.serviceplan_cancel_booking(visit, None)
    second = scheduler.serviceplan_book_slot(visit)
    assert second != first
    assert scheduler.appointment_for(visit.visit_id).reference == second


def test_a_slot_taken_meanwhile_refuses_the_booking_and_gives_back_the_rest(
    scheduler, fhir_server, monkeypatch
):
    real_update = scheduler.client.update

    def another_desk_first(current, changed):
        if current.reference == "Slot/contract-202612010915":  # someone books 9:15 just now
            taken = fhir_server.store.read("Slot", "contract-202612010915")
            fhir_server.store.update("Slot", taken["id"], {**taken, "status": "busy"}, None)
        return real_update(current, changed)

    monkeypatch.setattr(scheduler.client, "update", another_desk_first)
    with pytest.raises(SlotUnavailable, match="taken meanwhile"):
        scheduler.serviceplan_book_slot(booking(at(9), length=30))
    assert status(fhir_server, 9) == "free"  # taken for the visit, then given back
    assert fhir_server.requests[-1].method == "PUT"


def test_a_server_failing_to_create_the_appointment_gets_its_slots_back(scheduler, fhir_server):
    fhir_server.fail(500, method="POST", kind="Appointment")
    with pytest.raises(FhirServerError):
        scheduler.serviceplan_book_slot(booking(at(9), length=30))
    assert [status(fhir_server, 9, m) for m in (0, 15)] == ["free", "free"]


def test_a_create_that_got_there_unanswered_keeps_its_slots_and_books_once(settings, fhir_server):
    impatient = FhirScheduler(attrs.evolve(settings, timeout=0.5))
    fhir_server.stall(2, method="POST", kind="Appointment")  # done, but answered too late
    visit = booking(at(9))
    with pytest.raises(FhirTimeout):
        impatient.serviceplan_book_slot(visit)
    assert status(fhir_server, 9) == "busy"
    standing = impatient.appointment_for(visit.visit_id)
    assert impatient.serviceplan_book_slot(visit) == standing.reference


def test_a_create_that_never_got_there_gives_its_slots_back(settings, fhir_server):
    impatient = FhirScheduler(attrs.evolve(settings, timeout=0.5))
    fhir_server.fail(503, method="POST", kind="Appointment", stall=2)  # lost, and late
    with pytest.raises(FhirTimeout):
        impatient.serviceplan_book_slot(booking(at(9)))
    assert status(fhir_server, 9) == "free"


def test_an_unknown_provider_names_the_schedule_it_looked_for(scheduler):
    with pytest.raises(UnknownSchedule, match="no Schedule/dr-nobody on the FHIR server"):
        scheduler.serviceplan_free_slots("dr-nobody", at(8), at(12))


def test_a_schedule_no_longer_in_use_offers_and_takes_nothing(scheduler):
    assert scheduler.serviceplan_free_slots("dr-closed", at(8), at(12)) == []
    assert scheduler.serviceplan_first_slot_of_morning("dr-closed", at(8).date()) == []
    with pytest.raises(SlotUnavailable, match="not in use"):
        scheduler.serviceplan_book_slot(booking(at(8), provider="dr-closed"))


def test_a_move_the_server_refuses_gives_the_new_slots_back_and_keeps_the_old(
    scheduler, fhir_server
):
    visit = booking(at(9))
    scheduler.serviceplan_book_slot(visit)
    fhir_server.fail(500, method="PUT", kind="Appointment")
    with pytest.raises(FhirServerError):
        scheduler.serviceplan_move_booking(visit, at(10))
    assert (status(fhir_server, 9), status(fhir_server, 10)) == ("busy", "free")


def test_a_slot_that_ends_before_it_starts_is_an_invalid_resource(scheduler, fhir_server):
    broken = slot("contract", at(13, 0))
    broken["end"] = at(12, 59).isoformat()
    fhir_server.store.seed([broken])
    with pytest.raises(InvalidResource, match="needs a start and a later end"):
        scheduler.serviceplan_free_slots("dr-contract", at(13), at(14))
