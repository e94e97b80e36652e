"""Choosing a store: SQLite in WAL mode by default, PostgreSQL by POSTGRES_*, checked keys."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pytest

from helpers import CLINIC
from serviceplan import Channel, ServicePlan, memory_store, sqlite_store
from serviceplan.errors import BadStoreSetting
from serviceplan.store.config import (
    POSTGRES,
    compressed,
    configure,
    default_db_path,
    postgres_store,
)
from serviceplan.store.keys import KEY_FILE_ENV, encrypted, new_cipher_key
from serviceplan.store.snapshots import DEFAULT_INTERVAL, SNAPSHOT_ENV, snapshot_interval
from stores import SessionDatabase


def test_the_default_store_is_a_sqlite_file_in_the_users_data_folder(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    expected = tmp_path / "data" / "serviceplan" / "serviceplan.sqlite3"
    assert default_db_path(env) == expected
    assert default_db_path({"SERVICEPLAN_DB": "~/clinic.db"}) == Path.home() / "clinic.db"
    settings = configure(env, "ServicePlan")
    assert settings["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert settings["SQLITE_DBNAME"] == str(expected)
    assert expected.parent.is_dir()


def test_a_sqlite_store_runs_in_wal_mode(tmp_path: Path, contact, desk) -> None:
    path = tmp_path / "clinic.sqlite3"
    plan = ServicePlan(sqlite_store(path), settings=CLINIC)
    plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    plan.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_postgres_is_chosen_by_the_standard_variables() -> None:
    settings = postgres_store("clinic", host="db.internal", port=6543, user="sp", password="pw")  # noqa: S106
    assert settings == {
        "PERSISTENCE_MODULE": POSTGRES,
        "POSTGRES_DBNAME": "clinic",
        "POSTGRES_HOST": "db.internal",
        "POSTGRES_PORT": "6543",
        "POSTGRES_USER": "sp",
        "POSTGRES_PASSWORD": "pw",
        "POSTGRES_SCHEMA": "",
    }


def test_a_new_key_is_32_random_bytes_in_base64() -> None:
    first, second = new_cipher_key(), new_cipher_key()
    assert len(base64.b64decode(first)) == 32
    assert first != second
    assert len(base64.b64decode(new_cipher_key(16))) == 16
    with pytest.raises(BadStoreSetting):
        new_cipher_key(20)


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("not base64!", "not base64"),
        (base64.b64encode(b"x" * 20).decode(), "has 20 bytes"),
    ],
)
def test_a_bad_key_is_refused_without_showing_it(key: str, problem: str) -> None:
    with pytest.raises(BadStoreSetting, match=problem) as refused:
        ServicePlan({**memory_store(), "CIPHER_KEY": key})
    assert key not in str(refused.value)


def test_the_key_can_come_from_a_key_file(tmp_path: Path, contact, desk) -> None:
    key = new_cipher_key()
    key_file = tmp_path / "serviceplan.key"
    key_file.write_text(key + "\n", encoding="ascii")
    settings = configure({**memory_store(), KEY_FILE_ENV: str(key_file)}, "ServicePlan")
    assert settings["CIPHER_KEY"] == key
    plan = ServicePlan({**memory_store(), KEY_FILE_ENV: str(key_file)})
    pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    stored = plan.recorder.select_notifications(1, 1)[0].state
    assert contact.phone.e164.encode() not in stored
    assert plan.get_patient(pid).contact == contact


@pytest.mark.postgres
def test_the_environment_alone_chooses_postgres(
    monkeypatch: pytest.MonkeyPatch, postgres_database: SessionDatabase, contact, desk
) -> None:
    postgres_database.empty()
    for name, value in postgres_database.store().items():
        monkeypatch.setenv(name, value)
    plan = ServicePlan(settings=CLINIC)
    pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    plan.close()
    again = ServicePlan(postgres_database.store(), settings=CLINIC)
    assert again.get_patient(pid).contact == contact
    assert type(again.recorder).__module__ == "eventsourcing.postgres"
    again.close()


def test_a_key_file_and_a_key_together_are_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "serviceplan.key"
    key_file.write_text(new_cipher_key(), encoding="ascii")
    both = {**memory_store(), KEY_FILE_ENV: str(key_file), "SERVICEPLAN_CIPHER_KEY": "x"}
    with pytest.raises(BadStoreSetting, match="not both"):
        configure(both, "ServicePlan")


def test_a_missing_key_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadStoreSetting, match="cannot read the key file"):
        configure({KEY_FILE_ENV: str(tmp_path / "nowhere.key")}, "ServicePlan")


def test_encryption_and_compression_are_settings_of_their_own() -> None:
    key = new_cipher_key()
    settings = compressed(encrypted(memory_store(), key))
    assert settings["CIPHER_TOPIC"] == "eventsourcing.cipher:AESCipher"
    assert settings["CIPHER_KEY"] == key
    assert settings["COMPRESSOR_TOPIC"] == "eventsourcing.compressor:ZlibCompressor"


@pytest.mark.parametrize(("value", "interval"), [("", DEFAULT_INTERVAL), ("7", 7), (" 0 ", 0)])
def test_the_snapshot_interval_is_configurable(value: str, interval: int) -> None:
    assert snapshot_interval({SNAPSHOT_ENV: value}) == interval
    enabled = configure({**memory_store(), SNAPSHOT_ENV: value}, "ServicePlan")
    assert enabled["IS_SNAPSHOTTING_ENABLED"] == ("y" if interval else "n")


@pytest.mark.parametrize("value", ["-1", "often", "2.5"])
def test_a_bad_snapshot_interval_is_refused(value: str) -> None:
    with pytest.raises(BadStoreSetting, match=SNAPSHOT_ENV):
        ServicePlan({**memory_store(), SNAPSHOT_ENV: value})


def test_an_explicit_snapshot_switch_is_kept() -> None:
    settings = configure({**memory_store(), "IS_SNAPSHOTTING_ENABLED": "n"}, "ServicePlan")
    assert settings["IS_SNAPSHOTTING_ENABLED"] == "n"
    plan = ServicePlan(settings)
    assert plan.snapshots is None
