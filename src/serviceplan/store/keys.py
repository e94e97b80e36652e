"""The key that encrypts events at rest (AES-GCM, eventsourcing's cipher).

The key is 16, 24 or 32 random bytes in base64. It comes from `CIPHER_KEY` (eventsourcing's own
variable) or from a file named by `SERVICEPLAN_CIPHER_KEY_FILE`, never from both. A key is
checked before the store opens, and no message ever shows it. What the store records of its own
encryption is checked as it opens (`serviceplan.store.encryption`); `check_key` reads the store's
first event, which tells a store that records nothing yet whether its events are encrypted.
"""

from __future__ import annotations

import base64
import binascii
import os
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import Environment

from serviceplan.errors import BadKey, BadStoreSetting

CIPHER_KEY = "CIPHER_KEY"
CIPHER_TOPIC = "CIPHER_TOPIC"
KEY_FILE_ENV = "SERVICEPLAN_CIPHER_KEY_FILE"
AES_GCM = "eventsourcing.cipher:AESCipher"
KEY_SIZES = (16, 24, 32)


def new_cipher_key(size: int = 32) -> str:
    """Return a fresh random key of `size` bytes, base64-encoded (what `CIPHER_KEY` holds)."""
    if size not in KEY_SIZES:
        raise BadKey(f"a key has 16, 24 or 32 bytes, not {size}")
    return base64.b64encode(os.urandom(size)).decode("ascii")


def checked_key(key: str, source: str) -> str:
    """Return `key` stripped, or refuse it (naming `source`, never the key) if it cannot be used."""
    text = key.strip()
    try:
        size = len(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        raise BadKey(f"the key in {source} is not base64") from None
    if size not in KEY_SIZES:
        raise BadKey(f"the key in {source} has {size} bytes; it needs 16, 24 or 32")
    return text


def encrypted(env: Mapping[str, str], key: str) -> dict[str, str]:
    """Return `env` with every stored event and snapshot encrypted under `key`."""
    return {**env, CIPHER_TOPIC: AES_GCM, CIPHER_KEY: checked_key(key, "the given key")}


def with_cipher_key(env: dict[str, str], name: str) -> dict[str, str]:
    """Check the configured key, reading it from the key file when one is named."""
    lookup = Environment(name, env)
    key_file = env.get(KEY_FILE_ENV)
    key = lookup.get(CIPHER_KEY)
    if key_file and key:
        raise BadKey(f"set {CIPHER_KEY} or {KEY_FILE_ENV}, not both")
    if key:
        return {**env, CIPHER_KEY: checked_key(key, CIPHER_KEY)}
    if not key_file:
        return env
    try:
        text = Path(key_file).expanduser().read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        msg = f"cannot read the key file named by {KEY_FILE_ENV}: {type(error).__name__}"
        raise BadKey(msg) from None
    return {**env, CIPHER_KEY: checked_key(text, KEY_FILE_ENV)}


def check_key(plan: Application[UUID]) -> None:
    """Read the store's first event as stored and refuse a key that cannot open it.

    `BadKey` when the events are encrypted and no key is given, or the key given does not
    decrypt them; `BadStoreSetting` when they are compressed and no compressor is configured.
    An empty store passes. Only the first event is read.
    """
    first = plan.recorder.select_notifications(1, 1)
    if not first:
        return
    state = first[0].state
    mapper: Any = plan.mapper
    if mapper.cipher is not None:
        try:
            mapper.cipher.decrypt(state)
        except Exception:  # noqa: BLE001 (a wrong key, or a store that is not encrypted)
            msg = (
                f"the key given ({CIPHER_KEY} or {KEY_FILE_ENV}) does not open this store's events:"
                " is it this store's key, and is the store encrypted?"
            )
            raise BadKey(msg) from None
        return
    if state[:1] in {b"{", b"["}:
        return
    if mapper.compressor is None and _is_zlib(state):
        msg = "the store's events are compressed: set COMPRESSOR_TOPIC as when it was made"
        raise BadStoreSetting(msg)
    if mapper.compressor is None:
        msg = f"the store's events are encrypted: give its key in {CIPHER_KEY} or {KEY_FILE_ENV}"
        raise BadKey(msg)


def _is_zlib(state: bytes) -> bool:
    try:
        zlib.decompress(state)
    except zlib.error:
        return False
    return True
