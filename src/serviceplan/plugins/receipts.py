"""What a channel has sent, by idempotency key: the memory that keeps a notice from going twice.

The delivery follower may call a channel again with a key it has already sent (a crash after
sending, or a try that outlived its deadline), so a channel answers a key it knows with its first
receipt. `Receipts.once(key, send)` does that for a channel: one send per key, even when two
threads ask at once. Kept in memory, or in a SQLite file (`path`) to survive restarts.
"""

from __future__ import annotations

import sqlite3
import threading
import zlib
from collections.abc import Callable
from contextlib import closing
from os import PathLike
from pathlib import Path

from serviceplan.domain.notice import Receipt
from serviceplan.errors import InvalidPlugin

STRIPES = 64
"""Locks shared out by key: calls with one key wait for each other, other keys rarely do."""

_SCHEMA = """CREATE TABLE IF NOT EXISTS serviceplan_receipts (
    key TEXT PRIMARY KEY, via TEXT NOT NULL, reference TEXT NOT NULL)"""


class Receipts:
    """The receipts one channel gave, by key; a key found here is never sent again."""

    def __init__(self, path: str | PathLike[str] | None = None) -> None:
        self.path = None if path is None else Path(path)
        self._memory: dict[str, Receipt] = {}
        self._locks = [threading.Lock() for _ in range(STRIPES)]
        if self.path is not None:
            with closing(self._connect()) as db, db:
                db.execute(_SCHEMA)

    def find(self, key: str) -> Receipt | None:
        """Return the receipt given for `key`, if the notice was sent."""
        if self.path is None:
            return self._memory.get(key)
        query = "SELECT via, reference FROM serviceplan_receipts WHERE key = ?"
        with closing(self._connect()) as db:
            row = db.execute(query, (key,)).fetchone()
        return None if row is None else Receipt(key=key, via=row[0], reference=row[1])

    def once(self, key: str, send: Callable[[], Receipt]) -> Receipt:
        """Return the receipt for `key`, calling `send` only if the key was never sent."""
        with self._locks[zlib.crc32(key.encode()) % STRIPES]:
            found = self.find(key)
            if found is not None:
                return found
            receipt = send()
            if receipt.key != key:
                raise InvalidPlugin("a channel's receipt must carry the notice's key")
            self._keep(receipt)
            return receipt

    def _keep(self, receipt: Receipt) -> None:
        if self.path is None:
            self._memory[receipt.key] = receipt
            return
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR IGNORE INTO serviceplan_receipts VALUES (?, ?, ?)",
                (receipt.key, receipt.via, receipt.reference),
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path or ":memory:", timeout=30)


class OpenedOnce:
    """A channel's receipts, given, or opened once from the first settings that say where.

    Channels read their settings when a hook is called, so the receipts file is known only then;
    this keeps the one `Receipts` every later call must share.
    """

    def __init__(self, given: Receipts | None = None) -> None:
        self._receipts = given
        self._lock = threading.Lock()

    def __call__(self, path: str | PathLike[str] | None) -> Receipts:
        """Return the channel's receipts, opening them at `path` the first time."""
        with self._lock:
            if self._receipts is None:
                self._receipts = Receipts(path)
            return self._receipts
