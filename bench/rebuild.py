"""Workload 3, the read-model rebuild: a million events of simulated clinic days, read back.

Every contender reads the whole store written by `bench.generate` and returns how many events it
went through. Each measurement runs in a fresh process, so its peak memory is its own.

Contenders: serviceplan's rebuild of the day board and the recovery report (`SERVICEPLAN`: it
returns the events it applied), eventsourcing's own notification log reader decoding every event
with the application's mapper, and a raw sqlite3 scan of the table. `rows` compares the rebuild
with both baselines, by the clock and by CPU time.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC
from pathlib import Path
from typing import NamedTuple

from eventsourcing.application import LocalNotificationLog
from eventsourcing.system import NotificationLogReader

from bench import raw
from bench.harness import Row, median, row
from serviceplan import ServicePlan, Settings
from serviceplan.read import DayBoard, Recovery, Views, catch_up_together
from serviceplan.store.config import sqlite_store

PAGE = 1000
"""Events a page: eventsourcing's reader asks for one page at a time."""
SERVICEPLAN = "serviceplan"
READER = "eventsourcing reader"
SCAN = "raw sqlite3 scan"
Rebuilder = Callable[[Path], int]


def eventsourcing_reader(path: Path) -> int:
    """Read every notification with eventsourcing's reader and decode it to a domain event."""
    plan = ServicePlan(sqlite_store(path), settings=Settings(timezone=UTC))
    reader = NotificationLogReader(LocalNotificationLog(plan.recorder, PAGE), PAGE)
    decoded = 0
    for page in reader.select(start=1):
        for notification in page:
            plan.mapper.to_domain_event(notification)
        decoded += len(page)
    plan.close()
    return decoded


def serviceplan_rebuild(path: Path) -> int:
    """Rebuild the day board and the recovery report from scratch; return the events applied.

    Both follow the log together (each event read once) into a views database of their own,
    a file beside the store, as the command line keeps them; it is removed afterwards.
    """
    plan = ServicePlan(sqlite_store(path))
    views_path = path.with_name(f"views-{os.getpid()}.sqlite3")
    views = Views(views_path)
    try:
        applied = catch_up_together([DayBoard(plan, views), Recovery(plan, views)])
    finally:
        views.close()
        plan.close()
        for leftover in path.parent.glob(f"{views_path.name}*"):
            leftover.unlink()
    return applied


CONTENDERS: dict[str, Rebuilder] = {
    READER: eventsourcing_reader,
    SCAN: raw.scan,
    SERVICEPLAN: serviceplan_rebuild,
}


class Run(NamedTuple):
    """One contender's run: wall and CPU seconds, events it went through, peak memory in MB."""

    wall: float
    cpu: float
    events: int
    peak: float


def measure(name: str, path: Path) -> Run:
    """Run one contender (in a process of its own); return what it took."""
    wall, cpu = time.perf_counter(), time.process_time()
    events = CONTENDERS[name](path)
    return Run(time.perf_counter() - wall, time.process_time() - cpu, events, peak_memory_mb())


def peak_memory_mb() -> float:
    """Return this process's peak resident memory in MB.

    Linux's VmHWM belongs to the process image, so a freshly spawned process starts from zero;
    `ru_maxrss` would carry over the peak of the parent it was forked from.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def isolated(name: str, path: Path) -> Run:
    """Run `measure` in a freshly spawned process and return what it measured."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(measure, name, path).result()


def rows(path: Path, repeats: int) -> list[Row]:
    """Return events a second and peak memory for each contender, interleaved by repeat.

    Every rate counts the events in the log, the same work for all: the baselines go through
    each of them, the rebuild applies those its models read and skips the others by topic.
    """
    runs: dict[str, list[Run]] = {name: [] for name in CONTENDERS}
    for _ in range(repeats):
        for name in CONTENDERS:
            runs[name].append(isolated(name, path))
    events = runs[SCAN][0].events
    if any(run.events != events for name in (READER, SCAN) for run in runs[name]):
        raise RuntimeError("the baselines did not read the same number of events")
    if any(not 0 < run.events <= events for run in runs.get(SERVICEPLAN, [])):
        raise RuntimeError("the rebuild applied no events, or more than the log holds")
    rate = {name: events / median([r.wall for r in found]) for name, found in runs.items()}
    cpu = {name: events / median([r.cpu for r in found]) for name, found in runs.items()}
    peak = {name: max(r.peak for r in found) for name, found in runs.items()}
    applied = runs[SERVICEPLAN][0].events if SERVICEPLAN in runs else 0
    return _compare(rate, cpu, peak, events, applied)


def _compare(
    rate: dict[str, float], cpu: dict[str, float], peak: dict[str, float], events: int,
    applied: int,
) -> list[Row]:  # fmt: skip
    what = f"read-model rebuild, {events:,} events"
    if SERVICEPLAN not in rate:
        return [
            row(f"{what}: eventsourcing reader decoding vs raw sqlite3 scan (baselines only)",
                rate[READER], "events/s", rate[SCAN], rate=True),
            row(f"{what}: peak memory, eventsourcing reader vs raw sqlite3 scan",
                peak[READER], "MB", peak[SCAN]),
        ]  # fmt: skip
    ours = f"{what} (board and report, {applied:,} applied)"
    return [
        row(f"{ours}: serviceplan vs eventsourcing reader decoding", rate[SERVICEPLAN],
            "events/s", rate[READER], rate=True),
        row(f"{ours}: serviceplan vs raw sqlite3 scan", rate[SERVICEPLAN], "events/s",
            rate[SCAN], rate=True),
        row(f"{ours}, CPU time: serviceplan vs eventsourcing reader decoding", cpu[SERVICEPLAN],
            "events/s", cpu[READER], rate=True),
        row(f"{ours}, CPU time: serviceplan vs raw sqlite3 scan", cpu[SERVICEPLAN],
            "events/s", cpu[SCAN], rate=True),
        row(f"{ours}: peak memory, serviceplan vs eventsourcing reader", peak[SERVICEPLAN],
            "MB", peak[READER]),
        row(f"{what}: peak memory, raw sqlite3 scan (for scale)", peak[SCAN], "MB"),
    ]  # fmt: skip
