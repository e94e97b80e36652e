"""The stored events of many aggregates in one query, for loading a whole day of visits at once.

eventsourcing reads one aggregate per query; a delay over a day of 10,000 visits would ask
10,000 times. SQLite and PostgreSQL are asked once (SQLite in chunks of ids, inside one read
transaction); any other store is asked aggregate by aggregate through its recorder.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, StoredEvent
from eventsourcing.sqlite import SQLiteAggregateRecorder

CHUNK = 500
"""Ids a SQLite query names at most (old SQLite builds allow 999 parameters a statement)."""


def events_of(recorder: AggregateRecorder, ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
    """Return each aggregate's stored events in version order (an unknown id maps to `[]`)."""
    found: dict[UUID | str, list[StoredEvent]] = {i: [] for i in ids}
    for stored in _rows(recorder, list(found)):
        found[stored.originator_id].append(stored)
    return {i: found[i] for i in ids}


def _rows(recorder: AggregateRecorder, ids: list[Any]) -> Iterator[StoredEvent]:
    if isinstance(recorder, SQLiteAggregateRecorder):
        yield from _sqlite_rows(recorder, ids)
    elif _is_postgres(recorder):
        yield from _postgres_rows(recorder, ids)
    else:
        for aggregate_id in ids:
            yield from recorder.select_events(aggregate_id)


def _sqlite_rows(recorder: SQLiteAggregateRecorder, ids: list[UUID]) -> list[StoredEvent]:
    table = recorder.events_table_name
    rows: list[StoredEvent] = []
    with recorder.datastore.transaction(commit=False) as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            cursor.execute(
                "SELECT originator_id, originator_version, topic, state"  # noqa: S608 (eventsourcing's table name)
                f" FROM {table} WHERE originator_id IN ({marks})"
                " ORDER BY originator_id, originator_version",
                [i.hex if isinstance(i, UUID) else i for i in chunk],
            )
            rows += _stored(recorder.convert_originator_id, cursor.fetchall())
    return rows


def _is_postgres(recorder: AggregateRecorder) -> bool:
    """Say whether the recorder is eventsourcing's PostgreSQL one (without importing psycopg)."""
    module = sys.modules.get("eventsourcing.postgres")
    return module is not None and isinstance(recorder, module.PostgresAggregateRecorder)


def _postgres_rows(recorder: Any, ids: list[UUID]) -> list[StoredEvent]:  # noqa: ANN401 (PostgresAggregateRecorder, imported only when used)
    from psycopg.sql import SQL, Identifier  # noqa: PLC0415 (the postgres extra)

    statement = SQL(
        "SELECT originator_id, originator_version, topic, state FROM {schema}.{table}"
        " WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
    ).format(
        schema=Identifier(recorder.datastore.schema),
        table=Identifier(recorder.events_table_name),
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, [ids])
        rows = cursor.fetchall()
    return _stored(
        lambda i: i,
        ((r["originator_id"], r["originator_version"], r["topic"], r["state"]) for r in rows),
    )


def _stored(convert: Any, rows: Iterable[Sequence[Any]]) -> list[StoredEvent]:  # noqa: ANN401 (the recorder's id converter)
    return [
        StoredEvent(
            originator_id=convert(row[0]),
            originator_version=row[1],
            topic=row[2],
            state=bytes(row[3]),
        )
        for row in rows
    ]
