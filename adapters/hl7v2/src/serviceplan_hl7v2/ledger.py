"""The feed's memory of applied messages, by sender and control id (MSH-3, MSH-10).

A message already in the ledger is answered from it and not applied again. Only applied messages
are kept: a refused one may be sent again once the cause is fixed (say, the patient registered).
It also keeps, per sender and appointment, the stamp (MSH-7, MSH-13) of the newest message
applied, so an older one arriving late is answered as superseded instead of undoing a newer
change. `SqliteLedger` keeps the memory across restarts of a live feed; `MemoryLedger` is for
tests and one-off loads.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import Protocol
from uuid import UUID

from serviceplan_hl7v2.outcome import Action, Outcome, Stamp
from serviceplan_hl7v2.siu import Trigger

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hl7v2_applied (
    sender TEXT NOT NULL,
    control_id TEXT NOT NULL,
    trig TEXT NOT NULL,
    action TEXT NOT NULL,
    visit_id TEXT,
    digest TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (sender, control_id)
)
"""
_NEWEST = """
CREATE TABLE IF NOT EXISTS hl7v2_newest (
    sender TEXT NOT NULL,
    appointment_id TEXT NOT NULL,
    sent_at TEXT,
    sequence INTEGER,
    PRIMARY KEY (sender, appointment_id)
)
"""


def moves_on(outcome: Outcome, newest: Stamp | None) -> bool:
    """Say whether an outcome's message is the appointment's newest now (superseded ones never)."""
    if outcome.action is Action.SUPERSEDED or not outcome.appointment_id:
        return False
    return newest is None or not outcome.stamp.older_than(newest)


class Ledger(Protocol):
    """Where the feed remembers what it applied."""

    def find(self, sender: str, control_id: str) -> Outcome | None:
        """Return the outcome of the message with this control id, if it was applied."""
        ...

    def record(self, outcome: Outcome) -> None:
        """Remember an applied message (and its stamp, if it is its appointment's newest)."""
        ...

    def newest(self, sender: str, appointment_id: str) -> Stamp | None:
        """Return the stamp of the newest message applied for the appointment, if any."""
        ...


class MemoryLedger:
    """A ledger in memory: forgotten when the process ends."""

    def __init__(self) -> None:
        self._outcomes: dict[tuple[str, str], Outcome] = {}
        self._newest: dict[tuple[str, str], Stamp] = {}

    def find(self, sender: str, control_id: str) -> Outcome | None:
        """Return the outcome of the message with this control id, if it was applied."""
        return self._outcomes.get((sender, control_id))

    def record(self, outcome: Outcome) -> None:
        """Remember an applied message (and its stamp, if it is its appointment's newest)."""
        self._outcomes[outcome.sender, outcome.control_id] = outcome
        if moves_on(outcome, self.newest(outcome.sender, outcome.appointment_id)):
            self._newest[outcome.sender, outcome.appointment_id] = outcome.stamp

    def newest(self, sender: str, appointment_id: str) -> Stamp | None:
        """Return the stamp of the newest message applied for the appointment, if any."""
        return self._newest.get((sender, appointment_id))


class SqliteLedger:
    """A ledger in a SQLite file (its own table), kept across restarts."""

    def __init__(self, path: str | PathLike[str]) -> None:
        self.path = Path(path)
        with closing(self._connect()) as db, db:
            db.execute(_SCHEMA)
            db.execute(_NEWEST)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def find(self, sender: str, control_id: str) -> Outcome | None:
        """Return the outcome of the message with this control id, if it was applied."""
        query = (
            "SELECT trig, action, visit_id, digest, note FROM hl7v2_applied"
            " WHERE sender = ? AND control_id = ?"
        )
        with closing(self._connect()) as db:
            row = db.execute(query, (sender, control_id)).fetchone()
        if row is None:
            return None
        trigger, action, visit_id, digest, note = row
        return Outcome(
            sender=sender,
            control_id=control_id,
            trigger=Trigger(trigger),
            action=Action(action),
            visit_id=None if visit_id is None else UUID(visit_id),
            digest=digest,
            note=note,
        )

    def record(self, outcome: Outcome) -> None:
        """Remember an applied message (and its stamp, if it is its appointment's newest)."""
        visit_id = None if outcome.visit_id is None else str(outcome.visit_id)
        row = (outcome.sender, outcome.control_id, outcome.trigger.value, outcome.action.value)
        newest = moves_on(outcome, self.newest(outcome.sender, outcome.appointment_id))
        sent = None if outcome.sent_at is None else outcome.sent_at.isoformat()
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO hl7v2_applied VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*row, visit_id, outcome.digest, outcome.note),
            )
            if newest:
                db.execute(
                    "INSERT OR REPLACE INTO hl7v2_newest VALUES (?, ?, ?, ?)",
                    (outcome.sender, outcome.appointment_id, sent, outcome.sequence),
                )

    def newest(self, sender: str, appointment_id: str) -> Stamp | None:
        """Return the stamp of the newest message applied for the appointment, if any."""
        query = "SELECT sent_at, sequence FROM hl7v2_newest WHERE sender = ? AND appointment_id = ?"
        with closing(self._connect()) as db:
            row = db.execute(query, (sender, appointment_id)).fetchone()
        if row is None:
            return None
        sent = None if row[0] is None else datetime.fromisoformat(row[0])
        return Stamp(sent, row[1])
