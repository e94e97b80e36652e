"""Holds on stock items, kept in a SQLite file beside the stock file so they survive restarts.

Every change runs in one `BEGIN IMMEDIATE` transaction. SQLite lets one writer in at a time,
across threads and processes alike, so "is one left?" and the hold it allows cannot be split by
another reserve call, and no item is ever held more often than it is in the drawer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from uuid import UUID

import attrs

from serviceplan.errors import ServicePlanError

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS holds (
        offering_id TEXT PRIMARY KEY,
        item TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('held', 'released', 'issued')),
        changed_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS holds_by_item ON holds (item, state, changed_at)",
)


class HoldsUnavailable(ServicePlanError):  # noqa: N818 (the clinic's word, not "Error")
    """The holds file cannot be opened (a missing folder, no permission)."""


class HoldsBusy(HoldsUnavailable):
    """Another process kept the holds file locked for longer than the time allowed."""


class State(Enum):
    """Where an offering's hold stands."""

    HELD = "held"
    RELEASED = "released"
    ISSUED = "issued"


@attrs.frozen
class Hold:
    """One offering's hold on one item, and when it last changed."""

    offering_id: UUID
    item: str
    state: State
    changed_at: datetime


def stamp(moment: datetime) -> str:
    """Write a time so that text order is time order: UTC, to the microsecond."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Ledger:
    """The holds as seen inside one transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def create(self) -> None:
        """Create the table of holds if the file is new."""
        for statement in SCHEMA:
            self._db.execute(statement)

    def find(self, offering_id: UUID) -> Hold | None:
        """Return the offering's hold, whatever its state, or None if it never had one."""
        row = self._db.execute(
            "SELECT item, state, changed_at FROM holds WHERE offering_id = ?", (str(offering_id),)
        ).fetchone()
        if row is None:
            return None
        return Hold(offering_id, row[0], State(row[1]), datetime.fromisoformat(row[2]))

    def held(self, item: str) -> int:
        """Count the item's current holds."""
        query = "SELECT COUNT(*) FROM holds WHERE item = ? AND state = 'held'"
        return int(self._db.execute(query, (item,)).fetchone()[0])

    def issued_since(self, item: str, counted: datetime | None) -> int:
        """Count the item's hand-overs at or after `counted` (all of them when None)."""
        since = "" if counted is None else stamp(counted)
        query = "SELECT COUNT(*) FROM holds WHERE item = ? AND state = 'issued' AND changed_at >= ?"
        return int(self._db.execute(query, (item, since)).fetchone()[0])

    def put(self, offering_id: UUID, item: str, state: State, at: datetime) -> None:
        """Record the offering's hold in `state` as of `at`."""
        self._db.execute(
            "INSERT INTO holds (offering_id, item, state, changed_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (offering_id) DO UPDATE SET "
            "item = excluded.item, state = excluded.state, changed_at = excluded.changed_at",
            (str(offering_id), item, state.value, stamp(at)),
        )


class HoldBook:
    """The SQLite file of holds; each `transaction()` opens, locks, and commits or rolls back."""

    def __init__(self, path: Path, *, timeout: float = 30.0) -> None:
        self.path = path
        self.timeout = timeout
        with self.transaction() as ledger:
            ledger.create()

    @contextmanager
    def transaction(self) -> Iterator[Ledger]:
        """Hold the write lock for the block: all of it is saved, or none of it."""
        try:
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.OperationalError as error:
            raise HoldsUnavailable(f"cannot open the holds file {self.path}: {error}") from None
        with closing(connection):
            self._begin(connection)
            try:
                yield Ledger(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _begin(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise HoldsBusy(
                f"the holds file {self.path.name} stayed locked for {self.timeout} s: {error}"
            ) from None
