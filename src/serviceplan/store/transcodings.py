"""Readable, exact JSON for every value that goes into an event or a snapshot.

The stock JSON transcoder turns tuples into lists and refuses dates, enums and attrs classes.
Here each gets a named transcoding, so stored events read as plain JSON and load back equal.

A stored value is loaded as it was stored, without its validators: a rule tightened since (a
stricter phone number, a shorter text) judges new input, never a record already kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from enum import Enum
from typing import Any

import attrs
from eventsourcing.persistence import JSONTranscoder, Transcoding

from serviceplan.domain.cascade import Impact, Slip
from serviceplan.domain.contact import Channel, ContactPoints, EmailAddress, PhoneNumber
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.incident import IncidentStatus
from serviceplan.domain.money import Money
from serviceplan.domain.notice import Notice, NoticeKind, Receipt
from serviceplan.domain.notice_record import Doubt, NoticeStatus
from serviceplan.domain.offer_rounds import DelayedTime
from serviceplan.domain.offering import OfferingKind, OfferingStatus, StockStatus
from serviceplan.domain.opening import OpeningStatus
from serviceplan.domain.patient import LedgerEntry
from serviceplan.domain.playbook import Proposal
from serviceplan.domain.reasons import CancellationReason, Fault, ProcessCause
from serviceplan.domain.reply import Meaning
from serviceplan.domain.signs import Level, Observation, Topic
from serviceplan.domain.staff import Staff
from serviceplan.domain.step import Step, StepStatus
from serviceplan.domain.task import Task, TaskKind
from serviceplan.domain.visit import DelayChoice, VisitStatus
from serviceplan.domain.waitlist import Wants

VALUE_OBJECTS: tuple[type[Any], ...] = (
    PhoneNumber, EmailAddress, ContactPoints, Money, Staff, CancellationReason, Observation,
    Task, LedgerEntry, Slip, Impact, Proposal, EmpowermentCheck, Step, Notice, Receipt, Wants,
)  # fmt: skip
ENUMS: tuple[type[Enum], ...] = (
    Channel, Level, Topic, ProcessCause, Fault, TaskKind, OfferingKind, OfferingStatus,
    VisitStatus, IncidentStatus, StepStatus, DelayChoice, NoticeKind, NoticeStatus, StockStatus,
    Doubt, Meaning, OpeningStatus, DelayedTime,
)  # fmt: skip


def tag_tuples(value: Any) -> Any:  # noqa: ANN401 (any JSON-able value)
    """Mark tuples so they load back as tuples, not lists."""
    if isinstance(value, tuple):
        return {"_type_": "tuple", "_data_": [tag_tuples(v) for v in value]}
    if isinstance(value, list):
        return [tag_tuples(v) for v in value]
    if isinstance(value, dict):
        return {k: tag_tuples(v) for k, v in value.items()}
    return value


class ExactJSONTranscoder(JSONTranscoder):
    """A JSON transcoder that keeps tuples as tuples."""

    def encode(self, obj: Any) -> bytes:  # noqa: ANN401 (the transcoder's contract)
        """Encode `obj` with its tuples marked."""
        return self.encoder.encode(tag_tuples(obj)).encode("utf8")


class TupleAsList(Transcoding):
    """Loads a marked list back as a tuple."""

    type = tuple
    name = "tuple"

    def encode(self, obj: tuple[Any, ...]) -> list[Any]:
        return [tag_tuples(v) for v in obj]

    def decode(self, data: list[Any]) -> tuple[Any, ...]:
        return tuple(data)


class FrozensetAsList(Transcoding):
    """A frozenset as a sorted list (sorted by its JSON text, so stored bytes are stable)."""

    type = frozenset
    name = "frozenset"

    def encode(self, obj: frozenset[Any]) -> list[Any]:
        return sorted(obj, key=repr)

    def decode(self, data: list[Any]) -> frozenset[Any]:
        return frozenset(data)


class DateAsISO(Transcoding):
    """A calendar day as YYYY-MM-DD."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class TimeAsISO(Transcoding):
    """A time of day as HH:MM[:SS]."""

    type = time
    name = "time_iso"

    def encode(self, obj: time) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> time:
        return time.fromisoformat(data)


class EnumAsValue(Transcoding):
    """An enum member as its value, named by its class."""

    def __init__(self, enum: type[Enum]) -> None:
        self.type = enum
        self.name = f"enum.{enum.__name__}"

    def encode(self, obj: Enum) -> Any:  # noqa: ANN401 (an enum's value)
        return obj.value

    def decode(self, data: Any) -> Enum:  # noqa: ANN401
        return self.type(data)  # type: ignore[no-any-return]


class AttrsAsDict(Transcoding):
    """A frozen attrs value object as a dict of its fields, named by its class."""

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__
        self.fields = tuple(f.name for f in attrs.fields(cls))
        self._defaults = {f.name: f.default for f in attrs.fields(cls)}

    def encode(self, obj: Any) -> dict[str, Any]:  # noqa: ANN401
        return {f: tag_tuples(getattr(obj, f)) for f in self.fields}

    def decode(self, data: dict[str, Any]) -> Any:  # noqa: ANN401
        """Rebuild the value as stored, without running its validators or converters."""
        value: Any = object.__new__(self.type)
        for name in self.fields:
            object.__setattr__(value, name, data[name] if name in data else self._default(name))
        return value

    def _default(self, name: str) -> Any:  # noqa: ANN401 (a field's default)
        """Return the default of a field added since the value was stored."""
        default = self._defaults[name]
        if default is attrs.NOTHING:
            msg = f"stored {self.name} has no {name}"
            raise ValueError(msg)
        return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]


class LegacyNoticeRecord(Transcoding):
    """Reads the notice records a version 0.1 patient snapshot held, as plain dicts.

    Version 2 of `Patient` drops them (`Patient.upcast_v1_v2`); nothing writes one any more.
    """

    type = type("_NeverWritten", (), {})
    name = "NoticeRecord"

    def encode(self, obj: object) -> Any:  # noqa: ANN401
        del obj
        msg = "notice records are aggregates of their own now"
        raise TypeError(msg)

    def decode(self, data: Any) -> Any:  # noqa: ANN401
        return data


def all_transcodings(extra: Iterable[Transcoding] = ()) -> list[Transcoding]:
    """Return every transcoding serviceplan's events need, then `extra` (a clinic's own)."""
    found: list[Transcoding] = [TupleAsList(), FrozensetAsList(), DateAsISO(), TimeAsISO()]
    found += [EnumAsValue(e) for e in ENUMS]
    found += [AttrsAsDict(c) for c in VALUE_OBJECTS]
    found += [LegacyNoticeRecord()]
    found += list(extra)
    return found
