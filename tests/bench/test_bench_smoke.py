"""`make bench` in miniature: every workload runs a tiny day and writes well-formed rows.

No figure is checked against a time: the machine is shared and timings are the benchmark's
business, not the test suite's. What is checked is the shape of what `bench/results.json` holds.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from bench.__main__ import main
from bench.harness import KEYS, row

from bench import postgres

SQLITE_WORKLOADS = {
    "day": "clinic day writes, SQLite file",
    "cascade": "delay cascade",
    "announce": "announce a delay affecting",
    "desks": "desk concurrency, SQLite file",
    "rebuild": "read-model rebuild",
    "replay": "replay one Patient",
}
COUNTS = "errors"
"""The unit of a row that counts what went wrong: zero is a good value, not a missing one."""
OUTCOMES = ("minutes", "share")
"""The units of what a simulated month came to: zero is an outcome too (none recovered)."""


def run_quick(tmp_path: Path, workloads: str) -> dict:
    out = tmp_path / "results.json"
    assert (
        main(["--quick", "--only", workloads, "--out", str(out), "--scratch", str(tmp_path)]) == 0
    )
    return json.loads(out.read_text(encoding="utf8"))


def assert_well_formed(found: dict) -> None:
    for each in found["rows"]:
        assert tuple(each) == KEYS
        assert each["name"]
        assert each["unit"]
        if each["unit"] == COUNTS:
            assert each["value"] >= 0
            assert each["value"] == int(each["value"])
        elif each["unit"] in OUTCOMES:
            assert each["value"] >= 0
        else:
            assert each["value"] > 0
        assert each["baseline"] is None or each["baseline"] > 0
        if each["baseline"] is None:
            assert each["ratio"] is None
        else:
            cost = each["value"] / each["baseline"]
            expected = 1 / cost if each["unit"].endswith("/s") else cost
            assert math.isclose(each["ratio"], expected, rel_tol=0.01)


def test_a_quick_run_writes_a_row_for_every_sqlite_workload(tmp_path):
    found = run_quick(tmp_path, ",".join(SQLITE_WORKLOADS))

    assert_well_formed(found)
    names = [each["name"] for each in found["rows"]]
    for prefix in SQLITE_WORKLOADS.values():
        assert any(name.startswith(prefix) for name in names), prefix
    assert found["machine"]["cores"] >= 1
    assert found["machine"]["sqlite"]
    assert found["machine"]["eventsourcing"].startswith("9.")
    assert found["rebuild_store"]["events"] > 1000


def test_the_cascade_growth_row_compares_with_linear_growth(tmp_path):
    found = run_quick(tmp_path, "cascade")

    growth = found["rows"][-1]
    assert growth["name"].startswith("delay cascade growth, 10 to 20 visits")
    assert growth["baseline"] == 2


def test_the_desks_at_once_lose_no_race_and_are_compared_with_one_writer(tmp_path):
    found = run_quick(tmp_path, "desks")

    assert_well_formed(found)
    conflicts, rate = found["rows"]
    assert conflicts["name"].startswith("desk concurrency, SQLite file, 4 threads on one plan")
    assert "ConcurrentUpdate errors in 3 runs of 24 commands" in conflicts["name"]
    assert conflicts["unit"] == COUNTS
    assert conflicts["value"] == 0
    assert "vs one writer doing the same work alone" in rate["name"]
    assert rate["unit"] == "commands/s"
    assert rate["baseline"] > 0


def test_announcing_is_timed_without_its_notices_and_then_the_follower_apart(tmp_path):
    found = run_quick(tmp_path, "announce")

    assert_well_formed(found)
    names = [each["name"] for each in found["rows"]]
    assert names[0] == (
        "announce a delay affecting 10 visits, SQLite file: record it (inline=False)"
        " vs announce with its notices owed inline"
    )
    assert found["rows"][0]["unit"] == "ms"
    assert found["rows"][0]["baseline"] is not None
    assert any("until every notice is owed by the follower" in name for name in names)


def test_the_clinic_day_times_the_schedule_index_beside_the_writes(tmp_path):
    found = run_quick(tmp_path, "day")

    assert_well_formed(found)
    index = found["rows"][-1]
    assert "schedule index catching up with the day afterwards" in index["name"]
    assert index["baseline"] == found["rows"][0]["value"]


def test_the_delivery_workload_writes_a_rate_row_for_one_and_two_workers(tmp_path):
    found = run_quick(tmp_path, "delivery")

    assert_well_formed(found)
    names = [each["name"] for each in found["rows"]]
    assert [name.split(",")[1].strip() for name in names] == ["1 worker", "2 workers"]
    assert all(each["unit"] == "notices/s" for each in found["rows"])


def test_a_rate_row_reads_as_a_cost_ratio_like_every_other_row():
    assert row("faster", 200.0, "events/s", 100.0, rate=True)["ratio"] == 0.5
    assert row("slower", 3.0, "ms", 2.0)["ratio"] == 1.5
    assert row("alone", 3.0, "ms")["ratio"] is None


def test_an_unknown_workload_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="unknown workload"):
        run_quick(tmp_path, "nonsense")


@pytest.mark.postgres
def test_the_postgres_workload_runs_and_drops_its_database(tmp_path):
    version = postgres.server_version()
    if version.startswith("unreachable"):
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is needed in CI: {version}")
        pytest.skip(version)

    found = run_quick(tmp_path, "postgres")

    assert_well_formed(found)
    names = [each["name"] for each in found["rows"]]
    assert any("PostgreSQL, 1 writer:" in name for name in names)
    assert any("PostgreSQL, 2 writers:" in name for name in names)
    conflicts = next(r for r in found["rows"] if "PostgreSQL, 2 processes: Concurrent" in r["name"])
    assert conflicts["value"] == 0
    assert any("PostgreSQL, 2 processes: commands per second" in name for name in names)
    with postgres.connect("postgres") as connection:
        left = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            (f"serviceplan_bench_{os.getpid()}_%",),
        ).fetchall()
    assert left == []
