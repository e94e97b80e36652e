"""Keys made from the store's key, for what is kept beside its events: views, exports.

The store's key encrypts its events (eventsourcing's cipher). What else holds patients' data
beside an encrypted store is encrypted under a key of its own, derived from the store's key with
HKDF-SHA256 and a label that names its use, so that no two uses share a key. A key is known by its
fingerprint: HMAC-SHA256 of a fixed label under the key, which tells whether two keys are the
same without saying anything of either. Text is sealed with AES-GCM (pycryptodome, which the
`crypto` extra brings for eventsourcing's own cipher) and kept as base64 text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from serviceplan.errors import BadKey

FINGERPRINT_LABEL = b"serviceplan key fingerprint v1"
VIEWS = b"serviceplan read models v1"
"""The label of the key that seals read models' text columns."""
EXPORT = b"serviceplan export v1"
"""The label of the key that seals an export made with the store's key."""
NONCE = 12
TAG = 16
SEALED = "sp1:"
"""How a sealed text begins, so that a sealed value is told from a plain one."""


def key_bytes(key: str) -> bytes:
    """Return the bytes of a base64 key (`CIPHER_KEY`'s form)."""
    try:
        return base64.b64decode(key.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadKey("the key given is not base64") from None


def fingerprint(key: bytes) -> str:
    """Return the key's fingerprint: HMAC-SHA256 of a fixed label under it, in hex."""
    return hmac.new(key, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def derived(key: bytes, label: bytes, salt: bytes = b"") -> bytes:
    """Return a 32-byte key for one use (`label`), derived from `key` with HKDF-SHA256."""
    from Crypto.Hash import SHA256  # noqa: PLC0415 (the crypto extra, only with a key)
    from Crypto.Protocol.KDF import HKDF  # noqa: PLC0415

    made = HKDF(key, 32, salt, SHA256, 1, context=label)
    assert isinstance(made, bytes)  # noqa: S101 (one key asked for: HKDF returns bytes)
    return made


class Sealer:
    """Seals and opens short texts with AES-GCM under one key, as base64 text."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.fingerprint = fingerprint(key)

    def seal(self, text: str, context: bytes = b"") -> str:
        """Return `text` encrypted and authenticated (with `context`), as `sp1:` and base64."""
        from Crypto.Cipher import AES  # noqa: PLC0415 (the crypto extra, only with a key)

        nonce = os.urandom(NONCE)
        cipher = AES.new(self.key, AES.MODE_GCM, nonce=nonce)
        cipher.update(context)
        body, tag = cipher.encrypt_and_digest(text.encode("utf8"))
        return SEALED + base64.b64encode(nonce + tag + body).decode("ascii")

    def open(self, sealed: str, context: bytes = b"") -> str:
        """Return the text `seal` was given; a changed value or another key raises `BadKey`."""
        from Crypto.Cipher import AES  # noqa: PLC0415 (the crypto extra, only with a key)

        if not sealed.startswith(SEALED):
            raise BadKey("a value that should be encrypted is not")
        try:
            raw = base64.b64decode(sealed[len(SEALED) :], validate=True)
            cipher = AES.new(self.key, AES.MODE_GCM, nonce=raw[:NONCE])
            cipher.update(context)
            plain = cipher.decrypt_and_verify(raw[NONCE + TAG :], raw[NONCE : NONCE + TAG])
        except (binascii.Error, ValueError):
            raise BadKey("an encrypted value cannot be opened with this key") from None
        return plain.decode("utf8")
