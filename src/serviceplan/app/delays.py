"""Commands and queries about delays: announce, revise, resolve, each with its impact."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from serviceplan.app.visits import Visits
from serviceplan.domain import checks
from serviceplan.domain.cascade import Impact, QueuedVisit, project
from serviceplan.domain.delay import MAX_MINUTES, Delay
from serviceplan.domain.staff import Staff
from serviceplan.errors import DelayNotFound


class Delays(Visits):
    """The delay commands of `ServicePlan`."""

    def announce_delay(  # noqa: PLR0913 (an announcement has this many facts)
        self,
        *,
        provider: str,
        late_from: datetime,
        minutes: int,
        reason: str,
        by: Staff,
        now: datetime | None = None,
    ) -> UUID:
        """Announce that `provider` is `minutes` late from `late_from`; the impact is recorded."""
        checks.minutes(minutes, "delay", high=MAX_MINUTES)
        day = self.day_of(late_from)
        delay = Delay(
            provider=provider, day=day, late_from=late_from, minutes=minutes, reason=reason,
            impact=self.impact_of(provider, late_from, minutes), at=self._now(now), by=by,
        )  # fmt: skip
        self._save(delay)
        return delay.id

    def revise_delay(
        self, delay_id: UUID, *, minutes: int, by: Staff, now: datetime | None = None
    ) -> None:
        """Record a new estimate; the impact is projected again from the day as it is now."""
        delay = self.get_delay(delay_id)
        checks.minutes(minutes, "delay", low=0, high=MAX_MINUTES)
        impact = self.impact_of(delay.provider, delay.late_from, minutes)
        delay.revise(minutes=minutes, impact=impact, at=self._now(now), by=by)
        self._save(delay)

    def resolve_delay(self, delay_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record that the provider is back on schedule."""
        delay = self.get_delay(delay_id)
        delay.resolve(at=self._now(now), by=by)
        self._save(delay)

    def get_delay(self, delay_id: UUID) -> Delay:
        """Return the delay as recorded now."""
        return self._load(Delay, delay_id, DelayNotFound)

    def impact_of(self, provider: str, late_from: datetime, minutes: int) -> Impact:
        """Project which of the provider's pending visits slip, and to when."""
        day = self.day_of(late_from)
        queue = [
            QueuedVisit(v.id, v.patient_id, v.start, v.length)
            for v in self.visits_of(provider, day)
            if v.is_pending
        ]
        return project(queue, checks.aware(late_from, "late from"), minutes)
