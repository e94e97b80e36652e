"""The SIU feed: each message becomes at most one `ServicePlan` command, or none at all.

A message is read and checked in full before anything is recorded, and each maps to a single
command, which the plan saves in one transaction: a message is applied whole or not at all. The
ledger makes a message sent twice (same MSH-10) count once; commands are also safe to repeat (a
move to where the visit already is, a cancellation of a cancelled visit, change nothing). A
message older than the newest applied for its appointment (MSH-7, or MSH-13 when the sender
numbers its messages) is superseded: acknowledged, and nothing recorded.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import attrs

from serviceplan import ServicePlan, Visit, VisitStatus, patient_id_for, visit_id_for
from serviceplan.errors import (
    InvalidInput,
    PatientNotFound,
    ServicePlanError,
    VisitInPast,
    VisitNotFound,
)
from serviceplan_hl7v2 import ack, charsets
from serviceplan_hl7v2.errors import (
    DATA_TYPE_ERROR,
    AlreadyBooked,
    ControlIdReused,
    MalformedMessage,
    MessageTimeRefused,
    MissingField,
    PatientMismatch,
    UnknownAppointment,
    UnknownPatient,
)
from serviceplan_hl7v2.ledger import Ledger, MemoryLedger
from serviceplan_hl7v2.message import Message, parse
from serviceplan_hl7v2.options import FeedOptions
from serviceplan_hl7v2.outcome import Action, Outcome, Stamp
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
        return self.apply_message(self._parse(text))

    def apply_bytes(self, raw: bytes) -> Outcome:
        """Apply one message as received, in the character set its MSH-18 declares."""
        return self.apply(charsets.decode(raw, self.options.charset)[0])

    def apply_message(self, message: Message) -> Outcome:
        """Apply one parsed message (see `apply`)."""
        siu = read_siu(
            message,
            zone=self.plan.settings.timezone,
            identifier_type=self.options.identifier_type,
            assigning_authority=self.options.assigning_authority,
            processing_ids=self.options.processing_ids,
            versions=self.options.versions,
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
            message = self._parse(text)
        except Exception as error:  # noqa: BLE001 (a NAK, not a crash, whatever went wrong)
            return self._refuse(None, error, text)
        try:
            outcome = self.apply_message(message)
        except Exception as error:  # noqa: BLE001 (same as above)
            return self._refuse(message, error, text)
        return ack.accept(message, outcome, at=self.plan.clock(), control_id=_reply_id())

    def handle_bytes(self, raw: bytes) -> bytes:
        """Apply one message as received and return its acknowledgement, encoded as it was."""
        try:
            text, codec = charsets.decode(raw, self.options.charset)
        except MalformedMessage as error:
            lenient = raw.decode("latin-1")
            return self.refuse(lenient, error).encode("latin-1", "replace")
        return self.handle(text).encode(codec, "replace")

    def refuse(self, text: str, error: Exception) -> str:
        """The negative acknowledgement of a message refused before it could be read."""
        try:
            message: Message | None = self._parse(text)
        except MalformedMessage:
            message = None
        return self._refuse(message, error, text)

    def _parse(self, text: str) -> Message:
        return parse(text, default_charset=self.options.charset)

    def _refuse(self, message: Message | None, error: Exception, text: str) -> str:
        log.warning("SIU message refused: %s at %s", type(error).__name__, ack.where(error))
        if not isinstance(error, ServicePlanError):
            log.error("the feed failed on a message", exc_info=error)
        return ack.refuse(message, error, at=self.plan.clock(), control_id=_reply_id(), text=text)

    def _superseded(self, siu: SiuMessage) -> Outcome | None:
        """The answer to a message older than the newest applied for its appointment, if it is."""
        newest = self.ledger.newest(siu.sender, siu.appointment_id)
        if newest is None or not Stamp(siu.sent_at, siu.sequence).older_than(newest):
            return None
        return self._outcome(siu, Action.SUPERSEDED, None, "a newer message was applied")

    def _outcome(
        self, siu: SiuMessage, action: Action, visit_id: UUID | None, note: str
    ) -> Outcome:
        return Outcome(
            sender=siu.sender, control_id=siu.control_id, trigger=siu.trigger, action=action,
            visit_id=visit_id, digest=siu.digest, note=note, appointment_id=siu.appointment_id,
            sent_at=siu.sent_at, sequence=siu.sequence,
        )  # fmt: skip

    def _act(self, siu: SiuMessage) -> Outcome:
        self._now(siu)  # at message time, a time too far from the clock is refused first
        if siu.trigger is Trigger.BOOKING:
            superseded = self._superseded(siu)
            if superseded is not None:
                return superseded
            action, visit_id, note = self._book(siu)
        else:
            visit = self._visit(siu)
            if self._before_the_record(siu, visit):
                return self._outcome(siu, Action.SUPERSEDED, visit.id, "the record is newer")
            superseded = self._superseded(siu)
            if superseded is not None:
                return superseded
            if siu.trigger in MOVES:
                action, visit_id, note = self._move(siu, visit)
            elif siu.trigger in CANCELLATIONS:
                action, visit_id, note = self._cancel(siu, visit)
            else:
                action, visit_id, note = self._no_show(siu, visit)
        if siu.left_out:
            left = "not recorded: " + "; ".join(siu.left_out)
            note = f"{note}; {left}" if note else left
        return self._outcome(siu, action, visit_id, note)

    def _book(self, siu: SiuMessage) -> tuple[Action, UUID, str]:
        patient_id = self._patient(siu)
        provider, start = self._provider(siu, siu.the_provider()), siu.the_start()
        try:
            booked = self.plan.get_visit(visit_id_for(siu.appointment_id))
        except VisitNotFound:
            visit_type = self._visit_type(siu.the_service())
            self._check_length(siu, visit_type)
            try:
                visit_id = self.plan.book_visit(
                    patient_id, provider=provider, start=start, length=siu.length,
                    visit_type=visit_type, external_id=siu.appointment_id, by=self.options.by,
                    now=self._now(siu),
                )  # fmt: skip
            except VisitInPast as error:
                raise MalformedMessage("TQ1", 7, str(error), hl7_code=DATA_TYPE_ERROR) from None
            return Action.BOOKED, visit_id, ""
        same = (booked.patient_id, booked.provider, booked.start) == (patient_id, provider, start)
        if not same or siu.length not in {None, booked.length}:
            raise AlreadyBooked(siu.appointment_id)
        return Action.UNCHANGED, booked.id, "already booked"

    def _check_length(self, siu: SiuMessage, visit_type: str) -> None:
        """A visit type outside the clinic's catalogue needs the message to say how long."""
        if siu.length is not None:
            return
        try:
            self.plan.settings.catalogue.get(visit_type)
        except InvalidInput:
            what = "the length (the visit type is not in the clinic's catalogue)"
            raise MissingField("TQ1", 8, what) from None

    def _before_the_record(self, siu: SiuMessage, visit: Visit) -> bool:
        """At message time, refuse a message sent before its booking; say if the record is newer.

        The record's times are message times only in this mode: otherwise the ledger decides.
        """
        if not self.options.message_time or siu.sent_at is None:
            return False
        booked = self.plan.get_visit(visit_id_for(siu.appointment_id)).booked_at
        if siu.sent_at < booked:
            raise MessageTimeRefused(f"it is before the visit was booked ({booked:%Y-%m-%d %H:%M})")
        moments = (visit.booked_at, visit.checked_in_at, visit.started_at, visit.completed_at)
        return siu.sent_at < max(m for m in moments if m is not None)

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
        """The message's time, at message time: no further from the receiving clock than allowed."""
        if not self.options.message_time:
            return None
        if siu.sent_at is None:
            raise MissingField("MSH", 7, "the message time (the feed records at message time)")
        now = self.plan.clock()
        if siu.sent_at < now - self.options.behind:
            raise MessageTimeRefused(
                f"it is more than {_span(self.options.behind)} before the clock"
            )
        if siu.sent_at > now + self.options.ahead:
            raise MessageTimeRefused(f"it is more than {_span(self.options.ahead)} after the clock")
        return siu.sent_at


def _span(span: timedelta) -> str:
    """A window as people say it: "7 days", "5 minutes"."""
    minutes = int(span.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)} days"
    return f"{minutes // 60} hours" if minutes % 60 == 0 else f"{minutes} minutes"


def _reply_id() -> str:
    """A fresh control id for an acknowledgement."""
    return uuid4().hex[:20]
