import threading
from datetime import datetime

import pytest

from helpers import CLINIC, at, refused
from serviceplan import Channel, ServicePlan, Staff, memory_store, sqlite_store
from serviceplan.errors import ConcurrentUpdate, InvalidInput
from serviceplan.store.config import default_db_path, with_default_store


def test_with_nothing_configured_events_go_to_a_sqlite_file(tmp_path, monkeypatch):
    for name in ("PERSISTENCE_MODULE", "SERVICEPLAN_PERSISTENCE_MODULE", "SQLITE_DBNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SERVICEPLAN_DB", str(tmp_path / "clinic.sqlite3"))

    plan = ServicePlan(settings=CLINIC)

    assert plan.env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite"
    assert plan.env.get("SQLITE_DBNAME") == str(tmp_path / "clinic.sqlite3")
    plan.close()


def test_the_default_file_lives_in_the_users_data_folder(tmp_path):
    assert default_db_path({"XDG_DATA_HOME": str(tmp_path)}) == (
        tmp_path / "serviceplan" / "serviceplan.sqlite3"
    )
    assert default_db_path({"SERVICEPLAN_DB": "~/x.db"}).name == "x.db"


def test_a_configured_store_is_left_alone():
    assert with_default_store(memory_store(), "ServicePlan") == memory_store()
    chosen = with_default_store({"SQLITE_DBNAME": "/tmp/chosen.db"}, "ServicePlan")  # noqa: S108
    assert chosen["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert chosen["SQLITE_DBNAME"] == "/tmp/chosen.db"  # noqa: S108


def test_events_on_a_sqlite_file_are_there_after_a_restart(tmp_path, desk, contact):
    first = ServicePlan(sqlite_store(tmp_path / "clinic.sqlite3"), settings=CLINIC)
    patient = first.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    first.close()

    again = ServicePlan(sqlite_store(tmp_path / "clinic.sqlite3"))
    assert again.get_patient(patient).contact == contact
    again.close()


def test_a_command_at_a_naive_time_is_refused(plan, desk, patient):
    with refused(plan, InvalidInput, match="timezone"):
        plan.opt_out(patient, Channel.SMS, by=desk, now=datetime(2026, 12, 1, 9))


def test_two_desks_changing_one_record_at_once_get_a_typed_conflict(plan, desk, patient):
    first = plan.get_patient(patient)
    second = plan.get_patient(patient)
    first.opt_out(channel=Channel.SMS, at=at(8), by=desk)
    second.give_consent(channel=Channel.SMS, at=at(8), by=Staff("desk-bo"))
    plan.record(first)

    with pytest.raises(ConcurrentUpdate, match="reload and try again"):
        plan.record(second)
    assert Channel.SMS in plan.get_patient(patient).opted_out


def test_commands_from_threads_on_a_sqlite_file_lose_nothing(tmp_path, desk, contact):
    plan = ServicePlan(sqlite_store(tmp_path / "clinic.sqlite3"), settings=CLINIC)
    registered = []

    def register():
        registered.append(plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk))

    threads = [threading.Thread(target=register) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert plan.event_count == 8
    assert all(plan.get_patient(p).contact == contact for p in registered)
    plan.close()
