"""A whole history as JSON lines: export it from any store, import it into an empty one.

The first line says what the file is; every other line is one event, in the order it was
recorded: its position, aggregate id, version, topic (event class) and state (plain JSON, as the
store holds it before compression and encryption). An import checks every line and replays
every aggregate before it writes anything, then writes all events in one transaction, with the
same order, aggregate ids and versions. An exported file holds health data in clear.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification, StoredEvent

from serviceplan.errors import StoreNotEmpty
from serviceplan.store.replay import FORMAT, FORMAT_VERSION, Replay, dumps

HEADER: dict[str, object] = {"format": FORMAT, "version": FORMAT_VERSION}
PAGE = 500

Progress = Callable[[int], object]


class Writable(Protocol):
    """Where an export goes: an open text file, a `StringIO`, `sys.stdout`."""

    def write(self, text: str, /) -> object:
        """Write `text`."""


def export_history(plan: Application[UUID], out: Writable, progress: Progress | None = None) -> int:
    """Write the application's whole history to `out` as JSON lines; returns the event count.

    `progress`, if given, is called with the number of events written so far, after every
    page of events.
    """
    out.write(dumps(HEADER) + "\n")
    count = 0
    for page in _pages(plan):
        for notification in page:
            out.write(dumps(_record(plan.mapper, notification)) + "\n")
        count += len(page)
        if progress is not None:
            progress(count)
    return count


def import_history(
    plan: Application[UUID], lines: Iterable[str], progress: Progress | None = None
) -> int:
    """Import a history written by `export_history` into the application's empty store.

    Returns the number of events imported. A bad file raises `BadHistoryFile` with the line
    number and the reason, and nothing of it is applied; a store that already holds events
    raises `StoreNotEmpty`. `progress`, if given, is called with the number of events checked so
    far, after every page of events, and once more when they are written.
    """
    if plan.recorder.max_notification_id():
        raise StoreNotEmpty("a history can only be imported into an empty store")
    replay = Replay(Mapper(transcoder=plan.mapper.transcoder))
    stored = []
    for event in replay.read(lines):
        stored.append(_sealed(plan.mapper, event))
        if progress is not None and len(stored) % PAGE == 0:
            progress(len(stored))
    if stored:
        plan.recorder.insert_events(stored)
    if progress is not None:
        progress(len(stored))
    return len(stored)


def _pages(plan: Application[UUID]) -> Iterator[list[Notification]]:
    start = 1
    while page := list(plan.recorder.select_notifications(start, PAGE)):
        yield page
        start = page[-1].id + 1


def _record(mapper: Mapper[UUID], notification: Notification) -> dict[str, Any]:
    return {
        "position": notification.id,
        "aggregate_id": str(notification.originator_id),
        "version": notification.originator_version,
        "topic": notification.topic,
        "state": json.loads(_opened(mapper, notification.state)),
    }


def _opened(mapper: Mapper[UUID], state: bytes) -> bytes:
    """Return the plain JSON of a stored state: decrypted, then decompressed."""
    if mapper.cipher is not None:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor is not None:
        state = mapper.compressor.decompress(state)
    return state


def _sealed(mapper: Mapper[UUID], event: StoredEvent) -> StoredEvent:
    """Return the event as this store keeps it: compressed, then encrypted, if configured."""
    state = event.state
    if mapper.compressor is not None:
        state = mapper.compressor.compress(state)
    if mapper.cipher is not None:
        state = mapper.cipher.encrypt(state)
    return StoredEvent(event.originator_id, event.originator_version, event.topic, state)
