"""How delays show on the day board: each slipping visit gets its projected start.

A revision replaces the projection of the visits still to happen; the end of a delay clears it
for them. Visits that already began keep theirs, so the board still tells how late they ran.
"""

from __future__ import annotations

import sqlite3

from serviceplan.domain.delay import Delay
from serviceplan.domain.visit import PENDING
from serviceplan.read.follower import Event, on, stamp

_PENDING = tuple(s.value for s in PENDING)


class DelayProjections:
    """The day board's handlers for `Delay` events (mixed into `DayBoard`)."""

    db: sqlite3.Connection

    @on(Delay.Announced)  # type: ignore[attr-defined]
    def _announced(self, e: Event) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO board_delays VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            (
                str(e.originator_id), e.provider, e.day.isoformat(), stamp(e.late_from),
                e.minutes, e.reason, stamp(e.at),
            ),
        )  # fmt: skip
        self._project(e)

    @on(Delay.Revised)  # type: ignore[attr-defined]
    def _revised(self, e: Event) -> None:
        self.db.execute(
            "UPDATE board_delays SET minutes = ? WHERE delay_id = ?",
            (e.minutes, str(e.originator_id)),
        )
        self._clear_pending(e)
        self._project(e)

    @on(Delay.Resolved)  # type: ignore[attr-defined]
    def _resolved(self, e: Event) -> None:
        self.db.execute(
            "UPDATE board_delays SET resolved_at = ? WHERE delay_id = ?",
            (stamp(e.at), str(e.originator_id)),
        )
        self._clear_pending(e)

    def _project(self, e: Event) -> None:
        """Give each slipping visit its projected start, tied to the delay that moved it."""
        delay_id = str(e.originator_id)
        self.db.executemany(
            "UPDATE board_visits SET projected_start = ?, delay_id = ? WHERE visit_id = ?",
            [(stamp(s.projected_start), delay_id, str(s.visit_id)) for s in e.impact.slips],
        )

    def _clear_pending(self, e: Event) -> None:
        """Forget the delay's projection for visits still to happen (past ones keep it)."""
        pending = ", ".join("?" * len(_PENDING))
        query = f"WHERE delay_id = ? AND status IN ({pending})"
        self.db.execute(
            f"UPDATE board_visits SET projected_start = NULL, delay_id = NULL {query}",  # noqa: S608
            (str(e.originator_id), *_PENDING),
        )
