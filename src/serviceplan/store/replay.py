"""Reading a history file line by line and replaying it in memory, refusing the first bad line.

Every event is decoded as the store would decode it (upcasters included) and applied to its
aggregate, so a file that imports is a file that loads. Nothing here writes to a store.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import CanInitAggregate, CanMutateAggregate
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from serviceplan.errors import BadHistoryFile

FORMAT = "serviceplan-history"
FORMAT_VERSION = 1
FIELDS = ("position", "aggregate_id", "version", "topic", "state")
MAX_REASON = 200


class Refused(Exception):  # noqa: N818 (internal: becomes BadHistoryFile with the line number)
    """One line cannot be imported, for the reason given."""


class Replay:
    """Reads a history file and replays its aggregates, line by line."""

    def __init__(self, mapper: Mapper[UUID]) -> None:
        self.mapper = mapper
        self.aggregates: dict[UUID, Any] = {}
        self.position = 0

    def read(self, lines: Iterable[str]) -> Iterator[StoredEvent]:
        """Yield each event as plain stored JSON; raise `BadHistoryFile` at the first bad line."""
        number = 0
        for number, line in enumerate(lines, start=1):
            try:
                if number == 1:
                    _check_header(_parse(line))
                    continue
                event = self._event(_parse(line))
            except Refused as refusal:
                raise BadHistoryFile(number, str(refusal)) from None
            yield event
        if number == 0:
            raise BadHistoryFile(1, "the file is empty: the header line is missing")

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


def _check_header(header: dict[str, Any]) -> None:
    if header.get("format") != FORMAT:
        raise Refused(f"not a serviceplan history: the header's format is not {FORMAT!r}")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Refused("the header's version must be a whole number")
    if version > FORMAT_VERSION:
        msg = f"written in format version {version}; this serviceplan reads up to {FORMAT_VERSION}"
        raise Refused(msg)


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
    if not isinstance(stored, int) or stored > current:
        raise Refused(f"event version {stored!r} is newer than this serviceplan's ({current})")
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
