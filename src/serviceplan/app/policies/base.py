"""A policy: whenever the log records one of its events, do what follows, once.

Each policy keeps its position in the store's tracking table and saves what it records for an
event in the same transaction as that position, so a crash between the two loses nothing and
repeats nothing. Two processes running one policy race at most for one event: the first to save
wins, and the other, finding the position taken, goes on. A policy that calls a plugin (the
scheduler, the inventory) may call it again for the same event after a crash: those hooks are
idempotent by their contract (the same booking, the same offering id).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.persistence import Notification, Tracking
from eventsourcing.utils import get_topic

from serviceplan.domain.staff import SYSTEM, Staff
from serviceplan.errors import ConcurrentUpdate

if TYPE_CHECKING:
    from serviceplan.app.plan import Plan

RACES = 5
"""How often a policy tries one event again after losing a race for a record it changes."""
BATCH = 100
FOLLOWER = Staff("serviceplan", SYSTEM)
"""Who records what a policy did on its own (a move the scheduler refused, say)."""

log = logging.getLogger("serviceplan.following")


class Policy:
    """Acts on the events of `follows`, each once, in the order they were recorded."""

    name: ClassVar[str]
    follows: ClassVar[Sequence[type]]

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.position_name = f"{plan.name}.{self.name}"
        self.topics = frozenset(get_topic(cls) for cls in self.follows)
        self.scanned = 0
        """How far this process has read the log and found nothing more to act on (not kept:
        the position is only saved with what the policy records, so without this a policy whose
        events are rare would read the log again from its last one at every catch-up)."""

    @property
    def position(self) -> int:
        """The position of the last event the policy acted on."""
        return self.plan.recorder.max_tracking_id(self.position_name) or 0

    def catch_up(self, now: datetime) -> int:
        """Act on every event of the policy's topics recorded since its position."""
        last = self.plan.recorder.max_notification_id() or 0
        acted = 0
        for notification in self._new(max(self.position, self.scanned)):
            self._act_once(notification, now)
            acted += 1
        self.scanned = max(self.scanned, last)  # every event up to `last` was acted on
        return acted

    def act(self, event: Any, now: datetime) -> list[Any]:  # noqa: ANN401 (an event of `follows`)
        """Do what follows `event`; return the aggregates holding what to record of it."""
        raise NotImplementedError

    def _act_once(self, notification: Notification, now: datetime) -> None:
        tracking = Tracking(self.position_name, notification.id)
        for _ in range(RACES):
            event = self.plan.mapper.to_domain_event(notification)
            try:
                self.plan.record_following(tracking, *self.act(event, now))
            except ConcurrentUpdate:
                if self.position >= notification.id:
                    log.info(
                        "%s: another process acted on event %d first", self.name, notification.id
                    )
                    return
                continue
            return
        msg = f"{self.name}: the records event {notification.id} changes kept changing"
        raise ConcurrentUpdate(msg)

    def _new(self, after: int) -> Iterator[Notification]:
        position = after
        while batch := self.plan.recorder.select_notifications(
            position, BATCH, topics=sorted(self.topics), inclusive_of_start=False
        ):
            yield from batch
            position = batch[-1].id
