"""A store knows whether it is encrypted, and by which key: told before any event is touched.

When a store is first opened, it records among its own facts (`serviceplan.store.facts`) whether
its events are encrypted and, if they are, the fingerprint of its key (never the key). Every later
opening is checked against them before anything is read or written: an encrypted store opened
without a key or with another key, and a plain store opened with a key, are refused (`BadKey`).
So a process started without the key cannot write a plain event among encrypted ones. A store
made before these facts were kept is judged by its first event, then records them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from serviceplan.errors import BadKey, StoreFactConflict
from serviceplan.store.facts import read_facts, write_fact
from serviceplan.store.keys import CIPHER_KEY, KEY_FILE_ENV, check_key
from serviceplan.store.secrets import fingerprint, key_bytes

ENCRYPTION = "encryption"
KEY_FINGERPRINT = "key fingerprint"
AES_GCM = "AES-GCM"
PLAIN = "none"
ENCRYPT_AN_EXISTING_STORE = (
    "to encrypt it, export it and replay it into a new store with the key"
    " (docs/operations.md, 'Encrypt an existing store')"
)


def store_key(plan: Application[UUID]) -> bytes | None:
    """Return the key the plan encrypts its events with, or None for a plain store."""
    cipher: Any = getattr(plan.mapper, "cipher", None)
    if cipher is None:
        return None
    key = getattr(cipher, "key", None)
    if isinstance(key, bytes):
        return key
    return key_bytes(plan.env.get(CIPHER_KEY) or "")


def check_encryption(plan: Application[UUID]) -> None:
    """Refuse to open a store with other encryption than it records; record it the first time.

    Raises `BadKey` for an encrypted store opened without its key or with another, and for a
    plain store opened with a key, having read only the store's facts. Then the first event is
    read (`check_key`): a store that records no facts yet is judged by it before they are
    written, and a compressed store opened without its compressor is told (`BadStoreSetting`).
    """
    key = store_key(plan)
    facts = read_facts(plan)
    if ENCRYPTION in facts:
        _check(facts, key)
    check_key(plan)
    if ENCRYPTION in facts:
        return
    try:
        _record(plan, key)
    except StoreFactConflict:  # another process recorded them first
        _check(read_facts(plan), key)


def _record(plan: Application[UUID], key: bytes | None) -> None:
    if key is None:
        write_fact(plan, ENCRYPTION, PLAIN)
        return
    write_fact(plan, ENCRYPTION, AES_GCM)
    write_fact(plan, KEY_FINGERPRINT, fingerprint(key))


def _check(facts: dict[str, str], key: bytes | None) -> None:
    encrypted = facts[ENCRYPTION] != PLAIN
    if not encrypted and key is not None:
        msg = f"the store is not encrypted, and a key is given: {ENCRYPT_AN_EXISTING_STORE}"
        raise BadKey(msg)
    if encrypted and key is None:
        msg = f"the store's events are encrypted: give its key in {CIPHER_KEY} or {KEY_FILE_ENV}"
        raise BadKey(msg)
    if encrypted and facts.get(KEY_FINGERPRINT) != fingerprint(key or b""):
        msg = (
            f"the key given ({CIPHER_KEY} or {KEY_FILE_ENV}) does not open this store's events:"
            " it is not the key the store records"
        )
        raise BadKey(msg)
