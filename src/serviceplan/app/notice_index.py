"""The notice index: every notice by key, with its patient, visit, day and where it stands.

Each notice is a record of its own; the questions asked across them (the day's notices, what a
patient was last told about a visit, how many texts they had this week) are answered here, from
the log, caught up before each question. Notices that version 0.1 kept on the patient's record
are indexed from those events too. It keeps ids, times and codes only, never an address or a text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import NamedTuple
from uuid import UUID

from eventsourcing.application import Application

from serviceplan.app.index import Index
from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import ANSWERS, ESTIMATES, QUESTIONS
from serviceplan.domain.notice_record import NoticeRecord, NoticeStatus, notice_record_id
from serviceplan.domain.patient import Patient
from serviceplan.read.follower import AT, on, unstamp
from serviceplan.read.settled_by_key import SettledByKey
from serviceplan.read.stored import text_id
from serviceplan.read.views import Views

NOTICE = "notice._data_."
REQUESTED = (
    f"{NOTICE}key", f"{NOTICE}kind._data_", f"{NOTICE}patient_id._data_",
    f"{NOTICE}visit_id._data_", f"{NOTICE}channel._data_", f"{NOTICE}when._data_", AT,
)  # fmt: skip
_ESTIMATES = tuple(k.value for k in ESTIMATES)
_QUESTIONS = tuple(k.value for k in QUESTIONS)
_ANSWERS = tuple(k.value for k in ANSWERS)
CHUNK = 500


class LegacyNotice(NamedTuple):
    """A notice a version 0.1 patient record still owes, as the index last saw it."""

    key: str
    patient_id: UUID
    due: datetime | None
    failures: int
    note: str


class NoticeIndex(SettledByKey, Index):
    """Notices by key, day, patient and visit, as the log has them now."""

    name = "notices"
    schema = 1
    tables = {  # noqa: RUF012 (read-only class data)
        "ntc_notices": """CREATE TABLE IF NOT EXISTS ntc_notices (
            key TEXT PRIMARY KEY, record_id TEXT, patient_id TEXT, visit_id TEXT, kind TEXT,
            channel TEXT, told TEXT, follows TEXT, requested_at TEXT, day TEXT, seq INTEGER,
            status TEXT, settled_at TEXT, legacy INTEGER, adopted INTEGER, due TEXT,
            failures INTEGER, note TEXT)""",
    }
    indexes = (
        "CREATE UNIQUE INDEX IF NOT EXISTS ntc_by_record ON ntc_notices (record_id)",
        "CREATE INDEX IF NOT EXISTS ntc_by_day ON ntc_notices (day, seq)",
        "CREATE INDEX IF NOT EXISTS ntc_by_visit ON ntc_notices (visit_id, seq)",
        "CREATE INDEX IF NOT EXISTS ntc_by_patient ON ntc_notices (patient_id, status)",
        "CREATE INDEX IF NOT EXISTS ntc_by_follows ON ntc_notices (follows)",
    )

    def __init__(self, plan: Application[UUID], views: Views, zone: tzinfo) -> None:
        super().__init__(plan, views)
        self.zone = zone

    # -- the notices' own records -------------------------------------------------------------

    @on(NoticeRecord.Requested, reads=(*REQUESTED, "follows._data_"))
    def _requested(self, record_id: str, *fields: str | None) -> None:
        *facts, follows = fields
        self._insert(record_id, facts, follows=follows, legacy=False)

    @on(NoticeRecord.Adopted, reads=())
    def _adopted(self, record_id: str) -> None:
        self._update(record_id, "adopted = 1")

    @on(NoticeRecord.Delivered, reads=(AT,))
    def _delivered(self, record_id: str, at: str) -> None:
        self._settle(record_id, NoticeStatus.DELIVERED, at)

    @on(NoticeRecord.GivenUp, reads=(AT,))
    def _given_up(self, record_id: str, at: str) -> None:
        self._settle(record_id, NoticeStatus.GIVEN_UP, at)

    # -- version 0.1: notices kept on the patient's record ------------------------------------

    @on(Patient.NoticeRequested, reads=REQUESTED)
    def _legacy_requested(self, patient_id: str, *facts: str | None) -> None:
        del patient_id  # the notice names its patient
        record = str(notice_record_id(str(facts[0])))
        self._insert(record, list(facts), follows=None, legacy=True)

    @on(Patient.NoticeFailed, reads=("key", "error"))
    def _legacy_failed(self, patient_id: str, key: str, error: str) -> None:
        del patient_id
        record = str(notice_record_id(key))
        self.write(
            "UPDATE ntc_notices SET failures = failures + 1, note = ? WHERE record_id = ?",
            (self.seal(error), record),
            ("ntc_notices", record),
        )

    @on(Patient.NoticeRetryScheduled, reads=("key", "due._data_", "reason"))
    def _legacy_retry(self, patient_id: str, key: str, due: str, reason: str) -> None:
        del patient_id
        record = str(notice_record_id(key))
        self.write(
            "UPDATE ntc_notices SET due = ?, note = ? WHERE record_id = ?",
            (due, self.seal(reason), record),
            ("ntc_notices", record),
        )

    def _insert(
        self, record_id: str, facts: list[str | None], *, follows: str | None, legacy: bool
    ) -> None:
        key, kind, patient, visit, channel, told, at = facts
        day = datetime.fromisoformat(str(at)).astimezone(self.zone).date().isoformat()
        self.write(
            "INSERT OR IGNORE INTO ntc_notices VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, ?, 0, '')",
            (
                key, record_id, text_id(str(patient)), None if visit is None else text_id(visit),
                kind, channel, told, None if follows is None else text_id(follows), at, day,
                self.event_position, NoticeStatus.OWED.value, int(legacy), at,
            ),
            ("ntc_notices", record_id),
        )  # fmt: skip

    def _settle(self, record_id: str, status: NoticeStatus, at: str) -> None:
        self.write(
            "UPDATE ntc_notices SET status = ?, settled_at = ? WHERE record_id = ?",
            (status.value, at, record_id),
            ("ntc_notices", record_id),
        )

    def _update(self, record_id: str, assignment: str) -> None:
        self.write(
            f"UPDATE ntc_notices SET {assignment} WHERE record_id = ?",  # noqa: S608 (our own)
            (record_id,),
            ("ntc_notices", record_id),
        )

    # -- questions, each answered from the log as it is now -----------------------------------

    def keys_on(self, day: date, status: NoticeStatus | None = None) -> list[str]:
        """Return the keys of the notices requested on `day` (clinic time), in order."""
        where, params = "day = ?", [day.isoformat()]
        if status is not None:
            where, params = f"{where} AND status = ?", [*params, status.value]
        return [
            r[0]
            for r in self._ask(f"SELECT key FROM ntc_notices WHERE {where} ORDER BY seq", params)  # noqa: S608 (our own tables; values go in as parameters)
        ]

    def keys_of(self, patient_id: UUID) -> list[str]:
        """Return the keys of the patient's notices, in the order they were requested."""
        rows = self._ask(
            "SELECT key FROM ntc_notices WHERE patient_id = ? ORDER BY seq", (str(patient_id),)
        )
        return [r[0] for r in rows]

    def keys_between(self, first: date, last: date, status: NoticeStatus) -> list[str]:
        """Return the keys of the notices requested from `first` to `last` with `status`."""
        rows = self._ask(
            "SELECT key FROM ntc_notices WHERE day BETWEEN ? AND ? AND status = ? ORDER BY seq",
            (first.isoformat(), last.isoformat(), status.value),
        )
        return [r[0] for r in rows]

    def last_told(self, visit_id: UUID) -> datetime | None:
        """Return the start the patient was last told for the visit (the latest estimate)."""
        return self.last_told_of([visit_id]).get(visit_id)

    def last_told_of(self, visit_ids: Sequence[UUID]) -> dict[UUID, datetime | None]:
        """Return `last_told` of each of the visits ever told an estimate, caught up once.

        A visit never told one is left out. One question for many visits (a delay's thousand)
        instead of one each: the log is read once and the index asked in chunks.
        """
        told: dict[UUID, str | None] = {}
        with self.views.lock:
            self.catch_up()
            for start in range(0, len(visit_ids), CHUNK):
                chunk = [str(v) for v in visit_ids[start : start + CHUNK]]
                rows = self.db.execute(
                    "SELECT visit_id, told FROM ntc_notices"  # noqa: S608 (our own tables; values go in as parameters)
                    f" WHERE kind IN ({_marks(_ESTIMATES)}) AND visit_id IN ({_marks(chunk)})"
                    " ORDER BY seq",
                    (*_ESTIMATES, *chunk),
                )
                for visit, when in rows:  # the latest estimate of each visit comes last
                    told[UUID(visit)] = when
        return {v: datetime.fromisoformat(t) if t else None for v, t in told.items()}

    def told_of(self, delay_id: UUID) -> list[UUID]:
        """Return the visits whose patients were told an estimate because of the delay."""
        rows = self._ask(
            "SELECT DISTINCT visit_id FROM ntc_notices WHERE follows = ? AND visit_id IS NOT NULL",
            (str(delay_id),),
        )
        return [UUID(r[0]) for r in rows]

    def replaced(self, key: str) -> bool:
        """Say whether a later estimate for the same visit was owed after this notice."""
        rows = self._ask(
            "SELECT 1 FROM ntc_notices n JOIN ntc_notices later ON later.visit_id = n.visit_id"  # noqa: S608 (our own tables; values go in as parameters)
            f" WHERE n.key = ? AND n.kind IN ({_marks(_ESTIMATES)})"
            f" AND later.kind IN ({_marks(_ESTIMATES)}) AND later.seq > n.seq LIMIT 1",
            (key, *_ESTIMATES, *_ESTIMATES),
        )
        return bool(rows)

    def delivered_since(
        self, patient_id: UUID, channels: Iterable[Channel], since: datetime
    ) -> list[datetime]:
        """Return when the patient's notices on these channels were delivered, since `since`.

        Answers to the patient's own texts (`ANSWERS`) are left out: the limits are for
        messages the clinic starts.
        """
        kinds = [c.value for c in channels]
        rows = self._ask(
            "SELECT settled_at FROM ntc_notices WHERE patient_id = ? AND status = ?"  # noqa: S608 (our own tables; values go in as parameters)
            f" AND channel IN ({_marks(kinds)}) AND kind NOT IN ({_marks(_ANSWERS)})",
            (str(patient_id), NoticeStatus.DELIVERED.value, *kinds, *_ANSWERS),
        )
        times = (datetime.fromisoformat(r[0]) for r in rows if r[0])
        return sorted(t for t in times if t > since)

    def last_question(self, patient_id: UUID, channel: Channel) -> str | None:
        """Return the key of the last question delivered to the patient on `channel`, if any."""
        rows = self._ask(
            "SELECT key FROM ntc_notices WHERE patient_id = ? AND channel = ? AND status = ?"  # noqa: S608 (our own tables; values go in as parameters)
            f" AND kind IN ({_marks(_QUESTIONS)}) ORDER BY seq DESC LIMIT 1",
            (str(patient_id), channel.value, NoticeStatus.DELIVERED.value, *_QUESTIONS),
        )
        return str(rows[0][0]) if rows else None

    def legacy_owed(self, key: str | None = None) -> list[LegacyNotice]:
        """Return the notices version 0.1 records still owe that no record has taken over."""
        where, params = "", [NoticeStatus.OWED.value]
        if key is not None:
            where, params = " AND key = ?", [*params, key]
        rows = self._ask(
            "SELECT key, patient_id, due, failures, note FROM ntc_notices"  # noqa: S608 (our own)
            f" WHERE legacy = 1 AND adopted = 0 AND status = ?{where} ORDER BY seq",
            params,
        )
        return [
            LegacyNotice(k, UUID(p), unstamp(d), f, self.unseal(n) or "") for k, p, d, f, n in rows
        ]


def _marks(values: tuple[str, ...] | list[str]) -> str:
    return ",".join("?" * len(values))
