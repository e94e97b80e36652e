"""A whole history as JSON lines: export it from any store, import it into an empty one.

The first line says what the file is; every line after it is one event, in the order it was
recorded: its position, aggregate id, version, topic (event class) and state (plain JSON, as the
store holds it before compression and encryption); the last line is the trailer, with the number
of events and a SHA-256 digest over the lines before it. An import checks every line, the
trailer, and replays every aggregate before it writes anything, then writes all events in one
transaction, with the same order, aggregate ids and versions: a file cut short or altered is
refused (`IncompleteHistory`) and nothing of it is written. An exported file holds health data
in clear: `serviceplan.store.sealed_history` seals it under the store's key or a passphrase.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification, StoredEvent

from serviceplan.errors import DamagedEvent, StoreNotEmpty
from serviceplan.store.mapper import where
from serviceplan.store.replay import FORMAT, FORMAT_VERSION, Digest, Replay, dumps, trailer

HEADER: dict[str, object] = {"format": FORMAT, "version": FORMAT_VERSION}
PAGE = 500

Progress = Callable[[int], object]


class Writable(Protocol):
    """Where an export goes: an open text file, a `StringIO`, `sys.stdout`."""

    def write(self, text: str, /) -> object:
        """Write `text`."""


def export_history(plan: Application[UUID], out: Writable, progress: Progress | None = None) -> int:
    """Write the application's whole history to `out` as JSON lines; returns the event count.

    The last line written is the trailer (event count and digest). `progress`, if given, is
    called with the number of events written so far, after every page of events.
    """
    digest = Digest()

    def write(line: str) -> None:
        digest.add(line)
        out.write(line + "\n")

    write(dumps(HEADER))
    count = 0
    for page in _pages(plan):
        for notification in page:
            write(dumps(_record(plan.mapper, notification)))
        count += len(page)
        if progress is not None:
            progress(count)
    out.write(dumps(trailer(count, digest)) + "\n")
    return count


def check_history(
    mapper: Mapper[UUID],
    lines: Iterable[str],
    progress: Progress | None = None,
    *,
    accept_version_1: bool = False,
) -> list[StoredEvent]:
    """Check a whole history file and return its events, as plain stored JSON, writing nothing.

    Every line is checked and every aggregate replayed with `mapper`'s transcoder; the trailer
    must match. A bad file raises `BadHistoryFile` (`IncompleteHistory` for one cut short or
    altered) with the line number and the reason. `accept_version_1` takes a file of format
    version 1, which has no trailer, as it is. `progress`, if given, is called with the number
    of events checked so far, after every page of events.
    """
    replay = Replay(Mapper(transcoder=mapper.transcoder), accept_version_1=accept_version_1)
    checked = []
    for event in replay.read(lines):
        checked.append(event)
        if progress is not None and len(checked) % PAGE == 0:
            progress(len(checked))
    return checked


def write_history(plan: Application[UUID], events: Sequence[StoredEvent]) -> int:
    """Write checked events (from `check_history`) into the application's empty store.

    All are written in one transaction, sealed as this store seals them (compressed, then
    encrypted, if configured). A store that already holds events raises `StoreNotEmpty`.
    """
    if plan.recorder.max_notification_id():
        raise StoreNotEmpty("a history can only be imported into an empty store")
    if events:
        plan.recorder.insert_events([_sealed(plan.mapper, event) for event in events])
    return len(events)


def import_history(
    plan: Application[UUID],
    lines: Iterable[str],
    progress: Progress | None = None,
    *,
    accept_version_1: bool = False,
) -> int:
    """Import a history written by `export_history` into the application's empty store.

    Returns the number of events imported. A bad file raises `BadHistoryFile` with the line
    number and the reason (`IncompleteHistory` for a file cut short or altered after the
    export), and nothing of it is applied; a store that already holds events raises
    `StoreNotEmpty`. `accept_version_1` takes a file of format version 1 (no trailer) as it is.
    `progress`, if given, is called with the number of events checked so far, after every page
    of events, and once more when they are written.
    """
    if plan.recorder.max_notification_id():
        raise StoreNotEmpty("a history can only be imported into an empty store")
    events = check_history(plan.mapper, lines, progress, accept_version_1=accept_version_1)
    count = write_history(plan, events)
    if progress is not None and (count == 0 or count % PAGE):  # a full last page was told
        progress(count)
    return count


def _pages(plan: Application[UUID]) -> Iterator[list[Notification]]:
    start = 1
    while page := list(plan.recorder.select_notifications(start, PAGE)):
        yield page
        start = page[-1].id + 1


def _record(mapper: Mapper[UUID], notification: Notification) -> dict[str, Any]:
    """Return one event as an export line holds it; a state that cannot be read is refused."""
    try:
        state = json.loads(_opened(mapper, notification.state))
    except Exception:  # noqa: BLE001 (undecryptable, not compressed, not JSON: all damage)
        reason = "cannot be read (not JSON, or not decrypted with this key): nothing was exported"
        raise DamagedEvent(where(notification), notification.topic, reason) from None
    return {
        "position": notification.id,
        "aggregate_id": str(notification.originator_id),
        "version": notification.originator_version,
        "topic": notification.topic,
        "state": state,
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
