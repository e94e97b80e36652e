"""HL7 v2 in, the record, FHIR R4 out: each outcome keeps its status and its cause all the way.

The scheduler's real SIU samples are applied by the HL7 feed; each visit the record then holds
is written as an Appointment, validated with the R4B models, and read back as the FHIR adapter
reads any appointment. The two adapters agree: the same status, the same fault.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from fhir.resources.R4B.appointment import Appointment

from fhir_helpers import EXAMPLES
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    ServicePlan,
    Settings,
    Staff,
    VisitStatus,
    memory_store,
    visit_id_for,
)
from serviceplan.domain.reasons import Fault
from serviceplan_fhir import FhirSettings, Versioned, appointment_of, record_of
from serviceplan_hl7v2 import SiuFeed, parse, read_siu

SIU = EXAMPLES.parent / "hl7v2-siu"
GHH = timezone(timedelta(hours=2, minutes=15))
SNOMED = "http://snomed.info/sct"
SETTINGS = FhirSettings("http://fhir.invalid/r4", codings={"76164006": SNOMED})


def ghh(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2021, 9, day, hour, minute, tzinfo=GHH)


def sample(name: str) -> str:
    return (SIU / f"{name}.hl7").read_text(encoding="utf-8")


def edit(text: str, segment: str, field: int, value: str) -> str:
    """The message with field `field` of the first `segment` set to `value`."""
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line]
    for i, line in enumerate(lines):
        if line.startswith(segment + "|"):
            parts = line.split("|")
            index = field - 1 if segment == "MSH" else field
            parts += [""] * (index + 1 - len(parts))
            parts[index] = value
            lines[i] = "|".join(parts)
            break
    return "\r".join(lines)


MOVED = edit(
    edit(edit(sample("SIU-S13-01"), "TQ1", 7, "20210927140000+0215"), "TQ1", 8, "20210927145000"),
    "SCH",
    6,
    "pat-cpp",
)
STORIES = {
    "booked": ([], VisitStatus.BOOKED, None),
    "moved": ([MOVED], VisitStatus.BOOKED, None),
    "cancelled by the patient": (
        [edit(sample("SIU-S15-01"), "SCH", 6, "pat-cpp^Patient: Canceled via patient portal")],
        VisitStatus.CANCELLED,
        Fault.PATIENT,
    ),
    "cancelled by the office": (
        [edit(sample("SIU-S15-01"), "SCH", 6, "prov-hosp^Provider: Hospitalized")],
        VisitStatus.CANCELLED,
        Fault.OFFICE,
    ),
    "cancelled for no reason given": ([sample("SIU-S15-01")], VisitStatus.CANCELLED, None),
    "missed": ([sample("SIU-S26-01")], VisitStatus.NO_SHOW, None),
    "deleted": ([sample("SIU-S17-01")], VisitStatus.CANCELLED, Fault.NONE),
}
FHIR_STATUS = {
    "booked": "booked",
    "moved": "booked",
    "cancelled by the patient": "cancelled",
    "cancelled by the office": "cancelled",
    "cancelled for no reason given": "cancelled",
    "missed": "noshow",
    "deleted": "entered-in-error",
}


@pytest.fixture
def plan():
    clock = FixedClock(ghh(14, 11, 20))
    plan = ServicePlan(memory_store(), clock=clock, settings=Settings(timezone=GHH))
    plan.register_patient(
        contact=ContactPoints(), preferred=Channel.PORTAL, by=Staff("desk-ana"),
        external_id="PATID1234",
    )  # fmt: skip
    return plan


def as_fhir(plan, visit_id, text):
    """The visit written as FHIR, validated as R4B JSON from scratch, and read back."""
    siu = read_siu(parse(text), zone=GHH)
    written = appointment_of(
        plan, visit_id, SETTINGS, placer_id=siu.placer_id, filler_id=siu.filler_id
    )
    again = Appointment.model_validate_json(written.model_dump_json())
    return again, record_of(Versioned(again, None))


@pytest.mark.parametrize("story", list(STORIES))
def test_each_outcome_keeps_its_status_and_cause_from_hl7_to_fhir(plan, story):
    """Given the biopsy booked by S12, when the story's messages arrive, then the FHIR
    appointment written from the record reads back as the record has it."""
    messages, status, fault = STORIES[story]
    feed = SiuFeed(plan)
    feed.apply(sample("SIU-S12-01"))
    plan.clock.set(ghh(24, 10))
    for text in messages:
        feed.apply(text)
    visit = plan.current_visit(visit_id_for("36996"))

    appointment, record = as_fhir(plan, visit.id, sample("SIU-S12-01"))

    assert (visit.status, appointment.status) == (status, FHIR_STATUS[story])
    assert record.visit_status is status
    assert record.fault is fault
    assert record.fault is (None if visit.cancellation is None else visit.cancellation.fault)
    assert record.fault is not Fault.OFFICE or story == "cancelled by the office"


def test_a_moved_visit_leaves_its_first_appointment_cancelled_for_the_moves_cause(plan):
    feed = SiuFeed(plan)
    feed.apply(sample("SIU-S12-01"))
    feed.apply(MOVED)
    first = plan.get_visit(visit_id_for("36996"))

    appointment, record = as_fhir(plan, first.id, MOVED)

    assert (first.status, appointment.status) == (VisitStatus.RESCHEDULED, "cancelled")
    assert record.fault is Fault.PATIENT


def test_the_appointment_carries_the_placer_and_filler_ids_and_the_snomed_code(plan):
    SiuFeed(plan).apply(sample("SIU-S12-01"))

    appointment, record = as_fhir(plan, visit_id_for("36996"), sample("SIU-S12-01"))

    kinds = {i.type.coding[0].code: i.value for i in appointment.identifier if i.type}
    assert kinds == {"PLAC": "12345", "FILL": "36996"}
    assert ("urn:serviceplan:visit", str(visit_id_for("36996"))) in record.identifiers
    coding = appointment.serviceType[0].coding[0]
    assert (coding.system, coding.code) == (SNOMED, "76164006")
