"""Every way a command can go wrong ends with an exit code that tells the cause, and no traceback.

The cases are what an operator meets: a folder or another program's file where a store belongs,
a report or an export that cannot be written, a history file that is no history, a server that
is down, a setting or a key that is wrong, a store holding damaged events. Each is run as the
command line runs, and nothing it should not touch is touched.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from helpers import CLINIC_ZONE, at
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    encrypted,
    new_cipher_key,
    sqlite_store,
)
from serviceplan.cli import main

DESK = Staff("desk-ana", "front-desk")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    assert main(["demo", "--db", str(db)]) == 0
    return db


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A folder with what an operator may point a command at by mistake."""
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "notes.txt").write_text("Call the plumber about the sink.\n")
    with closing(sqlite3.connect(tmp_path / "accounts.sqlite3")) as db:
        db.execute("CREATE TABLE ledger (entry TEXT)")
        db.execute("INSERT INTO ledger VALUES ('paid the plumber')")
        db.commit()
    return tmp_path


def unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before, f"{path.name} was written to"


def booked_store(path: Path, env: dict[str, str] | None = None) -> None:
    """A clinic's store: a patient and her 8:00 exam (encrypted when `env` says so)."""
    plan = ServicePlan(
        {**(env or {}), **sqlite_store(path)},
        clock=FixedClock(at(7)),
        settings=Settings(CLINIC_ZONE),
    )
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550142")), preferred=Channel.SMS, by=DESK
    )
    plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(8), by=DESK)
    plan.close()


# -- 2: bad usage, or a file on the command line that is wrong ------------------------------


@pytest.mark.parametrize("command", ["board", "incidents", "report", "status", "deliver"])
def test_a_folder_as_the_store_is_bad_input(files, capsys, monkeypatch, command):
    monkeypatch.setenv("SERVICEPLAN_DB", str(files / "a-folder"))
    code, _, err = run(capsys, command)
    assert code == 2
    assert "is a folder" in err


@pytest.mark.parametrize("command", [["board"], ["replay", "{history}"], ["demo"], ["status"]])
def test_another_programs_sqlite_file_is_refused_and_left_as_it_was(
    files, demo_db, tmp_path, capsys, command
):
    accounts = files / "accounts.sqlite3"
    before = accounts.read_bytes()
    history = tmp_path / "day.jsonl"
    assert main(["export", "--db", str(demo_db), str(history)]) == 0
    capsys.readouterr()
    args = [a.format(history=history) for a in command]

    code, _, err = run(capsys, *args, "--db", str(accounts))

    assert code == 2
    assert "another application's SQLite database" in err
    unchanged(accounts, before)


def test_replay_into_a_text_file_refuses_and_leaves_it(files, demo_db, capsys):
    history = files / "day.jsonl"
    main(["export", "--db", str(demo_db), str(history)])
    before = (files / "notes.txt").read_bytes()

    code, _, err = run(capsys, "replay", str(history), "--db", str(files / "notes.txt"))

    assert code == 2
    assert "not a serviceplan store" in err
    unchanged(files / "notes.txt", before)


def test_a_sqlite_file_given_as_the_history_is_no_history_and_creates_nothing(
    demo_db, tmp_path, capsys
):
    code, _, err = run(capsys, "replay", str(demo_db), "--db", str(tmp_path / "copy.sqlite3"))
    assert code == 2
    assert "is not a history file" in err or "not JSON" in err
    assert not (tmp_path / "copy.sqlite3").exists()


@pytest.mark.parametrize("views", ["notes.txt", "accounts.sqlite3", "a-folder"])
def test_follow_refuses_views_that_are_not_read_models(files, demo_db, capsys, views):
    code, _, err = run(capsys, "follow", "--db", str(demo_db), "--views", str(files / views))
    assert code == 2
    assert views in err


@pytest.mark.parametrize("command", [["export", "{out}"], ["report", "--html", "{out}"]])
@pytest.mark.parametrize("target", ["missing/folder/out", "/dev/full", "a-folder"])
def test_a_file_that_cannot_be_written_is_bad_output_and_leaves_nothing_half_written(
    files, demo_db, capsys, command, target
):
    if target == "/dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    out = target if target.startswith("/") else str(files / target)
    args = [a.format(out=out) for a in command]
    before = sorted(p.name for p in files.iterdir())

    code, _, err = run(capsys, *args, "--db", str(demo_db))

    assert code == 2
    assert "cannot write" in err or "is a directory" in err
    assert sorted(p.name for p in files.iterdir()) == before


def test_exporting_a_store_that_does_not_exist_is_an_error_not_zero_events(tmp_path, capsys):
    code, out, err = run(
        capsys, "export", "--db", str(tmp_path / "typo.sqlite3"), str(tmp_path / "day.jsonl")
    )
    assert code == 2
    assert "no store at" in err
    assert "events written" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_demo_never_replaces_a_clinics_store(tmp_path, capsys):
    store = tmp_path / "clinic.sqlite3"
    booked_store(store)
    before = store.read_bytes()

    code, _, err = run(capsys, "demo", "--db", str(store))

    assert code == 2
    assert "holds a store the demo did not make" in err
    unchanged(store, before)


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["board", "--date", "2026-13-01"], "--date"),
        (["board", "--as-of", "yesterday"], "--as-of"),
        (["report", "--month", "2026-00"], "--month"),
        (["report", "--from", "2026-12-01", "--to", "2026-11-30"], "before"),
        (["audit", "--patient", "x"], "not an id"),
        (["audit", "--patient", "abcd", "--incident", "abcd"], "exactly one"),
        (["deliver", "--every", "0"], "--every"),
        (["deliver", "--give-up-after", "-1"], "--give-up-after"),
        (["follow", "--max-wait", "nope"], "--max-wait"),
        (["replay", "missing.jsonl", "--db", "copy.sqlite3"], "does not exist"),
        (["replay", "--db"], "--db"),
        (["status", "--json", "--views"], "--views"),
        (["export"], "FILE"),
        (["--verbose=2", "board"], "--verbose"),
        (["fly"], "No such command"),
    ],
)
def test_bad_usage_is_2_and_says_what(tmp_path, capsys, monkeypatch, args, complaint):
    monkeypatch.setenv("SERVICEPLAN_DB", str(tmp_path / "nothing-yet.sqlite3"))
    code, _, err = run(capsys, *args)
    assert code == 2
    assert complaint in err


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--from", "0001-01-01"],
        ["report", "--from", "0001-01-01", "--to", "0001-01-02"],
        ["report", "--month", "0001-01", "--json"],
        ["report", "--to", "9999-12-31"],
        ["report", "--month", "9999-12"],
        ["board", "--date", "0001-01-01"],
        ["board", "--date", "9999-12-31", "--json"],
        ["board", "--as-of", "0001-01-01T00:00+0000"],
        ["incidents", "--as-of", "9999-12-31T23:59-1200"],
    ],
)
def test_dates_at_the_ends_of_the_calendar_give_an_answer(demo_db, capsys, args):
    code, out, _ = run(capsys, *args, "--db", str(demo_db))
    assert code == 0
    assert out


# -- 3: the store ---------------------------------------------------------------------------


def test_an_unreachable_postgresql_server_is_a_store_problem(capsys, monkeypatch):
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.postgres")
    for name, value in {
        "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "1", "POSTGRES_DBNAME": "clinic",
        "POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": "", "POSTGRES_CONNECT_TIMEOUT": "1",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)

    code, _, err = run(capsys, "board")

    assert code == 3
    assert "the store at 127.0.0.1:1, database clinic cannot be opened" in err


@pytest.mark.postgres
def test_a_missing_postgresql_database_is_a_store_problem_that_names_it(
    capsys, monkeypatch, postgres_database
):
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.postgres")
    settings = postgres_database.server.store("no_such_clinic")
    for name, value in {**settings, "POSTGRES_CONNECT_TIMEOUT": "2"}.items():
        monkeypatch.setenv(name, value)

    code, _, err = run(capsys, "incidents")

    assert code == 3
    assert 'database "no_such_clinic" does not exist' in err


def damaged(store: Path, topic: str, change) -> int:
    """Change the first stored event of `topic` in place, as a hand-edit would; its position."""
    with closing(sqlite3.connect(store)) as db:
        rowid, state = db.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE ?", (f"%:{topic}",)
        ).fetchone()
        data = json.loads(state)
        change(data)
        db.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (json.dumps(data).encode(), rowid),
        )
        db.commit()
    return int(rowid)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda s: s.pop("provider"), "(Visit.Booked) is incomplete: it has no provider"),
        (lambda s: s.update(class_version=7), "(Visit.Booked) was written by a newer serviceplan"),
    ],
)
@pytest.mark.parametrize("command", [["board"], ["report"], ["follow", "--once"]])
def test_a_damaged_or_newer_event_stops_the_command_with_its_position(
    tmp_path, capsys, change, said, command
):
    store = tmp_path / "clinic.sqlite3"
    booked_store(store)
    position = damaged(store, "Visit.Booked", change)

    code, out, err = run(capsys, *command, "--db", str(store))

    assert code == 3
    assert f"Error: the event at position {position} {said}" in err
    assert "dr-patel" not in out


# -- 4: the key -----------------------------------------------------------------------------


@pytest.fixture
def sealed(tmp_path) -> tuple[Path, str]:
    """An encrypted store, and its key."""
    key = new_cipher_key()
    store = tmp_path / "sealed.sqlite3"
    booked_store(store, encrypted({}, key))
    return store, key


@pytest.mark.parametrize("command", [["board"], ["deliver", "--once"], ["export", "out.jsonl"]])
def test_a_missing_key_is_told_as_such(sealed, capsys, monkeypatch, tmp_path, command):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CIPHER_KEY", raising=False)
    store, _ = sealed
    code, _, err = run(capsys, *command, "--db", str(store))
    assert code == 4
    assert "the store's events are encrypted: give its key" in err
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize(
    ("key", "said"),
    [
        (new_cipher_key(), "does not open this store's events"),
        ("not-a-key", "is not base64"),
    ],
)
def test_a_wrong_or_malformed_key_is_told_without_showing_it(
    sealed, capsys, monkeypatch, key, said
):
    store, right = sealed
    monkeypatch.setenv("CIPHER_KEY", key)
    code, _, err = run(capsys, "incidents", "--db", str(store))
    assert code == 4
    assert said in err
    assert key not in err
    assert right not in err
    monkeypatch.setenv("CIPHER_KEY", right)
    assert run(capsys, "incidents", "--db", str(store))[0] == 0


def test_a_key_file_that_is_missing_is_a_key_problem(demo_db, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SERVICEPLAN_CIPHER_KEY_FILE", str(tmp_path / "gone.key"))
    code, _, err = run(capsys, "board", "--db", str(demo_db))
    assert code == 4
    assert "cannot read the key file" in err


# -- 6: the configuration -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("PERSISTENCE_MODULE", "eventsourcing.nosuch", "names no store module"),
        ("SERVICEPLAN_SNAPSHOT_INTERVAL", "often", "SERVICEPLAN_SNAPSHOT_INTERVAL"),
    ],
)
def test_a_setting_that_cannot_be_used_is_a_configuration_problem(
    demo_db, capsys, monkeypatch, variable, value, said
):
    monkeypatch.setenv("SERVICEPLAN_DB", str(demo_db))
    monkeypatch.setenv(variable, value)
    code, _, err = run(capsys, "board")
    assert code == 6
    assert said in err


def test_a_postgresql_setting_eventsourcing_refuses_is_a_configuration_problem(capsys, monkeypatch):
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.postgres")
    monkeypatch.setenv("POSTGRES_HOST", "127.0.0.1")
    monkeypatch.setenv("POSTGRES_CONNECT_TIMEOUT", "soon")
    code, _, err = run(capsys, "board")
    assert code == 6
    assert "POSTGRES_CONNECT_TIMEOUT" in err or "settings cannot be used" in err


# -- 8: a bug -------------------------------------------------------------------------------


def test_an_unexpected_error_is_8_with_a_traceback_only_on_debug(demo_db, capsys, monkeypatch):
    def broken(*_args, **_kwargs):
        raise KeyError("+15555550142")

    monkeypatch.setattr("serviceplan.cli.commands.render.board", broken)

    code, _, err = run(capsys, "board", "--db", str(demo_db), "--date", "2026-12-01")
    assert code == 8
    assert "an unexpected error (KeyError)" in err
    assert "--debug" in err
    assert "+15555550142" not in err

    code = main(["--debug", "board", "--db", str(demo_db), "--date", "2026-12-01"])
    _, err = capsys.readouterr()
    assert code == 8
    assert "Traceback" in err


def test_read_models_of_one_store_are_never_used_for_another(demo_db, tmp_path, capsys):
    views = tmp_path / "views.sqlite3"
    assert run(capsys, "follow", "--db", str(demo_db), "--views", str(views), "--once")[0] == 0
    other = tmp_path / "clinic.sqlite3"
    booked_store(other)
    before = views.read_bytes()

    code, _, err = run(capsys, "follow", "--db", str(other), "--views", str(views), "--once")

    assert code == 2
    assert "holds the read models of another store" in err
    unchanged(views, before)


@pytest.mark.parametrize(
    ("command", "what"), [(["export"], "an export"), (["report", "--html"], "a report page")]
)
def test_an_export_or_a_page_never_writes_over_the_store_or_another_file(
    demo_db, files, capsys, command, what
):
    for target in (demo_db, files / "notes.txt"):
        before = target.read_bytes()
        code, _, err = run(capsys, *command, str(target), "--db", str(demo_db))
        assert code == 2
        assert f"{target} exists and is not {what}: it is left as it is" in err
        unchanged(target, before)


def test_the_demo_replaces_a_day_it_recorded_before_it_marked_its_files(tmp_path, capsys):
    day = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(day)]) == 0
    with closing(sqlite3.connect(day)) as db:
        db.execute("DROP TABLE serviceplan_demo")  # as a demo of an earlier version left it
        db.commit()
    capsys.readouterr()

    code, out, _ = run(capsys, "demo", "--db", str(day), "--seed", "2")

    assert code == 0
    assert "serviceplan demo, seed 2" in out
