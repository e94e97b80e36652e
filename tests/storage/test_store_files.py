"""Files holding patients' data are the owner's only, and a file of another application is refused.

A store, its write-ahead log, its read models' views and its delivery lock file are created with
mode 0600; a SQLite file that belongs to something else is looked at read-only and left as it was.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from helpers import CLINIC, CLINIC_ZONE, at
from serviceplan import Channel, ContactPoints, FixedClock, PhoneNumber, ServicePlan, Settings
from serviceplan import sqlite_store as sqlite_settings
from serviceplan.delivery import DeliveryWorker
from serviceplan.errors import BadStoreSetting, NotAStore
from serviceplan.read import DayBoard, Views
from serviceplan.store.config import DB_ENV, PERSISTENCE_MODULE
from serviceplan.store.files import check_store_file, check_views_file


@pytest.fixture
def _open_umask():
    """A umask that would leave files world-readable, as many servers have."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def a_morning(path: Path, desk) -> ServicePlan:
    """A store at `path` where a patient is registered and booked, kept open (WAL files exist)."""
    plan = ServicePlan(
        sqlite_settings(path), clock=FixedClock(at(7)), settings=Settings(CLINIC_ZONE)
    )
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
    )
    plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk)
    return plan


@pytest.mark.usefixtures("_open_umask")
def test_a_store_its_log_its_views_and_its_lock_file_are_the_owners_only(tmp_path, desk):
    store = tmp_path / "clinic.sqlite3"
    plan = a_morning(store, desk)
    DayBoard(plan, Views.beside(plan)).catch_up()
    DeliveryWorker(plan).run_once()
    views = tmp_path / "views.sqlite3"
    DayBoard(plan, Views(views)).catch_up()

    files = sorted(tmp_path.iterdir())
    assert {f.name for f in files} >= {
        "clinic.sqlite3", "clinic.sqlite3-wal", "clinic.sqlite3-shm",
        "clinic.sqlite3.delivery-lock", "views.sqlite3",
    }  # fmt: skip
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    plan.close()


@pytest.mark.usefixtures("_open_umask")
def test_the_default_stores_folder_is_the_owners_only(tmp_path, monkeypatch):
    monkeypatch.delenv(PERSISTENCE_MODULE, raising=False)
    monkeypatch.setenv(DB_ENV, str(tmp_path / "data" / "serviceplan" / "serviceplan.sqlite3"))
    ServicePlan(settings=CLINIC).close()
    assert mode(tmp_path / "data" / "serviceplan") == 0o700
    assert mode(tmp_path / "data" / "serviceplan" / "serviceplan.sqlite3") == 0o600


def another_applications_file(path: Path) -> bytes:
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE notes (said TEXT)")
        db.execute("INSERT INTO notes VALUES ('call the plumber')")
        db.commit()
    return path.read_bytes()


def test_another_applications_sqlite_file_is_refused_and_left_as_it_was(tmp_path):
    notes = tmp_path / "notes.sqlite3"
    before = another_applications_file(notes)
    with pytest.raises(NotAStore, match="another application's SQLite database"):
        check_store_file(notes)
    with pytest.raises(NotAStore, match="not serviceplan's read models"):
        Views(notes)
    assert notes.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]


def test_another_event_sourced_applications_store_is_refused(tmp_path):
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE stored_events (originator_id, originator_version, topic, state)")
        db.execute("INSERT INTO stored_events VALUES ('x', 1, 'bank.domain:Account.Opened', '{}')")
        db.commit()
    with pytest.raises(NotAStore, match="another application's events"):
        check_store_file(other)


def test_a_text_file_or_a_folder_is_no_store(tmp_path):
    (tmp_path / "notes.txt").write_text("Notes from the front desk.\n")
    with pytest.raises(NotAStore, match="not a serviceplan store"):
        check_store_file(tmp_path / "notes.txt")
    with pytest.raises(NotAStore, match="is a folder"):
        check_store_file(tmp_path)
    with pytest.raises(NotAStore, match="not read models"):
        check_views_file(tmp_path / "notes.txt")


def test_views_are_no_store_and_a_store_or_nothing_yet_is_fine(tmp_path, desk):
    store = tmp_path / "clinic.sqlite3"
    a_morning(store, desk).close()
    views = tmp_path / "views.sqlite3"
    Views(views).close()
    check_store_file(store)
    check_views_file(store)
    check_views_file(views)
    (tmp_path / "empty.sqlite3").touch()
    check_store_file(tmp_path / "empty.sqlite3")
    check_store_file(tmp_path / "not-yet.sqlite3")
    with pytest.raises(NotAStore, match="it is views, not a store"):
        check_store_file(views)


def test_a_store_module_that_does_not_exist_is_a_setting_refused_before_anything_opens():
    with pytest.raises(BadStoreSetting, match=r"PERSISTENCE_MODULE 'eventsourcing\.nosuch'"):
        ServicePlan({PERSISTENCE_MODULE: "eventsourcing.nosuch"})


def test_looking_at_a_store_open_in_this_process_keeps_its_log_from_other_processes(tmp_path, desk):
    """Views beside a store look at its file while the store is open: its lock must hold.

    Another process that opens and closes the file must see this one still there, and leave
    the write-ahead log alone; otherwise it takes the log away, and this process's next events
    with it (seen as a delivery worker whose deliveries were never recorded).
    """
    path = tmp_path / "clinic.sqlite3"
    plan = a_morning(path, desk)
    views = Views.beside(plan)  # looks at the file, with the store's connection open
    check_store_file(path)
    another_process = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT COUNT(*) FROM stored_events').fetchall(); c.close()"
    )
    subprocess.run([sys.executable, "-c", another_process, str(path)], check=True)  # noqa: S603

    assert Path(f"{path}-wal").exists()
    later = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550111")), preferred=Channel.SMS, by=desk
    )
    views.close()
    plan.close()
    reopened = ServicePlan(sqlite_settings(path), settings=Settings(timezone=CLINIC_ZONE))
    assert reopened.get_patient(later).id == later
    reopened.close()
