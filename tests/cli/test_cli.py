"""The `serviceplan` command line on the demo store, on an empty store and on bad input."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import click
import pytest

from serviceplan.cli import main
from serviceplan.cli import session as cli_session
from serviceplan.errors import ConcurrentUpdate, InvalidInput


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    assert main(["demo", "--db", str(db), "--seed", "3"]) == 0
    return db


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_demo_tells_the_day_and_ends_with_the_board_and_the_report(tmp_path, capsys):
    code, out, _ = run(capsys, "demo", "--db", str(tmp_path / "day.sqlite3"))

    assert code == 0
    for said in [
        "08:00  Dr. Patel's surgery ran over: she will be 45 minutes late.",
        "+15555551002  booked 08:30 -> about 09:15 (+45 min)",
        "09:00  The estimate grows to 60 minutes.",
        "tomorrow's first slot at 8:00, booked through the scheduler",
        "three-way call",
        "upset about a balance",
        "The board at the end of the day",
        "Recovery report, 2026-12-01: 4 incident(s) opened",
        "Incidents by process cause",
        "Open incidents",
    ]:
        assert said in out


def test_the_same_seed_tells_the_same_day_word_for_word_on_a_fresh_file(tmp_path, capsys):
    db = str(tmp_path / "day.sqlite3")
    _, first, _ = run(capsys, "demo", "--db", db, "--seed", "5")
    _, again, _ = run(capsys, "demo", "--db", db, "--seed", "5")
    _, other, _ = run(capsys, "demo", "--db", db, "--seed", "6")

    assert first == again
    assert other != first


def test_the_board_of_the_demo_day_as_json(demo_db, capsys):
    code, out, _ = run(capsys, "board", "--db", str(demo_db), "--date", "2026-12-01", "--json")

    board = json.loads(out)
    patel = next(p for p in board["providers"] if p["provider"] == "dr-patel")
    assert code == 0
    assert board["day"] == "2026-12-01"
    assert [v["delay_minutes"] for v in patel["visits"][:3]] == [60, 60, 60]
    assert patel["delays"][0]["minutes"] == 60
    assert patel["delays"][0]["resolved_at"].startswith("2026-12-01T11:10")
    assert patel["call_list"] == []


def test_the_board_as_of_nine_shows_the_call_list_of_that_moment(demo_db, capsys):
    code, out, _ = run(
        capsys, "board", "--db", str(demo_db), "-d", "2026-12-01", "-p", "dr-patel",
        "--as-of", "2026-12-01T09:00-05:00", "--json",
    )  # fmt: skip

    (patel,) = json.loads(out)["providers"]
    assert code == 0
    assert len(patel["call_list"]) == 5


def test_the_board_as_tables_for_people(demo_db, capsys):
    code, out, _ = run(capsys, "board", "--db", str(demo_db), "--date", "2026-12-01")
    _, earlier, _ = run(capsys, "board", "--db", str(demo_db), "--date", "2026-12-01",
                        "--as-of", "2026-12-01T08:30-05:00")  # fmt: skip

    assert code == 0
    assert "dr-patel, Tuesday 01 December 2026" in out
    assert "Delay: 60 min from 08:00 (surgery ran over); resolved 11:10." in out
    assert "Delay: 45 min from 08:00 (surgery ran over); still running late." in earlier
    assert "Call list: +15555551002 (08:30 -> 09:15)" in earlier


def test_without_a_date_the_board_shows_the_day_nearest_today(demo_db, capsys):
    code, out, _ = run(capsys, "board", "--db", str(demo_db), "--json")

    assert code == 0
    assert json.loads(out)["day"] in {"2026-12-01", "2026-12-02"}


def test_open_incidents_as_json_and_as_a_table(demo_db, capsys):
    _, out, _ = run(capsys, "incidents", "--db", str(demo_db), "--json",
                    "--as-of", "2026-12-02T11:00-05:00")  # fmt: skip
    (call_back,) = json.loads(out)
    code, table, _ = run(capsys, "incidents", "--db", str(demo_db))

    assert code == 0
    assert (call_back["topic"], call_back["cause"]) == ("scheduling", "communication")
    assert call_back["tasks"][0]["kind"] == "call-back"
    assert call_back["overdue_tasks"] == [call_back["tasks"][0]["task_id"]]
    assert "call-back" in table


def test_the_report_as_json(demo_db, capsys):
    code, out, _ = run(capsys, "report", "--db", str(demo_db), "--month", "2026-12", "--json")

    report = json.loads(out)
    assert code == 0
    assert (report["first"], report["last"]) == ("2026-12-01", "2026-12-31")
    assert report["incidents"] == 4
    assert {c["cause"] for c in report["causes"]} == {"billing", "communication", "payer", "wait"}
    assert {o["kind"] for o in report["offerings"]} == {
        "first-morning-slot", "restaurant-gift-card", "swag",
    }  # fmt: skip


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.sources = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.sources += [v for k, v in attrs if k in {"src", "href"}]

    def handle_data(self, data):
        self.text.append(data)


def test_the_html_report_holds_the_timeline_and_the_tables_and_fetches_nothing(
    demo_db, tmp_path, capsys
):
    page_file = tmp_path / "report.html"
    code, out, _ = run(capsys, "report", "--db", str(demo_db), "--html", str(page_file))

    page = _Page()
    page.feed(page_file.read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert code == 0
    assert f"Wrote {page_file}" in out
    assert page.tags.count("svg") == 1
    assert page.tags.count("rect") > 14
    assert page.sources == []
    for said in ["Tuesday 01 December 2026", "dr-patel", "dr-okafor", "tech-rivera",
                 "60 min late: surgery ran over", "+60", "rescheduled", "no-show",
                 "Incidents by process cause", "Open incidents"]:  # fmt: skip
        assert said in text


def test_the_html_report_of_a_day_without_visits_says_so(demo_db, tmp_path, capsys):
    page_file = tmp_path / "empty.html"
    code, _, _ = run(capsys, "report", "--db", str(demo_db), "--from", "2026-11-01",
                     "--to", "2026-11-02", "--html", str(page_file))  # fmt: skip

    assert code == 0
    assert "No visits on the board for this range." in page_file.read_text(encoding="utf-8")


def test_the_audit_trail_of_a_patient_found_by_the_start_of_the_id(demo_db, capsys):
    _, out, _ = run(capsys, "incidents", "--db", str(demo_db), "--json")
    patient = json.loads(out)[0]["patient_id"]

    code, out, _ = run(capsys, "audit", "--db", str(demo_db), "--patient", patient[:8], "--json")
    table_code, table, _ = run(capsys, "audit", "--db", str(demo_db), "--patient", patient)

    lines = json.loads(out)
    assert (code, table_code) == (0, 0)
    assert lines[0]["what"] == "registered"
    assert any(line["what"] == "task opened" for line in lines)
    assert "Audit trail" in table


def test_the_audit_trail_of_an_incident(demo_db, capsys):
    _, out, _ = run(capsys, "incidents", "--db", str(demo_db), "--json")
    incident = json.loads(out)[0]["incident_id"]

    code, out, _ = run(capsys, "audit", "--db", str(demo_db), "--incident", incident, "--json")

    assert code == 0
    assert [line["what"] for line in json.loads(out)][:2] == ["opened", "step taken"]


@pytest.mark.parametrize(
    "command",
    [
        ["board", "--date", "2026-12-01"],
        ["incidents"],
        ["report"],
        ["report", "--json"],
        ["audit", "--patient", "00000000-0000-4000-8000-000000000000"],
    ],
)
def test_every_command_works_on_an_empty_store(tmp_path, capsys, command):
    missing = tmp_path / "nothing-yet.sqlite3"

    code, out, _ = run(capsys, *command, "--db", str(missing))

    assert code == 0
    assert out
    assert not missing.exists()


def test_the_store_named_by_the_environment_is_the_default(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("SERVICEPLAN_DB", str(demo_db))

    code, out, _ = run(capsys, "board", "--date", "2026-12-01", "--json")

    assert code == 0
    assert len(json.loads(out)["providers"]) == 3


@pytest.mark.parametrize(
    "command",
    [[], ["demo"], ["board"], ["incidents"], ["report"], ["audit"]],
)
def test_every_command_has_help(capsys, command):
    code, out, _ = run(capsys, *command, "--help")

    assert code == 0
    assert "Usage: serviceplan" in out


@pytest.mark.parametrize(
    ("command", "complaint"),
    [
        (["board", "--date", "tomorrow"], "--date"),
        (["board", "--as-of", "2026-12-01T09:00"], "--as-of"),
        (["report", "--month", "December"], "--month"),
        (["report", "--month", "2026-12", "--from", "2026-12-01"], "not both"),
        (["report", "--from", "2026-12-02", "--to", "2026-12-01"], "before"),
        (["audit"], "exactly one"),
        (["audit", "--patient", "zz"], "not an id"),
        (["audit", "--patient", "0000"], "matches 0 records"),
        (["fly"], "No such command"),
    ],
)
def test_bad_usage_exits_with_2_and_says_why(demo_db, capsys, command, complaint):
    code, _, err = run(capsys, *command, "--db", str(demo_db))

    assert code == 2
    assert complaint in err


def test_a_file_that_is_not_a_store_is_bad_input(tmp_path, capsys):
    not_a_store = tmp_path / "notes.sqlite3"
    not_a_store.write_text("shopping list", encoding="utf-8")

    code, _, err = run(capsys, "board", "--db", str(not_a_store))

    assert code == 2
    assert "not a serviceplan store" in err


@pytest.mark.parametrize(
    ("problem", "exit_code", "said"),
    [
        (ConcurrentUpdate("someone else changed it first"), 1, "Refused: someone else"),
        (InvalidInput("provider must be a short code"), 2, "Error: provider must be"),
        (click.Abort(), 130, "Aborted."),
    ],
)
def test_refusals_and_bad_input_from_below_become_exit_codes(
    capsys, monkeypatch, problem, exit_code, said
):
    def fail(_db):
        raise problem

    monkeypatch.setattr("serviceplan.cli.commands.open_plan", fail)

    code, _, err = run(capsys, "board")

    assert code == exit_code
    assert said in err


def test_a_store_chosen_by_eventsourcings_variables_is_used_as_is(capsys, monkeypatch):
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.popo")

    code, out, _ = run(capsys, "incidents", "--json")

    assert code == 0
    assert json.loads(out) == []


def test_python_dash_m_serviceplan_is_the_same_command(demo_db, capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", ["serviceplan", "incidents", "--db", str(demo_db), "--json"])
    from serviceplan.__main__ import main as module_main  # noqa: PLC0415

    assert module_main() == 0
    assert json.loads(capsys.readouterr().out)


def test_a_progress_bar_is_drawn_only_on_a_terminal(monkeypatch):
    with cli_session.progress_bar("reading") as tell:
        assert tell is None
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    with cli_session.progress_bar("reading") as tell:
        assert tell is not None
        tell(5, 10)
