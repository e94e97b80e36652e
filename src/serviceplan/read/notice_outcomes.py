"""How each notice ended, followed from the notices' records into a read model's tables.

`NoticeFollowing` is mixed into a follower that names its table in `notice_table`. A notice is
known by its key and its record's id; the table ties it to its visit, so the outcome events
(which carry only the record's id) reach the visit's row. Notices version 0.1 kept on the
patient's record are followed from those events too. A notice given up with nothing left to
tell is *dropped*, not failed: a newer estimate for the same visit was owed by then, or the
visit it was ahead of had been moved or cancelled (kept in `<notice_table>_gone`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from serviceplan.domain.notice import AHEAD_OF_VISIT, ESTIMATES
from serviceplan.domain.notice_record import Doubt, NoticeRecord, NoticeStatus, notice_record_id
from serviceplan.domain.patient import Patient
from serviceplan.domain.visit import Visit
from serviceplan.read.follower import AT, on, unstamp
from serviceplan.read.settled_by_key import SettledByKey
from serviceplan.read.stored import text_id
from serviceplan.read.writes import Key

NOTICE = "notice._data_."
REQUESTED = (f"{NOTICE}key", f"{NOTICE}kind._data_", f"{NOTICE}visit_id._data_", AT)
COLUMNS = """key TEXT PRIMARY KEY, visit_id TEXT, kind TEXT, seq INTEGER, requested_at TEXT,
    status TEXT, failures INTEGER DEFAULT 0, settled_at TEXT, settled_seq INTEGER,
    record_id TEXT UNIQUE, twice INTEGER DEFAULT 0"""
DROPPED = "dropped"
FAILED = "failed"
_AHEAD = frozenset(kind.value for kind in AHEAD_OF_VISIT)
_ESTIMATES = frozenset(kind.value for kind in ESTIMATES)


def notice_tables(name: str) -> dict[str, str]:
    """Return the CREATE statements of a notice table called `name` and its visits gone."""
    return {
        name: f"CREATE TABLE IF NOT EXISTS {name} ({COLUMNS})",
        f"{name}_gone": f"CREATE TABLE IF NOT EXISTS {name}_gone (visit_id TEXT PRIMARY KEY,"
        " seq INTEGER)",
    }


def select_notices(name: str, where: str) -> str:
    """Return a query of the notices in `name` matching `where` (columns as `n.column`)."""
    return (
        "SELECT n.key, n.visit_id, n.kind, n.seq, n.requested_at, n.status, n.failures,"  # noqa: S608 (our own names)
        f" n.settled_at, n.settled_seq, n.twice, g.seq FROM {name} n"
        f" LEFT JOIN {name}_gone g ON g.visit_id = n.visit_id WHERE {where}"
    )


class StoredNotice(NamedTuple):
    """One row of a notice table, with the moment its visit was moved or cancelled."""

    key: str
    visit_id: str | None
    kind: str
    seq: int
    requested_at: str
    status: str
    failures: int
    settled_at: str | None
    settled_seq: int | None
    twice: int
    gone_seq: int | None


class Outcome(NamedTuple):
    """Where a notice stands for people: owed, delivered, failed or dropped."""

    key: str
    visit_id: str | None
    requested_at: datetime
    outcome: str
    failures: int
    settled_at: datetime | None
    maybe_twice: bool = False
    """Tried again after a try of unknown outcome: the patient may have had it twice."""


def outcomes(stored: Iterable[Sequence[object]]) -> list[Outcome]:
    """Return each notice's outcome, from rows of `select_notices`.

    The rows must hold every notice of each visit concerned, so a newer estimate is not missed.
    """
    rows = [StoredNotice(*row) for row in stored]  # type: ignore[arg-type]
    delays: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.kind in _ESTIMATES and row.visit_id is not None:
            delays[row.visit_id].append(row.seq)
    return [_outcome(row, delays) for row in rows]


def _outcome(row: StoredNotice, delays: dict[str, list[int]]) -> Outcome:
    outcome = row.status
    if row.status == NoticeStatus.GIVEN_UP.value:
        outcome = DROPPED if _nothing_left_to_tell(row, delays) else FAILED
    requested = datetime.fromisoformat(row.requested_at)
    return Outcome(
        row.key, row.visit_id, requested, outcome, row.failures, unstamp(row.settled_at),
        bool(row.twice),
    )  # fmt: skip


def _nothing_left_to_tell(row: StoredNotice, delays: dict[str, list[int]]) -> bool:
    """Say whether, when it was given up, a newer estimate was owed or its visit was gone."""
    if row.kind not in _AHEAD:
        return False
    settled = row.settled_seq or 0
    if row.gone_seq is not None and row.gone_seq < settled:
        return True
    newer = delays.get(row.visit_id or "", []) if row.kind in _ESTIMATES else []
    return any(row.seq < seq < settled for seq in newer)


class NoticeFollowing(SettledByKey):
    """Handlers that keep a notice table (mixed into a `Follower` naming `notice_table`).

    A follower with handlers of its own for `Visit.Cancelled` or `Visit.Rescheduled` overrides
    these and must call `note_visit_gone` from them.
    """

    notice_table: ClassVar[str]
    event_position: int

    if TYPE_CHECKING:

        def write(self, statement: str, params: Sequence[object], *rows: Key) -> None:
            """Queue a write (`Follower.write`)."""

    @on(NoticeRecord.Requested, reads=REQUESTED)
    def _notice_requested(
        self, record_id: str, key: str, kind: str, visit_id: str | None, at: str
    ) -> None:
        visit = None if visit_id is None else text_id(visit_id)
        self.write(
            f"INSERT OR IGNORE INTO {self.notice_table} VALUES"  # noqa: S608
            " (?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?, 0)",
            (key, visit, kind, self.event_position, at, NoticeStatus.OWED.value, record_id),
            (self.notice_table, record_id),
        )

    @on(NoticeRecord.Delivered, reads=(AT,))
    def _notice_delivered(self, record_id: str, at: str) -> None:
        self._settle(record_id, NoticeStatus.DELIVERED, at)

    @on(NoticeRecord.GivenUp, reads=(AT,))
    def _notice_given_up(self, record_id: str, at: str) -> None:
        self._settle(record_id, NoticeStatus.GIVEN_UP, at)

    @on(NoticeRecord.Failed, NoticeRecord.TimedOut, reads=())
    def _notice_failed(self, record_id: str) -> None:
        self._count_failure(record_id)

    @on(NoticeRecord.Attempted, reads=("doubt._data_",))
    def _notice_attempted(self, record_id: str, doubt: str) -> None:
        if doubt == Doubt.UNKNOWN.value:
            self.write(
                f"UPDATE {self.notice_table} SET twice = 1 WHERE record_id = ?",  # noqa: S608
                (record_id,),
                (self.notice_table, record_id),
            )

    # Version 0.1 kept notices on the patient's record; its events are followed by key.

    @on(Patient.NoticeRequested, reads=REQUESTED)
    def _legacy_requested(
        self, patient_id: str, key: str, kind: str, visit_id: str | None, at: str
    ) -> None:
        del patient_id  # the key is enough: it is unique in the whole store
        self._notice_requested(str(notice_record_id(key)), key, kind, visit_id, at)

    @on(Patient.NoticeFailed, reads=("key",))
    def _legacy_failed(self, patient_id: str, key: str) -> None:
        del patient_id
        self._count_failure(str(notice_record_id(key)))

    def _count_failure(self, record_id: str) -> None:
        self.write(
            f"UPDATE {self.notice_table} SET failures = failures + 1 WHERE record_id = ?",  # noqa: S608
            (record_id,),
            (self.notice_table, record_id),
        )

    @on(Visit.Cancelled, Visit.Rescheduled, reads=())
    def _notice_visit_gone(self, visit_id: str) -> None:
        self.note_visit_gone(visit_id)

    def note_visit_gone(self, visit_id: str) -> None:
        """Remember when a visit was moved or cancelled: its notices ahead of it are stale."""
        gone = f"{self.notice_table}_gone"
        self.write(
            f"INSERT OR IGNORE INTO {gone} VALUES (?, ?)",  # noqa: S608
            (visit_id, self.event_position),
            (gone, visit_id),
        )

    def _settle(self, record_id: str, status: NoticeStatus, at: str) -> None:
        self.write(
            f"UPDATE {self.notice_table} SET status = ?, settled_at = ?, settled_seq = ?"  # noqa: S608
            " WHERE record_id = ?",
            (status.value, at, self.event_position, record_id),
            (self.notice_table, record_id),
        )
