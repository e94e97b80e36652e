"""Why things happen: cancellation reasons, process causes and fault, in the clinic's words.

Cancellation reasons are the codes of HL7's appointment-cancellation-reason code system. Codes
that name the provider or the office (`prov*`, `maint`, `oth-*`) mean the office caused the
change, which matters when the clinic wants to make amends. Two causes of our own are nobody's
fault: `unknown` (the sender gave no reason we know) and `entered-in-error` (the visit should
never have been booked), so neither ever counts towards a peace offering.
"""

from __future__ import annotations

from enum import Enum

import attrs

from serviceplan.errors import InvalidInput

CANCELLATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"

PATIENT_CODES = frozenset(
    {
        "pat", "pat-crs", "pat-cpp", "pat-dec", "pat-fb", "pat-lt", "pat-mt", "pat-mv",
        "pat-preg", "pat-swl", "pat-ucp", "meds-inc",
    }
)  # fmt: skip
OFFICE_CODES = frozenset(
    {
        "prov", "prov-pers", "prov-dch", "prov-edu", "prov-hosp", "prov-labs", "prov-mri",
        "prov-onc", "maint", "other", "oth-cms", "oth-err", "oth-fin", "oth-iv", "oth-int",
        "oth-mu", "oth-room", "oth-oerr", "oth-swie", "oth-weath",
    }
)  # fmt: skip
UNKNOWN = "unknown"
"""The cause when the sender gave none, or one nobody mapped: never the office's fault."""
ENTERED_IN_ERROR = "entered-in-error"
"""The cause of a visit deleted as booked in error (HL7 S17, FHIR `entered-in-error`)."""
NO_FAULT_CODES = frozenset({UNKNOWN, ENTERED_IN_ERROR})


def _known_code(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value not in PATIENT_CODES | OFFICE_CODES | NO_FAULT_CODES:
        raise InvalidInput(
            f"unknown cancellation reason {value!r}: use a code of {CANCELLATION_SYSTEM},"
            f" {UNKNOWN!r} or {ENTERED_IN_ERROR!r}"
        )


@attrs.frozen
class CancellationReason:
    """A coded reason for cancelling or moving a visit."""

    code: str = attrs.field(validator=_known_code)

    @property
    def office_caused(self) -> bool:
        """Say whether the office, not the patient, caused the change."""
        return self.code in OFFICE_CODES

    @property
    def fault(self) -> Fault | None:
        """Whose fault the change was: office, patient, nobody's (an error), or None if unknown."""
        if self.code in OFFICE_CODES:
            return Fault.OFFICE
        if self.code in PATIENT_CODES:
            return Fault.PATIENT
        return Fault.NONE if self.code == ENTERED_IN_ERROR else None


class ProcessCause(Enum):
    """The process that failed; reports group by it so teams fix processes, not people."""

    WAIT = "wait"
    BILLING = "billing"
    PAYER = "payer"
    COMMUNICATION = "communication"
    SCHEDULING = "scheduling"
    FACILITY = "facility"


class Fault(Enum):
    """Whose fault the problem was, as the office determined it."""

    OFFICE = "office"
    PATIENT = "patient"
    PAYER = "payer"
    NONE = "none"
