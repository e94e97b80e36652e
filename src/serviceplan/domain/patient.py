"""The Patient: how to reach them, what they consented to, and their offerings ledger."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID, uuid5

import attrs
from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.domain.contact import Channel, ContactPoints
from serviceplan.domain.money import Money
from serviceplan.domain.notice import Notice, Receipt
from serviceplan.domain.notice_record import NoticeRecord
from serviceplan.errors import InvalidInput, NotAllowedNow, NoticeNotFound, NoticeRefused

if TYPE_CHECKING:
    from serviceplan.domain.staff import Staff

PATIENT_NAMESPACE = UUID("6f1d3c2e-8a4b-4d7e-9c1f-2b5a7e9d0c11")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
YEAR = timedelta(days=365)


def patient_id_for(external_id: str) -> UUID:
    """Derive a stable patient id from the clinic's own identifier (a chart number, an MRN)."""
    return uuid5(PATIENT_NAMESPACE, checks.text(external_id, "external id", max_length=128))


def _language(value: object) -> str:
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
        raise InvalidInput(f"language must be a tag like 'en' or 'es-MX' (got {value!r})")
    return value


@attrs.frozen
class LedgerEntry:
    """One offering held against the patient's yearly limit."""

    offering_id: UUID
    value: Money
    at: datetime


class Patient(Aggregate):
    """A person the clinic serves, known by id, never by name."""

    @event("Registered")
    def __init__(
        self, contact: ContactPoints, preferred: Channel, language: str, at: datetime, by: Staff
    ) -> None:
        _check_contact(contact, preferred)
        self.contact = contact
        self.preferred = preferred
        self.language = _language(language)
        self.registered_at = checks.aware(at, "at")
        self.registered_by = checks.staff(by)
        self.consents: frozenset[Channel] = frozenset()
        self.opted_out: frozenset[Channel] = frozenset()
        self.ledger: tuple[LedgerEntry, ...] = ()
        self.notices: tuple[NoticeRecord, ...] = ()

    @event("ContactChanged")
    def change_contact(
        self, contact: ContactPoints, preferred: Channel, at: datetime, by: Staff
    ) -> None:
        """Record new contact points; consent for a channel it no longer reaches lapses."""
        _check_contact(contact, preferred)
        checks.aware(at, "at")
        checks.staff(by)
        self.contact = contact
        self.preferred = preferred
        self.consents = frozenset(c for c in self.consents if contact.reaches(c))

    @event("ConsentGiven")
    def give_consent(self, channel: Channel, at: datetime, by: Staff) -> None:
        """Record the patient's consent to hear from the clinic on `channel`."""
        channel = checks.member(channel, Channel, "channel")
        checks.aware(at, "at")
        checks.staff(by)
        if not self.contact.reaches(channel):
            raise InvalidInput(f"no contact point for {channel.value}: add one before consent")
        self.consents = self.consents | {channel}
        self.opted_out = self.opted_out - {channel}

    @event("ConsentWithdrawn")
    def withdraw_consent(self, channel: Channel, at: datetime, by: Staff) -> None:
        """Record that the patient no longer wants messages on `channel`."""
        channel = checks.member(channel, Channel, "channel")
        checks.aware(at, "at")
        checks.staff(by)
        if channel not in self.consents:
            raise NotAllowedNow("consent", f"not given for {channel.value}", "withdraw consent")
        self.consents = self.consents - {channel}

    @event("OptedOut")
    def opt_out(self, channel: Channel, at: datetime, by: Staff) -> None:
        """Record a STOP from the patient: no more automated messages on `channel`, at once."""
        channel = checks.member(channel, Channel, "channel")
        checks.aware(at, "at")
        checks.staff(by)
        self.consents = self.consents - {channel}
        self.opted_out = self.opted_out | {channel}

    @event("OfferingEntered")
    def enter_offering(self, offering_id: UUID, value: Money, at: datetime) -> None:
        """Hold an offering against the patient's yearly limit."""
        checks.an_id(offering_id, "offering id")
        if self._entry(offering_id) is not None:
            raise NotAllowedNow("offering", "already on the ledger", "enter it again")
        entry = LedgerEntry(offering_id, value, checks.aware(at, "at"))
        self.ledger = (*self.ledger, entry)

    @event("OfferingReleased")
    def release_offering(self, offering_id: UUID, at: datetime) -> None:
        """Take a declined or withdrawn offering off the yearly ledger."""
        checks.aware(at, "at")
        if self._entry(offering_id) is None:
            raise NotAllowedNow("offering", "not on the ledger", "release it")
        self.ledger = tuple(e for e in self.ledger if e.offering_id != offering_id)

    @event("NoticeRequested")
    def request_notice(self, notice: Notice, at: datetime, by: Staff) -> None:
        """Record that the clinic owes the patient `notice`, on a channel that may reach them."""
        checks.aware(at, "at")
        checks.staff(by)
        if not isinstance(notice, Notice) or notice.patient_id != self.id:
            raise InvalidInput("the notice must be a Notice for this patient")
        if not self.can_reach(notice.channel):
            msg = f"no consent, an opt-out or no contact point for {notice.channel.value}"
            raise NoticeRefused(msg)
        if self.notice(notice.key) is not None:
            raise NotAllowedNow("notice", "already requested", "request it again")
        self.notices = (*self.notices, NoticeRecord.requested(notice, at))

    @event("NoticeDelivered")
    def record_delivery(self, receipt: Receipt, at: datetime, by: Staff) -> None:
        """Record a channel's receipt for an owed notice."""
        checks.staff(by)
        if not isinstance(receipt, Receipt):
            raise InvalidInput("a delivery needs the channel's receipt")
        self._change_notice(receipt.key, lambda r: r.delivered(receipt, at))

    @event("NoticeFailed")
    def record_failure(self, key: str, via: str, error: str, at: datetime, by: Staff) -> None:
        """Record that the plugin `via` failed to deliver the notice, and how."""
        checks.staff(by)
        self._change_notice(key, lambda r: r.failed(via, error, at))

    @event("NoticeRetryScheduled")
    def schedule_notice(
        self, key: str, due: datetime, reason: str, at: datetime, by: Staff
    ) -> None:
        """Record when the owed notice will be tried again, and why it waits."""
        checks.staff(by)
        self._change_notice(key, lambda r: r.rescheduled(due, reason, at))

    @event("NoticeGivenUp")
    def give_up_notice(self, key: str, reason: str, at: datetime, by: Staff) -> None:
        """Record that no more automatic tries will be made; the front desk takes it from here."""
        checks.staff(by)
        self._change_notice(key, lambda r: r.given_up(reason, at))

    def notice(self, key: str) -> NoticeRecord | None:
        """Return the record of the notice with idempotency key `key`, if there is one."""
        return next((r for r in self.notices if r.key == key), None)

    def _change_notice(self, key: str, change: Callable[[NoticeRecord], NoticeRecord]) -> None:
        record = self.notice(key)
        if record is None:
            raise NoticeNotFound(key)
        new = change(record)
        self.notices = tuple(new if r.key == key else r for r in self.notices)

    def can_reach(self, channel: Channel) -> bool:
        """Say whether an automated message may go to the patient on `channel` now."""
        return (
            channel in self.consents
            and channel not in self.opted_out
            and self.contact.reaches(channel)
        )

    def offerings_total(self, now: datetime, currency: str = "USD") -> Money:
        """Sum what the patient was offered over the 12 months before `now`."""
        since = checks.aware(now, "now") - YEAR
        total = Money.zero(currency)
        for entry in self.ledger:
            if entry.at > since:
                total = total + entry.value
        return total

    def _entry(self, offering_id: UUID) -> LedgerEntry | None:
        return next((e for e in self.ledger if e.offering_id == offering_id), None)


def _check_contact(contact: object, preferred: object) -> None:
    if not isinstance(contact, ContactPoints):
        raise InvalidInput("contact must be ContactPoints")
    channel = checks.member(preferred, Channel, "preferred channel")
    if not contact.reaches(channel):
        raise InvalidInput(f"preferred channel {channel.value} has no contact point")
