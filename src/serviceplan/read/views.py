"""Where read models keep their tables and their positions in the log: one SQLite database.

A follower's rows and its position change in the same transaction, so a crash between two pages
of the log leaves both as they were before the page: no event is skipped or applied twice. A
views file is created readable by its owner only (it holds patients' ids and visits), and a file
of another application is refused (`NotAStore`) before anything is written to it.

Beside an encrypted store, the text columns that hold what people wrote (an incident's need, a
task's outcome, a delay's reason, an audit line's details) are kept sealed: a follower writes
them through `seal` and reads them through `unseal`, with AES-GCM under a key derived from the
store's key (`serviceplan.store.secrets`). The views record that key's fingerprint; views made
under another key, or in clear, are dropped and rebuilt from the events (after a key rotation,
say), so no file ever holds both.

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
from serviceplan.store.encryption import store_key
from serviceplan.store.files import check_views_file, private_file
from serviceplan.store.secrets import VIEWS, Sealer, derived

MEMORY = ":memory:"
_POSITIONS = """CREATE TABLE IF NOT EXISTS serviceplan_positions (
    follower TEXT PRIMARY KEY, position INTEGER NOT NULL, schema INTEGER NOT NULL)"""
_LOG = "CREATE TABLE IF NOT EXISTS serviceplan_views_of (first_event TEXT NOT NULL)"
"""Which log the views follow, by the aggregate id of its first event: views and positions
built from one store would give another store's read models wrong answers."""
_SEALED_BY = "CREATE TABLE IF NOT EXISTS serviceplan_views_key (fingerprint TEXT NOT NULL)"
"""The fingerprint of the key the text columns are sealed with, or `none` when in clear."""
IN_CLEAR = "none"


class Views:
    """A SQLite database of read-model tables, with one position per follower."""

    def __init__(self, path: str | os.PathLike[str] = MEMORY, *, look: bool = True) -> None:
        """Open views at `path`; `look=False` skips looking at a file known to be a store's."""
        self.path = str(path)
        self.lock = threading.RLock()
        """Held by whoever uses the connection: threads take turns on it, a transaction whole."""
        if self.path != MEMORY:
            if look:
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
            self.connection.execute("PRAGMA secure_delete=ON")  # what is deleted is zeroed
        self.connection.execute(_POSITIONS)
        self.sealer: Sealer | None = None
        """Seals the text columns when the store is encrypted (`seal_for`); None in clear."""
        self.sealed_with: tuple[bytes | None] | None = None
        """The store key `seal_for` settled the views for (in a tuple: a store may have none)."""

    @classmethod
    def beside(cls, plan: Application[UUID]) -> Views:
        """Return views in the plan's own SQLite file, or in memory for any other store."""
        path = cls.path_beside(plan)
        return cls() if path is None else cls(path, look=False)  # the plan's own store file

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

    def seal_for(self, plan: Application[UUID]) -> None:
        """Seal text columns as the plan's store is: under a key derived from its key, or not.

        Views that recorded another key (or none, while this store has one) are emptied: every
        follower's tables are dropped at its next `install`, and it rebuilds from the log.
        """
        key = store_key(plan)
        if self.sealed_with == (key,):  # every follower of a plan shares its views: once will do
            return
        sealer = None if key is None else Sealer(derived(key, VIEWS))
        mark = IN_CLEAR if sealer is None else sealer.fingerprint
        with self.transaction() as db:
            db.execute(_SEALED_BY)
            row = db.execute("SELECT fingerprint FROM serviceplan_views_key").fetchone()
            if row is None:
                db.execute("INSERT INTO serviceplan_views_key VALUES (?)", (mark,))
            elif row[0] != mark:
                db.execute("UPDATE serviceplan_views_key SET fingerprint = ?", (mark,))
            if (row is None and mark != IN_CLEAR) or (row is not None and row[0] != mark):
                db.execute("UPDATE serviceplan_positions SET schema = -1, position = 0")
        self.sealer = sealer
        self.sealed_with = (key,)

    def seal(self, text: str | None) -> str | None:
        """Return a text column's value as it is kept: sealed beside an encrypted store."""
        if not text or self.sealer is None:  # an empty text says nothing
            return text
        return self.sealer.seal(text)

    def unseal(self, kept: str | None) -> str | None:
        """Return what `seal` was given, for a person who asks with the store's key."""
        if not kept or self.sealer is None:
            return kept
        return self.sealer.open(kept)

    def install(
        self, follower: str, schema: int, tables: Mapping[str, str], indexes: Sequence[str] = ()
    ) -> None:
        """Create a follower's tables; when its schema changed, drop them so it rebuilds.

        Dropped rows are overwritten (`secure_delete`), and the write-ahead log is emptied
        after, unless another process is reading: rows kept in clear, or under a key since
        rotated, leave nothing behind in the file.
        """
        dropped = False
        with self.transaction() as db:
            row = db.execute(
                "SELECT schema FROM serviceplan_positions WHERE follower = ?", (follower,)
            ).fetchone()
            if row is not None and row[0] != schema:
                for name in tables:
                    db.execute(f"DROP TABLE IF EXISTS {name}")
                db.execute("DELETE FROM serviceplan_positions WHERE follower = ?", (follower,))
                row, dropped = None, True
            for statement in (*tables.values(), *indexes):
                db.execute(statement)
            if row is None:
                db.execute("INSERT INTO serviceplan_positions VALUES (?, 0, ?)", (follower, schema))
        if dropped and self.path != MEMORY:
            with self.lock:
                self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close the database connection."""
        self.connection.close()
