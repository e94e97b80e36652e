"""Acknowledgements in HL7 v2's original mode: AA applied, AE not applicable, AR rejected.

HL7 (v2.8, chapter 2, original acknowledgement rules) rejects (AR) a message whose header fails
the receiver's edits (message type, trigger, processing id, version: MSH-9, 11, 12) and one it
failed to process for reasons unrelated to its content (a lost race, an internal failure): the
same message may be accepted later. A message whose content cannot be applied (a missing or
malformed field, an unknown patient or appointment, a visit in the wrong state) gets an error
(AE): sending it again unchanged will not help. Each ERR names the place (ERR-2), the table 0357
code (ERR-3), the severity (ERR-4) and says what went wrong (ERR-8), without echoing patient data.
"""

from __future__ import annotations

from datetime import datetime

from serviceplan.errors import (
    ConcurrentUpdate,
    InvalidInput,
    NotAllowedNow,
    NotFound,
    ServicePlanError,
)
from serviceplan_hl7v2.errors import (
    UNSUPPORTED_EVENT_CODE,
    UNSUPPORTED_MESSAGE_TYPE,
    UNSUPPORTED_PROCESSING_ID,
    UNSUPPORTED_VERSION_ID,
    MalformedMessage,
)
from serviceplan_hl7v2.message import Message, Separators
from serviceplan_hl7v2.outcome import Action, Outcome
from serviceplan_hl7v2.siu import VERSIONS

MESSAGE_ACCEPTED = 0
APPLICATION_RECORD_LOCKED = 206
APPLICATION_INTERNAL_ERROR = 207
CODE_NAMES = {
    MESSAGE_ACCEPTED: "Message accepted",
    100: "Segment sequence error",
    101: "Required field missing",
    102: "Data type error",
    103: "Table value not found",
    200: "Unsupported message type",
    201: "Unsupported event code",
    202: "Unsupported processing id",
    203: "Unsupported version id",
    204: "Unknown key identifier",
    205: "Duplicate key identifier",
    APPLICATION_RECORD_LOCKED: "Application record locked",
    APPLICATION_INTERNAL_ERROR: "Application internal error",
}
HEADER_EDITS = frozenset(
    {
        UNSUPPORTED_MESSAGE_TYPE,
        UNSUPPORTED_EVENT_CODE,
        UNSUPPORTED_PROCESSING_ID,
        UNSUPPORTED_VERSION_ID,
    }
)
"""The header edits whose failure rejects a message (AR) before it reaches the application."""
REPLY_VERSION = "2.8"
UNREAD = "UNREADABLE"
"""MSA-2 of the reply to a text whose control id could not be read (HL7 requires one)."""
UNREAD_TRIGGER = "ZZZ"
"""MSH-9.2 of the reply to a text whose trigger could not be read: a local (Z) event code."""

Place = tuple[str | None, int | None]


def accept(message: Message, outcome: Outcome, *, at: datetime, control_id: str) -> str:
    """AA; what the plan did not record (or that nothing changed) goes in an informational ERR."""
    segments = [_header(message, at, control_id), _msa(message, "AA")]
    if outcome.duplicate or outcome.note:
        if outcome.duplicate:
            note = "already applied"
        elif outcome.action in {Action.UNCHANGED, Action.SUPERSEDED}:
            note = f"nothing recorded: {outcome.note}"
        else:
            note = outcome.note
        segments.append(_err(message.separators, (None, None), MESSAGE_ACCEPTED, "I", note))
    return "\r".join(segments) + "\r"


def refuse(
    message: Message | None, error: Exception, *, at: datetime, control_id: str, text: str = ""
) -> str:
    """AR or AE for `error`, with an ERR; a message without a readable header gets AR.

    `text` is what was received, from which the reply to an unreadable message salvages the
    control id and trigger it can.
    """
    separators = Separators() if message is None else message.separators
    code, hl7_code, said = judge(error)
    if message is None:
        code = "AR"
    segments = [
        _header(message, at, control_id, text),
        _msa(message, code, text),
        _err(separators, place(error), hl7_code, "E", said),
    ]
    return "\r".join(segments) + "\r"


def judge(error: Exception) -> tuple[str, int, str]:
    """The acknowledgement code, HL7 error code and user message for `error`."""
    if isinstance(error, MalformedMessage):
        return ("AR" if error.hl7_code in HEADER_EDITS else "AE"), error.hl7_code, str(error)
    if isinstance(error, ConcurrentUpdate):
        return "AR", APPLICATION_RECORD_LOCKED, str(error)
    if isinstance(error, InvalidInput | NotFound | NotAllowedNow):
        return "AE", getattr(error, "hl7_code", APPLICATION_INTERNAL_ERROR), str(error)
    if isinstance(error, ServicePlanError):
        return "AR", APPLICATION_INTERNAL_ERROR, str(error)
    return "AR", APPLICATION_INTERNAL_ERROR, "the feed could not apply the message"


def place(error: Exception) -> Place:
    """The segment and field an error names; a visit in the wrong state names the trigger."""
    segment, field = getattr(error, "segment", None), getattr(error, "field", None)
    if isinstance(error, NotAllowedNow) and segment is None:
        return "MSH", 9
    return (
        segment if isinstance(segment, str) else None,
        field if isinstance(field, int) else None,
    )


def where(error: Exception) -> str:
    """The place an error names, like "SCH-2", or "-" for none (for logs)."""
    segment, field = place(error)
    if segment is None:
        return "-"
    return segment if field is None else f"{segment}-{field}"


def _header(message: Message | None, at: datetime, control_id: str, text: str = "") -> str:
    """MSH with sender and receiver swapped, echoing the original's trigger, version and set."""
    if message is None:
        seps, salvaged = Separators(), _salvage(text)
        echo = ["", "", "", "", "P", REPLY_VERSION, ""]
        trigger = salvaged[1] or UNREAD_TRIGGER
    else:
        seps, msh = message.separators, message.header
        echo = [msh.field(n) for n in (5, 6, 3, 4, 11, 12, 18)]
        echo[4] = _plain(msh.component(11), 1) or "P"
        echo[5] = echo[5] if echo[5] in VERSIONS else REPLY_VERSION
        trigger = _plain(msh.component(9, 2), 3) or UNREAD_TRIGGER
    kind = seps.component.join(["ACK", trigger, "ACK"])
    at_text = at.strftime("%Y%m%d%H%M%S%z")
    fields = ["MSH", seps.encoding, *echo[:4], at_text, "", kind, control_id, *echo[4:6]]
    if echo[6]:
        fields += ["", "", "", "", "", echo[6]]
    return seps.field.join(fields)


def _msa(message: Message | None, code: str, text: str = "") -> str:
    seps = Separators() if message is None else message.separators
    if message is None:
        control_id = _salvage(text)[0] or UNREAD
    else:
        control_id = seps.escape_text(message.header.component(10)) or UNREAD
    return seps.field.join(["MSA", code, control_id])


def _salvage(text: str) -> tuple[str, str]:
    """The control id and trigger of a header too broken to parse, as far as they can be read.

    Only plain codes are kept (letters, digits, '.', '-', '_'), so nothing read from a broken
    text can break the reply.
    """
    start = text.find("MSH")
    if start < 0 or len(text) < start + 4:
        return "", ""
    line = text[start:].splitlines()[0]
    fields = line.split(line[3])
    control = fields[9] if len(fields) > 9 else ""  # noqa: PLR2004 (MSH-10)
    kind = fields[8] if len(fields) > 8 else ""  # noqa: PLR2004 (MSH-9)
    parts = kind.split(fields[1][:1]) if len(fields) > 1 and fields[1][:1] else [kind]
    trigger = parts[1] if len(parts) > 1 else ""
    return _plain(control, 199), _plain(trigger, 3)


def _plain(value: str, longest: int) -> str:
    ok = value and len(value) <= longest and all(c.isalnum() or c in ".-_" for c in value)
    return value if ok else ""


def _err(seps: Separators, at: Place, hl7_code: int, severity: str, text: str) -> str:
    """ERR: ERR-2 location (segment^1^field), ERR-3 code, ERR-4 severity, ERR-8 message."""
    segment, field = at
    location = ""
    if segment is not None:
        location = seps.component.join([segment, "1", *([str(field)] if field else [])])
    name = seps.component.join([str(hl7_code), CODE_NAMES[hl7_code], "HL70357"])
    return seps.field.join(
        ["ERR", "", location, name, severity, "", "", "", seps.escape_text(text)]
    )
