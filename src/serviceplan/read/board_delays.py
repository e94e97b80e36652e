"""How delays show on the day board: each slipping visit gets its projected start.

A revision, or the queue projected again when a patient leaves it or a freed time is filled,
replaces the projection of the visits still to happen; the end of a delay clears it for them.
Visits that already began keep theirs, so the board still tells how late they ran.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from serviceplan.domain.delay import Delay
from serviceplan.domain.visit import PENDING
from serviceplan.read.follower import AT, on
from serviceplan.read.stored import text_id
from serviceplan.read.writes import Key

_PENDING = tuple(s.value for s in PENDING)
SLIPS = "impact._data_.slips._data_"
"""The impact's slips as stored: tagged `Slip`s, each a visit id and its projected start."""
ANNOUNCED = ("provider", "day._data_", "late_from._data_", "minutes", "reason", AT, SLIPS)


class DelayProjections:
    """The day board's handlers for `Delay` events (mixed into `DayBoard`)."""

    if TYPE_CHECKING:

        def write(self, statement: str, params: Sequence[object], *rows: Key) -> None:
            """Queue a write (`Follower.write`)."""

        def seal(self, text: str | None) -> str | None:
            """Keep a free text as the views do (`Follower.seal`)."""

    @on(Delay.Announced, reads=ANNOUNCED)
    def _announced(  # noqa: PLR0913, PLR0917 (the announcement's fields, as stored)
        self,
        delay_id: str,
        provider: str,
        day: str,
        late_from: str,
        minutes: int,
        reason: str,
        at: str,
        slips: list[dict[str, Any]],
    ) -> None:
        self.write(
            "INSERT OR REPLACE INTO board_delays VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            (delay_id, provider, day, late_from, minutes, self.seal(reason), at),
            ("board_delays", delay_id),
        )
        self._project(delay_id, slips)

    @on(Delay.Revised, reads=("minutes", SLIPS))
    def _revised(self, delay_id: str, minutes: int, slips: list[dict[str, Any]]) -> None:
        self.write(
            "UPDATE board_delays SET minutes = ? WHERE delay_id = ?",
            (minutes, delay_id),
            ("board_delays", delay_id),
        )
        self._clear_pending(delay_id)
        self._project(delay_id, slips)

    @on(Delay.Reprojected, reads=(SLIPS,))
    def _reprojected(self, delay_id: str, slips: list[dict[str, Any]]) -> None:
        """The queue changed (a patient left or a freed time was filled): project it again."""
        self._clear_pending(delay_id)
        self._project(delay_id, slips)

    @on(Delay.Resolved, reads=(AT,))
    def _resolved(self, delay_id: str, at: str) -> None:
        self.write(
            "UPDATE board_delays SET resolved_at = ? WHERE delay_id = ?",
            (at, delay_id),
            ("board_delays", delay_id),
        )
        self._clear_pending(delay_id)

    def _project(self, delay_id: str, slips: list[dict[str, Any]]) -> None:
        """Give each slipping visit its projected start, tied to the delay that moved it."""
        for slip in slips:
            fields = slip["_data_"]
            visit_id = text_id(fields["visit_id"]["_data_"])
            self.write(
                "UPDATE board_visits SET projected_start = ?, delay_id = ? WHERE visit_id = ?",
                (fields["projected_start"]["_data_"], delay_id, visit_id),
                ("board_visits", visit_id),
            )

    def _clear_pending(self, delay_id: str) -> None:
        """Forget the delay's projection for visits still to happen (past ones keep it).

        The visits are found by a condition, so the write waits for every one before it.
        """
        pending = ", ".join("?" * len(_PENDING))
        query = f"WHERE delay_id = ? AND status IN ({pending})"
        self.write(
            f"UPDATE board_visits SET projected_start = NULL, delay_id = NULL {query}",  # noqa: S608
            (delay_id, *_PENDING),
        )
