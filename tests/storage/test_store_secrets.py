"""Patients' data is unreadable at rest with a key, and readable again only with that key."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from histories.clinic_day import AGENT, EMAIL, PHONE, ZONE, Day, play
from serviceplan import EmailAddress, FixedClock, ServicePlan, Settings, memory_store
from serviceplan.errors import BadKey
from serviceplan.read import OpenIncidents, Views
from serviceplan.store.config import compressed
from serviceplan.store.history import export_history, import_history
from serviceplan.store.keys import encrypted, new_cipher_key
from serviceplan.store.sealed_history import export_sealed, opened_history
from serviceplan.store.snapshots import SNAPSHOT_ENV
from stores import FILE_STORES, raw_bytes

SECRETS = [PHONE, EMAIL, AGENT]
PASSPHRASE = "correct horse battery staple"  # noqa: S105 (a test's own)


def day_in(settings: dict[str, str], clock: FixedClock) -> tuple[ServicePlan, Day]:
    """Play the clinic day into a store with patients snapshotted every fifth event."""
    plan = ServicePlan({**settings, SNAPSHOT_ENV: "5"}, clock=clock, settings=Settings(ZONE))
    day = play(plan, clock)
    assert plan.snapshots is not None
    assert list(plan.snapshots.get(day.patients[0]))
    return plan, day


def topics(plan: ServicePlan) -> list[str]:
    return [n.topic for n in plan.recorder.select_notifications(1, plan.event_count)]


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
@pytest.mark.parametrize("mode", ["encrypted", "plain"])
def test_the_raw_store_shows_names_phones_and_emails_only_without_a_key(
    store: dict[str, str], mode: str, clock: FixedClock, request: pytest.FixtureRequest
) -> None:
    encrypt = mode == "encrypted"
    settings = encrypted(store, new_cipher_key()) if encrypt else store
    plan, _ = day_in(settings, clock)
    raw = raw_bytes(store, request)
    found = [secret for secret in SECRETS if secret.encode() in raw]
    assert found == ([] if encrypt else SECRETS)
    assert b"Patient.Registered" in raw  # the search reads the right place
    plan.close()


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_an_encrypted_store_reads_back_only_with_its_key(
    store: dict[str, str], clock: FixedClock
) -> None:
    key = new_cipher_key()
    plan, day = day_in(encrypted(store, key), clock)
    plan.close()
    again = ServicePlan(encrypted(store, key))
    assert again.get_patient(day.patients[0]).contact.email == EmailAddress(EMAIL)
    again.close()
    with pytest.raises(BadKey, match="does not open this store's events"):
        ServicePlan(encrypted(store, new_cipher_key()))


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_rotating_the_key_copies_the_history_under_the_new_key(
    store: dict[str, str], clock: FixedClock
) -> None:
    old_key, new_key = new_cipher_key(), new_cipher_key()
    old, day = day_in(encrypted(memory_store(), old_key), clock)
    exported = io.StringIO()
    count = export_history(old, exported)
    rotated = ServicePlan(encrypted(store, new_key), settings=Settings(ZONE))
    assert import_history(rotated, io.StringIO(exported.getvalue())) == count
    again = io.StringIO()
    export_history(rotated, again)
    assert again.getvalue() == exported.getvalue()
    assert rotated.get_patient(day.patients[0]).contact.email == EmailAddress(EMAIL)
    rotated.close()
    with pytest.raises(BadKey, match="does not open this store's events"):
        ServicePlan(encrypted(store, old_key))


def test_compression_makes_the_stored_events_smaller_and_reads_back(
    store: dict[str, str], clock: FixedClock
) -> None:
    plain, _ = day_in(memory_store(), clock)
    packed, day = day_in(compressed(store), clock)
    sizes = [
        sum(len(n.state) for n in plan.recorder.select_notifications(1, plan.event_count))
        for plan in (plain, packed)
    ]
    assert sizes[1] < sizes[0] * 0.8
    assert topics(packed) == topics(plain)
    assert packed.get_patient(day.patients[0]).contact.email == EmailAddress(EMAIL)
    packed.close()


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_rotating_the_key_through_a_sealed_export_rebuilds_the_read_models_under_the_new_key(
    store: dict[str, str], clock: FixedClock, tmp_path: Path
) -> None:
    old_key, new_key = new_cipher_key(), new_cipher_key()
    views = tmp_path / "views.sqlite3"
    old, day = day_in(encrypted(memory_store(), old_key), clock)
    before = OpenIncidents(old, Views(views))
    before.catch_up()
    need = before.open()[0].need
    sealed = io.StringIO()
    count = export_sealed(old, sealed, passphrase=PASSPHRASE)

    rotated = ServicePlan(encrypted(store, new_key), settings=Settings(ZONE))
    lines = opened_history(io.StringIO(sealed.getvalue()), passphrase=PASSPHRASE)
    assert import_history(rotated, lines) == count
    after = OpenIncidents(rotated, Views(views))
    after.catch_up()

    assert after.open()[0].need == need
    assert after.position == rotated.event_count
    assert need.encode() not in views.read_bytes()
    assert rotated.get_patient(day.patients[0]).contact.email == EmailAddress(EMAIL)
    rotated.close()
