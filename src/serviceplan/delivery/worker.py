"""The delivery follower: it reads the event log after the save and sends what is owed.

Each pass first lets the plan's policies catch up (a delay's notices are owed by one), then
keeps two positions in the store's tracking table:
- requests: each `NoticeRecord.Requested` (or `Adopted`) is tried once, and the outcome events
  are written in the same transaction as the position, so a crash never skips a request nor
  records it twice;
- retries: a low-water mark below which every `NoticeRecord.RetryScheduled` is settled. Retries
  not yet due hold the mark; retries already handled are recognised from the notice's record.
Each attempt is saved before the channel is called. A crash after that leaves the notice in doubt
on its record; tried again, the channel looks the key up at its peer if it can, or the notice is
sent again (the same idempotency key, which a channel that can carries to its peer) and the
record says the patient may have it twice (`NoticeRecord.maybe_twice`).

Several workers may follow one store (in several processes, or machines with PostgreSQL): each
pass holds the store's delivery lease (`serviceplan.delivery.lease`), so they take turns and no
two hand a channel the same notice at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification, Tracking
from eventsourcing.utils import get_topic

from serviceplan.app.service_plan import ServicePlan
from serviceplan.delivery.attempt import Attempt, Tally
from serviceplan.delivery.lease import Lease, lease_for
from serviceplan.delivery.settings import DeliverySettings, delivery_settings
from serviceplan.domain import checks
from serviceplan.domain.notice import Receipt
from serviceplan.domain.notice_record import NoticeRecord
from serviceplan.errors import ConcurrentUpdate, NoticeNotFound
from serviceplan.passes import Pacing, pass_after_pass

RACES = 5
"""How often a save lost to another writer of the same notice is tried again."""

log = logging.getLogger("serviceplan.delivery")


class DeliveryWorker:
    """Delivers the notices owed in one application's store; more than one take turns."""

    def __init__(
        self,
        plan: ServicePlan,
        settings: DeliverySettings | None = None,
        *,
        lease: Lease | None = None,
    ) -> None:
        self.plan = plan
        self.settings = settings or delivery_settings(plan.config)
        """How to send: as given, else as the plan's configuration says, else the defaults."""
        self.lease = lease_for(plan) if lease is None else lease
        self.requests_position = f"{plan.name}.notice-requests"
        self.retries_position = f"{plan.name}.notice-retries"
        self.requested_topics = [get_topic(NoticeRecord.Requested), get_topic(NoticeRecord.Adopted)]
        """The events that owe a notice: the worker tries each once, in order."""
        self._rescheduled = [get_topic(NoticeRecord.RetryScheduled)]

    def run_once(self, now: datetime | None = None) -> Tally:
        """Try every new request, then every retry that is due; return what was done.

        While another worker of the store is on its pass this one does nothing (an empty tally).
        """
        at = checks.aware(self.plan.clock() if now is None else now, "now")
        tally = Tally()
        if not self.lease.acquire():
            log.debug("another delivery worker is on its pass; this one waits for the next")
            return tally
        try:
            self.plan.follow(at)
            self.follow_requests(at, tally)
            self.retry_due(at, tally)
        finally:
            self.lease.release()
        return tally

    def run(
        self,
        stop: threading.Event,
        *,
        every: float = 30.0,
        after_pass: Callable[[Tally], None] | None = None,
        give_up_after: int = 0,
        max_wait: float = 300.0,
    ) -> None:
        """Pass over the log every `every` seconds until `stop` is set.

        A failed pass is logged with its reason and tried again after a pause that doubles up to
        `max_wait` seconds; after `give_up_after` failed passes in a row (0: never) it raises
        `FollowerGaveUp`. `after_pass` is told each pass's tally (a command line prints it).
        """
        pacing = Pacing(every, give_up_after, max_wait)
        try:
            pass_after_pass(self.run_once, stop, pacing, name="delivery", after_pass=after_pass)
        finally:
            self.close()

    def close(self) -> None:
        """Give back the delivery lease and what it holds on to (a lock file, a connection)."""
        self.lease.close()

    def follow_requests(self, now: datetime, tally: Tally) -> None:
        """Try each request after the saved position, saving the position with the outcome."""
        start = self.plan.recorder.max_tracking_id(self.requests_position) or 0
        for notification in self._read(start, self.requested_topics):
            tracking = Tracking(self.requests_position, notification.id)
            self._handle(UUID(str(notification.originator_id)), now, tally, tracking)

    def retry_due(self, now: datetime, tally: Tally) -> None:
        """Try each scheduled retry that is due, then raise the low-water mark as far as settled."""
        start = self.plan.recorder.max_tracking_id(self.retries_position) or 0
        position, hold = start, None
        for notification in self._read(start, self._rescheduled):
            event: Any = self.plan.mapper.to_domain_event(notification)
            record = self._record(event.originator_id)
            if record.is_owed and record.due == event.due:
                if event.due <= now:
                    self._handle(event.originator_id, now, tally, None)
                elif hold is None:
                    hold = notification.id
            position = notification.id
        mark = position if hold is None else hold - 1
        if mark > start:
            try:
                self.plan.recorder.insert_tracking(Tracking(self.retries_position, mark))
            except IntegrityError:
                log.info("another delivery worker moved the retry mark first")

    def _read(self, start: int, topics: list[str]) -> Iterator[Notification]:
        position = start
        while batch := self.plan.recorder.select_notifications(
            position, self.settings.batch_size, topics=topics, inclusive_of_start=False
        ):
            yield from batch
            position = batch[-1].id

    def _record(self, record_id: UUID) -> NoticeRecord:
        return self.plan.load(NoticeRecord, record_id, NoticeNotFound)

    def _handle(
        self, record_id: UUID, now: datetime, tally: Tally, tracking: Tracking | None
    ) -> None:
        """Attempt one notice and save the outcome; a lost race loads its record again."""
        receipt: Receipt | None = None
        for _ in range(RACES):
            done = Tally()
            attempt = Attempt(self.plan, self.settings, done, self._save_now)
            record = self._record(record_id)
            try:
                if record.is_owed:
                    if receipt is None:
                        receipt = attempt.run(record, now)
                    else:
                        attempt.record_receipt(record, receipt, now)
                self.plan.events.put(record.collect_events(), tracking=tracking)
            except IntegrityError:
                if tracking is not None and self._passed(tracking):
                    return
                continue
            tally.add(done)
            return
        msg = f"notice record {record_id} kept changing; it will be tried again"
        raise ConcurrentUpdate(msg)

    def _save_now(self, record: NoticeRecord) -> None:
        """Save the record's new events at once (its attempt, before the channel is called)."""
        self.plan.events.put(record.collect_events())

    def _passed(self, tracking: Tracking) -> bool:
        done = self.plan.recorder.max_tracking_id(tracking.application_name) or 0
        return done >= tracking.notification_id
