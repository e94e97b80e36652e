"""One delivery pass at a time per store, so two workers never hand a channel the same notice.

A worker takes the store's delivery lease for a pass and gives it back after; a worker that
finds it taken skips the pass and tries again at its next one. Workers in several processes
(or on several machines, with PostgreSQL) thus take turns, and each pass starts where the last
one stopped. A worker killed mid-pass loses its lease with its process: the operating system
closes its lock file, and PostgreSQL ends its session, so the others carry on.

The lease is a PostgreSQL advisory lock on a connection of its own; beside a SQLite file, a
lock on the file `<database>.delivery-lock` (POSIX `flock`; on Windows the lock covers the
workers of one process only); in memory, a lock shared by the workers of the process.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import weakref
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application

MEMORY_DB = (":memory:", "")


class Lease(Protocol):
    """Who may deliver now: `acquire` says whether this worker may, `release` ends its turn."""

    def acquire(self) -> bool:
        """Take the lease if it is free; say whether it was."""
        ...  # pragma: no cover (a protocol)

    def release(self) -> None:
        """Give the lease back."""
        ...  # pragma: no cover (a protocol)

    def close(self) -> None:
        """Give the lease back if held, and let go of what it holds on to."""
        ...  # pragma: no cover (a protocol)


class ProcessLease:
    """A lock shared by the workers of one store in one process (the in-memory store)."""

    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock
        self.held = False

    def acquire(self) -> bool:
        """Take the lock if it is free."""
        self.held = self.lock.acquire(blocking=False)
        return self.held

    def release(self) -> None:
        """Give the lock back."""
        if self.held:
            self.held = False
            self.lock.release()

    def close(self) -> None:
        """Give the lock back if held."""
        self.release()


class FileLease:
    """An exclusive lock on a file beside the SQLite database, which every process can see."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: Any = None

    def acquire(self) -> bool:
        """Lock the file if no other worker has it locked."""
        import fcntl  # noqa: PLC0415 (POSIX only: imported when a SQLite file is in use)

        if self.file is None:  # readable by its owner only, like the store beside it
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self.file = os.fdopen(descriptor, "a")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        """Unlock the file (it stays open for the next pass)."""
        import fcntl  # noqa: PLC0415

        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_UN)

    def close(self) -> None:
        """Unlock and close the file."""
        if self.file is not None:
            self.release()
            self.file.close()
            self.file = None


class PostgresLease:
    """A PostgreSQL advisory lock, held on a connection of the lease's own."""

    def __init__(self, connect: dict[str, Any], key: int) -> None:
        self.connect = connect
        self.key = key
        self.connection: Any = None

    def acquire(self) -> bool:
        """Take the advisory lock if no other session holds it (reconnecting if need be)."""
        import psycopg  # noqa: PLC0415 (only with the postgres extra)

        if self.connection is None or self.connection.closed:
            self.connection = psycopg.connect(**self.connect, autocommit=True)
        row = self.connection.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        return bool(row and row[0])

    def release(self) -> None:
        """Give the advisory lock back."""
        if self.connection is not None and not self.connection.closed:
            self.connection.execute("SELECT pg_advisory_unlock(%s)", (self.key,))

    def close(self) -> None:
        """Close the connection, which gives back any lock it holds."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


_IN_PROCESS: weakref.WeakKeyDictionary[object, threading.Lock] = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


def lease_for(plan: Application[UUID]) -> Lease:
    """Return a new lease on the delivery of `plan`'s store, of the kind its store needs."""
    datastore = getattr(plan.recorder, "datastore", None)
    pool = getattr(datastore, "pool", None)
    db_name = getattr(pool, "db_name", None)
    on_file = isinstance(db_name, str) and db_name not in MEMORY_DB and "mode=memory" not in db_name
    if on_file and sys.platform != "win32":
        return FileLease(Path(f"{db_name}.delivery-lock"))
    kwargs = getattr(pool, "kwargs", None)
    if isinstance(kwargs, dict) and "dbname" in kwargs:
        connect = {k: v for k, v in kwargs.items() if k != "row_factory"}
        schema = getattr(datastore, "schema", "public")
        return PostgresLease({**connect, "connect_timeout": 5}, _key(f"{schema}.{plan.name}"))
    with _GUARD:
        lock = _IN_PROCESS.setdefault(plan.recorder, threading.Lock())
    return ProcessLease(lock)


def _key(name: str) -> int:
    """Return the advisory lock's 64-bit key for the delivery of one clinic's store.

    Advisory locks belong to the database: the key names the schema too, so two clinics kept in
    two schemas of one database have a lease each.
    """
    digest = hashlib.sha256(f"serviceplan.delivery:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
