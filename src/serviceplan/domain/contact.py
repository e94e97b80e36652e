"""How a patient can be reached: channels, phone numbers, e-mail addresses."""

from __future__ import annotations

import re
from enum import Enum

import attrs

from serviceplan.domain import checks
from serviceplan.errors import InvalidInput

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Channel(Enum):
    """A way to reach a patient; consent is given per channel."""

    SMS = "sms"
    VOICE = "voice"
    EMAIL = "email"
    PORTAL = "portal"


def _e164(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _E164.fullmatch(value):
        raise InvalidInput(f"phone number must be in E.164 form, like +15555550123 (got {value!r})")


def _email(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value):  # noqa: PLR2004
        raise InvalidInput(f"not an e-mail address: {value!r}")
    if not checks.storable(value):
        raise InvalidInput("an e-mail address must be whole Unicode text (this one is broken)")


@attrs.frozen
class PhoneNumber:
    """A phone number in E.164 form, the only form a text or call may go to."""

    e164: str = attrs.field(validator=_e164)


@attrs.frozen
class EmailAddress:
    """An e-mail address as the patient gave it."""

    address: str = attrs.field(validator=_email)


@attrs.frozen
class ContactPoints:
    """Where a patient said they can be reached; either may be absent."""

    phone: PhoneNumber | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(PhoneNumber))
    )
    email: EmailAddress | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(EmailAddress)),
    )

    def reaches(self, channel: Channel) -> bool:
        """Say whether these contact points give an address for `channel`."""
        if channel in (Channel.SMS, Channel.VOICE):
            return self.phone is not None
        if channel is Channel.EMAIL:
            return self.email is not None
        return True
