"""Run the benchmarks, write `bench/results.json` and print the table: `python -m bench`.

`make bench` runs this with the full sizes (about five minutes on two cores); `--quick` runs a
tiny version of the same workloads, which is what the smoke test in `tests/bench/` does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import Any

from bench import (
    announce,
    cascade,
    day_writes,
    delivery,
    desks,
    generate,
    postgres,
    rebuild,
    replay,
    waitlist,
    waitlist_month,
)  # fmt: skip
from bench.harness import QUICK, Row, Sizes, machine, say, table, write
from serviceplan import ServicePlan
from serviceplan.store.config import sqlite_store

WORKLOADS = ("day", "cascade", "announce", "desks", "rebuild", "replay", "postgres", "delivery",
             "waitlist", "month")  # fmt: skip
RESULTS = Path(__file__).with_name("results.json")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen workloads, write the results file and print the table."""
    options = _parser().parse_args(argv)
    sizes = QUICK if options.quick else Sizes()
    if options.month_days:
        sizes = replace(sizes, month_days=options.month_days)
    only = options.only.split(",") if options.only else list(WORKLOADS)
    info: dict[str, Any] = {
        "machine": machine(),
        "sizes": asdict(sizes),
        "repeats": options.repeats,
        "seed": options.seed,
    }
    info["machine"]["postgres"] = postgres.server_version()
    rows: list[Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="serviceplan-bench-", dir=options.scratch) as scratch:
        for name in only:
            run = partial(_run, name, Path(scratch), sizes, options, info)
            rows += _timed(name, run)
    info["seconds"] = round(time.perf_counter() - started, 1)
    write(options.out, rows, info)
    sys.stdout.write(table(rows) + "\n")
    say(f"wrote {options.out} in {info['seconds']} s")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--only", help=f"comma-separated workloads of {','.join(WORKLOADS)}")
    parser.add_argument("--repeats", type=int, default=3, help="repeats a figure (median; >= 3)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results")
    parser.add_argument("--month-days", type=int, help="working days of the month simulation")
    parser.add_argument("--seed", type=int, default=2030, help="the month simulation's seed")
    parser.add_argument("--scratch", help="folder for the stores made on the way (a temp dir)")
    return parser


def _timed(name: str, run: Callable[[], list[Row]]) -> list[Row]:
    say(f"{name}: running")
    started = time.perf_counter()
    found = run()
    say(f"{name}: {len(found)} rows in {time.perf_counter() - started:.1f} s")
    return found


def _run(
    name: str, scratch: Path, sizes: Sizes, options: argparse.Namespace, info: dict[str, Any]
) -> list[Row]:
    repeats, seed = options.repeats, options.seed
    if name == "rebuild":
        path = scratch / "history.sqlite3"
        info["rebuild_store"] = _history(path, sizes)
        return rebuild.rows(path, repeats)
    if name == "postgres":
        if info["machine"]["postgres"].startswith("unreachable"):
            say("postgres: the server is unreachable; skipped")
            return []
        return postgres.rows(sizes, repeats)
    workloads: dict[str, Callable[[], list[Row]]] = {
        "day": lambda: day_writes.rows(scratch, sizes.day_visits, sizes.day_providers, repeats),
        "cascade": lambda: cascade.rows(
            cascade.plan_at(sqlite_store(scratch / "cascade.sqlite3")), sizes.cascade, repeats
        ),
        "announce": lambda: announce.rows(scratch, sizes.announce_visits, repeats),
        "desks": lambda: desks.rows(scratch, sizes.desk_threads, sizes.desk_patients, repeats),
        "replay": lambda: replay.rows(scratch, sizes.patient_events, repeats),
        # a notice per visit of the day
        "delivery": lambda: delivery.rows(scratch, sizes.day_visits, repeats),
        "waitlist": lambda: waitlist.rows(scratch, sizes.waitlist_openings, repeats),
        # simulated outcomes, not timings: played once with the list and once without
        "month": lambda: waitlist_month.rows(
            waitlist_month.Month(days=sizes.month_days, listed=sizes.month_listed, seed=seed)
        ),
    }
    if name not in workloads:
        raise SystemExit(f"unknown workload {name!r}; choose from {', '.join(WORKLOADS)}")
    return workloads[name]()


def _history(path: Path, sizes: Sizes) -> dict[str, float]:
    """Write the simulated clinic days once, and say how big and how fast that was."""
    plan = ServicePlan(sqlite_store(path))
    started = time.perf_counter()
    events = 0
    for added in generate.write_history(plan, sizes.rebuild_visits, sizes.rebuild_providers):
        events += added
    seconds = time.perf_counter() - started
    plan.close()
    say(f"rebuild: wrote {events:,} events in {seconds:.1f} s")
    return {"events": events, "visits": sizes.rebuild_visits, "write_seconds": round(seconds, 1),
            "bytes": path.stat().st_size}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
