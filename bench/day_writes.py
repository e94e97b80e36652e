"""Workload 1 on a SQLite file: serviceplan, bare eventsourcing and raw sqlite3, interleaved."""

from __future__ import annotations

from itertools import count
from pathlib import Path

from bench import raw
from bench.clinic_day import Groups, bare_day, pads_matching, schedule, serviceplan_day, sizes
from bench.harness import Row, Took, interleaved, median, row
from serviceplan.store.config import sqlite_store

NAME = "clinic day writes, SQLite file"
UNIT = "ms per visit"


def rows(folder: Path, visits: int, providers: int, repeats: int) -> list[Row]:
    """Return serviceplan's cost per visit against each baseline's on the same day.

    Wall time first (what the desk waits, fsync included), then CPU time (the work each
    contender does in Python, which a busy disk or a busy neighbour does not blur). Last, the
    schedule index catching up with the day after serviceplan's writes, beside those writes.
    """
    slots = schedule(visits, providers)
    files = (folder / f"day-{n}.sqlite3" for n in count())
    last: Groups = []
    index: list[Took] = []

    def serviceplan() -> Took:
        day = serviceplan_day(sqlite_store(next(files)), slots)
        last[:] = day.groups
        index.append(day.index)
        return day.writes

    serviceplan()  # a warm-up run, which also gives the rows and sizes the baselines copy
    index.clear()
    pads = pads_matching(sizes(last))
    medians = interleaved(
        {
            "serviceplan": serviceplan,
            "bare": lambda: bare_day(sqlite_store(next(files)), slots, pads),
            "raw": lambda: raw.write_commands(next(files), last),
        },
        repeats,
    )
    wall = {name: took.wall * 1000 / visits for name, took in medians.items()}
    cpu = {name: took.cpu * 1000 / visits for name, took in medians.items()}
    return [
        row(f"{NAME}: ServicePlan vs bare eventsourcing", wall["serviceplan"], UNIT, wall["bare"]),
        row(f"{NAME}: ServicePlan vs raw sqlite3", wall["serviceplan"], UNIT, wall["raw"]),
        row(f"{NAME}: bare eventsourcing vs raw sqlite3 (for scale)", wall["bare"], UNIT,
            wall["raw"]),
        row(f"{NAME}, CPU time: ServicePlan vs bare eventsourcing", cpu["serviceplan"],
            "CPU ms per visit", cpu["bare"]),
        row(f"{NAME}, CPU time: ServicePlan vs raw sqlite3", cpu["serviceplan"],
            "CPU ms per visit", cpu["raw"]),
        row(f"{NAME}: schedule index catching up with the day afterwards vs the day's writes",
            median([t.wall for t in index]) * 1000 / visits, UNIT, wall["serviceplan"]),
    ]  # fmt: skip
