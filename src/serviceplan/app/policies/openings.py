"""Freed time becomes an opening: a cancellation, a move, a patient who leaves a delayed queue.

Whenever a visit still to come is cancelled or moved, or its patient chooses to come later or on
another day during a delay, its time is opened for the waitlist (`Opening.Opened`), unless it is
too close to its start (`OfferRules.last_call`), is open already, or nobody on the list could
take it. Time freed from a delayed queue follows the clinic's rule (`OfferRules.delayed_time`):
offered (to the delayed patients first, or to the list), or left for the provider to catch up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from serviceplan.app.policies.base import FOLLOWER, Policy
from serviceplan.domain.delay import Delay
from serviceplan.domain.offer_rounds import DelayedTime, too_late
from serviceplan.domain.opening import Opening, opening_id_for
from serviceplan.domain.visit import LEAVES_QUEUE, Visit
from serviceplan.domain.waitlist import FreeTime
from serviceplan.errors import DelayNotFound, VisitNotFound

CANCELLED, MOVED, LEFT_DELAY, REPORTED = "cancelled", "moved", "left-delay", "reported"
"""Where an opening's time came from."""


class FreedTime(Policy):
    """Opens the time a visit frees for the waitlist."""

    name = "openings"
    follows = (Visit.Cancelled, Visit.Rescheduled, Visit.ChoiceRecorded)

    def act(self, event: Any, now: datetime) -> list[Any]:  # noqa: ANN401 (one of `follows`)
        """Open the visit's time, when it is worth offering."""
        visit = self.plan.load(Visit, event.originator_id, VisitNotFound)
        source, delay_id = self._source(event, visit)
        if source is None:
            return []
        time = FreeTime(visit.provider, visit.start, visit.length, visit.visit_type)
        if not self._worth_opening(time, now):
            return []
        opening = Opening.open(
            time=time, source=source, at=now, by=FOLLOWER, visit_id=visit.id, delay_id=delay_id,
            opening_id=opening_id_for(visit.id, event.originator_version),
        )  # fmt: skip
        return [opening]

    def _source(self, event: Any, visit: Visit) -> tuple[str | None, UUID | None]:  # noqa: ANN401
        """Say where the time came from (None: it is not freed) and the delay it left."""
        if isinstance(event, Visit.Cancelled):
            return CANCELLED, None
        if isinstance(event, Visit.Rescheduled):
            return MOVED, None
        rule = self.plan.settings.offers.delayed_time
        if event.choice not in LEAVES_QUEUE or rule is DelayedTime.NOBODY or not visit.is_pending:
            return None, None
        delay = self.plan.load(Delay, event.delay_id, DelayNotFound)
        queued = not delay.is_resolved and visit.start >= delay.late_from  # in the delayed queue
        return LEFT_DELAY, delay.id if queued else None

    def _worth_opening(self, time: FreeTime, now: datetime) -> bool:
        """Say whether the time is far enough ahead, not open yet, and of use to someone listed."""
        index, day = self.plan.waitlist, self.plan.day_of(time.start)
        return (
            not too_late(time, now, self.plan.settings.offers)
            and index.opening_at(time.provider, time.start) is None
            and bool(index.entries_for(time.visit_type, day, time.provider))
        )
