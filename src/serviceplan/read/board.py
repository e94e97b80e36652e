"""The day board: per provider and day, each visit's booked and projected start, and the call list.

Notices arrive as the patient's events, known by their key; the board keeps each in
`board_notices` with its visit, and sums them up per visit when it is asked for a day. The
patient's answer to a delay is the visit's own `ChoiceRecorded`. The board keeps no contact
points: the call list's numbers are read from the patients' records when it is asked for.
"""

from __future__ import annotations

from datetime import date
from typing import cast
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError

from serviceplan.domain.patient import Patient
from serviceplan.domain.provider_day import ProviderDay
from serviceplan.domain.visit import Visit, VisitStatus
from serviceplan.read.board_delays import DelayProjections
from serviceplan.read.board_rows import (
    BoardDelay,
    BoardRow,
    Notices,
    ProviderBoard,
    delay_from,
    notices_by_visit,
    row_from,
)
from serviceplan.read.follower import AT, Follower, on, query
from serviceplan.read.notice_outcomes import (
    NoticeFollowing,
    notice_tables,
    outcomes,
    select_notices,
)
from serviceplan.read.opening_rows import BoardOpening, openings_from
from serviceplan.read.openings import OpeningFollowing, opening_indexes, opening_tables
from serviceplan.read.stored import text_id

_GONE = frozenset({VisitStatus.CANCELLED, VisitStatus.RESCHEDULED, VisitStatus.NO_SHOW})
BOOKED = (
    "patient_id._data_", "provider", "start._data_", "visit_type", "length",
    "rescheduled_from._data_",
)  # fmt: skip


class DayBoard(DelayProjections, NoticeFollowing, OpeningFollowing, Follower):
    """What the front desk sees: every provider's day as it stands, and whom to call."""

    name = "board"
    schema = 8
    notice_table = "board_notices"
    opening_table = "board_openings"
    tables = {  # noqa: RUF012 (read-only class data)
        "board_visits": """CREATE TABLE IF NOT EXISTS board_visits (
            visit_id TEXT PRIMARY KEY, patient_id TEXT, provider TEXT, day TEXT,
            visit_type TEXT, booked_start TEXT, length INTEGER, status TEXT,
            projected_start TEXT, delay_id TEXT, checked_in_at TEXT, started_at TEXT,
            completed_at TEXT, moved_from TEXT, moved_to TEXT, choice TEXT)""",
        "board_days": """CREATE TABLE IF NOT EXISTS board_days (
            day_id TEXT PRIMARY KEY, provider TEXT, day TEXT)""",
        "board_delays": """CREATE TABLE IF NOT EXISTS board_delays (
            delay_id TEXT PRIMARY KEY, provider TEXT, day TEXT, late_from TEXT,
            minutes INTEGER, reason TEXT, announced_at TEXT, resolved_at TEXT)""",
        **notice_tables("board_notices"),
        **opening_tables("board_openings"),
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS board_visits_by_day ON board_visits (day, provider)",
        "CREATE INDEX IF NOT EXISTS board_visits_by_delay ON board_visits (delay_id)",
        "CREATE INDEX IF NOT EXISTS board_delays_by_day ON board_delays (day, provider)",
        "CREATE INDEX IF NOT EXISTS board_notices_by_visit ON board_notices (visit_id)",
        *opening_indexes("board_openings"),
    )

    # -- visits -------------------------------------------------------------------------------

    @on(Visit.Booked, reads=BOOKED)
    def _booked(  # noqa: PLR0913, PLR0917 (the booking's fields, as stored)
        self,
        visit_id: str,
        patient_id: str,
        provider: str,
        start: str,
        visit_type: str,
        length: int,
        moved_from: str | None,
    ) -> None:
        self.write(
            "INSERT OR REPLACE INTO board_visits (visit_id, patient_id, provider, day, visit_type,"
            " booked_start, length, status, moved_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                visit_id, text_id(patient_id), provider, self.local_day(start), visit_type, start,
                length, VisitStatus.BOOKED.value,
                None if moved_from is None else text_id(moved_from),
            ),
            ("board_visits", visit_id),
        )  # fmt: skip

    # Version 0.1 listed each provider's day; its days agree with `local_day`.

    @on(ProviderDay.Opened, reads=("provider", "day._data_"))
    def _day_opened(self, day_id: str, provider: str, day: str) -> None:
        self.write(
            "INSERT OR REPLACE INTO board_days VALUES (?, ?, ?)",
            (day_id, provider, day),
            ("board_days", day_id),
        )

    @on(ProviderDay.VisitAdded, reads=("visit_id._data_",))
    def _on_day(self, day_id: str, visit_id: str) -> None:
        visit = text_id(visit_id)
        self.write(
            "UPDATE board_visits SET day = (SELECT day FROM board_days WHERE day_id = ?)"
            " WHERE visit_id = ?",
            (day_id, visit),
            ("board_visits", visit),
            ("board_days", day_id),
        )

    @on(Visit.CheckedIn, reads=(AT,))
    def _checked_in(self, visit_id: str, at: str) -> None:
        self._status(visit_id, VisitStatus.CHECKED_IN, "checked_in_at", at)

    @on(Visit.Started, reads=(AT,))
    def _started(self, visit_id: str, at: str) -> None:
        self._status(visit_id, VisitStatus.STARTED, "started_at", at)

    @on(Visit.Completed, reads=(AT,))
    def _completed(self, visit_id: str, at: str) -> None:
        self._status(visit_id, VisitStatus.COMPLETED, "completed_at", at)

    @on(Visit.Cancelled, reads=())
    def _cancelled(self, visit_id: str) -> None:
        self._status(visit_id, VisitStatus.CANCELLED)
        self.note_visit_gone(visit_id)

    @on(Visit.NoShow, reads=())
    def _no_show(self, visit_id: str) -> None:
        self._status(visit_id, VisitStatus.NO_SHOW)

    @on(Visit.Rescheduled, reads=("to._data_",))
    def _rescheduled(self, visit_id: str, to: str) -> None:
        self._status(visit_id, VisitStatus.RESCHEDULED)
        self.note_visit_gone(visit_id)
        self.write(
            "UPDATE board_visits SET moved_to = ? WHERE visit_id = ?",
            (text_id(to), visit_id),
            ("board_visits", visit_id),
        )

    def _status(
        self, visit_id: str, status: VisitStatus, moment: str | None = None, at: str | None = None
    ) -> None:
        """Record the visit's new status and, for a step of its day, when it happened.

        A visit that will not happen here (moved, cancelled, missed) no longer slips.
        """
        stamped = f", {moment} = ?" if moment else ""
        if status in _GONE:
            stamped = ", projected_start = NULL, delay_id = NULL"
        values = (status.value, at) if moment else (status.value,)
        self.write(
            f"UPDATE board_visits SET status = ?{stamped} WHERE visit_id = ?",  # noqa: S608
            (*values, visit_id),
            ("board_visits", visit_id),
        )

    # -- the patient's answer -----------------------------------------------------------------

    @on(Visit.ChoiceRecorded, reads=("choice._data_",))
    def _choice(self, visit_id: str, choice: str) -> None:
        """Show the patient's latest answer to a delay: wait, come later, reschedule, cancel."""
        self.write(
            "UPDATE board_visits SET choice = ? WHERE visit_id = ?",
            (choice, visit_id),
            ("board_visits", visit_id),
        )

    # -- queries ------------------------------------------------------------------------------

    @query
    def days(self) -> list[date]:
        """Return every day that has visits or openings on the board, in order."""
        rows = self.db.execute(
            "SELECT day FROM board_visits UNION SELECT day FROM board_openings ORDER BY day"
        ).fetchall()
        return [date.fromisoformat(r[0]) for r in rows]

    @query
    def providers(self, day: date) -> list[str]:
        """Return the providers with visits or openings on `day`, by name."""
        rows = self.db.execute(
            "SELECT provider FROM board_visits WHERE day = ?"
            " UNION SELECT provider FROM board_openings WHERE day = ? ORDER BY provider",
            (day.isoformat(), day.isoformat()),
        ).fetchall()
        return [r[0] for r in rows]

    @query
    def day(self, day: date, provider: str | None = None) -> list[ProviderBoard]:
        """Return the board of `day`: one section per provider (or only `provider`'s)."""
        names = [provider] if provider is not None else self.providers(day)
        return [self._provider_board(name, day) for name in names]

    def _provider_board(self, provider: str, day: date) -> ProviderBoard:
        cursor = self.db.execute(
            "SELECT * FROM board_visits WHERE day = ? AND provider = ? ORDER BY rowid",
            (day.isoformat(), provider),
        )
        columns = [c[0] for c in cursor.description]
        found = [dict(zip(columns, r, strict=True)) for r in cursor]
        filled = self._filled(provider, day)
        for values in found:
            values["filled_opening"] = filled.get(values["visit_id"])
        notices = self._notices(provider, day)
        rows: list[BoardRow] = [
            row_from(values, notices.get(values["visit_id"], Notices())) for values in found
        ]
        rows.sort(key=lambda r: r.booked_start)  # stable: visits booked at one time, as booked
        rows = [attrs.evolve(r, phone=self._phone(r.patient_id)) if r.to_call else r for r in rows]
        return ProviderBoard(
            provider, day, tuple(rows), self._delays(provider, day), self._openings(provider, day)
        )

    def _phone(self, patient_id: str) -> str | None:
        """Return the number to call the patient on, read from their record as it is now.

        The board keeps no contact points: only the call list shows a number, looked up when
        asked, so the read model's file holds no phone numbers (minimum necessary).
        """
        try:
            patient = cast("Patient", self.plan.repository.get(UUID(patient_id)))
        except AggregateNotFoundError:
            return None
        phone = patient.contact.phone
        return None if phone is None else phone.e164

    def _notices(self, provider: str, day: date) -> dict[str, Notices]:
        where = "n.visit_id IN (SELECT visit_id FROM board_visits WHERE day = ? AND provider = ?)"
        stored = self.db.execute(
            select_notices(self.notice_table, where), (day.isoformat(), provider)
        )
        return notices_by_visit(outcomes(stored))

    def _delays(self, provider: str, day: date) -> tuple[BoardDelay, ...]:
        cursor = self.db.execute(
            "SELECT * FROM board_delays WHERE day = ? AND provider = ? ORDER BY late_from",
            (day.isoformat(), provider),
        )
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor]
        return tuple(delay_from({**row, "reason": self.unseal(row["reason"])}) for row in rows)

    def _filled(self, provider: str, day: date) -> dict[str, str]:
        """Return the opening each visit of the provider's day filled, by visit."""
        rows = self.db.execute(
            "SELECT filled_with, opening_id FROM board_openings WHERE filled_with IN"
            " (SELECT visit_id FROM board_visits WHERE day = ? AND provider = ?)",
            (day.isoformat(), provider),
        )
        return dict(rows.fetchall())

    def _openings(self, provider: str, day: date) -> tuple[BoardOpening, ...]:
        """Return the openings of the provider's day with their offers, earliest time first."""
        where = "WHERE day = ? AND provider = ?"
        cursor = self.db.execute(
            f"SELECT * FROM board_openings {where} ORDER BY start, opened_at",  # noqa: S608
            (day.isoformat(), provider),
        )
        openings = [dict(zip([c[0] for c in cursor.description], r, strict=True)) for r in cursor]
        cursor = self.db.execute(
            "SELECT * FROM board_openings_offers WHERE opening_id IN"  # noqa: S608
            f" (SELECT opening_id FROM board_openings {where})",
            (day.isoformat(), provider),
        )
        offers = [dict(zip([c[0] for c in cursor.description], r, strict=True)) for r in cursor]
        return openings_from(openings, offers)
