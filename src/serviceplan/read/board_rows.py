"""What the day board shows: a row per visit, the provider's delays, and the call list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs

from serviceplan.domain.notice_record import NoticeStatus
from serviceplan.domain.visit import VisitStatus
from serviceplan.read.follower import unstamp
from serviceplan.read.notice_outcomes import DROPPED, FAILED, Outcome
from serviceplan.read.opening_rows import BoardOpening


@attrs.frozen
class Notices:
    """What the clinic owed the patient about a visit, what got through, and when they were told.

    `owed` counts every notice about the visit except those dropped (a newer estimate replaced
    it, or the visit moved); `delivered` those a channel took; `failed` those given up for the
    desk to call about.
    """

    owed: int = 0
    delivered: int = 0
    failed: int = 0
    last_told_at: datetime | None = None
    maybe_twice: int = 0
    """Sent again after a try of unknown outcome (a crash): the patient may have had it twice."""

    @property
    def waiting(self) -> int:
        """How many are still to go out (not yet delivered, not given up)."""
        return self.owed - self.delivered - self.failed

    @property
    def told(self) -> str:
        """In brief for a board: delivered of owed, and how many failed ("1/2, 1 failed")."""
        if not self.owed:
            return ""
        failed = f", {self.failed} failed" if self.failed else ""
        twice = f", {self.maybe_twice} maybe twice" if self.maybe_twice else ""
        return f"{self.delivered}/{self.owed}{failed}{twice}"


def notices_by_visit(found: Iterable[Outcome]) -> dict[str, Notices]:
    """Sum up the outcomes of notices about visits, per visit."""
    by_visit: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in found:
        if outcome.visit_id is not None and outcome.outcome != DROPPED:
            by_visit[outcome.visit_id].append(outcome)
    return {visit: _notices(outcomes) for visit, outcomes in by_visit.items()}


def _notices(outcomes: list[Outcome]) -> Notices:
    told = [o.settled_at for o in outcomes if o.outcome == NoticeStatus.DELIVERED.value]
    return Notices(
        owed=len(outcomes),
        delivered=len(told),
        failed=sum(1 for o in outcomes if o.outcome == FAILED),
        last_told_at=max((t for t in told if t is not None), default=None),
        maybe_twice=sum(1 for o in outcomes if o.maybe_twice),
    )


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
    """The number to call, on the call list's rows only (looked up when the board is read)."""
    notices: Notices = Notices()
    choice: str | None = None
    filled_opening: str | None = None
    """The waitlist opening this visit filled (booked for a patient who took freed time)."""

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
        """Say whether the desk should call: booked, not yet here, and slipping or not reached.

        A notice given up (no channel took it, or the patient opted out) is the desk's to make.
        """
        slipping = self.delay_minutes > 0
        return self.status is VisitStatus.BOOKED and (slipping or self.notices.failed > 0)


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
    """One provider's day: the visits in booked order, the delays, and the waitlist's openings."""

    provider: str
    day: date
    rows: tuple[BoardRow, ...]
    delays: tuple[BoardDelay, ...] = ()
    openings: tuple[BoardOpening, ...] = ()
    """Freed times of the day offered to the waitlist, whatever became of them, earliest first."""

    @property
    def call_list(self) -> tuple[BoardRow, ...]:
        """Whom to call (about the delay, or a notice that did not reach them), earliest first."""
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


def row_from(values: dict[str, Any], notices: Notices) -> BoardRow:
    """Build a board row from a `board_visits` row (and the opening it filled) and its notices."""
    return BoardRow(
        visit_id=values["visit_id"], patient_id=values["patient_id"],
        visit_type=values["visit_type"],
        booked_start=datetime.fromisoformat(values["booked_start"]),
        length=values["length"], status=VisitStatus(values["status"]),
        projected_start=unstamp(values["projected_start"]), delay_id=values["delay_id"],
        checked_in_at=unstamp(values["checked_in_at"]), started_at=unstamp(values["started_at"]),
        completed_at=unstamp(values["completed_at"]), moved_from=values["moved_from"],
        moved_to=values["moved_to"], notices=notices,
        choice=values["choice"], filled_opening=values.get("filled_opening"),
    )  # fmt: skip


def delay_from(values: dict[str, Any]) -> BoardDelay:
    """Build a delay from a `board_delays` row."""
    return BoardDelay(
        delay_id=values["delay_id"], late_from=datetime.fromisoformat(values["late_from"]),
        minutes=values["minutes"], reason=values["reason"],
        announced_at=datetime.fromisoformat(values["announced_at"]),
        resolved_at=unstamp(values["resolved_at"]),
    )  # fmt: skip
