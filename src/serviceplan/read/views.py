"""Where read models keep their tables and their positions in the log: one SQLite database.

A follower's rows and its position change in the same transaction, so a crash between two pages
of the log leaves both as they were before the page: no event is skipped or applied twice. A
views file is created readable by its owner only (it holds patients' ids and visits), and a file
of another application is refused (`NotAStore`) before anything is written to it.

One connection serves every thread of a process, one at a time: each write transaction, each
query of a read model (`serviceplan.read.follower.query`) and each position read holds `lock`, so
no thread reads another's transaction half done, and no transaction begins on the connection
while another thread's read is still stepping through an older snapshot (SQLite would refuse it
as busy at once).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from eventsourcing.application import Application

from serviceplan.errors import NotAStore, StoreUnavailable
from serviceplan.store.config import PERSISTENCE_MODULE, SQLITE
from serviceplan.store.files import check_views_file, private_file

MEMORY = ":memory:"
_POSITIONS = """CREATE TABLE IF NOT EXISTS serviceplan_positions (
    follower TEXT PRIMARY KEY, position INTEGER NOT NULL, schema INTEGER NOT NULL)"""
_LOG = "CREATE TABLE IF NOT EXISTS serviceplan_views_of (first_event TEXT NOT NULL)"
"""Which log the views follow, by the aggregate id of its first event: views and positions
built from one store would give another store's read models wrong answers."""


class Views:
    """A SQLite database of read-model tables, with one position per follower."""

    def __init__(self, path: str | os.PathLike[str] = MEMORY) -> None:
        self.path = str(path)
        self.lock = threading.RLock()
        """Held by whoever uses the connection: threads take turns on it, a transaction whole."""
        if self.path != MEMORY:
            check_views_file(Path(self.path))
            try:
                private_file(Path(self.path))
            except OSError as error:
                raise StoreUnavailable(f"cannot create {self.path}: {error.strerror}") from None
        self.connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.path != MEMORY:
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.connection.execute("PRAGMA busy_timeout=10000")
        self.connection.execute(_POSITIONS)

    @classmethod
    def beside(cls, plan: Application[UUID]) -> Views:
        """Return views in the plan's own SQLite file, or in memory for any other store."""
        path = cls.path_beside(plan)
        return cls() if path is None else cls(path)

    @staticmethod
    def path_beside(plan: Application[UUID]) -> Path | None:
        """Return the plan's own SQLite file, where `beside` keeps views; None for other stores."""
        env = plan.env
        module = env.get(f"{plan.name.upper()}_{PERSISTENCE_MODULE}") or env.get(PERSISTENCE_MODULE)
        name = env.get(f"{plan.name.upper()}_SQLITE_DBNAME") or env.get("SQLITE_DBNAME", "")
        if module == SQLITE and name and MEMORY not in name and not name.startswith("file:"):
            return Path(name)
        return None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block as one write transaction: all of it is kept, or none of it."""
        with self.lock:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def position(self, follower: str) -> int:
        """Return the last notification id the follower has applied (0 before the first)."""
        with self.lock:
            row = self.connection.execute(
                "SELECT position FROM serviceplan_positions WHERE follower = ?", (follower,)
            ).fetchone()
        return int(row[0]) if row else 0

    def set_position(self, follower: str, position: int) -> None:
        """Record how far the follower got; call it inside the transaction of its writes."""
        self.connection.execute(
            "UPDATE serviceplan_positions SET position = ? WHERE follower = ?",
            (position, follower),
        )

    def follow(self, first_event: str | None) -> None:
        """Bind these views to the log whose first event has this aggregate id, or refuse.

        Views hold positions in one store's log; followed with another store's, they would skip
        or misapply events. The first views of a log record its first event's id; views bound
        to another log raise `NotAStore`. An empty log binds nothing yet.
        """
        with self.transaction() as db:
            db.execute(_LOG)
            row = db.execute("SELECT first_event FROM serviceplan_views_of").fetchone()
            if row is None and first_event is not None:
                db.execute("INSERT INTO serviceplan_views_of VALUES (?)", (first_event,))
        if row is not None and row[0] != first_event:
            msg = (
                f"{self.path} holds the read models of another store: give this store's views,"
                " or a new file"
            )
            raise NotAStore(msg)

    def install(
        self, follower: str, schema: int, tables: Mapping[str, str], indexes: Sequence[str] = ()
    ) -> None:
        """Create a follower's tables; when its schema changed, drop them so it rebuilds."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT schema FROM serviceplan_positions WHERE follower = ?", (follower,)
            ).fetchone()
            if row is not None and row[0] != schema:
                for name in tables:
                    db.execute(f"DROP TABLE IF EXISTS {name}")
                db.execute("DELETE FROM serviceplan_positions WHERE follower = ?", (follower,))
                row = None
            for statement in (*tables.values(), *indexes):
                db.execute(statement)
            if row is None:
                db.execute("INSERT INTO serviceplan_positions VALUES (?, 0, ?)", (follower, schema))

    def close(self) -> None:
        """Close the database connection."""
        self.connection.close()
