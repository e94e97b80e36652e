"""`serviceplan deliver` and `serviceplan follow`: the followers as processes of their own."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

from followers import wait_until
from helpers import CLINIC_ZONE, DAY, at
from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    NoticeKind,
    NoticeStatus,
    ServicePlan,
    Settings,
    sqlite_store,
)
from serviceplan.__main__ import main
from serviceplan.cli import follow_commands
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
    plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk, now=at(9, 0))
    plan.close()
    return path


def delivered(store: Path) -> bool:
    """Say whether the store's one notice went out (the child process runs on the real clock)."""
    plan = ServicePlan(sqlite_store(store), entry_points=False)
    try:
        return [r.status for r in plan.notices_on(DAY)] == [NoticeStatus.DELIVERED]
    finally:
        plan.close()


def test_one_delivery_pass_sends_what_is_owed_and_says_so_in_counts(store, capsys):
    code, out, _ = run(capsys, "deliver", "--db", str(store), "--once")

    assert code == 0
    assert out.strip() == "1 delivered, 0 failed tries, 0 waiting, 0 handed to the desk, 0 dropped"
    assert "pat@example.org" not in out
    code, out, _ = run(capsys, "deliver", "--db", str(store), "--once")
    assert out.startswith("0 delivered")


def test_the_delivery_process_runs_until_a_service_manager_stops_it(store):
    command = [sys.executable, "-m", "serviceplan", "deliver", "--db", str(store), "--every", "0.1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    try:
        wait_until(lambda: delivered(store), timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)

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


def board_position(store: Path) -> int:
    """Read the board's position from the store's file, on a connection of this thread's own."""
    with closing(sqlite3.connect(store, timeout=10)) as db:
        try:
            found = db.execute(
                "SELECT position FROM serviceplan_positions WHERE follower = 'board'"
            ).fetchone()
        except sqlite3.OperationalError:  # the follower has not made its table yet
            return 0
    return int(found[0]) if found else 0


def stop_when(monkeypatch, condition) -> threading.Event:
    """In place of Ctrl-C: stop the running command once `condition` holds (or after 60 s)."""
    stop = threading.Event()
    monkeypatch.setattr(follow_commands, "stopped_by_signals", lambda: stop)

    def watch() -> None:
        try:
            wait_until(condition, timeout=60)
        finally:
            stop.set()

    threading.Thread(target=watch, daemon=True).start()
    return stop


def test_delivery_passes_go_on_until_stopped_and_print_only_what_they_did(
    store, monkeypatch, capsys
):
    stop_when(monkeypatch, lambda: delivered(store))

    code, out, _ = run(capsys, "deliver", "--db", str(store), "--every", "0.05")

    assert code == 0
    assert out.splitlines() == [
        "delivering, a pass every 0.05 s; stop with Ctrl-C",
        "1 delivered, 0 failed tries, 0 waiting, 0 handed to the desk, 0 dropped",
        "stopped",
    ]


def test_follow_passes_go_on_until_stopped_and_apply_what_is_new(store, desk, monkeypatch, capsys):
    plan = ServicePlan(sqlite_store(store), settings=Settings(timezone=CLINIC_ZONE))
    before = plan.event_count
    patient = plan.notices_on(DAY)[0].notice.patient_id

    def owe_another() -> None:
        wait_until(lambda: board_position(store) == before, timeout=60)
        plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, key="second", by=desk, now=at(9, 5))

    threading.Thread(target=owe_another, daemon=True).start()
    stop_when(monkeypatch, lambda: board_position(store) == plan.event_count > before)

    code, out, _ = run(capsys, "follow", "--db", str(store), "--every", "0.05")

    lines = out.splitlines()
    assert code == 0
    assert lines[0].endswith(f"events applied; the read models are at {before}")
    assert plan.event_count > before
    assert lines[-2].endswith(f"events applied; the read models are at {plan.event_count}")
    assert lines[-1] == "stopped"
    plan.close()


def test_ctrl_c_or_sigterm_stops_the_pass_loop_after_the_pass_under_way():
    saved = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    try:
        stop = follow_commands.stopped_by_signals()
        assert not stop.is_set()
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(5)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
