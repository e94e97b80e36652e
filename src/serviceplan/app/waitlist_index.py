"""The waitlist index: open entries by visit type and dates, and openings by provider and time.

A freed time must find the entries it could suit, and the rounds the openings still offered; no
command keeps such a list (two desks joining at once would collide on it). This index follows
the log and is caught up before each question. It keeps ids, times and codes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from serviceplan.app.index import Index
from serviceplan.domain.opening import Opening, OpeningStatus
from serviceplan.domain.waitlist import WaitlistEntry
from serviceplan.read.follower import AT, on
from serviceplan.read.stored import text_id

WANTS = "wants._data_."
_JOINED = (
    "patient_id._data_", f"{WANTS}visit_type", f"{WANTS}provider", f"{WANTS}first_day._data_",
    f"{WANTS}last_day._data_", "earlier_than._data_", "expires._data_", AT,
)  # fmt: skip
_OPENED = ("provider", "start._data_", "length", "visit_type", "visit_id._data_")
_OPEN = (OpeningStatus.OFFERING.value, OpeningStatus.CLAIMED.value)
OPEN, LEFT, FILLED = "open", "left", "filled"


class WaitlistIndex(Index):
    """Waitlist entries and openings, as the log has them now."""

    name = "waitlist"
    schema = 2
    tables = {  # noqa: RUF012 (read-only class data)
        "wl_entries": """CREATE TABLE IF NOT EXISTS wl_entries (
            entry_id TEXT PRIMARY KEY, patient_id TEXT, visit_type TEXT, provider TEXT,
            first_day TEXT, last_day TEXT, earlier_than TEXT, expires TEXT, joined_at TEXT,
            last_offered_at TEXT, status TEXT, seq INTEGER)""",
        "wl_openings": """CREATE TABLE IF NOT EXISTS wl_openings (
            opening_id TEXT PRIMARY KEY, provider TEXT, start TEXT, length INTEGER,
            visit_type TEXT, status TEXT, seq INTEGER, visit_id TEXT)""",
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS wl_entries_by_type ON wl_entries (visit_type, status)",
        "CREATE INDEX IF NOT EXISTS wl_entries_by_patient ON wl_entries (patient_id)",
        "CREATE INDEX IF NOT EXISTS wl_openings_by_time ON wl_openings (provider, start)",
        "CREATE INDEX IF NOT EXISTS wl_openings_by_status ON wl_openings (status, seq)",
        "CREATE INDEX IF NOT EXISTS wl_openings_by_visit ON wl_openings (visit_id)",
    )

    @on(WaitlistEntry.Joined, reads=_JOINED)
    def _joined(self, entry_id: str, patient_id: str, *facts: str | None) -> None:
        visit_type, provider, first, last, earlier, expires, at = facts
        self.write(
            "INSERT OR IGNORE INTO wl_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            (
                entry_id, text_id(patient_id), visit_type, provider, first, last,
                None if earlier is None else text_id(earlier), expires, at, OPEN,
                self.event_position,
            ),
            ("wl_entries", entry_id),
        )  # fmt: skip

    @on(WaitlistEntry.Offered, reads=(AT,))
    def _offered(self, entry_id: str, at: str) -> None:
        self._entry(entry_id, "last_offered_at = ?", at)

    @on(WaitlistEntry.Left, reads=())
    def _left(self, entry_id: str) -> None:
        self._entry(entry_id, "status = ?", LEFT)

    @on(WaitlistEntry.Filled, reads=())
    def _filled(self, entry_id: str) -> None:
        self._entry(entry_id, "status = ?", FILLED)

    @on(Opening.Opened, reads=_OPENED)
    def _opened(self, opening_id: str, *facts: str | int | None) -> None:
        provider, start, length, visit_type, visit_id = facts
        freed_by = None if visit_id is None else text_id(str(visit_id))
        self.write(
            "INSERT OR IGNORE INTO wl_openings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                opening_id, provider, start, length, visit_type, _OPEN[0], self.event_position,
                freed_by,
            ),
            ("wl_openings", opening_id),
        )  # fmt: skip

    @on(Opening.Accepted, reads=())
    def _accepted(self, opening_id: str) -> None:
        self._opening(opening_id, OpeningStatus.CLAIMED)

    @on(Opening.ClaimFailed, reads=())
    def _claim_failed(self, opening_id: str) -> None:
        self._opening(opening_id, OpeningStatus.OFFERING)

    @on(Opening.Filled, reads=())
    def _opening_filled(self, opening_id: str) -> None:
        self._opening(opening_id, OpeningStatus.FILLED)

    @on(Opening.Closed, reads=())
    def _closed(self, opening_id: str) -> None:
        self._opening(opening_id, OpeningStatus.CLOSED)

    def _entry(self, entry_id: str, assignment: str, value: str) -> None:
        self.write(
            f"UPDATE wl_entries SET {assignment} WHERE entry_id = ?",  # noqa: S608 (our own)
            (value, entry_id),
            ("wl_entries", entry_id),
        )

    def _opening(self, opening_id: str, status: OpeningStatus) -> None:
        self.write(
            "UPDATE wl_openings SET status = ? WHERE opening_id = ?",
            (status.value, opening_id),
            ("wl_openings", opening_id),
        )

    # -- questions, each answered from the log as it is now -----------------------------------

    def entries_for(self, visit_type: str | None, day: date, provider: str) -> list[UUID]:
        """Return the open entries that might take a time of `provider` on `day`, oldest first.

        A time of no known visit type may suit any entry; the entries' own rules decide.
        """
        rows = self._ask(
            "SELECT entry_id FROM wl_entries WHERE status = ? AND first_day <= ?"
            " AND last_day >= ? AND (provider IS NULL OR provider = ?)"
            " AND (? IS NULL OR visit_type = ?) ORDER BY seq",
            (OPEN, day.isoformat(), day.isoformat(), provider, visit_type, visit_type),
        )
        return [UUID(r[0]) for r in rows]

    def entries_of(self, patient_id: UUID) -> list[UUID]:
        """Return every entry the patient made, oldest first."""
        rows = self._ask(
            "SELECT entry_id FROM wl_entries WHERE patient_id = ? ORDER BY seq",
            (str(patient_id),),
        )
        return [UUID(r[0]) for r in rows]

    def last_offered(self, patient_ids: Iterable[UUID]) -> dict[UUID, datetime]:
        """Return when each of the patients was last offered a time, on any of their entries."""
        ids = [str(p) for p in patient_ids]
        if not ids:
            return {}
        rows = self._ask(
            "SELECT patient_id, MAX(last_offered_at) FROM wl_entries"  # noqa: S608 (our own tables; values go in as parameters)
            f" WHERE patient_id IN ({','.join('?' * len(ids))}) AND last_offered_at IS NOT NULL"
            " GROUP BY patient_id",
            ids,
        )
        return {UUID(p): datetime.fromisoformat(at) for p, at in rows}

    def open_openings(self) -> list[UUID]:
        """Return the openings still offered or being booked, oldest first."""
        rows = self._ask(
            "SELECT opening_id FROM wl_openings WHERE status IN (?, ?) ORDER BY seq", _OPEN
        )
        return [UUID(r[0]) for r in rows]

    def opening_at(self, provider: str, start: datetime) -> UUID | None:
        """Return the opening still offered for the provider's time at `start`, if any."""
        rows = self._ask(
            "SELECT opening_id, start FROM wl_openings WHERE provider = ? AND status IN (?, ?)",
            (provider, *_OPEN),
        )
        found = [UUID(o) for o, s in rows if datetime.fromisoformat(s) == start]
        return found[0] if found else None

    def freed_by(self, visit_id: UUID, start: datetime) -> list[tuple[UUID, OpeningStatus]]:
        """Return the openings of the visit's time at `start`, offered or taken, oldest first."""
        rows = self._ask(
            "SELECT opening_id, status, start FROM wl_openings WHERE visit_id = ?"
            " AND status IN (?, ?, ?) ORDER BY seq",
            (str(visit_id), *_OPEN, OpeningStatus.FILLED.value),
        )
        return [
            (UUID(o), OpeningStatus(s)) for o, s, at in rows if datetime.fromisoformat(at) == start
        ]
