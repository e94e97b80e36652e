"""The typed records plugins receive and return, so every hook speaks in checked values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import attrs

from serviceplan.domain import checks
from serviceplan.domain.contact import Channel
from serviceplan.domain.money import Money
from serviceplan.domain.notice import Notice
from serviceplan.domain.offering import OfferingKind
from serviceplan.domain.playbook import Proposal


def _code(name: str) -> Any:  # noqa: ANN401 (an attrs validator)
    return lambda _, __, value: checks.code(value, name)


def _text(name: str, max_length: int) -> Any:  # noqa: ANN401
    return lambda _, __, value: checks.text(value, name, max_length=max_length)


def _aware(name: str) -> Any:  # noqa: ANN401
    return lambda _, __, value: checks.aware(value, name)


def _minutes(name: str) -> Any:  # noqa: ANN401
    return lambda _, __, value: checks.minutes(value, name)


def _id(name: str) -> Any:  # noqa: ANN401
    return lambda _, __, value: checks.an_id(value, name)


@attrs.frozen
class Appointment:
    """A visit as a calendar sees it: one entry however often it moves, for e-mail invitations.

    It holds times only, never the visit type, so an invitation says no more than a text does.
    """

    uid: UUID = attrs.field(validator=_id("appointment uid"))
    """The first visit's id: every move of the appointment keeps it."""
    sequence: int = attrs.field(validator=attrs.validators.ge(0))
    """How often the appointment was revised: one per move, and one more when it is cancelled."""
    start: datetime = attrs.field(validator=_aware("start"))
    end: datetime = attrs.field(validator=_aware("end"))
    cancelled: bool = False


@attrs.frozen
class Envelope:
    """A notice ready for a channel: the address it goes to and the text already written."""

    notice: Notice = attrs.field(validator=attrs.validators.instance_of(Notice))
    to: str = attrs.field(validator=_text("address", 254))
    """A phone number in E.164 form, an e-mail address, or the patient id for the portal."""
    text: str = attrs.field(validator=_text("text", 4000))
    appointment: Appointment | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Appointment))
    )
    """The visit the notice is about, on e-mail and the portal only (for a calendar entry)."""

    @property
    def key(self) -> str:
        """The notice's idempotency key."""
        return self.notice.key

    @property
    def channel(self) -> Channel:
        """The kind of channel the notice goes out on."""
        return self.notice.channel


RegisterChannel = Callable[[Channel], None]
"""What `serviceplan_channels` receives: call it once per channel the plugin delivers on."""


@attrs.frozen
class Slot:
    """Free time with a provider: where a visit could be booked."""

    provider: str = attrs.field(validator=_code("provider"))
    start: datetime = attrs.field(validator=_aware("start"))
    length: int = attrs.field(validator=_minutes("slot length"))

    @property
    def end(self) -> datetime:
        """When the slot ends."""
        return self.start + timedelta(minutes=self.length)


@attrs.frozen
class Booking:
    """A visit as a scheduling system sees it."""

    visit_id: UUID = attrs.field(validator=_id("visit id"))
    patient_id: UUID = attrs.field(validator=_id("patient id"))
    provider: str = attrs.field(validator=_code("provider"))
    visit_type: str = attrs.field(validator=_code("visit type"))
    start: datetime = attrs.field(validator=_aware("start"))
    length: int = attrs.field(validator=_minutes("expected length"))

    @property
    def end(self) -> datetime:
        """When the visit is booked to end."""
        return self.start + timedelta(minutes=self.length)


@attrs.frozen
class StockItem:
    """Something the office keeps for peace offerings, with its retail value and what is left."""

    code: str = attrs.field(validator=_code("stock item"))
    kind: OfferingKind = attrs.field(
        validator=lambda _, __, v: checks.member(v, OfferingKind, "kind")
    )
    description: str = attrs.field(validator=_text("description", 120))
    retail_value: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    available: int = attrs.field(validator=attrs.validators.ge(0))


@attrs.frozen
class Preparation:
    """What to expect from a visit type, for the patient's e-mail or portal (never a text)."""

    visit_type: str = attrs.field(validator=_code("visit type"))
    text: str = attrs.field(validator=_text("what to expect", 1000))
    expected_minutes: int | None = None
    long_testing: bool = False


__all__ = ["Appointment", "Booking", "Envelope", "Preparation", "Proposal", "Slot", "StockItem"]
