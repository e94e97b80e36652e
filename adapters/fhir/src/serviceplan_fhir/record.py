"""The record as FHIR: a visit written as the R4 Appointment that says what the record says.

The status comes from `STATUS_OF` (a deletion, the cause `entered-in-error`, is written
`entered-in-error`), the cause as `cancelationReason`, the visit type in its own code system when
the clinic names one (`FhirSettings.codings`), and the scheduling system's own appointment ids
(HL7 SCH-1 placer, SCH-2 filler) as identifiers beside serviceplan's visit id. Read back with
`record_of`, the appointment gives the same status and the same fault.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fhir.resources.R4B.appointment import Appointment

from serviceplan import ServicePlan
from serviceplan.domain.visit import VisitStatus
from serviceplan_fhir.client import validated
from serviceplan_fhir.resources import (
    PATIENT_SYSTEM,
    STATUS_OF,
    VISIT_SYSTEM,
    ended_for,
    service_type,
)
from serviceplan_fhir.settings import FhirSettings

PROVIDER_SYSTEM = "urn:serviceplan:provider"
ID_TYPES = "http://terminology.hl7.org/CodeSystem/v2-0203"
ENDED = frozenset({VisitStatus.CANCELLED, VisitStatus.RESCHEDULED})


def appointment_of(
    plan: ServicePlan,
    visit_id: UUID,
    settings: FhirSettings,
    *,
    placer_id: str | None = None,
    filler_id: str | None = None,
) -> Appointment:
    """Write the visit as the record holds it now as an R4 Appointment (validated with R4B)."""
    visit = plan.get_visit(visit_id)
    identifiers: list[dict[str, Any]] = [{"system": VISIT_SYSTEM, "value": str(visit.id)}]
    for code, shown, value in (("PLAC", "Placer Identifier", placer_id),
                               ("FILL", "Filler Identifier", filler_id)):  # fmt: skip
        if value:
            kind = {"coding": [{"system": ID_TYPES, "code": code, "display": shown}]}
            identifiers.append({"type": kind, "value": value})
    data: dict[str, Any] = {
        "resourceType": "Appointment",
        "status": STATUS_OF[visit.status].value,
        "identifier": identifiers,
        "serviceType": service_type(visit.visit_type, settings.codings.get(visit.visit_type)),
        "start": visit.start.isoformat(timespec="seconds"),
        "end": visit.end.isoformat(timespec="seconds"),
        "minutesDuration": visit.length,
        "participant": [
            {
                "actor": _by_id("Patient", PATIENT_SYSTEM, str(visit.patient_id)),
                "status": "accepted",
            },
            {
                "actor": _by_id("Practitioner", PROVIDER_SYSTEM, visit.provider),
                "status": "accepted",
            },
        ],
    }
    if visit.status in ENDED:
        data.update({k: v for k, v in ended_for(visit.cancellation).items() if v is not None})
    return validated(Appointment, data, f"the Appointment of visit {visit.id}")


def _by_id(kind: str, system: str, value: str) -> dict[str, Any]:
    return {"type": kind, "identifier": {"system": system, "value": value}}
