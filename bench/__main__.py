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
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench import cascade, day_writes, delivery, generate, postgres, rebuild, replay
from bench.harness import Row, machine, say, table, write
from serviceplan import ServicePlan
from serviceplan.store.config import sqlite_store

WORKLOADS = ("day", "cascade", "rebuild", "replay", "postgres", "delivery")
RESULTS = Path(__file__).with_name("results.json")


@dataclass(frozen=True)
class Sizes:
    """How much work each workload does."""

    day_visits: int = 300
    day_providers: int = 10
    cascade: tuple[int, ...] = (100, 1_000, 10_000)
    rebuild_visits: int = 65_000
    rebuild_providers: int = 26
    patient_events: int = 5_000
    pg_writers: tuple[int, ...] = (1, 4)
    pg_visits: int = 40
    pg_providers: int = 5


QUICK = Sizes(
    day_visits=6, day_providers=2, cascade=(5, 10, 20), rebuild_visits=60, rebuild_providers=2,
    patient_events=40, pg_writers=(1, 2), pg_visits=4, pg_providers=2,
)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen workloads, write the results file and print the table."""
    options = _parser().parse_args(argv)
    sizes = QUICK if options.quick else Sizes()
    only = options.only.split(",") if options.only else list(WORKLOADS)
    info: dict[str, Any] = {
        "machine": machine(),
        "sizes": asdict(sizes),
        "repeats": options.repeats,
    }
    info["machine"]["postgres"] = postgres.server_version()
    rows: list[Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="serviceplan-bench-", dir=options.scratch) as scratch:
        for name in only:
            run = partial(_run, name, Path(scratch), sizes, options.repeats, info)
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
    parser.add_argument("--scratch", help="folder for the stores made on the way (a temp dir)")
    return parser


def _timed(name: str, run: Callable[[], list[Row]]) -> list[Row]:
    say(f"{name}: running")
    started = time.perf_counter()
    found = run()
    say(f"{name}: {len(found)} rows in {time.perf_counter() - started:.1f} s")
    return found


def _run(name: str, scratch: Path, sizes: Sizes, repeats: int, info: dict[str, Any]) -> list[Row]:  # noqa: PLR0911 (one return per workload)
    if name == "day":
        return day_writes.rows(scratch, sizes.day_visits, sizes.day_providers, repeats)
    if name == "cascade":
        plan = cascade.plan_at(sqlite_store(scratch / "cascade.sqlite3"))
        return cascade.rows(plan, sizes.cascade, repeats)
    if name == "rebuild":
        path = scratch / "history.sqlite3"
        info["rebuild_store"] = _history(path, sizes)
        return rebuild.rows(path, repeats)
    if name == "replay":
        return replay.rows(scratch, sizes.patient_events, repeats)
    if name == "postgres":
        if info["machine"]["postgres"].startswith("unreachable"):
            say("postgres: the server is unreachable; skipped")
            return []
        return postgres.rows(sizes.pg_writers, sizes.pg_visits, sizes.pg_providers, repeats)
    if name == "delivery":
        return delivery.rows(scratch, sizes.day_visits, repeats)  # a notice per visit of the day
    raise SystemExit(f"unknown workload {name!r}; choose from {', '.join(WORKLOADS)}")


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
