"""One delivery attempt: decide, call each channel in its own `try`, record every outcome.

The outcome events are collected on the patient and returned unsaved; the follower saves them,
with its position in the log when it has one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

import attrs

from serviceplan.app.service_plan import ServicePlan
from serviceplan.delivery import rules, text
from serviceplan.delivery.appointment import appointment
from serviceplan.delivery.settings import DeliverySettings
from serviceplan.delivery.timeout import call_with_timeout
from serviceplan.domain.notice import AHEAD_OF_VISIT, Receipt
from serviceplan.domain.notice_record import NoticeRecord
from serviceplan.domain.patient import Patient
from serviceplan.domain.staff import SYSTEM, Staff
from serviceplan.domain.visit import Visit, VisitStatus
from serviceplan.plugins.calls import plugin_label
from serviceplan.plugins.records import Envelope

WORKER = Staff("delivery", SYSTEM)
OWN_FAULT = "serviceplan"
MAX_ERROR = 200

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


class Attempt:
    """Tries one owed notice of one patient at `now`, adding the outcome events to the patient."""

    def __init__(self, plan: ServicePlan, settings: DeliverySettings, tally: Tally) -> None:
        self.plan = plan
        self.settings = settings
        self.tally = tally
        self._visits: dict[UUID, Visit] = {}

    def run(self, patient: Patient, record: NoticeRecord, now: datetime) -> Receipt | None:
        """Act on the notice as the rules decide; return the receipt if a channel took it."""
        key = record.key
        zone, visit = self.plan.settings.timezone, self._visit_status(record)
        decision = rules.decide(patient, record, now, zone, self.settings, visit=visit)
        if isinstance(decision, rules.GiveUp):
            self._give_up(patient, key, decision.reason, now, dropped=decision.dropped)
        elif isinstance(decision, rules.Wait):
            patient.schedule_notice(key, decision.until, decision.reason, now, WORKER)
            self.tally.waiting += 1
        else:
            return self._send(patient, record, now)
        return None

    def _visit_status(self, record: NoticeRecord) -> VisitStatus | None:
        """Return the status of the visit a notice ahead of it is about (None for the others)."""
        notice = record.notice
        if notice.visit_id is None or notice.kind not in AHEAD_OF_VISIT:
            return None
        return self._visit(notice.visit_id).status

    def _visit(self, visit_id: UUID) -> Visit:
        """Return the notice's visit, read once for the rules and the envelope both."""
        if visit_id not in self._visits:
            self._visits[visit_id] = self.plan.get_visit(visit_id)
        return self._visits[visit_id]

    def record_receipt(self, patient: Patient, receipt: Receipt, now: datetime) -> None:
        """Record a delivery (also one a channel confirmed before a lost race to save it)."""
        patient.record_delivery(receipt, now, WORKER)
        self.tally.delivered += 1
        log.info("notice %s delivered via %s", receipt.key, receipt.via)

    def _send(self, patient: Patient, record: NoticeRecord, now: datetime) -> Receipt | None:
        try:
            envelope = self._envelope(patient, record)
            names = self.plan.plugins.deliverers(record.notice.channel)
        except Exception as error:  # noqa: BLE001 (recorded as the attempt's failure)
            self._failed(patient, record, [(OWN_FAULT, error_text(error))], now)
            return None
        if not names:  # nothing could ever send it: the desk takes it over at once
            reason = f"no channel installed for {record.notice.channel.value}"
            self._give_up(patient, record.key, reason, now)
            return None
        failures: list[tuple[str, str]] = []
        for name in names:
            try:
                deliver = partial(self.plan.plugins.deliver_notice, name, envelope)
                receipt = call_with_timeout(deliver, self.settings.timeout_seconds)
            except Exception as error:  # noqa: BLE001 (each channel in its own try)
                failures.append((plugin_label(name), error_text(error)))
                continue
            self._record_failures(patient, record.key, failures, now)
            self.record_receipt(patient, receipt, now)
            return receipt
        self._failed(patient, record, failures, now)
        return None

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
        self, patient: Patient, key: str, failures: list[tuple[str, str]], now: datetime
    ) -> None:
        for via, error in failures:
            patient.record_failure(key, via, error, now, WORKER)
            self.tally.failed += 1
            log.warning("notice %s: %s failed (%s)", key, via, error.split(":", 1)[0])

    def _failed(
        self, patient: Patient, record: NoticeRecord, failures: list[tuple[str, str]], now: datetime
    ) -> None:
        """Record the failures, then a retry with backoff, or hand the notice to the desk."""
        self._record_failures(patient, record.key, failures, now)
        count = record.failures + len(failures)
        if count >= self.settings.tries:
            last = failures[-1][1].split(":", 1)[0]
            reason = f"no channel took it in {count} tries (last: {last})"
            self._give_up(patient, record.key, reason, now)
            return
        due = now + timedelta(minutes=self.settings.backoff(count))
        patient.schedule_notice(record.key, due, "retry after a failure", now, WORKER)
        self.tally.waiting += 1

    def _give_up(
        self, patient: Patient, key: str, reason: str, now: datetime, *, dropped: bool = False
    ) -> None:
        patient.give_up_notice(key, reason, now, WORKER)
        if dropped:
            self.tally.dropped += 1
            log.info("notice %s given up: %s", key, reason)
            return
        self.tally.given_up += 1
        log.warning("notice %s given up: %s", key, reason)
