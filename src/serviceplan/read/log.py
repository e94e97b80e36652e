"""The application's log a page at a time, as stored: rows, not events.

A rebuild reads every event once and most of each event never: building eventsourcing's
`Notification` and domain event objects costs more than the SQL. On a SQLite store the page is
selected with the recorder's own connection and table, straight into plain rows; on any other
store it comes through the recorder's `select_notifications`. A configured cipher or compressor
is undone (`plain`) before a state is read, and the mapper stays at hand for followers that want
whole events and for states stored by an older version of their class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification
from eventsourcing.sqlite import SQLiteApplicationRecorder

Row = tuple[int, str, int, str, bytes]
"""One stored event: position, originator id as text (`str(UUID)`), version, topic, state."""
_HYPHENATED = (
    "substr(originator_id, 1, 8) || '-' || substr(originator_id, 9, 4) || '-' ||"
    " substr(originator_id, 13, 4) || '-' || substr(originator_id, 17, 4) || '-' ||"
    " substr(originator_id, 21)"
)
"""A UUID's hex as SQLite keeps it, written as `str(UUID)` writes it."""


class Log:
    """Pages of the notification log of one application, as plain rows."""

    def __init__(self, plan: Application[UUID]) -> None:
        self.recorder = plan.recorder
        self.mapper: Mapper[UUID] = plan.mapper
        self._cipher = self.mapper.cipher
        self._compressor = self.mapper.compressor
        self._sqlite = isinstance(self.recorder, SQLiteApplicationRecorder)
        self._text_ids = self._sqlite and self.recorder.datastore.originator_id_type == "text"  # type: ignore[attr-defined]
        self._select = "" if not self._sqlite else self._sqlite_select()

    def last(self) -> int:
        """Return the position of the last event recorded."""
        return self.recorder.max_notification_id() or 0

    def first_event(self) -> str | None:
        """Return the aggregate id of the log's first event, which tells one store from another."""
        first = self.recorder.select_notifications(1, 1)
        return str(first[0].originator_id) if first else None

    def page(self, after: int, limit: int, stop: int, topics: Sequence[str]) -> list[Row]:
        """Return up to `limit` rows of these topics after position `after`, up to `stop`."""
        if self._sqlite:
            with self.recorder.datastore.transaction(commit=False) as wrapped:  # type: ignore[attr-defined]
                cursor = getattr(wrapped, "sqlite_cursor", wrapped)
                cursor.row_factory = None  # plain tuples: the connection's Row objects cost more
                marks = ",".join("?" * len(topics))
                cursor.execute(
                    f"{self._select} AND topic IN ({marks}) ORDER BY rowid LIMIT ?",
                    (after, stop, *topics, limit),
                )
                rows: list[Row] = cursor.fetchall()
                return rows
        found = self.recorder.select_notifications(
            after, limit, stop=stop, topics=topics, inclusive_of_start=False
        )
        return [(n.id, str(n.originator_id), n.originator_version, n.topic, n.state) for n in found]

    def _sqlite_select(self) -> str:
        """Return the start of the statement that selects a page, ids already as text."""
        table = self.recorder.events_table_name  # type: ignore[attr-defined]
        originator = "originator_id" if self._text_ids else _HYPHENATED
        return (
            f"SELECT rowid, {originator}, originator_version, topic, state FROM {table}"  # noqa: S608 (eventsourcing's table)
            " WHERE rowid > ? AND rowid <= ?"
        )

    def plain(self, state: bytes) -> bytes:
        """Return a stored state as the transcoder wrote it: decrypted, decompressed."""
        if self._cipher is not None:
            state = self._cipher.decrypt(state)
        if self._compressor is not None:
            state = self._compressor.decompress(state)
        return state

    def notification(self, row: Row) -> Notification:
        """Return the row as eventsourcing's notification, for the mapper."""
        position, originator_id, version, topic, state = row
        return Notification(
            id=position,
            originator_id=originator_id if self._text_ids else UUID(originator_id),
            originator_version=version,
            topic=topic,
            state=state,
        )

    def event(self, row: Row) -> Any:  # noqa: ANN401 (a domain event of any class)
        """Return the row decoded by the application's mapper (upcast to its class's version)."""
        return self.mapper.to_domain_event(self.notification(row))

    def current_state(self, row: Row) -> bytes:
        """Return the row's state as its class's current version would store it, unencrypted."""
        state = dict(vars(self.event(row)))
        del state["originator_id"], state["originator_version"]
        return self.mapper.transcoder.encode(state)
