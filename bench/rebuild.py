"""Workload 3, the read-model rebuild: a million events of simulated clinic days, read back.

Every contender reads the whole store written by `bench.generate` and returns how many events it
went through. Each measurement runs in a fresh process, so its peak memory is its own.

Contenders now: eventsourcing's own notification log reader decoding every event with the
application's mapper, and a raw sqlite3 scan of the table. serviceplan's own rebuild joins them
as one more entry in `CONTENDERS`, under the key `SERVICEPLAN`: a function that takes the store's
path, rebuilds the day board and report from it, and returns the number of events it applied.
`rows` then compares it with both baselines.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from eventsourcing.application import LocalNotificationLog
from eventsourcing.system import NotificationLogReader

from bench import raw
from bench.harness import Row, median, row
from serviceplan import ServicePlan
from serviceplan.store.config import sqlite_store

PAGE = 1000
"""Events a page: eventsourcing's reader asks for one page at a time."""
SERVICEPLAN = "serviceplan"
READER = "eventsourcing reader"
SCAN = "raw sqlite3 scan"
Rebuilder = Callable[[Path], int]


def eventsourcing_reader(path: Path) -> int:
    """Read every notification with eventsourcing's reader and decode it to a domain event."""
    plan = ServicePlan(sqlite_store(path))
    reader = NotificationLogReader(LocalNotificationLog(plan.recorder, PAGE), PAGE)
    decoded = 0
    for page in reader.select(start=1):
        for notification in page:
            plan.mapper.to_domain_event(notification)
        decoded += len(page)
    plan.close()
    return decoded


CONTENDERS: dict[str, Rebuilder] = {READER: eventsourcing_reader, SCAN: raw.scan}


def measure(name: str, path: Path) -> tuple[float, int, float]:
    """Run one contender (in a process of its own); return seconds, events and peak MB."""
    start = time.perf_counter()
    events = CONTENDERS[name](path)
    seconds = time.perf_counter() - start
    return seconds, events, peak_memory_mb()


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


def isolated(name: str, path: Path) -> tuple[float, int, float]:
    """Run `measure` in a freshly spawned process and return what it measured."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(measure, name, path).result()


def rows(path: Path, repeats: int) -> list[Row]:
    """Return events a second and peak memory for each contender, interleaved by repeat."""
    runs: dict[str, list[tuple[float, int, float]]] = {name: [] for name in CONTENDERS}
    for _ in range(repeats):
        for name in CONTENDERS:
            runs[name].append(isolated(name, path))
    events = runs[SCAN][0][1]
    if any(run[1] != events for found in runs.values() for run in found):
        raise RuntimeError("the contenders did not read the same number of events")
    rate = {name: events / median([r[0] for r in found]) for name, found in runs.items()}
    peak = {name: max(r[2] for r in found) for name, found in runs.items()}
    return _compare(rate, peak, events)


def _compare(rate: dict[str, float], peak: dict[str, float], events: int) -> list[Row]:
    what = f"read-model rebuild, {events:,} events"
    if SERVICEPLAN not in rate:
        return [
            row(f"{what}: eventsourcing reader decoding vs raw sqlite3 scan (baselines only)",
                rate[READER], "events/s", rate[SCAN], rate=True),
            row(f"{what}: peak memory, eventsourcing reader vs raw sqlite3 scan",
                peak[READER], "MB", peak[SCAN]),
        ]  # fmt: skip
    return [
        row(f"{what}: serviceplan vs eventsourcing reader decoding", rate[SERVICEPLAN],
            "events/s", rate[READER], rate=True),
        row(f"{what}: serviceplan vs raw sqlite3 scan", rate[SERVICEPLAN], "events/s",
            rate[SCAN], rate=True),
        row(f"{what}: peak memory, serviceplan vs eventsourcing reader", peak[SERVICEPLAN],
            "MB", peak[READER]),
    ]  # fmt: skip
