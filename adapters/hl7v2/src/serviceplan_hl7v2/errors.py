"""Why the feed refused a message, with the segment and field to look at.

Every error is a `serviceplan.errors.ServicePlanError`, so a caller can catch the whole family.
`location` names the place in the message ("SCH-2"); `hl7_code` is the HL7 table 0357 code that
goes back to the sender in the ERR segment of the reply. Messages name fields and identifiers,
never a patient's name.
"""

from __future__ import annotations

from serviceplan.errors import InvalidInput, PatientNotFound, VisitNotFound

SEGMENT_SEQUENCE_ERROR = 100
REQUIRED_FIELD_MISSING = 101
DATA_TYPE_ERROR = 102
TABLE_VALUE_NOT_FOUND = 103
UNSUPPORTED_MESSAGE_TYPE = 200
UNSUPPORTED_EVENT_CODE = 201
UNSUPPORTED_PROCESSING_ID = 202
UNSUPPORTED_VERSION_ID = 203
UNKNOWN_KEY_IDENTIFIER = 204
DUPLICATE_KEY_IDENTIFIER = 205


def location(segment: str, field: int | None) -> str:
    """Return the usual name of a place in a message: "SCH-2", or "SCH" for a whole segment."""
    return segment if field is None else f"{segment}-{field}"


class MalformedMessage(InvalidInput):
    """The message breaks HL7 v2's rules or lacks what the feed needs; it is rejected (AR)."""

    def __init__(
        self,
        segment: str,
        field: int | None,
        problem: str,
        *,
        hl7_code: int = DATA_TYPE_ERROR,
    ) -> None:
        self.segment = segment
        self.field = field
        self.hl7_code = hl7_code
        super().__init__(f"{location(segment, field)}: {problem}")

    @property
    def location(self) -> str:
        """Where the problem is, like "TQ1-7"."""
        return location(self.segment, self.field)


class MissingField(MalformedMessage):
    """A field the feed needs for this kind of message is empty or absent."""

    def __init__(self, segment: str, field: int | None, what: str) -> None:
        super().__init__(segment, field, f"{what} is required", hl7_code=REQUIRED_FIELD_MISSING)


class UnsupportedMessage(MalformedMessage):
    """Not an SIU message this feed applies, or a processing id it does not accept."""


class MessageTimeRefused(MalformedMessage):
    """At message time, MSH-7 is a time the record cannot take: before the booking, or too far."""

    def __init__(self, why: str) -> None:
        super().__init__("MSH", 7, f"the message time is not recorded: {why}")


class ControlIdReused(MalformedMessage):
    """The sender used a message control id again for a different message."""

    def __init__(self, control_id: str) -> None:
        super().__init__(
            "MSH",
            10,
            f"control id {control_id!r} was already used for a different message",
            hl7_code=DUPLICATE_KEY_IDENTIFIER,
        )


class UnknownPatient(PatientNotFound):
    """No patient is registered with the message's chart number: register them first (AE)."""

    segment = "PID"
    field = 3
    hl7_code = UNKNOWN_KEY_IDENTIFIER

    def __init__(self, mrn: str) -> None:
        super().__init__(mrn)
        self.args = (f"PID-3: no patient is registered with chart number {mrn!r}",)

    @property
    def location(self) -> str:
        """Where the chart number is: PID-3."""
        return location(self.segment, self.field)


class PatientMismatch(InvalidInput):
    """The message's patient is not the patient the appointment was booked for (AE)."""

    segment = "PID"
    field = 3
    hl7_code = UNKNOWN_KEY_IDENTIFIER

    def __init__(self, appointment_id: str) -> None:
        super().__init__(
            f"PID-3: the patient is not the one appointment {appointment_id!r} was booked for"
        )

    @property
    def location(self) -> str:
        """Where the chart number is: PID-3."""
        return location(self.segment, self.field)


class UnknownAppointment(VisitNotFound):
    """No visit was booked for the message's appointment id: the S12 never arrived (AE)."""

    segment = "SCH"
    field = 2
    hl7_code = UNKNOWN_KEY_IDENTIFIER

    def __init__(self, appointment_id: str) -> None:
        super().__init__(appointment_id)
        self.args = (f"SCH-2: no visit was booked for appointment {appointment_id!r}",)

    @property
    def location(self) -> str:
        """Where the appointment id is: SCH-2."""
        return location(self.segment, self.field)


class AlreadyBooked(InvalidInput):
    """An S12 for an appointment already booked with other details: a change comes as S13/S14."""

    segment = "SCH"
    field = 2
    hl7_code = DUPLICATE_KEY_IDENTIFIER

    def __init__(self, appointment_id: str) -> None:
        super().__init__(
            f"SCH-2: appointment {appointment_id!r} is already booked with other details;"
            " send a change as S13 or S14"
        )

    @property
    def location(self) -> str:
        """Where the appointment id is: SCH-2."""
        return location(self.segment, self.field)
