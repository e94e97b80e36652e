"""clinic-serviceplan-fhir: a scheduler over a FHIR R4 server's Schedules, Slots and Appointments.

```python
scheduler = FhirScheduler(FhirSettings("https://fhir.example.org/r4", schedules={"dr-patel": "42"}))
plan = ServicePlan(env, plugins=[scheduler])
plan.plugins.free_slots("dr-patel", start, end)  # the free Slots of Schedule/42
```
"""

from serviceplan_fhir.client import FhirClient, Versioned, validated
from serviceplan_fhir.errors import (
    FhirClientError,
    FhirError,
    FhirHttpError,
    FhirServerError,
    FhirTimeout,
    FhirUnavailable,
    InvalidResource,
    ResourceNotFound,
    UnknownSchedule,
    VersionConflict,
)
from serviceplan_fhir.plugin import from_environment
from serviceplan_fhir.record import appointment_of
from serviceplan_fhir.resources import (
    PATIENT_SYSTEM,
    STATUS_OF,
    VISIT_STATUS_OF,
    VISIT_SYSTEM,
    VISIT_TYPE_SYSTEM,
    AppointmentRecord,
    AppointmentStatus,
    SlotStatus,
    check_invariants,
    fault_of,
    record_of,
)
from serviceplan_fhir.scheduler import FhirScheduler
from serviceplan_fhir.settings import FhirSettings

__all__ = [
    "PATIENT_SYSTEM",
    "STATUS_OF",
    "VISIT_STATUS_OF",
    "VISIT_SYSTEM",
    "VISIT_TYPE_SYSTEM",
    "AppointmentRecord",
    "AppointmentStatus",
    "FhirClient",
    "FhirClientError",
    "FhirError",
    "FhirHttpError",
    "FhirScheduler",
    "FhirServerError",
    "FhirSettings",
    "FhirTimeout",
    "FhirUnavailable",
    "InvalidResource",
    "ResourceNotFound",
    "SlotStatus",
    "UnknownSchedule",
    "VersionConflict",
    "Versioned",
    "appointment_of",
    "check_invariants",
    "fault_of",
    "from_environment",
    "record_of",
    "validated",
]
