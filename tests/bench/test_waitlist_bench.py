"""The waitlist's bench rows in miniature: their shape, and that the baseline wrote the same.

No figure is checked against a time (see `test_bench_smoke`).
"""

from __future__ import annotations

from bench.same_events import Baseline
from test_bench_smoke import assert_well_formed, run_quick

from bench import waitlist
from serviceplan.store.config import sqlite_store


def test_the_waitlist_rows_time_each_opening_inline_and_apart_against_bare(tmp_path):
    found = run_quick(tmp_path, "waitlist")

    assert_well_formed(found)
    rows = {each["name"].partition(": ")[2]: each for each in found["rows"]}
    what = found["rows"][0]["name"].partition(": ")[0]
    assert what == "waitlist, SQLite file, 3 openings of a day, 9 patients listed"
    inline = rows["cancellation to offers owed, inline (the default), p50 vs bare eventsourcing"
                  " writing the same events"]  # fmt: skip
    apart = rows["cancellation to offers owed, recorded apart (inline=False) then plan.follow(),"
                 " p50 vs inline"]  # fmt: skip
    assert apart["baseline"] == inline["value"]
    assert {each["unit"] for each in found["rows"]} == {"ms", "openings/s", "CPU ms per opening",
                                                         "x"}  # fmt: skip


def test_every_opening_owes_a_round_of_offers_and_the_baseline_writes_the_same_events(tmp_path):
    day = waitlist.day_of(tmp_path / "day.sqlite3", 2, inline=True)
    run = waitlist.cancel_all(day, keep=True)  # refuses a run that owed fewer offers
    assert len(run.pieces) == len(run.latencies) == 2

    baseline = Baseline(sqlite_store(tmp_path / "bare.sqlite3"))
    baseline.prepare(run.pieces)
    before = baseline.app.recorder.max_notification_id() or 0
    for groups in run.pieces:
        baseline.write(groups)
    written = baseline.app.recorder.max_notification_id() - before
    baseline.close()
    assert written == sum(len(group) for groups in run.pieces for group in groups)


def test_a_percentile_is_a_time_one_opening_took():
    samples = [0.4, 0.1, 0.3, 0.2, 1.0]
    assert waitlist.percentile(samples, 50) == 0.3
    assert waitlist.percentile(samples, 95) == 1.0
    assert waitlist.percentile([0.2], 95) == 0.2
