"""What an SIU message says about one appointment, read from its segments with their places.

Reading is pure: no plan, no clock. Each fact comes from the field HL7 v2.5+ puts it in, with the
older places as fallbacks (TQ1 before SCH-11, AIS before SCH-7); a bad or missing value raises an
error naming the segment and field. AIP is the provider, AIL the location (never the provider),
AIS the service; of several resource groups only the first is read, and what that leaves out is
said (`SiuMessage.left_out`). Names and addresses in PID are never read.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, tzinfo
from enum import Enum

import attrs

from serviceplan.domain import checks
from serviceplan.errors import InvalidInput
from serviceplan_hl7v2 import charsets, timestamps
from serviceplan_hl7v2.errors import (
    SEGMENT_SEQUENCE_ERROR,
    UNSUPPORTED_EVENT_CODE,
    UNSUPPORTED_MESSAGE_TYPE,
    UNSUPPORTED_PROCESSING_ID,
    UNSUPPORTED_VERSION_ID,
    MalformedMessage,
    MissingField,
    UnsupportedMessage,
)
from serviceplan_hl7v2.message import Message, Segment

MAX_ID = 128
VERSIONS = frozenset(
    {"2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2"}
)
"""The HL7 versions (MSH-12) whose SIU messages the feed reads."""
RESOURCES = frozenset({"AIS", "AIG", "AIL", "AIP"})


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
    sequence: int | None
    """MSH-13, the sender's sequence number, when it keeps one."""
    appointment_id: str
    placer_id: str | None
    filler_id: str | None
    mrn: str | None
    start: datetime | None
    length: int | None
    provider: str | None
    location: str | None
    service: str | None
    service_system: str | None
    """The coding system AIS-3 names its service in (table 0396: `SCT`, `LN`, ...)."""
    reason: str | None
    digest: str
    left_out: tuple[str, ...] = ()
    """The resources of the message the feed does not record (later groups, more providers)."""

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
        """The provider, which a booking needs: a personnel resource (AIP), never a room."""
        if self.provider is None:
            raise MissingField("AIP", 3, "the provider")
        return self.provider

    def the_start(self) -> datetime:
        """The start, which a booking or a move needs."""
        if self.start is None:
            raise MissingField("TQ1", 7, "the start (or AIS-4's)")
        return self.start


@attrs.frozen
class Reading:
    """How to read a message: the clinic's zone and which identifiers and ids it accepts."""

    zone: tzinfo
    identifier_type: str = "MR"
    assigning_authority: str | None = None
    processing_ids: frozenset[str] = frozenset({"P"})
    versions: frozenset[str] = VERSIONS


def read_siu(  # noqa: PLR0913 (the reading's settings, each optional)
    message: Message,
    *,
    zone: tzinfo,
    identifier_type: str = "MR",
    assigning_authority: str | None = None,
    processing_ids: frozenset[str] = frozenset({"P"}),
    versions: frozenset[str] = VERSIONS,
) -> SiuMessage:
    """Read an SIU message's facts; times without an offset are in `zone`."""
    how = Reading(zone, identifier_type, assigning_authority, processing_ids, versions)
    msh = message.header
    trigger = _trigger(msh)
    _check_header(msh, how)
    control_id = _id(msh, 10, "the message control id")
    sent = msh.component(7)
    sch = message.first("SCH")
    if sch is None:
        raise MalformedMessage(
            "SCH", None, "an SIU message has an SCH segment", hl7_code=SEGMENT_SEQUENCE_ERROR
        )
    groups = _groups(message)
    first = groups[0] if groups else ()
    service = _service(first, sch)
    siu = SiuMessage(
        trigger=trigger,
        control_id=control_id,
        sender=msh.component(3),
        sent_at=timestamps.moment(sent, zone, "MSH", 7) if sent else None,
        sequence=_sequence(msh),
        appointment_id=_appointment_id(sch),
        placer_id=_id(sch, 1, "the placer appointment id") if sch.component(1) else None,
        filler_id=_id(sch, 2, "the filler appointment id") if sch.component(2) else None,
        mrn=_mrn(message.first("PID"), how),
        start=_start(message, first, sch, zone),
        length=_length(message, first, sch, zone),
        provider=_resource(first, "AIP"),
        location=_resource(first, "AIL"),
        service=None if service is None else service[0],
        service_system=None if service is None else service[1],
        reason=sch.component(6) or None,
        digest=hashlib.sha256(message.text.encode()).hexdigest(),
        left_out=_left_out(groups),
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


def _check_header(msh: Segment, how: Reading) -> None:
    """Refuse a processing id, version or character set the feed does not take."""
    processing = msh.component(11)
    if processing not in how.processing_ids:
        problem = f"processing id {processing!r} is not accepted by this feed"
        raise UnsupportedMessage("MSH", 11, problem, hl7_code=UNSUPPORTED_PROCESSING_ID)
    version = msh.component(12)
    if version not in how.versions:
        problem = f"version {version!r} is not one this feed reads (2.3 to 2.8.2)"
        raise UnsupportedMessage("MSH", 12, problem, hl7_code=UNSUPPORTED_VERSION_ID)
    charsets.codec(msh.component(18))


def _id(segment: Segment, field: int, what: str, value: str | None = None) -> str:
    value = segment.component(field) if value is None else value
    if not value:
        raise MissingField(segment.name, field, what)
    if len(value) > MAX_ID:
        raise MalformedMessage(segment.name, field, f"{what} is longer than {MAX_ID} characters")
    return value


def _sequence(msh: Segment) -> int | None:
    text = msh.component(13)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise MalformedMessage("MSH", 13, "the sequence number is a whole number") from None


def _appointment_id(sch: Segment) -> str:
    """The filler's appointment id (SCH-2), else the placer's (SCH-1)."""
    if sch.component(2):
        return _id(sch, 2, "the filler appointment id")
    if sch.component(1):
        return _id(sch, 1, "the placer appointment id")
    raise MissingField("SCH", 2, "the filler appointment id (or the placer's in SCH-1)")


def _mrn(pid: Segment | None, how: Reading) -> str | None:
    """The chart number: the PID-3 identifier of the type (and authority) the clinic names.

    Without a configured authority, exactly one identifier of the type must be there (or one
    untyped identifier alone); two chart numbers from two authorities are refused, not guessed.
    """
    if pid is None:
        return None
    count = len(pid.repetitions(3))
    typed = [i for i in range(count) if pid.component(3, 5, repetition=i) == how.identifier_type]
    if how.assigning_authority is not None:
        typed = [i for i in typed if how.assigning_authority in _authority(pid, i)]
    if len(typed) == 1:
        return _id(pid, 3, "the chart number", pid.component(3, 1, repetition=typed[0]))
    if len(typed) > 1:
        problem = f"{len(typed)} identifiers of type {how.identifier_type}: name the authority"
        raise MalformedMessage("PID", 3, problem)
    if count == 1 and not pid.component(3, 5) and how.assigning_authority is None:
        return _id(pid, 3, "the chart number")
    authority = "" if how.assigning_authority is None else f" from {how.assigning_authority}"
    raise MissingField("PID", 3, f"a patient identifier of type {how.identifier_type}{authority}")


def _authority(pid: Segment, repetition: int) -> set[str]:
    """The names PID-3's assigning authority (CX-4) goes by: namespace and universal id."""
    names = {pid.subcomponent(3, 4, n, repetition=repetition) for n in (1, 2)}
    return names - {""}


def _groups(message: Message) -> list[tuple[Segment, ...]]:
    """The resource groups: the AIS, AIG, AIL and AIP segments after each RGS."""
    groups: list[list[Segment]] = []
    for segment in message.segments:
        if segment.name == "RGS" or (segment.name in RESOURCES and not groups):
            groups.append([])
        if segment.name in RESOURCES:
            groups[-1].append(segment)
    return [tuple(g) for g in groups if g]


def _in(group: tuple[Segment, ...], name: str) -> list[Segment]:
    return [s for s in group if s.name == name]


def _start(
    message: Message, group: tuple[Segment, ...], sch: Segment, zone: tzinfo
) -> datetime | None:
    """When the visit starts: TQ1-7, else AIS-4, else SCH-11's start (before v2.5)."""
    tq1 = message.first("TQ1")
    if tq1 is not None and tq1.component(7):
        return timestamps.moment(tq1.component(7), zone, "TQ1", 7)
    for ais in _in(group, "AIS"):
        if ais.component(4):
            return timestamps.moment(ais.component(4), zone, "AIS", 4)
    old = sch.component(11, 4).split(sch.separators.subcomponent)[0]
    return timestamps.moment(old, zone, "SCH", 11) if old else None


def _length(message: Message, group: tuple[Segment, ...], sch: Segment, zone: tzinfo) -> int | None:
    """How long: TQ1-8 minus TQ1-7, else AIS-7 in AIS-8's units, else SCH-9 in SCH-10's."""
    tq1 = message.first("TQ1")
    if tq1 is not None and tq1.component(7) and tq1.component(8):
        start = timestamps.moment(tq1.component(7), zone, "TQ1", 7)
        end = timestamps.moment(tq1.component(8), zone, "TQ1", 8)
        seconds = (end - start).total_seconds()
        if seconds <= 0 or seconds % 60:
            raise MalformedMessage("TQ1", 8, "the end is a whole number of minutes after TQ1-7")
        return _bounded(int(seconds // 60), "TQ1", 8)
    ais = next((s for s in _in(group, "AIS") if s.component(7)), None)
    if ais is not None:
        found = timestamps.minutes(ais.component(7), ais.component(8), "AIS", 7)
        return _bounded(found, "AIS", 7)
    if sch.component(9):
        found = timestamps.minutes(sch.component(9), sch.component(10), "SCH", 9)
        return _bounded(found, "SCH", 9)
    return None


def _bounded(minutes: int, segment: str, field: int) -> int:
    """Refuse a length no visit has (over a day): the place that says it is named."""
    try:
        return checks.minutes(minutes, "the length")
    except InvalidInput as error:
        raise MalformedMessage(segment, field, str(error)) from None


def _resource(group: tuple[Segment, ...], name: str) -> str | None:
    """The first resource id (field 3) of the group's `name` segments: AIP a person, AIL a room."""
    for segment in _in(group, name):
        if segment.component(3):
            return _code(name, 3, segment.component(3), "a resource id")
    return None


def _service(group: tuple[Segment, ...], sch: Segment) -> tuple[str, str | None] | None:
    """The kind of visit and its coding system: the first AIS-3, else SCH-7's reason."""
    for ais in _in(group, "AIS"):
        if ais.component(3):
            code = _code("AIS", 3, ais.component(3), "a service code")
            return code, ais.component(3, 3) or None
    if sch.component(7):
        return _code("SCH", 7, sch.component(7), "a service code"), sch.component(7, 3) or None
    return None


def _left_out(groups: list[tuple[Segment, ...]]) -> tuple[str, ...]:
    """Say which resources the feed does not record: every group after the first, and more."""
    if not groups:
        return ()
    said = []
    for name, what in (("AIS", "service"), ("AIP", "provider")):
        more = len(_in(groups[0], name)) - 1
        if more > 0:
            said.append(f"{more} more {what}{'s' if more > 1 else ''} in the first group")
    if len(groups) > 1:
        ids = [s.component(3) for g in groups[1:] for s in g if s.name in {"AIS", "AIP"}]
        named = f" ({', '.join(i for i in ids if i)})" if any(ids) else ""
        more = len(groups) - 1
        said.append(f"{more} more resource group{'s' if more > 1 else ''}{named}")
    return tuple(said)


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
