"""The Delay: a provider running late from a time, by an estimate, until it is resolved."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.domain.cascade import Impact
from serviceplan.errors import DelayAlreadyResolved, InvalidInput

if TYPE_CHECKING:
    from serviceplan.domain.staff import Staff

MAX_MINUTES = 24 * 60
MAX_REASON = 200


class Delay(Aggregate):
    """A provider's lateness and the visits it pushes back, revised as the estimate changes.

    Its own aggregate because an estimate and its impact change together, and a resolved delay
    is history: it is never revised again.
    """

    class Announced(Aggregate.Created):
        provider: str
        day: date
        late_from: datetime
        minutes: int
        reason: str
        impact: Impact
        at: datetime
        by: Staff

    class Revised(Aggregate.Event):
        minutes: int
        impact: Impact
        at: datetime
        by: Staff

    class Reprojected(Aggregate.Event):
        visit_id: UUID
        impact: Impact
        at: datetime
        by: Staff

    class Resolved(Aggregate.Event):
        at: datetime
        by: Staff

    @event(Announced)
    def __init__(  # noqa: PLR0913 (an announcement has this many facts)
        self,
        *,
        provider: str,
        day: date,
        late_from: datetime,
        minutes: int,
        reason: str,
        impact: Impact,
        at: datetime,
        by: Staff,
    ) -> None:
        del by
        self.provider = provider
        self.day = day
        self.late_from = late_from
        self.minutes = minutes
        self.reason = reason
        self.impact = impact
        self.announced_at = at
        self.resolved_at: datetime | None = None

    @classmethod
    def announce(  # noqa: PLR0913 (an announcement has this many facts)
        cls,
        *,
        provider: str,
        day: date,
        late_from: datetime,
        minutes: int,
        reason: str,
        impact: Impact,
        at: datetime,
        by: Staff,
    ) -> Delay:
        """Announce that `provider` runs `minutes` late from `late_from`, with its impact."""
        checks.code(provider, "provider")
        if not isinstance(day, date) or isinstance(day, datetime):
            raise InvalidInput("day must be a date")
        checks.aware(late_from, "late from")
        checks.minutes(minutes, "delay", high=MAX_MINUTES)
        _check_impact(impact)
        return cls(
            provider=provider, day=day, late_from=late_from, minutes=minutes,
            reason=checks.text(reason, "reason", max_length=MAX_REASON), impact=impact,
            at=checks.aware(at, "at"), by=checks.staff(by),
        )  # fmt: skip

    @property
    def is_resolved(self) -> bool:
        """Say whether the provider is back on time."""
        return self.resolved_at is not None

    def revise(self, minutes: int, impact: Impact, at: datetime, by: Staff) -> None:
        """Record a new estimate and the impact it has now."""
        self._check_open("revise")
        checks.minutes(minutes, "delay", low=0, high=MAX_MINUTES)
        _check_impact(impact)
        self._revised(
            minutes=minutes, impact=impact, at=checks.aware(at, "at"), by=checks.staff(by)
        )

    @event(Revised)
    def _revised(self, minutes: int, impact: Impact, at: datetime, by: Staff) -> None:
        del at, by
        self.minutes = minutes
        self.impact = impact

    def reproject(self, visit_id: UUID, impact: Impact, at: datetime, by: Staff) -> None:
        """Record the impact again, the estimate unchanged, after the provider's queue changed.

        `visit_id` is the visit whose change caused it: a patient who left the queue (the
        visits after theirs move up), or a time booked into it.
        """
        self._check_open("project again")
        _check_impact(impact)
        self._reprojected(
            visit_id=checks.an_id(visit_id, "visit id"), impact=impact,
            at=checks.aware(at, "at"), by=checks.staff(by),
        )  # fmt: skip

    @event(Reprojected)
    def _reprojected(self, visit_id: UUID, impact: Impact, at: datetime, by: Staff) -> None:
        del visit_id, at, by
        self.impact = impact

    def resolve(self, at: datetime, by: Staff) -> None:
        """Record that the provider is back on schedule."""
        self._check_open("resolve")
        self._resolved(at=checks.aware(at, "at"), by=checks.staff(by))

    @event(Resolved)
    def _resolved(self, at: datetime, by: Staff) -> None:
        del by
        self.resolved_at = at

    def _check_open(self, command: str) -> None:
        if self.resolved_at is not None:
            raise DelayAlreadyResolved("delay", "resolved", command)


def _check_impact(impact: object) -> None:
    if not isinstance(impact, Impact):
        raise InvalidInput("impact must be an Impact")
