"""Reading a history file line by line and replaying it in memory, refusing the first bad line.

Every event is decoded as the store would decode it (upcasters included) and applied to its
aggregate, so a file that imports is a file that loads. The last line is the trailer: the number
of events and a SHA-256 digest over every line before it (each line's text without its line
ending, then a newline), so a file cut short or altered after the export is refused
(`IncompleteHistory`). Files of format version 1 have no trailer: they are refused unless the
caller accepts them as they are. Nothing here writes to a store.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, cast
from uuid import UUID

import attrs
from eventsourcing.domain import CanInitAggregate, CanMutateAggregate
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from serviceplan.errors import BadHistoryFile, IncompleteHistory

FORMAT = "serviceplan-history"
FORMAT_VERSION = 2
UNSEALED_VERSION = 1
"""The format version whose files have no trailer."""
FIELDS = ("position", "aggregate_id", "version", "topic", "state")
TRAILER = "trailer"
MAX_REASON = 200


class Digest:
    """The digest a trailer carries: SHA-256 over each line's text, then a newline."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, line: str) -> None:
        """Take in one line (its line ending, if any, is not part of its text)."""
        self._hash.update(line.rstrip("\r\n").encode("utf8"))
        self._hash.update(b"\n")

    def hexdigest(self) -> str:
        """Return the digest so far, in hex."""
        return self._hash.hexdigest()


def trailer(events: int, digest: Digest) -> dict[str, object]:
    """Return the trailer record for a file of `events` events whose lines gave `digest`."""
    return {TRAILER: {"events": events, "sha256": digest.hexdigest()}}


class Refused(Exception):  # noqa: N818 (internal: becomes BadHistoryFile with the line number)
    """One line cannot be imported, for the reason given."""


@attrs.define
class _Reading:
    """How far a file has been read: lines, its format version, events, digest, the trailer."""

    lines: int = 0
    version: int = 0
    events: int = 0
    digest: Digest = attrs.Factory(Digest)
    sealed_at: int = 0


class Replay:
    """Reads a history file and replays its aggregates, line by line."""

    def __init__(self, mapper: Mapper[UUID], *, accept_version_1: bool = False) -> None:
        self.mapper = mapper
        self.accept_version_1 = accept_version_1
        self.aggregates: dict[UUID, Any] = {}
        self.position = 0

    def read(self, lines: Iterable[str]) -> Iterator[StoredEvent]:
        """Yield each event as plain stored JSON; raise `BadHistoryFile` at the first bad line.

        A file of the current format must end with its trailer, and the trailer must match the
        lines before it; otherwise `IncompleteHistory` is raised.
        """
        reading = _Reading()
        for number, line in enumerate(lines, start=1):
            try:
                event = self._line(reading, number, line)
            except Refused as refusal:
                raise BadHistoryFile(number, str(refusal)) from None
            if event is not None:
                yield event
        if reading.lines == 0:
            raise BadHistoryFile(1, "the file is empty: the header line is missing")
        if reading.version != UNSEALED_VERSION and not reading.sealed_at:
            reason = (
                f"the file ends after {reading.events} events without its trailer: the export"
                " did not finish, or the file was cut short"
            )
            raise IncompleteHistory(reading.lines + 1, reason)

    def _line(self, reading: _Reading, number: int, line: str) -> StoredEvent | None:
        """Take one line: the header, an event (returned), the trailer, or nothing after it."""
        reading.lines = number
        if reading.sealed_at:
            if line.strip():
                raise Refused(f"a line after the trailer (line {reading.sealed_at})")
            return None
        record = _parse(line)
        event = None
        if number == 1:
            reading.version = _check_header(record, accept_version_1=self.accept_version_1)
        elif TRAILER in record:
            if reading.version == UNSEALED_VERSION:
                raise Refused("a version 1 file has no trailer")
            _check_trailer(record, reading.events, reading.digest, number)
            reading.sealed_at = number
            return None
        else:
            event = self._event(record)
            reading.events += 1
        reading.digest.add(line)
        return event

    def _event(self, record: dict[str, Any]) -> StoredEvent:
        if tuple(sorted(record)) != tuple(sorted(FIELDS)):
            raise Refused(f"an event line has exactly the fields {', '.join(FIELDS)}")
        self.position = _whole(record["position"], "position", self.position + 1)
        aggregate_id = _uuid(record["aggregate_id"])
        aggregate = self.aggregates.get(aggregate_id)
        version = _whole(record["version"], "version", 1)
        expected = 1 if aggregate is None else aggregate.version + 1
        if version != expected:
            raise Refused(f"version {version} of aggregate {aggregate_id} should be {expected}")
        event_class, state = _event_class(record["topic"]), record["state"]
        if not isinstance(state, dict):
            raise Refused("state must be a JSON object")
        _check_class_version(event_class, state)
        _check_owner(event_class, aggregate)
        stored = StoredEvent(aggregate_id, version, record["topic"], dumps(state).encode("utf8"))
        self.aggregates[aggregate_id] = _applied(self.mapper, stored, aggregate)
        return stored


def _parse(line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise Refused(f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise Refused("not a JSON object")
    return record


def _check_header(header: dict[str, Any], *, accept_version_1: bool) -> int:
    if header.get("format") != FORMAT:
        raise Refused(f"not a serviceplan history: the header's format is not {FORMAT!r}")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Refused("the header's version must be a whole number")
    if version > FORMAT_VERSION:
        msg = f"written in format version {version}; this serviceplan reads up to {FORMAT_VERSION}"
        raise Refused(msg)
    if version == UNSEALED_VERSION and not accept_version_1:
        msg = (
            "written in format version 1, which has no trailer to prove the file complete:"
            " export the store again, or accept the file as it is (replay --accept-version-1)"
        )
        raise Refused(msg)
    return version


def _check_trailer(record: dict[str, Any], events: int, digest: Digest, number: int) -> None:
    """Check the trailer against the lines read before it; refuse a file that differs."""
    sealed = record[TRAILER]
    if tuple(record) != (TRAILER,) or not isinstance(sealed, dict):
        raise Refused("the trailer line holds only the trailer")
    count, expected = sealed.get("events"), sealed.get("sha256")
    if not isinstance(count, int) or isinstance(count, bool) or not isinstance(expected, str):
        raise Refused("the trailer names a number of events and a sha256 digest")
    if count != events:
        reason = (
            f"the trailer counts {count} events but the file holds {events}: events were"
            " removed or added after the export"
        )
        raise IncompleteHistory(number, reason)
    if expected != digest.hexdigest():
        reason = "the lines do not match the trailer's digest: the file was altered after export"
        raise IncompleteHistory(number, reason)


def _whole(value: object, name: str, low: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Refused(f"{name} must be a whole number")
    if value < low:
        raise Refused(f"{name} must be {low} or more, not {value}")
    return value


def _uuid(value: object) -> UUID:
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            pass
    raise Refused("aggregate_id must be a UUID")


def _event_class(topic: object) -> type[CanMutateAggregate[UUID]]:
    """Resolve an event class, never importing a package that is not loaded already."""
    found = _resolve(topic)
    if not isinstance(found, type) or not issubclass(found, CanMutateAggregate):
        raise Refused(f"{topic} is not an event class")
    return found


def _resolve(topic: object) -> object:
    if not isinstance(topic, str) or ":" not in topic:
        raise Refused("topic must be a 'module:Class' name")
    if topic.partition(":")[0].partition(".")[0] not in sys.modules:
        raise Refused(f"unknown event class {topic}")
    try:
        return resolve_topic(topic)
    except Exception:  # noqa: BLE001 (any failure to find the class refuses the line)
        raise Refused(f"unknown event class {topic}") from None


def _check_class_version(event_class: type[object], state: dict[str, Any]) -> None:
    stored = state.get("class_version", 1)
    current = getattr(event_class, "class_version", 1)
    if not isinstance(stored, int) or isinstance(stored, bool):
        raise Refused(f"event version {stored!r} is not a whole number")
    if stored > current:
        msg = (
            f"the event was written by a newer serviceplan (event version {stored}; this one"
            f" reads up to {current})"
        )
        raise Refused(msg)
    if issubclass(event_class, CanInitAggregate):
        _resolve(state.get("originator_topic"))


def _owner(event_class: type[object]) -> str:
    """Return the topic of the aggregate class an event class is nested in."""
    return f"{event_class.__module__}:{event_class.__qualname__.rpartition('.')[0]}"


def _check_owner(event_class: type[object], aggregate: object) -> None:
    if aggregate is None:
        if not issubclass(event_class, CanInitAggregate):
            raise Refused("the first event of an aggregate must be the one that creates it")
    elif get_topic(type(aggregate)) != _owner(event_class):
        raise Refused(f"a {type(aggregate).__name__} has no event {event_class.__qualname__}")


def _applied(mapper: Mapper[UUID], stored: StoredEvent, aggregate: object) -> object:
    """Decode the event as the store would and apply it to its aggregate."""
    try:
        event = mapper.to_domain_event(stored)
        if not isinstance(event, CanMutateAggregate):
            raise TypeError("not an aggregate event")  # noqa: TRY301 (refused below, with the rest)
        updated = cast("Any", event).mutate(aggregate)
    except Exception as error:  # noqa: BLE001 (whatever fails, the line is refused with it)
        cause = error.__cause__ or error
        reason = f"cannot replay the event: {type(cause).__name__}: {cause}"
        raise Refused(reason[:MAX_REASON]) from None
    if updated is None or get_topic(type(updated)) != _owner(type(event)):
        raise Refused(f"{stored.topic} does not create the aggregate it names")
    return updated


def dumps(obj: object) -> str:
    """Encode as eventsourcing's JSON transcoder does, so states keep their exact bytes."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
