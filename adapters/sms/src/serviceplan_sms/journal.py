"""Texts handed to Twilio whose answer the channel has not yet kept: how a text is found again.

Twilio's Messages API takes no idempotency key, so a text created twice goes out twice. Before
the channel asks Twilio to create a text, it notes the key, the number, a digest of the words and
the time here; once the receipt is kept, the note goes. A note still here means a try whose
outcome is unknown (an answer lost on the way back, a process killed mid-send): the channel then
asks Twilio's message list for a text to that number with those words since then, and takes its
SID instead of sending again. Notes live in memory, or in the receipts file
(`SERVICEPLAN_SMS_RECEIPTS`) so they survive a crash; a number is on disk only while its text is
in flight.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from contextlib import closing
from datetime import datetime
from pathlib import Path

import attrs

_SCHEMA = """CREATE TABLE IF NOT EXISTS sms_in_flight (
    key TEXT PRIMARY KEY, phone TEXT NOT NULL, words TEXT NOT NULL, at TEXT NOT NULL)"""


def digest(text: str) -> str:
    """Return the digest a text's words are known by."""
    return hashlib.sha256(text.encode()).hexdigest()


@attrs.frozen
class InFlight:
    """A text handed to Twilio: to whom, which words (by digest), from when."""

    key: str
    phone: str
    words: str
    at: datetime


class Journal:
    """The texts in flight, by key: in memory, or in a SQLite file (`path`) outliving a crash."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        self._memory: dict[str, InFlight] = {}
        self._lock = threading.Lock()
        if self.path is not None:
            with closing(self._connect()) as db, db:
                db.execute(_SCHEMA)

    @property
    def durable(self) -> bool:
        """Say whether a note outlives the process (a file), so a crash leaves it readable."""
        return self.path is not None

    def note(self, key: str, phone: str, text: str, at: datetime) -> None:
        """Note that the text for `key` is being handed to Twilio, before it is."""
        entry = InFlight(key, phone, digest(text), at)
        if self.path is None:
            with self._lock:
                self._memory[key] = entry
            return
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO sms_in_flight VALUES (?, ?, ?, ?)",
                (key, phone, entry.words, at.isoformat()),
            )

    def find(self, key: str) -> InFlight | None:
        """Return the note of a text in flight for `key`, if there is one."""
        if self.path is None:
            with self._lock:
                return self._memory.get(key)
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT phone, words, at FROM sms_in_flight WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        return InFlight(key, row[0], row[1], datetime.fromisoformat(row[2]))

    def forget(self, key: str) -> None:
        """Drop the note for `key`: its outcome is known (kept as a receipt, or refused)."""
        if self.path is None:
            with self._lock:
                self._memory.pop(key, None)
            return
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM sms_in_flight WHERE key = ?", (key,))

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path or ":memory:", timeout=30)
