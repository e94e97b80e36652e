"""What the day board shows: a row per visit, the provider's delays, and the call list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs

from serviceplan.domain.visit import VisitStatus
from serviceplan.read.follower import unstamp

NOTICE_OUTCOMES = ("owed", "delivered", "failed")


@attrs.frozen
class Notices:
    """How many notices about a visit are owed, delivered, failed; when the last got through."""

    owed: int = 0
    delivered: int = 0
    failed: int = 0
    last_told_at: datetime | None = None


@attrs.frozen
class BoardRow:
    """One visit on the board: booked and projected start, its status, what the patient heard."""

    visit_id: str
    patient_id: str
    visit_type: str
    booked_start: datetime
    length: int
    status: VisitStatus
    projected_start: datetime | None = None
    delay_id: str | None = None
    checked_in_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    moved_from: str | None = None
    moved_to: str | None = None
    phone: str | None = None
    notices: Notices = Notices()
    choice: str | None = None

    @property
    def expected_start(self) -> datetime:
        """When the visit is expected to start now: projected if it slips, else as booked."""
        return self.projected_start or self.booked_start

    @property
    def delay_minutes(self) -> int:
        """How many minutes the visit slips (0 when it does not)."""
        slip = self.expected_start - self.booked_start
        return max(0, int(slip.total_seconds() // 60))

    @property
    def to_call(self) -> bool:
        """Say whether the desk should call: booked, not yet here, and slipping."""
        return self.status is VisitStatus.BOOKED and self.delay_minutes > 0


@attrs.frozen
class BoardDelay:
    """A delay of the provider on the day, as last estimated."""

    delay_id: str
    late_from: datetime
    minutes: int
    reason: str
    announced_at: datetime
    resolved_at: datetime | None = None


@attrs.frozen
class ProviderBoard:
    """One provider's day: the visits in booked order and the delays."""

    provider: str
    day: date
    rows: tuple[BoardRow, ...]
    delays: tuple[BoardDelay, ...] = ()

    @property
    def call_list(self) -> tuple[BoardRow, ...]:
        """The patients to call about the delay, earliest expected start first."""
        return tuple(sorted((r for r in self.rows if r.to_call), key=lambda r: r.expected_start))

    @property
    def has_begun(self) -> bool:
        """Say whether any visit of the day has started or been marked as missed."""
        return any(r.started_at or r.status is VisitStatus.NO_SHOW for r in self.rows)

    @property
    def current_delay(self) -> BoardDelay | None:
        """The latest delay not yet resolved, if any."""
        open_delays = [d for d in self.delays if d.resolved_at is None]
        return open_delays[-1] if open_delays else None


def row_from(values: dict[str, Any]) -> BoardRow:
    """Build a board row from a `board_visits` row (joined with the patient's phone)."""
    notices = Notices(
        values["notices_owed"],
        values["notices_delivered"],
        values["notices_failed"],
        unstamp(values["last_told_at"]),
    )
    return BoardRow(
        visit_id=values["visit_id"], patient_id=values["patient_id"],
        visit_type=values["visit_type"],
        booked_start=datetime.fromisoformat(values["booked_start"]),
        length=values["length"], status=VisitStatus(values["status"]),
        projected_start=unstamp(values["projected_start"]), delay_id=values["delay_id"],
        checked_in_at=unstamp(values["checked_in_at"]), started_at=unstamp(values["started_at"]),
        completed_at=unstamp(values["completed_at"]), moved_from=values["moved_from"],
        moved_to=values["moved_to"], phone=values["phone"], notices=notices,
        choice=values["choice"],
    )  # fmt: skip


def delay_from(values: dict[str, Any]) -> BoardDelay:
    """Build a delay from a `board_delays` row."""
    return BoardDelay(
        delay_id=values["delay_id"], late_from=datetime.fromisoformat(values["late_from"]),
        minutes=values["minutes"], reason=values["reason"],
        announced_at=datetime.fromisoformat(values["announced_at"]),
        resolved_at=unstamp(values["resolved_at"]),
    )  # fmt: skip
