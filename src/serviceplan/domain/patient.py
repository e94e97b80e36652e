"""The Patient: how to reach them, what they consented to, and their offerings ledger."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

import attrs
from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks, limits
from serviceplan.domain.contact import Channel, ContactPoints
from serviceplan.domain.money import Money
from serviceplan.errors import InvalidInput, NotAllowedNow

if TYPE_CHECKING:
    from serviceplan.domain.notice import Notice, Receipt
    from serviceplan.domain.staff import Staff

PATIENT_NAMESPACE = UUID("6f1d3c2e-8a4b-4d7e-9c1f-2b5a7e9d0c11")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
YEAR = timedelta(days=365)


def patient_id_for(external_id: str) -> UUID:
    """Derive a stable patient id from the clinic's own identifier (a chart number, an MRN)."""
    return uuid5(PATIENT_NAMESPACE, checks.text(external_id, "external id", max_length=128))


def language_tag(value: object) -> str:
    """Return `value` if it is a language tag ('en', 'es-MX'), or refuse it."""
    return _language(value)


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
    """A person the clinic serves, known by id, never by name.

    One aggregate because two rules hold across its events: consent is given only on a channel
    its contact points reach (and lapses with them), and the offerings on its ledger stay within
    the yearly limit, however many desks propose at once.
    """

    class_version = 2
    """Of its snapshots: version 1 kept every notice on the patient (see `upcast_v1_v2`)."""

    class Registered(Aggregate.Created):
        contact: ContactPoints
        preferred: Channel
        language: str
        at: datetime
        by: Staff

    class ContactChanged(Aggregate.Event):
        contact: ContactPoints
        preferred: Channel
        at: datetime
        by: Staff

    class ConsentGiven(Aggregate.Event):
        channel: Channel
        at: datetime
        by: Staff

    class ConsentWithdrawn(Aggregate.Event):
        channel: Channel
        at: datetime
        by: Staff

    class OptedOut(Aggregate.Event):
        channel: Channel
        at: datetime
        by: Staff

    class OfferingEntered(Aggregate.Event):
        offering_id: UUID
        value: Money
        at: datetime

    class OfferingReleased(Aggregate.Event):
        offering_id: UUID
        at: datetime

    # Version 0.1 kept each notice on its patient; each is now a `NoticeRecord` of its own. These
    # events stay so those histories load: they change nothing here, and the read models and
    # `serviceplan.app.adoption` read them.

    class NoticeRequested(Aggregate.Event):
        notice: Notice
        at: datetime
        by: Staff

    class NoticeDelivered(Aggregate.Event):
        receipt: Receipt
        at: datetime
        by: Staff

    class NoticeFailed(Aggregate.Event):
        key: str
        via: str
        error: str
        at: datetime
        by: Staff

    class NoticeRetryScheduled(Aggregate.Event):
        key: str
        due: datetime
        reason: str
        at: datetime
        by: Staff

    class NoticeGivenUp(Aggregate.Event):
        key: str
        reason: str
        at: datetime
        by: Staff

    @event(Registered)
    def __init__(
        self, contact: ContactPoints, preferred: Channel, language: str, at: datetime, by: Staff
    ) -> None:
        self.contact = contact
        self.preferred = preferred
        self.language = language
        self.registered_at = at
        self.registered_by = by
        self.consents: frozenset[Channel] = frozenset()
        self.opted_out: frozenset[Channel] = frozenset()
        self.ledger: tuple[LedgerEntry, ...] = ()

    @classmethod
    def register(  # noqa: PLR0913 (a registration has this many facts)
        cls,
        *,
        contact: ContactPoints,
        preferred: Channel,
        language: str,
        at: datetime,
        by: Staff,
        patient_id: UUID | None = None,
    ) -> Patient:
        """Register a patient reachable on their preferred channel (with `patient_id` if given)."""
        _check_contact(contact, preferred)
        facts: dict[str, Any] = {
            "contact": contact, "preferred": preferred, "language": _language(language),
            "at": checks.aware(at, "at"), "by": checks.staff(by),
        }  # fmt: skip
        if patient_id is None:
            return cls(**facts)
        return cls._create(cls.Registered, id=checks.an_id(patient_id, "patient id"), **facts)

    def change_contact(
        self, contact: ContactPoints, preferred: Channel, at: datetime, by: Staff
    ) -> None:
        """Record new contact points; consent for a channel they no longer reach lapses."""
        _check_contact(contact, preferred)
        self._contact_changed(
            contact=contact, preferred=preferred, at=checks.aware(at, "at"), by=checks.staff(by)
        )

    @event(ContactChanged)
    def _contact_changed(
        self, contact: ContactPoints, preferred: Channel, at: datetime, by: Staff
    ) -> None:
        del at, by
        self.contact = contact
        self.preferred = preferred
        self.consents = frozenset(c for c in self.consents if contact.reaches(c))

    def give_consent(self, channel: Channel, at: datetime, by: Staff) -> None:
        """Record the patient's consent to hear from the clinic on `channel`."""
        channel = checks.member(channel, Channel, "channel")
        if not self.contact.reaches(channel):
            raise InvalidInput(f"no contact point for {channel.value}: add one before consent")
        self._consent_given(channel=channel, at=checks.aware(at, "at"), by=checks.staff(by))

    @event(ConsentGiven)
    def _consent_given(self, channel: Channel, at: datetime, by: Staff) -> None:
        del at, by
        self.consents = self.consents | {channel}
        self.opted_out = self.opted_out - {channel}

    def withdraw_consent(self, channel: Channel, at: datetime, by: Staff) -> None:
        """Record that the patient no longer wants messages on `channel`."""
        channel = checks.member(channel, Channel, "channel")
        if channel not in self.consents:
            raise NotAllowedNow("consent", f"not given for {channel.value}", "withdraw consent")
        self._consent_withdrawn(channel=channel, at=checks.aware(at, "at"), by=checks.staff(by))

    @event(ConsentWithdrawn)
    def _consent_withdrawn(self, channel: Channel, at: datetime, by: Staff) -> None:
        del at, by
        self.consents = self.consents - {channel}

    def opt_out(self, channel: Channel, at: datetime, by: Staff) -> None:
        """Record a STOP from the patient: no more automated messages on `channel`, at once."""
        channel = checks.member(channel, Channel, "channel")
        self._opted_out(channel=channel, at=checks.aware(at, "at"), by=checks.staff(by))

    @event(OptedOut)
    def _opted_out(self, channel: Channel, at: datetime, by: Staff) -> None:
        del at, by
        self.consents = self.consents - {channel}
        self.opted_out = self.opted_out | {channel}

    def enter_offering(
        self, offering_id: UUID, value: Money, at: datetime, rule: limits.OfferingLimits
    ) -> None:
        """Hold an offering against the patient's yearly limit, refusing one over either limit."""
        checks.an_id(offering_id, "offering id")
        if self._entry(offering_id) is not None:
            raise NotAllowedNow("offering", "already on the ledger", "enter it again")
        if not isinstance(value, Money):
            raise InvalidInput("value must be Money")
        checks.aware(at, "at")
        rule.check(value, self.offerings_total(at, value.currency))
        self._offering_entered(offering_id=offering_id, value=value, at=at)

    @event(OfferingEntered)
    def _offering_entered(self, offering_id: UUID, value: Money, at: datetime) -> None:
        self.ledger = (*self.ledger, LedgerEntry(offering_id, value, at))

    def release_offering(self, offering_id: UUID, at: datetime) -> None:
        """Take a declined or withdrawn offering off the yearly ledger."""
        checks.aware(at, "at")
        if self._entry(offering_id) is None:
            raise NotAllowedNow("offering", "not on the ledger", "release it")
        self._offering_released(offering_id=offering_id, at=at)

    @event(OfferingReleased)
    def _offering_released(self, offering_id: UUID, at: datetime) -> None:
        del at
        self.ledger = tuple(e for e in self.ledger if e.offering_id != offering_id)

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
            if entry.at > since and entry.value.currency == currency:
                total = total + entry.value
        return total

    def _entry(self, offering_id: UUID) -> LedgerEntry | None:
        return next((e for e in self.ledger if e.offering_id == offering_id), None)

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        """Turn a version 1 snapshot into version 2: the notices moved to records of their own."""
        state.pop("notices", None)


def _check_contact(contact: object, preferred: object) -> None:
    if not isinstance(contact, ContactPoints):
        raise InvalidInput("contact must be ContactPoints")
    channel = checks.member(preferred, Channel, "preferred channel")
    if not contact.reaches(channel):
        raise InvalidInput(f"preferred channel {channel.value} has no contact point")
