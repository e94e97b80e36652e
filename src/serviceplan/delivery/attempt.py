"""One delivery attempt: decide, call each channel in its own `try`, record every outcome.

Before a notice is handed to a channel, the attempt is saved (`NoticeRecord.Attempted`), so a
crash between handing it over and recording the outcome leaves the notice *in doubt*, never
forgotten. Tried again, a notice in doubt is first looked up at the channel's peer when the
channel can (`serviceplan_look_up_notice`); otherwise it is sent again and the record says the
patient may have it twice. A channel that times out may have sent it too: the notice is tried
again on that channel alone, never failed over to another. The outcome events are left unsaved
on the record; the follower saves them, with its position in the log when it has one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

import attrs

from serviceplan.app.service_plan import ServicePlan
from serviceplan.delivery import rules, text
from serviceplan.delivery.appointment import appointment
from serviceplan.delivery.settings import DeliverySettings
from serviceplan.delivery.timeout import ChannelTimeout, call_with_timeout
from serviceplan.domain.notice import AHEAD_OF_VISIT, ESTIMATES, NoticeKind, Receipt
from serviceplan.domain.notice_record import Doubt, NoticeRecord, NoticeStatus
from serviceplan.domain.opening import Opening
from serviceplan.domain.patient import Patient
from serviceplan.domain.staff import SYSTEM, Staff
from serviceplan.domain.visit import Visit
from serviceplan.plugins.calls import plugin_label
from serviceplan.plugins.records import Envelope

WORKER = Staff("delivery", SYSTEM)
OWN_FAULT = "serviceplan"
MAX_ERROR = 200
LIMITS_LOOK_BACK = timedelta(days=8)

log = logging.getLogger("serviceplan.delivery")


@attrs.define
class Tally:
    """What one pass did, for the log and for tests."""

    delivered: int = 0
    failed: int = 0
    waiting: int = 0
    given_up: int = 0
    """Handed to the desk: expired, unreachable, or no channel took it."""
    dropped: int = 0
    """Given up with nothing left to tell: a newer estimate replaced it, or its visit moved."""

    def add(self, other: Tally) -> None:
        """Count `other`'s outcomes in this tally too."""
        self.delivered += other.delivered
        self.failed += other.failed
        self.waiting += other.waiting
        self.given_up += other.given_up
        self.dropped += other.dropped


def error_text(error: BaseException) -> str:
    """Describe a failure in one short line: its type and the start of its message."""
    return f"{type(error).__name__}: {error}".strip().removesuffix(":")[:MAX_ERROR]


Save = Callable[[NoticeRecord], None]
"""Saves the record's new events at once: the attempt is on the record before the send."""


class Attempt:
    """Tries one owed notice at `now`, adding the outcome events to its record."""

    def __init__(
        self, plan: ServicePlan, settings: DeliverySettings, tally: Tally, save: Save
    ) -> None:
        self.plan = plan
        self.settings = settings
        self.tally = tally
        self.save = save
        self._visits: dict[UUID, Visit] = {}

    def run(self, record: NoticeRecord, now: datetime) -> Receipt | None:
        """Act on the notice as the rules decide; return the receipt if a channel took it."""
        patient = self.plan.get_patient(record.patient_id)
        zone = self.plan.settings.timezone
        decision = rules.decide(record, self._facts(patient, record, now), now, zone, self.settings)
        if isinstance(decision, rules.GiveUp):
            self._give_up(record, decision.reason, now, dropped=decision.dropped)
        elif isinstance(decision, rules.Wait):
            record.schedule_retry(decision.until, decision.reason, now, WORKER)
            self.tally.waiting += 1
        else:
            return self._send(patient, record, now)
        return None

    def _facts(self, patient: Patient, record: NoticeRecord, now: datetime) -> rules.Facts:
        """Read what the decision rests on: reach, the visit, a newer estimate, what was sent."""
        notice = record.notice
        visit = None
        if notice.visit_id is not None and notice.kind in AHEAD_OF_VISIT:
            visit = self._visit(notice.visit_id).status
        index = self.plan.notice_index
        replaced = notice.kind in ESTIMATES and index.replaced(record.key)
        sent = []
        if notice.channel in self.settings.automated:
            since = now - LIMITS_LOOK_BACK
            sent = index.delivered_since(patient.id, self.settings.automated, since)
        reachable = patient.can_reach(notice.channel)
        return rules.Facts(reachable, visit, replaced, sent, self._offer_gone(record))

    def _offer_gone(self, record: NoticeRecord) -> bool:
        """Say whether an offer's time was taken or is offered no more (other kinds: False)."""
        if record.notice.kind is not NoticeKind.OFFER or record.follows is None:
            return False
        opening = self.plan.find(record.follows)
        return not isinstance(opening, Opening) or not opening.is_offering

    def _visit(self, visit_id: UUID) -> Visit:
        """Return the notice's visit, read once for the rules and the envelope both."""
        if visit_id not in self._visits:
            self._visits[visit_id] = self.plan.get_visit(visit_id)
        return self._visits[visit_id]

    def record_receipt(self, record: NoticeRecord, receipt: Receipt, now: datetime) -> None:
        """Record a delivery (also one a channel confirmed before a lost race to save it)."""
        record.record_delivery(receipt, now, WORKER)
        self.tally.delivered += 1
        log.info("notice %s delivered via %s", receipt.key, receipt.via)

    def _send(self, patient: Patient, record: NoticeRecord, now: datetime) -> Receipt | None:
        channel = record.notice.channel
        try:
            envelope = self._envelope(patient, record)
            names = self._channels(record)
        except Exception as error:  # noqa: BLE001 (recorded as the attempt's failure)
            self._failed(record, [(OWN_FAULT, error_text(error))], now)
            return None
        if not names:
            self._give_up(record, f"no channel installed for {channel.value}", now)
            return None
        last = ""
        for name in names:
            doubt = self._doubt(record, name, now)
            if record.status is not NoticeStatus.OWED:
                return record.receipt  # the peer had it: recorded as delivered, nothing sent
            via = plugin_label(name)
            record.attempt(via, doubt, now, WORKER)
            self.save(record)
            try:
                deliver = partial(self.plan.plugins.deliver_notice, name, envelope)
                receipt = call_with_timeout(deliver, self.settings.timeout_seconds)
            except ChannelTimeout:
                self._timed_out(record, via, now)
                return None
            except Exception as error:  # noqa: BLE001 (each channel in its own try)
                self._record_failures(record, [(via, error_text(error))], now)
                last = error_text(error).split(":", 1)[0]
                continue
            self.record_receipt(record, receipt, now)
            return receipt
        self._retry_or_desk(record, last, now)
        return None

    def _channels(self, record: NoticeRecord) -> list[str]:
        """Return the plugins to try: the one that may have sent it, else all, in order."""
        names = self.plan.plugins.deliverers(record.notice.channel, self.settings.channel_order)
        held = record.pinned or record.attempting
        if held is None:
            return names
        return [n for n in names if plugin_label(n) == held]

    def _doubt(self, record: NoticeRecord, name: str, now: datetime) -> Doubt:
        """Settle a try of unknown outcome: look the key up at the peer, if the channel can.

        A receipt found is recorded as the delivery; the record then is no longer owed. A look-up
        that raises (the peer's history unreachable, look-ups turned off) cannot tell: the notice
        is sent again and marked maybe twice, and the pass goes on.
        """
        if not record.in_doubt:
            return Doubt.NONE
        if not self.plan.plugins.can_look_up(name):
            log.warning("notice %s: sent again on %s, which cannot look it up", record.key, name)
            return Doubt.UNKNOWN
        try:
            found = self.plan.plugins.look_up_notice(name, record.key)
        except Exception as error:  # noqa: BLE001 (the peer cannot tell now: as if it never could)
            kind = type(error).__name__
            log.warning("notice %s: %s could not look it up (%s)", record.key, name, kind)
            return Doubt.UNKNOWN
        if found is not None:
            self.record_receipt(record, found, now)
            return Doubt.NONE
        return Doubt.NOT_SENT

    def _timed_out(self, record: NoticeRecord, via: str, now: datetime) -> None:
        """Record a time-out: tried again on that channel alone, or handed to the desk."""
        record.record_time_out(via, self.settings.timeout_seconds, now, WORKER)
        self.tally.failed += 1
        log.warning("notice %s: %s gave no answer in time; it may have sent", record.key, via)
        self._retry_or_desk(record, "ChannelTimeout", now)

    def _envelope(self, patient: Patient, record: NoticeRecord) -> Envelope:
        notice = record.notice
        preparation, entry = None, None
        if notice.visit_id is not None and notice.channel in text.DETAILED:
            visit = self._visit(notice.visit_id)
            preparation = self.plan.plugins.preparation(visit.visit_type, patient.language)
            entry = appointment(self.plan, visit)
        words = text.compose(notice, self.settings, self.plan.settings.timezone, preparation)
        return Envelope(notice, text.address(patient, notice.channel), words, entry)

    def _record_failures(
        self, record: NoticeRecord, failures: list[tuple[str, str]], now: datetime
    ) -> None:
        for via, error in failures:
            record.record_failure(via, error, now, WORKER)
            self.tally.failed += 1
            log.warning("notice %s: %s failed (%s)", record.key, via, error.split(":", 1)[0])

    def _failed(self, record: NoticeRecord, failures: list[tuple[str, str]], now: datetime) -> None:
        """Record the failures, then a retry with backoff, or hand the notice to the desk."""
        self._record_failures(record, failures, now)
        self._retry_or_desk(record, failures[-1][1].split(":", 1)[0], now)

    def _retry_or_desk(self, record: NoticeRecord, last: str, now: datetime) -> None:
        count = record.failures
        if count >= self.settings.tries:
            self._give_up(record, f"no channel took it in {count} tries (last: {last})", now)
            return
        due = now + timedelta(minutes=self.settings.backoff(count))
        record.schedule_retry(due, "retry after a failure", now, WORKER)
        self.tally.waiting += 1

    def _give_up(
        self, record: NoticeRecord, reason: str, now: datetime, *, dropped: bool = False
    ) -> None:
        record.give_up(reason, now, WORKER)
        if dropped:
            self.tally.dropped += 1
            log.info("notice %s given up: %s", record.key, reason)
            return
        self.tally.given_up += 1
        log.warning("notice %s given up: %s", record.key, reason)
