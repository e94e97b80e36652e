"""The files that hold patients' data: readable by their owner only, and recognised before use.

A store, its read models' views, a lock file, an export or a report page is created with mode
0600 (SQLite gives a store's `-wal` and `-shm` files the mode of the store itself). Before a
SQLite file is opened as a store or as views it is looked at read-only, so that a file of another
application is refused instead of having serviceplan's tables added to it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from serviceplan.errors import NotAStore, StoreUnavailable

PRIVATE = 0o600
PRIVATE_FOLDER = 0o700
EVENTS_TABLE = "stored_events"
POSITIONS_TABLE = "serviceplan_positions"
OUR_TOPICS = "serviceplan."


def private_file(path: Path) -> bool:
    """Create `path` empty, readable and writable by its owner only, unless it exists.

    Returns whether it was created. A folder that is missing is not created here.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def private_folder(path: Path) -> None:
    """Create `path` and its parents if missing; folders made here are the owner's only."""
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)


def check_store_file(path: Path) -> None:
    """Refuse a file that cannot be a serviceplan store; a file that does not exist passes.

    A store is an empty file, or a SQLite database with no tables yet, or one whose events
    table holds serviceplan's events (or none yet). `NotAStore` names what the file is instead;
    `StoreUnavailable` says the file cannot be read.
    """
    tables = _sqlite_tables(path, "a serviceplan store")
    if not tables:
        return
    if EVENTS_TABLE in tables:
        first = _first_topic(path)
        if first is None or first.startswith(OUR_TOPICS):
            return
        msg = f"{path} holds another application's events, not a serviceplan store"
        raise NotAStore(msg)
    if POSITIONS_TABLE in tables:
        msg = f"{path} holds serviceplan's read models but no events: it is views, not a store"
        raise NotAStore(msg)
    raise NotAStore(f"{path} is another application's SQLite database, not a serviceplan store")


def check_views_file(path: Path) -> None:
    """Refuse a file that cannot hold read models; a file that does not exist passes.

    Views go in an empty file, a SQLite database with no tables yet, or one that already holds
    serviceplan's read models (a store's own file among them).
    """
    tables = _sqlite_tables(path, "read models")
    if not tables or POSITIONS_TABLE in tables:
        return
    if EVENTS_TABLE in tables:
        first = _first_topic(path)
        if first is None or first.startswith(OUR_TOPICS):
            return
    msg = f"{path} is another application's SQLite database, not serviceplan's read models"
    raise NotAStore(msg)


def has_table(path: Path, table: str) -> bool:
    """Say whether the SQLite file at `path` holds `table`, read without writing to it."""
    return table in _sqlite_tables(path, "a SQLite database")


def first_aggregate(path: Path) -> str | None:
    """Return the aggregate id of the store file's first event as stored, read-only."""
    if EVENTS_TABLE not in _sqlite_tables(path, "a serviceplan store"):
        return None
    sql = f"SELECT originator_id FROM {EVENTS_TABLE} ORDER BY rowid LIMIT 1"  # noqa: S608 (ours)
    rows = _read_only(path, sql)
    return str(rows[0][0]) if rows else None


def stored_events(path: Path) -> int:
    """Return how many events the store file at `path` holds, read without writing to it."""
    if EVENTS_TABLE not in _sqlite_tables(path, "a serviceplan store"):
        return 0
    rows = _read_only(path, f"SELECT COUNT(*) FROM {EVENTS_TABLE}")  # noqa: S608 (our constant)
    return int(str(rows[0][0]))


def _sqlite_tables(path: Path, wanted: str) -> frozenset[str]:
    """Return the tables of the SQLite file at `path` (none for a missing or empty file).

    The file is read through SQLite alone, never with a descriptor of our own: closing any
    descriptor of a database file drops every POSIX lock this process holds on it, and a
    connection already open in the process (the store's, when views sit beside it) would lose
    the lock that tells other processes it is there; one of them could then take the write-ahead
    log away under it, and its next writes with it.
    """
    if path.is_dir():
        raise NotAStore(f"{path} is a folder: give a file for {wanted}")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return frozenset()
    except OSError as error:
        raise StoreUnavailable(f"cannot read {path}: {error.strerror}") from None
    if not size:
        return frozenset()
    try:
        rows = _read_only(path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    except _NotSQLiteError:
        raise NotAStore(f"{path} is not {wanted} (not a SQLite database)") from None
    return frozenset(str(row[0]) for row in rows)


def _first_topic(path: Path) -> str | None:
    rows = _read_only(path, f"SELECT topic FROM {EVENTS_TABLE} ORDER BY rowid LIMIT 1")  # noqa: S608 (our constant)
    return str(rows[0][0]) if rows else None


def _read_only(path: Path, statement: str) -> list[tuple[object, ...]]:
    """Run one query on a read-only connection to the file, which writes nothing to it."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=10)
        try:
            return connection.execute(statement).fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
            raise _NotSQLiteError(str(path)) from None
        raise StoreUnavailable(f"cannot read {path} as a SQLite database: {error}") from None


class _NotSQLiteError(Exception):
    """The file is not a SQLite database (SQLite says so on its first read)."""
