"""`serviceplan deliver` and `serviceplan follow`: the followers as processes of their own."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from followers import wait_until
from helpers import CLINIC_ZONE
from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    NoticeKind,
    ServicePlan,
    Settings,
    sqlite_store,
)
from serviceplan.__main__ import main
from serviceplan.read import DayBoard, Views


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def store(tmp_path: Path, desk) -> Path:
    """A SQLite store in which a patient is owed a follow-up e-mail (no quiet hours for e-mail)."""
    path = tmp_path / "clinic.sqlite3"
    plan = ServicePlan(sqlite_store(path), settings=Settings(timezone=CLINIC_ZONE))
    contact = ContactPoints(email=EmailAddress("pat@example.org"))
    patient = plan.register_patient(contact=contact, preferred=Channel.EMAIL, by=desk)
    plan.give_consent(patient, Channel.EMAIL, by=desk)
    plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    plan.close()
    return path


def test_one_delivery_pass_sends_what_is_owed_and_says_so_in_counts(store, capsys):
    code, out, _ = run(capsys, "deliver", "--db", str(store), "--once")

    assert code == 0
    assert out.strip() == "1 delivered, 0 failed tries, 0 waiting, 0 handed to the desk, 0 dropped"
    assert "pat@example.org" not in out
    code, out, _ = run(capsys, "deliver", "--db", str(store), "--once")
    assert out.startswith("0 delivered")


def test_the_delivery_process_runs_until_a_service_manager_stops_it(store):
    plan = ServicePlan(sqlite_store(store), entry_points=False)
    command = [sys.executable, "-m", "serviceplan", "deliver", "--db", str(store), "--every", "0.1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    try:
        wait_until(lambda: not plan.notices_owed(), timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
        plan.close()

    assert process.returncode == 0
    assert out.splitlines() == [
        "delivering, a pass every 0.1 s; stop with Ctrl-C",
        "1 delivered, 0 failed tries, 0 waiting, 0 handed to the desk, 0 dropped",
        "stopped",
    ]


def test_one_follow_pass_catches_the_read_models_up_beside_the_store(store, capsys):
    code, out, _ = run(capsys, "follow", "--db", str(store), "--once")

    plan = ServicePlan(sqlite_store(store), entry_points=False)
    assert code == 0
    assert out.strip().endswith(f"the read models are at {plan.event_count}")
    assert DayBoard(plan, Views.beside(plan)).position == plan.event_count
    plan.close()


def test_the_followers_need_a_store_that_exists(tmp_path, capsys):
    for command in ("deliver", "follow"):
        code, _, err = run(capsys, command, "--db", str(tmp_path / "none.sqlite3"), "--once")
        assert code == 2
        assert "no store at" in err
    assert not (tmp_path / "none.sqlite3").exists()


def test_read_models_of_a_store_that_is_no_sqlite_file_need_a_file_of_their_own(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.popo")

    code, _, err = run(capsys, "follow", "--once")
    assert code == 2
    assert "give --views FILE" in err

    code, out, _ = run(capsys, "follow", "--once", "--views", str(tmp_path / "views.sqlite3"))
    assert code == 0
    assert out.startswith("0 events applied")
