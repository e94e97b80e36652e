"""The raw sqlite3 baselines: the same rows into, and out of, the same table shape.

The table is the one eventsourcing's SQLite application recorder makes; the connection is set up
the way it sets up its own (autocommit, explicit BEGIN, write-ahead log), so the only difference
left is everything above the SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from bench.harness import Took, stopwatch

CREATE = (
    "CREATE TABLE IF NOT EXISTS stored_events (originator_id TEXT, originator_version INTEGER, "
    "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
)
INSERT = "INSERT INTO stored_events VALUES (?,?,?,?)"
SCAN = "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events"
Params = tuple[str, int, str, bytes]


def connect(path: Path) -> sqlite3.Connection:
    """Open (and if new, create) a store the way eventsourcing opens its own."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(CREATE)
    return connection


def params(stored: StoredEvent) -> Params:
    """Return a stored event as the row eventsourcing writes: the id as hex text."""
    oid = stored.originator_id
    return (oid.hex if isinstance(oid, UUID) else str(oid), stored.originator_version,
            stored.topic, stored.state)  # fmt: skip


def write_commands(path: Path, groups: Sequence[Sequence[StoredEvent]]) -> Took:
    """Insert each command's rows in a transaction of its own; return the seconds it took."""
    commands = [[params(s) for s in group] for group in groups]
    connection = connect(path)
    with stopwatch() as took:
        for rows in commands:
            connection.execute("BEGIN")
            connection.executemany(INSERT, rows)
            connection.execute("COMMIT")
    connection.close()
    return took


def scan(path: Path, batch: int = 5000) -> int:
    """Read every row of the table in notification order; return how many there were."""
    connection = sqlite3.connect(path)
    cursor = connection.execute(SCAN + " ORDER BY rowid")
    count = 0
    while rows := cursor.fetchmany(batch):
        count += len(rows)
    connection.close()
    return count
