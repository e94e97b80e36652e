"""What an SIU message says about one appointment, read from its segments with their places.

Reading is pure: no plan, no clock. Each fact comes from the field HL7 v2.5+ puts it in, with the
older places as fallbacks (TQ1 before SCH-11, AIS before SCH-7); a bad or missing value raises an
error naming the segment and field. Names and addresses in PID are never read.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, tzinfo
from enum import Enum

import attrs

from serviceplan.domain import checks
from serviceplan.errors import InvalidInput
from serviceplan_hl7v2 import timestamps
from serviceplan_hl7v2.errors import (
    SEGMENT_SEQUENCE_ERROR,
    UNSUPPORTED_EVENT_CODE,
    UNSUPPORTED_MESSAGE_TYPE,
    UNSUPPORTED_PROCESSING_ID,
    MalformedMessage,
    MissingField,
    UnsupportedMessage,
)
from serviceplan_hl7v2.message import Message, Segment

MAX_ID = 128


class Trigger(Enum):
    """The SIU trigger events the feed applies (MSH-9.2)."""

    BOOKING = "S12"
    RESCHEDULE = "S13"
    MODIFICATION = "S14"
    CANCELLATION = "S15"
    DISCONTINUATION = "S16"
    DELETION = "S17"
    NO_SHOW = "S26"


@attrs.frozen
class SiuMessage:
    """The facts of one SIU message the feed acts on; `None` where the message is silent."""

    trigger: Trigger
    control_id: str
    sender: str
    sent_at: datetime | None
    appointment_id: str
    mrn: str | None
    start: datetime | None
    length: int | None
    provider: str | None
    service: str | None
    reason: str | None
    digest: str

    def the_mrn(self) -> str:
        """The chart number, which a booking needs."""
        if self.mrn is None:
            raise MissingField("PID", 3, "the patient's chart number")
        return self.mrn

    def the_service(self) -> str:
        """The service, which a booking needs."""
        if self.service is None:
            raise MissingField("AIS", 3, "the service (or SCH-7's appointment reason)")
        return self.service

    def the_provider(self) -> str:
        """The provider, which a booking needs."""
        if self.provider is None:
            raise MissingField("AIP", 3, "the provider (or AIL-3's location)")
        return self.provider

    def the_start(self) -> datetime:
        """The start, which a booking or a move needs."""
        if self.start is None:
            raise MissingField("TQ1", 7, "the start (or AIS-4's)")
        return self.start


def read_siu(
    message: Message,
    *,
    zone: tzinfo,
    identifier_type: str = "MR",
    processing_ids: frozenset[str] = frozenset({"P"}),
) -> SiuMessage:
    """Read an SIU message's facts; times without an offset are in `zone`."""
    msh = message.header
    trigger = _trigger(msh)
    control_id = _id(msh, 10, "the message control id")
    processing = msh.component(11)
    if processing not in processing_ids:
        problem = f"processing id {processing!r} is not accepted by this feed"
        raise UnsupportedMessage("MSH", 11, problem, hl7_code=UNSUPPORTED_PROCESSING_ID)
    sent = msh.component(7)
    sch = message.first("SCH")
    if sch is None:
        raise MalformedMessage(
            "SCH", None, "an SIU message has an SCH segment", hl7_code=SEGMENT_SEQUENCE_ERROR
        )
    siu = SiuMessage(
        trigger=trigger,
        control_id=control_id,
        sender=msh.component(3),
        sent_at=timestamps.moment(sent, zone, "MSH", 7) if sent else None,
        appointment_id=_appointment_id(sch),
        mrn=_mrn(message.first("PID"), identifier_type),
        start=_start(message, sch, zone),
        length=_length(message, sch, zone),
        provider=_provider(message),
        service=_service(message, sch),
        reason=sch.component(6) or None,
        digest=hashlib.sha256(message.text.encode()).hexdigest(),
    )
    _require(siu)
    return siu


def _trigger(msh: Segment) -> Trigger:
    kind, event = msh.component(9, 1), msh.component(9, 2)
    if kind != "SIU":
        problem = f"message type {kind!r} is not SIU"
        raise UnsupportedMessage("MSH", 9, problem, hl7_code=UNSUPPORTED_MESSAGE_TYPE)
    try:
        return Trigger(event)
    except ValueError:
        problem = f"trigger event {event!r} is not one of " + ", ".join(t.value for t in Trigger)
        raise UnsupportedMessage("MSH", 9, problem, hl7_code=UNSUPPORTED_EVENT_CODE) from None


def _id(segment: Segment, field: int, what: str, value: str | None = None) -> str:
    value = segment.component(field) if value is None else value
    if not value:
        raise MissingField(segment.name, field, what)
    if len(value) > MAX_ID:
        raise MalformedMessage(segment.name, field, f"{what} is longer than {MAX_ID} characters")
    return value


def _appointment_id(sch: Segment) -> str:
    """The filler's appointment id (SCH-2), else the placer's (SCH-1)."""
    if sch.component(2):
        return _id(sch, 2, "the filler appointment id")
    if sch.component(1):
        return _id(sch, 1, "the placer appointment id")
    raise MissingField("SCH", 2, "the filler appointment id (or the placer's in SCH-1)")


def _mrn(pid: Segment | None, identifier_type: str) -> str | None:
    """The chart number: the PID-3 identifier of `identifier_type`, or the only untyped one."""
    if pid is None:
        return None
    reps = pid.repetitions(3)
    types = [pid.component(3, 5, repetition=i) for i in range(len(reps))]
    for i, kind in enumerate(types):
        if kind == identifier_type:
            return _id(pid, 3, "the chart number", pid.component(3, 1, repetition=i))
    if len(reps) == 1 and not types[0]:
        return _id(pid, 3, "the chart number")
    raise MissingField("PID", 3, f"a patient identifier of type {identifier_type}")


def _start(message: Message, sch: Segment, zone: tzinfo) -> datetime | None:
    """When the visit starts: TQ1-7, else AIS-4, else SCH-11's start (before v2.5)."""
    found = _first(message, sch, ("TQ1", 7), ("AIS", 4))
    if found is not None:
        return timestamps.moment(found[2], zone, found[0], found[1])
    old = sch.component(11, 4).split(sch.separators.subcomponent)[0]
    return timestamps.moment(old, zone, "SCH", 11) if old else None


def _length(message: Message, sch: Segment, zone: tzinfo) -> int | None:
    """How long: TQ1-8 minus TQ1-7, else AIS-7 in AIS-8's units, else SCH-9 in SCH-10's."""
    tq1 = message.first("TQ1")
    if tq1 is not None and tq1.component(7) and tq1.component(8):
        start = timestamps.moment(tq1.component(7), zone, "TQ1", 7)
        end = timestamps.moment(tq1.component(8), zone, "TQ1", 8)
        seconds = (end - start).total_seconds()
        if seconds <= 0 or seconds % 60:
            raise MalformedMessage("TQ1", 8, "the end is a whole number of minutes after TQ1-7")
        return int(seconds // 60)
    ais = message.first("AIS")
    if ais is not None and ais.component(7):
        return timestamps.minutes(ais.component(7), ais.component(8), "AIS", 7)
    if sch.component(9):
        return timestamps.minutes(sch.component(9), sch.component(10), "SCH", 9)
    return None


def _provider(message: Message) -> str | None:
    """Whose schedule: the first AIP-3 person, else the first AIL-3 location."""
    found = _first(message, None, ("AIP", 3), ("AIL", 3))
    return None if found is None else _code(*found, "a resource id")


def _service(message: Message, sch: Segment) -> str | None:
    """The kind of visit: the first AIS-3 service, else SCH-7's appointment reason."""
    found = _first(message, sch, ("AIS", 3), ("SCH", 7))
    return None if found is None else _code(*found, "a service code")


def _first(
    message: Message, sch: Segment | None, *places: tuple[str, int]
) -> tuple[str, int, str] | None:
    """The first non-empty first component at `places`, in order of preference."""
    for name, field in places:
        segments = [sch] if name == "SCH" and sch is not None else list(message.all(name))
        for segment in segments:
            if segment.component(field):
                return name, field, segment.component(field)
    return None


def _code(segment: str, field: int, value: str, what: str) -> str:
    try:
        return checks.code(value, what)
    except InvalidInput:
        problem = f"{what} is a short code of letters, digits, '.', '-' or '_'"
        raise MalformedMessage(segment, field, problem) from None


def _require(siu: SiuMessage) -> None:
    """Refuse a booking or a move that lacks what it needs."""
    if siu.trigger is Trigger.BOOKING:
        siu.the_mrn()
        siu.the_service()
        siu.the_provider()
    if siu.trigger in {Trigger.BOOKING, Trigger.RESCHEDULE, Trigger.MODIFICATION}:
        siu.the_start()
