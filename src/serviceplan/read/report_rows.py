"""The lines of the recovery report: causes, notices, the waitlist, offering kinds, the limit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from statistics import median

import attrs

from serviceplan.domain.money import Money
from serviceplan.domain.notice_record import NoticeStatus
from serviceplan.domain.opening import OpeningStatus
from serviceplan.read.notice_outcomes import DROPPED, FAILED, Outcome


def minutes(span: timedelta) -> int:
    """Return a span in whole minutes."""
    return int(span.total_seconds() // 60)


def _median_minutes(spans: Sequence[timedelta]) -> int | None:
    return int(median(minutes(s) for s in spans)) if spans else None


@attrs.frozen
class CauseLine:
    """Incidents opened in the range whose failed process was `cause`."""

    cause: str
    opened: int
    resolved: int
    resolved_in_time: int
    median_minutes_to_acknowledge: int | None
    median_minutes_to_resolve: int | None

    @property
    def share_in_time(self) -> float:
        """Share of the incidents resolved within the deadline (0 to 1)."""
        return self.resolved_in_time / self.opened if self.opened else 0.0

    @classmethod
    def of(
        cls,
        cause: str,
        incidents: Sequence[tuple[datetime, str | None, str | None]],
        within: timedelta,
    ) -> CauseLine:
        """Sum up incidents given as (opened, acknowledged, resolved) stamps."""
        to_ack = [datetime.fromisoformat(a) - o for o, a, _ in incidents if a is not None]
        to_resolve = [datetime.fromisoformat(r) - o for o, _, r in incidents if r is not None]
        return cls(
            cause=cause, opened=len(incidents), resolved=len(to_resolve),
            resolved_in_time=sum(1 for span in to_resolve if span <= within),
            median_minutes_to_acknowledge=_median_minutes(to_ack),
            median_minutes_to_resolve=_median_minutes(to_resolve),
        )  # fmt: skip


@attrs.frozen
class KindLine:
    """Offerings of one kind issued in the range, and what they were worth."""

    kind: str
    count: int
    total: Money


@attrs.frozen
class LimitLine:
    """A patient's offerings over the 12 months up to the end of the range, against the limit."""

    patient_id: str
    total: Money
    limit: Money

    @property
    def headroom(self) -> Money:
        """What may still be offered before the yearly limit."""
        return Money(max(self.limit.amount - self.total.amount, 0), self.limit.currency)


@attrs.frozen
class NoticeLine:
    """Notices requested in the range, by how they ended; those dropped are counted apart."""

    owed: int = 0
    delivered: int = 0
    failed: int = 0
    """Given up: no channel took it, it expired, or the patient could no longer be reached."""
    dropped: int = 0
    """Given up with nothing left to tell: a newer estimate replaced it, or its visit moved."""
    failed_tries: int = 0
    """Channel attempts that failed, whether or not a later try got through."""
    maybe_twice: int = 0
    """Sent again after a try of unknown outcome (a crash): the patient may have had it twice."""

    @property
    def waiting(self) -> int:
        """How many are still to go out."""
        return self.owed - self.delivered - self.failed

    @property
    def share_delivered(self) -> float:
        """Share of the notices owed that got through (0 to 1)."""
        return self.delivered / self.owed if self.owed else 0.0

    @classmethod
    def of(cls, outcomes: Sequence[Outcome]) -> NoticeLine:
        """Sum up notice outcomes."""
        ends = Counter(o.outcome for o in outcomes)
        return cls(
            owed=len(outcomes) - ends[DROPPED], delivered=ends[NoticeStatus.DELIVERED.value],
            failed=ends[FAILED], dropped=ends[DROPPED],
            failed_tries=sum(o.failures for o in outcomes),
            maybe_twice=sum(1 for o in outcomes if o.maybe_twice),
        )  # fmt: skip


@attrs.frozen
class WaitlistLine:
    """Time freed in the range and offered to the waitlist, and how much of it was filled.

    An opening counts in the range of the day it was opened (the day the time freed up).
    """

    openings: int = 0
    freed_minutes: int = 0
    offered_minutes: int = 0
    """Minutes of the openings that went out to at least one patient."""
    filled_minutes: int = 0
    filled: int = 0
    """How many openings were filled: booked for a patient who said yes."""
    closed: int = 0
    """How many were offered no more: nobody took them in time, or the desk withdrew them."""
    median_minutes_to_fill: int | None = None
    """From the time freeing up to the patient booked, the median of the openings filled."""

    @property
    def fill_rate(self) -> float | None:
        """Share of the minutes freed that were filled (0 to 1); None when none were freed."""
        return self.filled_minutes / self.freed_minutes if self.freed_minutes else None

    @classmethod
    def of(cls, openings: Sequence[tuple[int, str, bool, timedelta | None]]) -> WaitlistLine:
        """Sum up openings given as (length, status, offered, opened to filled)."""
        to_fill = [span for _, _, _, span in openings if span is not None]
        statuses = Counter(status for _, status, _, _ in openings)
        return cls(
            openings=len(openings), freed_minutes=sum(n for n, *_ in openings),
            offered_minutes=sum(n for n, _, offered, _ in openings if offered),
            filled_minutes=sum(n for n, *_, span in openings if span is not None),
            filled=len(to_fill), closed=statuses[OpeningStatus.CLOSED.value],
            median_minutes_to_fill=_median_minutes(to_fill),
        )  # fmt: skip


@attrs.frozen
class RecoveryReport:
    """How the clinic recovered from patient problems between two days (both included)."""

    first: date
    last: date
    causes: tuple[CauseLine, ...]
    offerings: tuple[KindLine, ...]
    nearest_limit: tuple[LimitLine, ...]
    resolve_within: timedelta
    yearly_limit: Money
    notices: NoticeLine = NoticeLine()
    waitlist: WaitlistLine = WaitlistLine()

    @property
    def incidents(self) -> int:
        """How many incidents were opened in the range."""
        return sum(line.opened for line in self.causes)
