"""Workload 5: the clinic day on the local PostgreSQL server, with 1 and 4 writer processes.

A database of its own for the run (a unique name, dropped afterwards). Each writer books its own
providers' visits, so writers never contend for the same record, only for the server and the
events table. The baselines are the same bare eventsourcing application, and raw psycopg inserts
of serviceplan's own rows into a table of the same shape, one transaction per command.

Then desk concurrency (`bench.desks`) in processes: 4 desks book, owe heads-up notices and check
in patients of their own at once, each process with its own `ServicePlan`, against one process
doing all of their work alone.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from functools import partial
from typing import Any

import psycopg
from psycopg import sql

from bench import desks
from bench.bare import BareClinic
from bench.clinic_day import Slot, bare_day, pads_matching, schedule, serviceplan_day, sizes
from bench.harness import Row, Sizes, Took, interleaved, row, stopwatch
from bench.raw import params
from bench.writers import Writers
from serviceplan import ServicePlan, Settings
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
    return serviceplan_day(env, slots, go, index=False).writes.wall


def bare_job(
    env: dict[str, str], pads: dict[str, str], slots: Sequence[Slot], go: Callable[[], object]
) -> float:
    """One writer's day through the bare eventsourcing application."""
    return bare_day(env, slots, pads, go).wall


def raw_job(database: str, slots: Sequence[Slot], go: Callable[[], object]) -> float:
    """One writer's day as raw inserts of serviceplan's rows (made first, in memory, untimed)."""
    day = serviceplan_day(memory_store(), slots, index=False)
    commands = [[params(s) for s in group] for group in day.groups]
    with connect(database) as connection:
        go()
        with stopwatch() as took:
            for rows in commands:
                with connection.transaction(), connection.cursor() as cursor:
                    cursor.executemany(INSERT_RAW, rows)
    return took.wall


def rows(sizes: Sizes, repeats: int) -> list[Row]:
    """Return the clinic day's rows for each number of writers, then the desks' rows."""
    with scratch_database() as database:
        env = store(database)
        pads = pads_matching(sizes_of_a_day())
        tables = _create_tables(database, env, pads)
        env = {**env, "CREATE_TABLE": "n"}  # writers find the tables made; none makes them again
        server = Server(database, env, tables)
        found = day_rows(sizes, repeats, server, pads)
        found += desk_rows(sizes, repeats, server)
    return found


@dataclass(frozen=True)
class Server:
    """The run's database: its name, the writers' settings, and every contender's table."""

    database: str
    env: dict[str, str]
    tables: list[str]

    def empty(self) -> None:
        """Empty every contender's table."""
        _empty(self.database, self.tables)


def sizes_of_a_day() -> dict[str, float]:
    """Return the mean stored size of each kind of event of a small day, for the padding."""
    return sizes(serviceplan_day(memory_store(), schedule(20, 2)).groups)


def day_rows(sizes: Sizes, repeats: int, server: Server, pads: dict[str, str]) -> list[Row]:
    """Return, for each number of writers, serviceplan's cost per visit against the baselines."""
    found: list[Row] = []
    visits, providers = sizes.pg_visits, sizes.pg_providers
    for count in sizes.pg_writers:
        days = [schedule(visits, providers, prefix=f"w{n}-dr") for n in range(count)]
        with Writers(count) as writers:
            side_by_side = SideBySide(writers, days, server.database, server.tables)
            medians = interleaved(
                {
                    "serviceplan": partial(side_by_side.run, serviceplan_job, server.env),
                    "bare": partial(side_by_side.run, bare_job, server.env, pads),
                    "raw": partial(side_by_side.run, raw_job, server.database),
                },
                repeats,
            )
        found += _rows(count, medians, visits * count)
    return found


def desk_job(
    env: dict[str, str], desk: int, patients: int, go: Callable[[], object]
) -> tuple[float, desks.Tally]:
    """One process's desks: register patients, wait for the others, then do the desk's work.

    `desk` numbers the first desk; a process alone does the work of several, one after another.
    """
    plan = desks.plan_on(env)
    mine = desks.registered(plan, patients)
    go()
    with stopwatch() as took:
        tally = desks.desk_work(plan, mine, f"desk{desk}-dr")
    plan.close()
    return took.wall, tally


def alone_job(
    env: dict[str, str], count: int, patients: int, go: Callable[[], object]
) -> tuple[float, desks.Tally]:
    """One process doing the work of `count` desks, each desk's patients in turn."""
    plan = desks.plan_on(env)
    mine = [desks.registered(plan, patients) for _ in range(count)]
    go()
    tally = desks.Tally()
    with stopwatch() as took:
        for n in range(count):
            tally += desks.desk_work(plan, mine[n], f"desk{n}-dr")
    plan.close()
    return took.wall, tally


def desk_rows(sizes: Sizes, repeats: int, server: Server) -> list[Row]:
    """Return the lost races of the desk processes at once, and their rate against one alone."""
    count, patients = sizes.pg_desks, sizes.pg_desk_patients
    samples: dict[str, list[tuple[Took, desks.Tally]]] = {"together": [], "alone": []}
    with Writers(count) as together, Writers(1) as one:
        for _ in range(repeats):
            server.empty()
            done = together.run(desk_job, [(server.env, n, patients) for n in range(count)])
            samples["together"].append(
                (Took(wall=max(s for s, _ in done)), sum((t for _, t in done), desks.Tally()))
            )
            server.empty()
            seconds, tally = one.run(alone_job, [(server.env, count, patients)])[0]
            samples["alone"].append((Took(wall=seconds), tally))
    return desks.compare(f"desk concurrency, PostgreSQL, {count} processes", samples)


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
    for app in (ServicePlan(env, settings=Settings(timezone=UTC)), BareClinic(env, pads)):
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
