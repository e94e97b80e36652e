"""Commands and queries about delays: announce, revise, resolve, each with its impact."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from serviceplan.app.delay_notices import DelayNotices
from serviceplan.app.permissions import permitted
from serviceplan.app.visits import Visits
from serviceplan.domain import checks, detection
from serviceplan.domain.cascade import Impact, QueuedVisit, project
from serviceplan.domain.delay import MAX_MINUTES, Delay
from serviceplan.domain.detection import DelaySign
from serviceplan.domain.provider_day import ProviderDay
from serviceplan.domain.staff import Staff
from serviceplan.errors import DelayNotFound


class Delays(Visits, DelayNotices):
    """The delay commands of `ServicePlan`."""

    @permitted("announce-delay")
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
        found = self._find_day(checks.code(provider, "provider"), day)
        queue = self._queue(found)
        delay = Delay(
            provider=provider, day=day, late_from=late_from, minutes=minutes, reason=reason,
            impact=self._project(queue, late_from, minutes), at=self._now(now), by=by,
        )  # fmt: skip
        provider_day = found or ProviderDay(provider=provider, day=day)
        provider_day.add_delay(delay.id)
        told = self._tell_slipped(delay, delay.announced_at, by, _arrived(queue))
        self._save(delay, provider_day, *told)
        return delay.id

    @permitted("revise-delay")
    def revise_delay(
        self, delay_id: UUID, *, minutes: int, by: Staff, now: datetime | None = None
    ) -> None:
        """Record a new estimate; the impact is projected again from the day as it is now."""
        delay = self.get_delay(delay_id)
        checks.minutes(minutes, "delay", low=0, high=MAX_MINUTES)
        queue = self._queue(self._find_day(delay.provider, self.day_of(delay.late_from)))
        impact = self._project(queue, delay.late_from, minutes)
        at = self._now(now)
        delay.revise(minutes=minutes, impact=impact, at=at, by=by)
        self._save(delay, *self._tell_slipped(delay, at, by, _arrived(queue)))

    @permitted("resolve-delay")
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
        queue = self._queue(self._find_day(checks.code(provider, "provider"), day))
        return self._project(queue, late_from, minutes)

    def _queue(self, provider_day: ProviderDay | None) -> list[QueuedVisit]:
        """Return the visits still to happen on the provider's day (the day read once)."""
        return [
            QueuedVisit(v.id, v.patient_id, v.start, v.length, v.checked_in_at is not None)
            for v in self._visits_on(provider_day)
            if v.is_pending
        ]

    @staticmethod
    def _project(queue: list[QueuedVisit], late_from: datetime, minutes: int) -> Impact:
        """Project the delay over the queue."""
        return project(queue, checks.aware(late_from, "late from"), minutes)

    def open_delays(self, provider: str, day: date) -> list[Delay]:
        """Return the provider's unresolved delays on `day`, oldest first."""
        provider_day = self._find_day(checks.code(provider, "provider"), day)
        if provider_day is None:
            return []
        delays = self._load_many(Delay, provider_day.delay_ids, DelayNotFound)
        return [d for d in delays if not d.is_resolved]

    def detect_delay(
        self, provider: str, *, by: Staff, now: datetime | None = None
    ) -> DelaySign | None:
        """Look for signs the provider runs late; propose a delay, or announce it if configured.

        Nothing is proposed while the provider already has an open delay that day.
        """
        at = self._now(now)
        day = self.day_of(at)
        if self.open_delays(provider, day):
            return None
        sign = detection.detect(
            self.visits_of(provider, day), at,
            overrun_after=self.settings.overrun_minutes,
            first_visit_grace=self.settings.first_visit_grace_minutes,
        )  # fmt: skip
        if sign is not None and self.settings.announce_detected_delays:
            self.announce_delay(
                provider=provider, late_from=sign.late_from, minutes=sign.minutes,
                reason=f"detected: {sign.why}", by=by, now=at,
            )  # fmt: skip
        return sign


def _arrived(queue: list[QueuedVisit]) -> frozenset[UUID]:
    """Return the visits whose patient has checked in: they hear of a delay at the desk."""
    return frozenset(q.visit_id for q in queue if q.arrived)
