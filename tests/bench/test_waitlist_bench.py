"""The waitlist's bench rows in miniature: their shape, and that the baseline wrote the same.

No figure is checked against a time (see `test_bench_smoke`).
"""

from __future__ import annotations

from bench.same_events import Baseline
from bench.waitlist_month import Month, simulate
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


TINY = Month(days=2, providers=2, visits_a_day=6, listed=6, seed=7, cancel=0.3, delay=0.5)


def test_the_month_rows_say_what_came_of_it_with_the_waitlist_and_without(tmp_path):
    found = run_quick(tmp_path, "month")

    assert_well_formed(found)
    rows = {each["name"].partition(": ")[2]: each for each in found["rows"]}
    assert found["rows"][0]["name"].startswith(
        "waitlist month, seed 2030, 2 working days, 48 visits, 6 patients listed: "
    )
    assert found["seed"] == 2030
    freed = rows["minutes freed (cancelled, or left a delay for another day)"]["value"]
    with_list = rows["minutes recovered with the waitlist"]["value"]
    assert rows["minutes recovered without the waitlist"]["value"] == 0
    assert 0 <= with_list <= freed
    assert 0 <= rows["fill rate with the waitlist"]["value"] <= 1
    assert rows["playing the month with the waitlist vs without (set-up apart)"]["unit"] == "s"


def test_the_same_seed_plays_the_same_month():
    first, again = simulate(TINY, waitlist=True), simulate(TINY, waitlist=True)

    assert first.freed > 0
    assert (first.freed, first.openings, first.recovered, first.to_fill, first.answers) == (
        again.freed, again.openings, again.recovered, again.to_fill, again.answers
    )  # fmt: skip


def test_the_waitlist_recovers_time_the_month_without_it_leaves_empty():
    with_list, without = simulate(TINY, waitlist=True), simulate(TINY, waitlist=False)

    assert with_list.freed == without.freed  # the same cancellations and departures
    assert (without.openings, without.recovered, without.to_fill) == (0, 0, [])
    assert with_list.openings > 0
    assert with_list.recovered >= without.recovered
    assert 0 <= with_list.fill_rate <= 1
    assert len(with_list.to_fill) == with_list.recovered // 20
    assert all(minutes >= 0 for minutes in with_list.to_fill)
    assert sum(with_list.answers.values()) > 0
