"""How a patient can be reached: channels, phone numbers, e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Any

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


UNSHOWN = "(the value given is not repeated: errors reach logs, and it is the patient's)"


def _e164(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _E164.fullmatch(value):
        raise InvalidInput(f"phone number must be in E.164 form, like +15555550123 {UNSHOWN}")


def _email(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value):  # noqa: PLR2004
        raise InvalidInput(f"not an e-mail address {UNSHOWN}")
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


def _optional(kind: type[object]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, kind):
            raise InvalidInput(f"{attribute.name} must be a {kind.__name__} or None")

    return check


@attrs.frozen
class ContactPoints:
    """Where a patient said they can be reached; either may be absent."""

    phone: PhoneNumber | None = attrs.field(default=None, validator=_optional(PhoneNumber))
    email: EmailAddress | None = attrs.field(default=None, validator=_optional(EmailAddress))

    def reaches(self, channel: Channel) -> bool:
        """Say whether these contact points give an address for `channel`."""
        if channel in (Channel.SMS, Channel.VOICE):
            return self.phone is not None
        if channel is Channel.EMAIL:
            return self.email is not None
        return True
