"""What every workload shares: timing by medians, result rows, the machine, the table."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TypedDict

KEYS = ("name", "value", "unit", "baseline", "ratio")


@dataclass(frozen=True)
class Sizes:
    """How much work each workload does."""

    day_visits: int = 300
    day_providers: int = 10
    cascade: tuple[int, ...] = (100, 1_000, 10_000)
    announce_visits: int = 1_000
    desk_threads: int = 16
    desk_patients: int = 20
    rebuild_visits: int = 65_000
    rebuild_providers: int = 26
    patient_events: int = 5_000
    pg_writers: tuple[int, ...] = (1, 4)
    pg_visits: int = 40
    pg_providers: int = 5
    pg_desks: int = 4
    pg_desk_patients: int = 20
    waitlist_openings: int = 40
    month_days: int = 20
    month_listed: int = 30


QUICK = Sizes(
    day_visits=6, day_providers=2, cascade=(5, 10, 20), announce_visits=10, desk_threads=4,
    desk_patients=2, rebuild_visits=60, rebuild_providers=2, patient_events=40,
    pg_writers=(1, 2), pg_visits=4, pg_providers=2, pg_desks=2, pg_desk_patients=2,
    waitlist_openings=3, month_days=2, month_listed=6,
)  # fmt: skip


class Row(TypedDict):
    """One figure: serviceplan's cost, the baseline's cost on the same work, and their ratio."""

    name: str
    value: float
    unit: str
    baseline: float | None
    ratio: float | None


def row(
    name: str, value: float, unit: str, baseline: float | None = None, *, rate: bool = False
) -> Row:
    """Return a row whose ratio is serviceplan's cost over the baseline's (below 1 is better).

    For a cost (seconds, bytes) that is value over baseline; for a `rate` (events a second) it
    is baseline over value, so the ratio reads the same way in every row.
    """
    ratio = None
    if baseline and value:
        ratio = _round(baseline / value if rate else value / baseline)
    return Row(name=name, value=_round(value), unit=unit, baseline=_maybe(baseline), ratio=ratio)


def _round(value: float) -> float:
    return float(f"{value:.4g}")


def _maybe(value: float | None) -> float | None:
    return None if value is None else _round(value)


def median(samples: Sequence[float]) -> float:
    """Return the median of the repeats (at least three, so one noisy run cannot decide)."""
    if len(samples) < 3:  # noqa: PLR2004 (the rule is "at least three repeats")
        raise ValueError(f"a figure needs at least 3 repeats, got {len(samples)}")
    return statistics.median(samples)


@dataclass
class Took:
    """What a measured block took: seconds on the clock, and seconds of this process's CPU.

    Wall time is what a clinic waits; CPU time leaves out waiting for the disk and for other
    programs, so on a shared machine it is the steadier measure of the work a contender does.
    """

    wall: float = 0.0
    cpu: float = 0.0


def interleaved(contenders: dict[str, Callable[[], Took]], repeats: int) -> dict[str, Took]:
    """Run each contender once per round, one after the other, and return each one's medians.

    Each callable returns what its measured part took (set-up stays outside the figure).
    Rounds interleave the contenders, so a burst of noise on a shared machine hits them alike.
    """
    samples: dict[str, list[Took]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():
            samples[name].append(run())
    return {
        name: Took(median([t.wall for t in found]), median([t.cpu for t in found]))
        for name, found in samples.items()
    }


@contextmanager
def stopwatch() -> Iterator[Took]:
    """Time a block: the yielded `Took` is filled in when the block ends."""
    took = Took()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield took
    finally:
        took.wall = time.perf_counter() - wall
        took.cpu = time.process_time() - cpu


def machine() -> dict[str, Any]:
    """Describe where the figures were taken: cores, Python, SQLite and library versions."""
    return {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "eventsourcing": metadata.version("eventsourcing"),
        "serviceplan": metadata.version("clinic-serviceplan"),
        "taken": datetime.now(tz=UTC).isoformat(timespec="seconds"),
    }


def write(path: Path, rows: list[Row], info: dict[str, Any]) -> None:
    """Write the results file: the machine and settings, then the rows."""
    path.write_text(json.dumps({**info, "rows": rows}, indent=2) + "\n", encoding="utf8")


def table(rows: list[Row]) -> str:
    """Return the rows as a plain-text table (also valid Markdown)."""
    lines = [
        "| name | value | unit | baseline | ratio |",
        "|---|---:|---|---:|---:|",
    ]
    lines += [
        f"| {r['name']} | {r['value']:g} | {r['unit']} | {_cell(r['baseline'])} "
        f"| {_cell(r['ratio'])} |"
        for r in rows
    ]
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def say(text: str) -> None:
    """Report progress on stderr, so stdout carries only the table."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
