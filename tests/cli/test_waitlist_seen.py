"""The demo day's waitlist on the command line: the 9:50 freed by a move, taken by text.

At 9:10 the 9:50 patient moves to another day; their 20 minutes go to the one patient on the
list, who answers yes at 9:18 and is booked at 9:50.
"""

from __future__ import annotations

import json

import pytest

from serviceplan.cli import main

DAY = "2026-12-01"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    assert main(["demo", "--db", str(db), "--seed", "3"]) == 0
    return db


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def patels_board(capsys, demo_db, *more):
    out = run(capsys, "board", "--db", str(demo_db), "-d", DAY, "-p", "dr-patel", "--json", *more)
    (patel,) = json.loads(out)["providers"]
    return patel


def test_the_board_as_json_shows_the_opening_its_offer_and_who_took_it(demo_db, capsys):
    patel = patels_board(capsys, demo_db)

    [opening] = patel["openings"]
    assert (opening["start"], opening["length"]) == ("2026-12-01T09:50:00-05:00", 20)
    assert (opening["visit_type"], opening["source"], opening["status"]) == (
        "dilated-exam", "moved", "filled",
    )  # fmt: skip
    assert opening["offers_out"] == 0
    [offer] = opening["offers"]
    assert offer["answer"] == "accepted"
    assert opening["accepted_by"] == offer["patient_id"]
    booked = next(v for v in patel["visits"] if v["visit_id"] == opening["filled_with"])
    assert booked["patient_id"] == opening["accepted_by"]


def test_the_board_as_of_before_the_yes_shows_the_offer_out(demo_db, capsys):
    patel = patels_board(capsys, demo_db, "--as-of", "2026-12-01T09:15-05:00")

    [opening] = patel["openings"]
    assert (opening["status"], opening["offers_out"], opening["accepted_by"]) == (
        "offering", 1, None,
    )  # fmt: skip


def test_the_board_for_people_says_who_filled_the_opening_by_id_only(demo_db, capsys):
    data = patels_board(capsys, demo_db)
    who = data["openings"][0]["accepted_by"][:8]

    out = run(capsys, "board", "--db", str(demo_db), "-d", DAY, "-p", "dr-patel")
    earlier = run(capsys, "board", "--db", str(demo_db), "-d", DAY, "-p", "dr-patel",
                  "--as-of", "2026-12-01T09:15-05:00")  # fmt: skip

    assert f"Opening: 09:50, 20 min dilated-exam (moved): filled by {who} at 09:18" in out
    assert "Opening: 09:50, 20 min dilated-exam (moved): offering, 1 offer(s) out" in earlier


def test_the_report_as_json_counts_the_minutes_freed_and_filled(demo_db, capsys):
    report = json.loads(run(capsys, "report", "--db", str(demo_db), "--month", "2026-12", "--json"))

    assert report["waitlist"] == {
        "openings": 1, "freed_minutes": 20, "offered_minutes": 20, "filled_minutes": 20,
        "filled": 1, "closed": 0, "median_minutes_to_fill": 8, "fill_rate": 1.0,
    }  # fmt: skip


def test_the_report_for_people_has_a_waitlist_table(demo_db, capsys):
    out = run(capsys, "report", "--db", str(demo_db), "--month", "2026-12")

    assert "Time freed for the waitlist, in minutes" in out
    assert "1 filled, 0 closed unfilled." in out
    assert "8 min" in out


def test_a_range_with_no_time_freed_says_so_and_divides_by_nothing(tmp_path, capsys):
    empty = tmp_path / "nothing-yet.sqlite3"

    out = run(capsys, "report", "--db", str(empty), "--month", "2026-12")
    data = json.loads(run(capsys, "report", "--db", str(empty), "--month", "2026-12", "--json"))

    assert "No time freed for the waitlist in this range: none to fill." in out
    assert data["waitlist"]["fill_rate"] is None
    assert data["waitlist"]["median_minutes_to_fill"] is None


def test_the_saved_page_marks_the_visit_booked_from_the_waitlist(demo_db, tmp_path, capsys):
    page_file = tmp_path / "day.html"

    run(capsys, "report", "--db", str(demo_db), "--month", "2026-12", "--html", str(page_file),
        "--date", DAY)  # fmt: skip

    page = page_file.read_text(encoding="utf-8")
    assert page.count('class="filled"') == 1
    assert "filled a freed time from the waitlist" in page
    assert "booked from the waitlist (filled a freed time)" in page  # the legend
    assert "<h2>Time freed for the waitlist, in minutes</h2>" in page
