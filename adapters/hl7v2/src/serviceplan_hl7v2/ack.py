"""Acknowledgements: AA when a message was applied, AE when it could not be, AR when refused.

AR (reject) means the message itself is wrong: malformed, not an SIU message this feed applies,
or a reused control id; sending it again will not help. AE (error) means a sound message that the
plan could not apply now (an unknown patient or appointment, a visit in the wrong state, a lost
race); it may succeed once the cause is fixed. The ERR segment names the place (ERR-2), the HL7
table 0357 code (ERR-3) and says what went wrong (ERR-8), without echoing patient data.
"""

from __future__ import annotations

from datetime import datetime

from serviceplan.errors import ConcurrentUpdate, ServicePlanError
from serviceplan_hl7v2.errors import MalformedMessage
from serviceplan_hl7v2.message import Message, Separators
from serviceplan_hl7v2.outcome import Action, Outcome

APPLICATION_RECORD_LOCKED = 206
APPLICATION_INTERNAL_ERROR = 207
MESSAGE_ACCEPTED = 0
CODE_NAMES = {
    MESSAGE_ACCEPTED: "Message accepted",
    100: "Segment sequence error",
    101: "Required field missing",
    102: "Data type error",
    103: "Table value not found",
    200: "Unsupported message type",
    201: "Unsupported event code",
    202: "Unsupported processing id",
    204: "Unknown key identifier",
    205: "Duplicate key identifier",
    APPLICATION_RECORD_LOCKED: "Application record locked",
    APPLICATION_INTERNAL_ERROR: "Application internal error",
}


def accept(message: Message, outcome: Outcome, *, at: datetime, control_id: str) -> str:
    """AA; what the plan did not record (or that nothing changed) goes in an informational ERR."""
    segments = [_header(message, at, control_id), _msa(message, "AA")]
    if outcome.duplicate or outcome.note:
        if outcome.duplicate:
            note = "already applied"
        elif outcome.action is Action.UNCHANGED:
            note = f"nothing recorded: {outcome.note}"
        else:
            note = outcome.note
        segments.append(_err(message.separators, (None, None), MESSAGE_ACCEPTED, "I", note))
    return "\r".join(segments) + "\r"


def refuse(message: Message | None, error: Exception, *, at: datetime, control_id: str) -> str:
    """AR or AE for `error`, with an ERR segment; a message without a header gets a bare reply."""
    separators = Separators() if message is None else message.separators
    code, hl7_code, text = judge(error)
    segments = [
        _header(message, at, control_id),
        _msa(message, code),
        _err(separators, _place(error), hl7_code, "E", text),
    ]
    return "\r".join(segments) + "\r"


def judge(error: Exception) -> tuple[str, int, str]:
    """The acknowledgement code, HL7 error code and user message for `error`."""
    if isinstance(error, MalformedMessage):
        return "AR", error.hl7_code, str(error)
    if isinstance(error, ConcurrentUpdate):
        return "AE", APPLICATION_RECORD_LOCKED, str(error)
    if isinstance(error, ServicePlanError):
        return "AE", getattr(error, "hl7_code", APPLICATION_INTERNAL_ERROR), str(error)
    return "AE", APPLICATION_INTERNAL_ERROR, "the feed could not apply the message"


def where(error: Exception) -> str:
    """The place an error names, like "SCH-2", or "-" for none (for logs)."""
    return str(getattr(error, "location", "-"))


def _header(message: Message | None, at: datetime, control_id: str) -> str:
    """MSH with sender and receiver swapped, echoing the original's trigger and version."""
    if message is None:
        seps, echo, trigger = Separators(), ["", "", "", "", "P", "2.8"], ""
    else:
        seps, msh = message.separators, message.header
        echo = [msh.field(n) for n in (5, 6, 3, 4, 11, 12)]
        trigger = seps.escape_text(msh.component(9, 2))
    kind = seps.component.join(["ACK", trigger, "ACK"])
    at_text = at.strftime("%Y%m%d%H%M%S%z")
    fields = ["MSH", seps.encoding, *echo[:4], at_text, "", kind, control_id, *echo[4:]]
    return seps.field.join(fields)


def _msa(message: Message | None, code: str) -> str:
    seps = Separators() if message is None else message.separators
    control_id = "" if message is None else message.header.field(10)
    return seps.field.join(["MSA", code, control_id])


def _place(error: Exception) -> tuple[str | None, int | None]:
    segment, field = getattr(error, "segment", None), getattr(error, "field", None)
    return (
        segment if isinstance(segment, str) else None,
        field if isinstance(field, int) else None,
    )


def _err(
    seps: Separators, place: tuple[str | None, int | None], hl7_code: int, severity: str, text: str
) -> str:
    """ERR: ERR-2 location (segment^1^field), ERR-3 code, ERR-4 severity, ERR-8 message."""
    segment, field = place
    where = "" if segment is None else seps.component.join([segment, "1", str(field or "")])
    name = seps.component.join([str(hl7_code), CODE_NAMES[hl7_code], "HL70357"])
    return seps.field.join(["ERR", "", where, name, severity, "", "", "", seps.escape_text(text)])
