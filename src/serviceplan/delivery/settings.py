"""How the delivery follower behaves, with defaults from DOMAIN.md's rules for texts and calls."""

from __future__ import annotations

from datetime import time
from typing import Any

import attrs

from serviceplan.config import ClinicConfig
from serviceplan.domain import checks
from serviceplan.domain.contact import Channel, PhoneNumber

MAX_CLINIC_NAME = 30


def _clinic_name(_: object, __: attrs.Attribute[str], value: str) -> None:
    checks.text(value, "clinic name", max_length=MAX_CLINIC_NAME)


def _positive(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    checks.minutes(value, attribute.name, low=1, high=10_000)


@attrs.frozen
class DeliverySettings:
    """What a clinic may tune about sending; each figure has a default from the rules it follows."""

    clinic_name: str = attrs.field(default="Your clinic", validator=_clinic_name)
    """Named in every message (TCPA); short, so a text stays within 160 characters."""
    call_back: PhoneNumber | None = None
    """The number patients call back; every message names it when set."""
    automated: frozenset[Channel] = frozenset({Channel.SMS, Channel.VOICE})
    """Channels the rules for automated texts and calls cover: quiet hours and the limits below."""
    quiet_from: time = time(21)
    quiet_until: time = time(9)
    """No automated text or call from `quiet_from` until `quiet_until`, clinic time."""
    per_day: int = attrs.field(default=1, validator=_positive)
    per_week: int = attrs.field(default=3, validator=_positive)
    """At most this many automated texts and calls a patient gets a day and in any 7 days."""
    tries: int = attrs.field(default=5, validator=_positive)
    """Failed tries before a notice is given up and handed to the front desk."""
    backoff_minutes: int = attrs.field(default=5, validator=_positive)
    backoff_cap_minutes: int = attrs.field(default=240, validator=_positive)
    """The wait after the first failure; it doubles after each further one, up to the cap."""
    timeout_seconds: float = 10.0
    """How long a channel may take before its try counts as failed (a hung gateway).

    A channel that timed out may have sent: the notice is tried again on it alone, never failed
    over to another channel (which could send it a second time).
    """
    channel_order: tuple[str, ...] = ()
    """Plugins (by name) to try first for a channel, in this order; the others follow.

    Each notice goes to one channel: the next is tried only after a definite failure (an error
    the channel raised), never after a time-out.
    """
    ask_by_text: bool = False
    """Delay notices ask the patient to answer by text (1 keep, 2 later today, 3 another day);
    set it only where replies reach `plan.receive_reply` (the SMS adapter's inbound endpoint)."""
    batch_size: int = attrs.field(default=100, validator=_positive)
    """How many events are read from the log at a time."""

    def backoff(self, failures: int) -> int:
        """Return the minutes to wait after the `failures`-th failed try."""
        return int(min(self.backoff_minutes * 2 ** max(failures - 1, 0), self.backoff_cap_minutes))


def delivery_settings(config: ClinicConfig | None) -> DeliverySettings:
    """Return how to send as the configuration says: the clinic's name and number, the rest.

    A value that cannot be used is refused with the file and the key (`BadConfigValue`).
    """
    if config is None:
        return DeliverySettings()
    section, clinic = config.file.delivery, config.file.clinic
    chosen: dict[str, Any] = {"call_back": config.call_back()}
    if clinic.name is not None:
        chosen["clinic_name"] = clinic.name
    for name in ("quiet_from", "quiet_until"):
        text = getattr(section, name)
        if text is not None:
            chosen[name] = config.time_of(f"delivery.{name}", text)
    for name in (
        "per_day", "per_week", "tries", "backoff_minutes", "backoff_cap_minutes",
        "timeout_seconds", "ask_by_text", "batch_size",
    ):  # fmt: skip
        value = getattr(section, name)
        if value is not None:
            chosen[name] = value
    if section.automated is not None:
        chosen["automated"] = frozenset(_channel(config, name) for name in section.automated)
    if section.channel_order is not None:
        chosen["channel_order"] = tuple(section.channel_order)
    try:
        return DeliverySettings(**chosen)
    except (ValueError, TypeError) as error:
        named = [f"delivery.{n}" for n in chosen if n in str(error)]
        key = "clinic.name" if "clinic name" in str(error) else (named or ["delivery"])[0]
        fix = "see docs/operations.md, 'Configuring a clinic'"
        raise config.refuse(key, str(error), fix) from None


def _channel(config: ClinicConfig, name: str) -> Channel:
    try:
        return Channel(name)
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise config.refuse(
            "delivery.automated", f"{name!r} is no channel", f"name {known}"
        ) from None
