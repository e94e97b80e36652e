"""The SIU feed: each message becomes at most one `ServicePlan` command, or none at all.

A message is read and checked in full before anything is recorded, and each maps to a single
command, which the plan saves in one transaction: a message is applied whole or not at all. The
ledger makes a message sent twice (same MSH-10) count once; commands are also safe to repeat (a
move to where the visit already is, a cancellation of a cancelled visit, change nothing).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from uuid import UUID, uuid4

import attrs

from serviceplan import ServicePlan, Visit, VisitStatus, patient_id_for, visit_id_for
from serviceplan.errors import PatientNotFound, ServicePlanError, VisitNotFound
from serviceplan_hl7v2 import ack
from serviceplan_hl7v2.errors import (
    AlreadyBooked,
    ControlIdReused,
    MalformedMessage,
    MissingField,
    PatientMismatch,
    UnknownAppointment,
    UnknownPatient,
)
from serviceplan_hl7v2.ledger import Ledger, MemoryLedger
from serviceplan_hl7v2.message import Message, parse
from serviceplan_hl7v2.options import FeedOptions
from serviceplan_hl7v2.outcome import Action, Outcome
from serviceplan_hl7v2.siu import SiuMessage, Trigger, read_siu

log = logging.getLogger("serviceplan_hl7v2")
MOVES = frozenset({Trigger.RESCHEDULE, Trigger.MODIFICATION})
CANCELLATIONS = frozenset({Trigger.CANCELLATION, Trigger.DISCONTINUATION, Trigger.DELETION})


class SiuFeed:
    """Applies SIU messages to a plan, one at a time, each once."""

    def __init__(
        self,
        plan: ServicePlan,
        *,
        ledger: Ledger | None = None,
        options: FeedOptions | None = None,
    ) -> None:
        self.plan = plan
        self.ledger: Ledger = MemoryLedger() if ledger is None else ledger
        self.options = options or FeedOptions()
        self._one_at_a_time = threading.Lock()

    def apply(self, text: str) -> Outcome:
        """Apply one message; raises a typed error and records nothing if it cannot."""
        return self.apply_message(parse(text))

    def apply_message(self, message: Message) -> Outcome:
        """Apply one parsed message (see `apply`)."""
        siu = read_siu(
            message,
            zone=self.plan.settings.timezone,
            identifier_type=self.options.identifier_type,
            processing_ids=self.options.processing_ids,
        )
        with self._one_at_a_time:
            seen = self.ledger.find(siu.sender, siu.control_id)
            if seen is not None:
                if seen.digest != siu.digest:
                    raise ControlIdReused(siu.control_id)
                return attrs.evolve(seen, duplicate=True)
            outcome = self._act(siu)
            self.ledger.record(outcome)
        log.info("SIU %s %s: %s", siu.trigger.value, siu.control_id, outcome.action.value)
        return outcome

    def handle(self, text: str) -> str:
        """Apply one message and return the acknowledgement to send back; never raises."""
        try:
            message = parse(text)
        except Exception as error:  # noqa: BLE001 (a NAK, not a crash, whatever went wrong)
            return self._refuse(None, error)
        try:
            outcome = self.apply_message(message)
        except Exception as error:  # noqa: BLE001 (same as above)
            return self._refuse(message, error)
        return ack.accept(message, outcome, at=self.plan.clock(), control_id=_reply_id())

    def refuse(self, text: str, error: Exception) -> str:
        """The negative acknowledgement of a message refused before it could be read."""
        try:
            message: Message | None = parse(text)
        except MalformedMessage:
            message = None
        return self._refuse(message, error)

    def _refuse(self, message: Message | None, error: Exception) -> str:
        log.warning("SIU message refused: %s at %s", type(error).__name__, ack.where(error))
        if not isinstance(error, ServicePlanError):
            log.error("the feed failed on a message", exc_info=error)
        return ack.refuse(message, error, at=self.plan.clock(), control_id=_reply_id())

    def _act(self, siu: SiuMessage) -> Outcome:
        if siu.trigger is Trigger.BOOKING:
            action, visit_id, note = self._book(siu)
        else:
            visit = self._visit(siu)
            if siu.trigger in MOVES:
                action, visit_id, note = self._move(siu, visit)
            elif siu.trigger in CANCELLATIONS:
                action, visit_id, note = self._cancel(siu, visit)
            else:
                action, visit_id, note = self._no_show(siu, visit)
        return Outcome(
            sender=siu.sender, control_id=siu.control_id, trigger=siu.trigger,
            action=action, visit_id=visit_id, digest=siu.digest, note=note,
        )  # fmt: skip

    def _book(self, siu: SiuMessage) -> tuple[Action, UUID, str]:
        patient_id = self._patient(siu)
        provider, start = self._provider(siu, siu.the_provider()), siu.the_start()
        try:
            booked = self.plan.get_visit(visit_id_for(siu.appointment_id))
        except VisitNotFound:
            visit_id = self.plan.book_visit(
                patient_id, provider=provider, start=start, length=siu.length,
                visit_type=self._visit_type(siu.the_service()),
                external_id=siu.appointment_id, by=self.options.by, now=self._now(siu),
            )  # fmt: skip
            return Action.BOOKED, visit_id, ""
        same = (booked.patient_id, booked.provider, booked.start) == (patient_id, provider, start)
        if not same or siu.length not in {None, booked.length}:
            raise AlreadyBooked(siu.appointment_id)
        return Action.UNCHANGED, booked.id, "already booked"

    def _move(self, siu: SiuMessage, visit: Visit) -> tuple[Action, UUID, str]:
        """A move when the time or provider changed; the visit type stays (no command for it)."""
        start, provider = siu.the_start(), self._provider(siu, visit.provider)
        service = None if siu.service is None else self._visit_type(siu.service)
        new_type = service not in {None, visit.visit_type}
        if (start, provider) == (visit.start, visit.provider):
            changes = ["length"] if siu.length not in {None, visit.length} else []
            changes += ["visit type"] if new_type else []
            if changes:
                return Action.UNCHANGED, visit.id, f"a new {' and '.join(changes)} is not recorded"
            return Action.UNCHANGED, visit.id, "same time and provider"
        new_id = self.plan.reschedule_visit(
            visit.id, start=start, provider=provider, length=siu.length,
            reason=self.options.reason(siu.trigger, siu.reason), by=self.options.by,
            now=self._now(siu),
        )  # fmt: skip
        return Action.RESCHEDULED, new_id, "a new visit type is not recorded" if new_type else ""

    def _cancel(self, siu: SiuMessage, visit: Visit) -> tuple[Action, UUID, str]:
        if visit.status is VisitStatus.CANCELLED:
            return Action.UNCHANGED, visit.id, "already cancelled"
        reason = self.options.reason(siu.trigger, siu.reason)
        self.plan.cancel_visit(visit.id, reason=reason, by=self.options.by, now=self._now(siu))
        return Action.CANCELLED, visit.id, ""

    def _no_show(self, siu: SiuMessage, visit: Visit) -> tuple[Action, UUID, str]:
        if visit.status is VisitStatus.NO_SHOW:
            return Action.UNCHANGED, visit.id, "already a no-show"
        self.plan.mark_no_show(visit.id, by=self.options.by, now=self._now(siu))
        return Action.NO_SHOW, visit.id, ""

    def _patient(self, siu: SiuMessage) -> UUID:
        try:
            return self.plan.get_patient(patient_id_for(siu.the_mrn())).id
        except PatientNotFound:
            raise UnknownPatient(siu.the_mrn()) from None

    def _visit(self, siu: SiuMessage) -> Visit:
        """The appointment's visit as it stands now, after every move."""
        try:
            visit = self.plan.current_visit(visit_id_for(siu.appointment_id))
        except VisitNotFound:
            raise UnknownAppointment(siu.appointment_id) from None
        if siu.mrn is not None and patient_id_for(siu.mrn) != visit.patient_id:
            raise PatientMismatch(siu.appointment_id)
        return visit

    def _provider(self, siu: SiuMessage, current: str) -> str:
        """The message's provider in the clinic's codes, or `current` when it names none."""
        if siu.provider is None:
            return current
        return self.options.providers.get(siu.provider, siu.provider)

    def _visit_type(self, service: str) -> str:
        """The clinic's visit type for a service code."""
        return self.options.visit_types.get(service, service)

    def _now(self, siu: SiuMessage) -> datetime | None:
        if not self.options.message_time:
            return None
        if siu.sent_at is None:
            raise MissingField("MSH", 7, "the message time (the feed records at message time)")
        return siu.sent_at


def _reply_id() -> str:
    """A fresh control id for an acknowledgement."""
    return uuid4().hex[:20]
