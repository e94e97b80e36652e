"""Workload 5: the clinic day on the local PostgreSQL server, with 1 and 4 writer processes.

A database of its own for the run (a unique name, dropped afterwards). Each writer books its own
providers' visits, so writers never contend for the same record, only for the server and the
events table. The baselines are the same bare eventsourcing application, and raw psycopg inserts
of serviceplan's own rows into a table of the same shape, one transaction per command.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg
from psycopg import sql

from bench.bare import BareClinic
from bench.clinic_day import Slot, bare_day, pads_matching, schedule, serviceplan_day, sizes
from bench.harness import Row, Took, interleaved, row, stopwatch
from bench.raw import params
from bench.writers import Writers
from serviceplan import ServicePlan
from serviceplan.store.config import memory_store

HOST, PORT, USER = "127.0.0.1", 5432, "postgres"
RAW_TABLE = "raw_events"
CREATE_RAW = (
    "CREATE TABLE IF NOT EXISTS raw_events (originator_id uuid NOT NULL, "
    "originator_version bigint NOT NULL, topic text, state bytea, notification_id bigserial, "
    "PRIMARY KEY (originator_id, originator_version))"
)
INSERT_RAW = (
    "INSERT INTO raw_events (originator_id, originator_version, topic, state) "
    "VALUES (%s, %s, %s, %s)"
)
NAME = "clinic day writes, PostgreSQL"
UNIT = "ms per visit"


def store(database: str) -> dict[str, str]:
    """Return eventsourcing's settings for `database` on the local server."""
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": database,
        "POSTGRES_HOST": HOST,
        "POSTGRES_PORT": str(PORT),
        "POSTGRES_USER": USER,
        "POSTGRES_PASSWORD": "",
    }


def connect(database: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """Connect to `database` on the local server."""
    return psycopg.connect(
        host=HOST, port=PORT, user=USER, dbname=database, autocommit=autocommit, connect_timeout=5
    )


@contextmanager
def scratch_database() -> Iterator[str]:
    """Create a uniquely named database, yield its name, and drop it whatever happens."""
    name = f"serviceplan_bench_{os.getpid()}_{secrets.token_hex(4)}"
    with connect("postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with connect("postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def server_version() -> str:
    """Return the server's version, or why it could not be reached."""
    try:
        with connect("postgres") as connection:
            found = connection.execute("SHOW server_version").fetchone()
    except psycopg.OperationalError as error:
        return f"unreachable: {str(error).strip()}"
    return str(found[0]) if found else "unknown"


def serviceplan_job(env: dict[str, str], slots: Sequence[Slot], go: Callable[[], object]) -> float:
    """One writer's day through `ServicePlan`."""
    return serviceplan_day(env, slots, go)[0].wall


def bare_job(
    env: dict[str, str], pads: dict[str, str], slots: Sequence[Slot], go: Callable[[], object]
) -> float:
    """One writer's day through the bare eventsourcing application."""
    return bare_day(env, slots, pads, go).wall


def raw_job(database: str, slots: Sequence[Slot], go: Callable[[], object]) -> float:
    """One writer's day as raw inserts of serviceplan's rows (made first, in memory, untimed)."""
    commands = [[params(s) for s in group] for group in serviceplan_day(memory_store(), slots)[1]]
    with connect(database) as connection:
        go()
        with stopwatch() as took:
            for rows in commands:
                with connection.transaction(), connection.cursor() as cursor:
                    cursor.executemany(INSERT_RAW, rows)
    return took.wall


def rows(writer_counts: Sequence[int], visits: int, providers: int, repeats: int) -> list[Row]:
    """Return, for each number of writers, serviceplan's cost per visit against the baselines."""
    pads = pads_matching(sizes(serviceplan_day(memory_store(), schedule(20, 2))[1]))
    found: list[Row] = []
    with scratch_database() as database:
        env = store(database)
        tables = _create_tables(database, env, pads)
        env = {**env, "CREATE_TABLE": "n"}  # writers find the tables made; none makes them again
        for count in writer_counts:
            days = [schedule(visits, providers, prefix=f"w{n}-dr") for n in range(count)]
            with Writers(count) as writers:
                side_by_side = SideBySide(writers, days, database, tables)
                medians = interleaved(
                    {
                        "serviceplan": partial(side_by_side.run, serviceplan_job, env),
                        "bare": partial(side_by_side.run, bare_job, env, pads),
                        "raw": partial(side_by_side.run, raw_job, database),
                    },
                    repeats,
                )
            found += _rows(count, medians, visits * count)
    return found


@dataclass(frozen=True)
class SideBySide:
    """The writers and their days: one run empties the tables, then all writers go together."""

    writers: Writers
    days: list[list[Slot]]
    database: str
    tables: list[str]

    def run(self, job: Callable[..., float], *first: object) -> Took:
        """Run `job(*first, day)` on every writer; the slowest writer's time is the run's."""
        _empty(self.database, self.tables)
        return Took(wall=max(self.writers.run(job, [(*first, day) for day in self.days])))


def _rows(count: int, medians: dict[str, Took], visits: int) -> list[Row]:
    per_visit = {name: took.wall * 1000 / visits for name, took in medians.items()}
    what = f"{NAME}, {count} writer{'s' if count > 1 else ''}"
    return [
        row(f"{what}: ServicePlan vs bare eventsourcing", per_visit["serviceplan"], UNIT,
            per_visit["bare"]),
        row(f"{what}: ServicePlan vs raw psycopg", per_visit["serviceplan"], UNIT,
            per_visit["raw"]),
    ]  # fmt: skip


def _create_tables(database: str, env: dict[str, str], pads: dict[str, str]) -> list[str]:
    """Create every contender's table once, before any writer starts; return their names."""
    names = []
    for app in (ServicePlan(env), BareClinic(env, pads)):
        names.append(getattr(app.recorder, "events_table_name", "stored_events"))
        app.close()
    with connect(database, autocommit=True) as connection:
        connection.execute(CREATE_RAW)
    return [*names, RAW_TABLE]


def _empty(database: str, tables: Sequence[str]) -> None:
    """Start each run from empty tables, so no run pays for the rows of the one before."""
    statement = sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
    with connect(database, autocommit=True) as connection:
        connection.execute(statement)
