"""Why an appointment was cancelled, read from its coded reason: the office's fault or not."""

from __future__ import annotations

import json
from uuid import UUID

import attrs
import pytest

from fhir_helpers import EXAMPLES
from serviceplan import CancellationReason
from serviceplan.domain.reasons import CANCELLATION_SYSTEM, UNKNOWN, Fault
from serviceplan_fhir import AppointmentStatus, FhirScheduler, fault_of

CANCELLED_BY_THE_OFFICE = UUID("00000000-0000-4000-8000-0000000000c1")


def codes() -> list[str]:
    """Every code of the real appointment-cancellation-reason code system, nested ones too."""
    system = json.loads((EXAMPLES / "CodeSystem-appointment-cancellation-reason.json").read_text())
    assert system["url"] == CANCELLATION_SYSTEM

    def walk(concepts):
        for concept in concepts:
            yield concept["code"]
            yield from walk(concept.get("concept", []))

    return list(walk(system["concept"]))


@pytest.mark.parametrize("code", codes())
def test_provider_equipment_and_other_reasons_are_the_offices_fault(code):
    office = code.startswith(("prov", "oth")) or code in {"maint", "other"}
    assert fault_of(CancellationReason(code)) is (Fault.OFFICE if office else Fault.PATIENT)


def test_a_provider_in_hospital_is_the_offices_fault(scheduler):
    record = scheduler.appointment("Appointment/cancelled-provider")
    assert record.status is AppointmentStatus.CANCELLED
    assert record.cancellation == CancellationReason("prov-hosp")
    assert record.fault is Fault.OFFICE


def test_a_patient_feeling_better_is_not(scheduler):
    assert scheduler.appointment("cancelled-patient").fault is Fault.PATIENT


def test_a_reason_given_only_in_words_is_an_unknown_cause_no_fault_of_anyone_known(scheduler):
    record = scheduler.appointment("cancelled-text-only")
    assert (record.cancellation, record.fault) == (CancellationReason(UNKNOWN), None)


def test_a_code_the_code_system_does_not_define_is_an_unknown_cause_never_the_office(scheduler):
    record = scheduler.appointment("cancelled-unknown-reason")
    assert (record.cancellation, record.fault) == (CancellationReason(UNKNOWN), None)


def test_a_clinic_maps_its_own_reasons_to_causes(settings):
    table = {"prov-holiday": "prov-pers", "Cancelled by phone": "pat"}
    scheduler = FhirScheduler(attrs.evolve(settings, reasons=table))
    assert scheduler.appointment("cancelled-unknown-reason").fault is Fault.OFFICE
    assert scheduler.appointment("cancelled-text-only").fault is None  # words are not read


def test_a_no_show_is_read_as_such(scheduler):
    assert scheduler.appointment("noshow").status is AppointmentStatus.NOSHOW


def test_a_visit_cancelled_in_the_scheduling_system_is_found_by_its_visit_id(scheduler):
    record = scheduler.appointment_for(CANCELLED_BY_THE_OFFICE)
    assert (record.reference, record.fault) == ("Appointment/cancelled-provider", Fault.OFFICE)
    assert scheduler.standing(CANCELLED_BY_THE_OFFICE) is None
    assert scheduler.appointment_for(UUID(int=7)) is None
