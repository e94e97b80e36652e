"""A store knows it is encrypted, and by which key: no opening, and no write, with another.

Given a store made with a key (or without), when it is opened without a key, with another key,
or (a plain one) with a key, then it is refused with `BadKey` before any event is read or
written, and it holds what it held.
"""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from helpers import CLINIC_ZONE
from serviceplan import Channel, ContactPoints, PhoneNumber, ServicePlan, Settings, Staff
from serviceplan.errors import BadKey
from serviceplan.store import encryption
from serviceplan.store.encryption import AES_GCM, ENCRYPTION, KEY_FINGERPRINT, PLAIN
from serviceplan.store.facts import FACTS_TABLE, read_facts
from serviceplan.store.keys import encrypted, new_cipher_key
from serviceplan.store.secrets import key_bytes
from stores import FILE_STORES

DESK = Staff("desk-ana", "front-desk")


def opened(store: dict[str, str]) -> ServicePlan:
    """Open the clinic's plan on `store` (its zone named, as a file store needs)."""
    return ServicePlan(store, settings=Settings(timezone=CLINIC_ZONE))


def registered(settings: dict[str, str]) -> ServicePlan:
    """A store with one patient registered, still open."""
    plan = opened(settings)
    plan.register_patient(
        contact=ContactPoints(phone=PhoneNumber("+15555550100")), preferred=Channel.SMS, by=DESK
    )
    return plan


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_an_encrypted_store_records_that_it_is_and_its_keys_fingerprint_not_the_key(store):
    key = new_cipher_key()
    plan = registered(encrypted(store, key))
    facts = read_facts(plan)
    plan.close()
    assert facts[ENCRYPTION] == AES_GCM
    assert len(facts[KEY_FINGERPRINT]) == 64
    assert key not in facts.values()
    assert key_bytes(key).hex() not in facts[KEY_FINGERPRINT]


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_an_encrypted_store_opened_without_its_key_is_refused_and_takes_no_write(store):
    key = new_cipher_key()
    registered(encrypted(store, key)).close()
    with pytest.raises(BadKey, match="the store's events are encrypted: give its key"):
        opened(store)
    again = opened(encrypted(store, key))
    assert again.event_count == 1  # nothing was written in between
    again.close()


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_an_encrypted_store_opened_with_another_key_is_refused(store):
    key, other = new_cipher_key(), new_cipher_key()
    registered(encrypted(store, key)).close()
    with pytest.raises(BadKey, match="does not open this store's events") as refused:
        opened(encrypted(store, other))
    assert key not in str(refused.value)
    assert other not in str(refused.value)


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_a_plain_store_opened_with_a_key_is_refused_and_says_how_to_encrypt_it(store):
    registered(store).close()
    with pytest.raises(BadKey, match="export it and replay it into a new store with the key"):
        opened(encrypted(store, new_cipher_key()))
    plan = opened(store)
    assert read_facts(plan)[ENCRYPTION] == PLAIN
    plan.close()


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_a_process_without_the_key_cannot_write_a_patient_in_clear(store):
    key = new_cipher_key()
    registered(encrypted(store, key)).close()
    with pytest.raises(BadKey):
        registered(store)
    plan = opened(encrypted(store, key))
    assert plan.event_count == 1
    plan.close()


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_a_store_made_before_the_facts_were_kept_is_judged_by_its_first_event(store):
    key = new_cipher_key()
    registered(encrypted(store, key)).close()
    forget_facts(store)
    with pytest.raises(BadKey, match="the store's events are encrypted"):
        opened(store)
    plan = opened(encrypted(store, key))
    assert read_facts(plan)[ENCRYPTION] == AES_GCM
    plan.close()


def forget_facts(store: dict[str, str]) -> None:
    """Drop the facts table, as a store made by an earlier serviceplan has none."""
    if store["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        with sqlite3.connect(store["SQLITE_DBNAME"]) as db:
            db.execute(f"DROP TABLE {FACTS_TABLE}")
        return
    with psycopg.connect(
        host=store["POSTGRES_HOST"], port=store["POSTGRES_PORT"], user=store["POSTGRES_USER"],
        dbname=store["POSTGRES_DBNAME"], autocommit=True,
    ) as db:  # fmt: skip
        db.execute(f"DROP TABLE {FACTS_TABLE}")


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_two_processes_that_disagree_on_a_new_stores_key_do_not_both_win(store, monkeypatch):
    """Another process records its key between our look at the facts and our write of them.

    The race is staged: the first look at the facts is made to find none, as it would have
    found a moment before the other process wrote.
    """
    first = opened(encrypted(store, new_cipher_key()))  # nothing recorded yet
    looks = [{}]
    real = encryption.read_facts
    monkeypatch.setattr(encryption, "read_facts", lambda plan: looks.pop() if looks else real(plan))
    with pytest.raises(BadKey, match="it is not the key the store records"):
        opened(encrypted(store, new_cipher_key()))
    first.close()
