"""An export that stays secret: each line of the history sealed, by the store's key or a passphrase.

A sealed export is the plain export (`serviceplan.store.history`) with every line encrypted with
AES-GCM, after a first line in clear that says how to open it: the format, the salt, how the key
was made (HKDF-SHA256 from the store's key, or scrypt from a passphrase) and the fingerprint of
that key, so that a wrong key or passphrase is told at once (`BadKey`) rather than as damage.
Each line is authenticated together with that first line, and the plain lines keep their trailer
and digest, so a sealed file cut short, reordered or altered is refused as a plain one is.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from serviceplan.errors import BadHistoryFile, BadKey
from serviceplan.store.history import Progress, Writable, export_history
from serviceplan.store.secrets import EXPORT, Sealer, derived

SEALED_FORMAT = "serviceplan-history-sealed"
SEALED_VERSION = 1
HKDF = "HKDF-SHA256"
SCRYPT = "scrypt"
SCRYPT_COST = {"n": 2**15, "r": 8, "p": 1}
SALT = 16
MIN_PASSPHRASE = 12


def export_sealed(
    plan: Application[UUID],
    out: Writable,
    *,
    key: bytes | None = None,
    passphrase: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the history sealed under `key` (the store's) or `passphrase`; return the events.

    Exactly one of `key` and `passphrase` is given. A passphrase shorter than 12 characters is
    refused (`BadKey`).
    """
    salt = os.urandom(SALT)
    header: dict[str, Any] = {"format": SEALED_FORMAT, "version": SEALED_VERSION}
    if passphrase is not None and key is None:
        header |= {"kdf": SCRYPT, **SCRYPT_COST}
        file_key = _from_passphrase(passphrase, salt, SCRYPT_COST)
    elif key is not None and passphrase is None:
        header["kdf"] = HKDF
        file_key = derived(key, EXPORT, salt)
    else:
        raise BadKey("seal an export with the store's key or a passphrase, one of them")
    sealer = Sealer(file_key)
    header |= {"salt": base64.b64encode(salt).decode("ascii"), "key": sealer.fingerprint}
    first = json.dumps(header, separators=(",", ":"))
    out.write(first + "\n")
    return export_history(plan, _Sealing(out, sealer, first.encode()), progress)


def is_sealed(first_line: str) -> bool:
    """Say whether a history file's first line is that of a sealed export."""
    try:
        header = json.loads(first_line)
    except ValueError:
        return False
    return isinstance(header, dict) and header.get("format") == SEALED_FORMAT


def opened_history(
    lines: Iterable[str], *, key: bytes | None = None, passphrase: str | None = None
) -> Iterator[str]:
    """Return the plain lines of a history file: a sealed one opened, a plain one as it is.

    A sealed file needs the key of the store it was exported from, or its passphrase: without
    either, or with another, it raises `BadKey`. A sealed line that cannot be opened raises
    `BadHistoryFile` with its line number.
    """
    given = iter(lines)
    first = next(given, None)
    if first is None:
        return iter(())
    if not is_sealed(first):
        return _chain(first, given)
    sealer = _sealer(json.loads(first), key, passphrase)
    return _opening(given, sealer, first.rstrip("\r\n").encode())


def _sealer(header: dict[str, Any], key: bytes | None, passphrase: str | None) -> Sealer:
    if header.get("version") != SEALED_VERSION:
        raise BadHistoryFile(1, f"a sealed export of version {header.get('version')!r}")
    kdf = header.get("kdf")
    try:
        salt = base64.b64decode(str(header["salt"]), validate=True)
        cost = {name: int(header[name]) for name in SCRYPT_COST} if kdf == SCRYPT else {}
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise BadHistoryFile(1, "the first line of a sealed export is incomplete") from None
    if kdf == SCRYPT:
        if passphrase is None:
            raise BadKey("the export is sealed with a passphrase: give it")
        sealer = Sealer(_from_passphrase(passphrase, salt, cost))
    elif kdf == HKDF:
        if key is None:
            raise BadKey("the export is sealed with its store's key: give that key")
        sealer = Sealer(derived(key, EXPORT, salt))
    else:
        raise BadHistoryFile(1, f"a sealed export made with {kdf!r}")
    if sealer.fingerprint != header.get("key"):
        raise BadKey("the key or passphrase given does not open this export")
    return sealer


def _from_passphrase(passphrase: str, salt: bytes, cost: dict[str, int]) -> bytes:
    from Crypto.Protocol.KDF import scrypt  # noqa: PLC0415 (the crypto extra)

    if len(passphrase) < MIN_PASSPHRASE:
        raise BadKey(f"a passphrase has at least {MIN_PASSPHRASE} characters")
    made = scrypt(passphrase, salt, 32, N=cost["n"], r=cost["r"], p=cost["p"])
    assert isinstance(made, bytes)  # noqa: S101 (one key asked for: scrypt returns bytes)
    return made


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _opening(lines: Iterator[str], sealer: Sealer, context: bytes) -> Iterator[str]:
    for number, line in enumerate(lines, start=2):
        try:
            yield sealer.open(line.rstrip("\r\n"), context) + "\n"
        except BadKey:
            raise BadHistoryFile(number, "cannot be opened: damaged or altered") from None


class _Sealing:
    """Passes each whole line written to it on to `out`, sealed."""

    def __init__(self, out: Writable, sealer: Sealer, context: bytes) -> None:
        self.out, self.sealer, self.context = out, sealer, context
        self._pending = ""

    def write(self, text: str, /) -> object:
        self._pending += text
        *whole, self._pending = self._pending.split("\n")
        for line in whole:
            self.out.write(self.sealer.seal(line, self.context) + "\n")
        return len(text)
