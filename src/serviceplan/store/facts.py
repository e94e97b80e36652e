"""What a store knows about itself, readable before any event is: its clinic's zone, its key.

A few facts belong to the store, not to any record: they must be read before the first event is
(an encrypted store's events cannot be read at all without the right key), and they never change
without a deliberate migration. They live in one small table beside the events, `serviceplan_store`
(name, value), in the SQLite file or the PostgreSQL schema; an in-memory store keeps them on its
recorder. A fact is written once: writing another value for it is refused, so two processes that
disagree about a store find out instead of taking turns.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TypeGuard
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.sqlite import SQLiteApplicationRecorder

from serviceplan.errors import StoreFactConflict

if TYPE_CHECKING:
    from eventsourcing.postgres import PostgresApplicationRecorder

FACTS_TABLE = "serviceplan_store"
_MEMORY = "_serviceplan_store_facts"


def read_facts(plan: Application[UUID]) -> dict[str, str]:
    """Return every fact the plan's store holds (none for a store made before facts were kept)."""
    recorder = plan.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (FACTS_TABLE,)
            )
            if not cursor.fetchall():
                return {}
            cursor.execute(f"SELECT name, value FROM {FACTS_TABLE}")  # noqa: S608 (our constant)
            return {str(n): str(v) for n, v in cursor.fetchall()}
    if _on_postgres(recorder):
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT to_regclass(%s) AS found", (_pg_table(recorder),))
            row = cursor.fetchone()
            if row is None or row["found"] is None:
                return {}
            cursor.execute(f"SELECT name, value FROM {_pg_table(recorder)}")  # noqa: S608 (our constant and the configured schema)
            return {str(row["name"]): str(row["value"]) for row in cursor.fetchall()}
    return dict(getattr(recorder, _MEMORY, {}))


def write_fact(plan: Application[UUID], name: str, value: str) -> None:
    """Record a fact of the store once; the same value again is a no-op, another is refused."""
    known = read_facts(plan).get(name)
    if known is not None:
        if known != value:
            raise StoreFactConflict(name, known, value)
        return
    recorder = plan.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {FACTS_TABLE}"
                " (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            cursor.execute(
                f"INSERT OR IGNORE INTO {FACTS_TABLE} VALUES (?, ?)",  # noqa: S608 (our constant)
                (name, value),
            )
    elif _on_postgres(recorder):
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {_pg_table(recorder)}"
                " (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            cursor.execute(
                f"INSERT INTO {_pg_table(recorder)} VALUES (%s, %s) ON CONFLICT DO NOTHING",  # noqa: S608 (our constant and the configured schema)
                (name, value),
            )
    else:
        setattr(recorder, _MEMORY, {**getattr(recorder, _MEMORY, {}), name: value})
    stored = read_facts(plan)[name]
    if stored != value:  # another process wrote it first
        raise StoreFactConflict(name, stored, value)


def rewrite_fact(plan: Application[UUID], name: str, value: str) -> None:
    """Replace a fact on purpose: a migration the operator asked for, never a second opinion."""
    recorder = plan.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"DELETE FROM {FACTS_TABLE} WHERE name = ?", (name,))  # noqa: S608 (our constant)
    elif _on_postgres(recorder):
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"DELETE FROM {_pg_table(recorder)} WHERE name = %s", (name,))  # noqa: S608 (our constant and the configured schema)
    else:
        setattr(recorder, _MEMORY, {k: v for k, v in read_facts(plan).items() if k != name})
    write_fact(plan, name, value)


def _on_postgres(recorder: Any) -> TypeGuard[PostgresApplicationRecorder]:  # noqa: ANN401 (any store's recorder)
    """Say whether the recorder is PostgreSQL's, without importing it (the `postgres` extra)."""
    module = sys.modules.get("eventsourcing.postgres")
    return module is not None and isinstance(recorder, module.PostgresApplicationRecorder)


def _pg_table(recorder: PostgresApplicationRecorder) -> str:
    return f"{recorder.datastore.schema}.{FACTS_TABLE}"
