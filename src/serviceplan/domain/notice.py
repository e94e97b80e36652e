"""A notice: a message the clinic owes a patient, holding only what the message needs.

The text itself is written when the notice is sent, from these facts; a notice never carries a
diagnosis, a procedure or a visit type, so nothing of the kind can leak into a text or voicemail.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID, uuid5

import attrs

from serviceplan.domain import checks
from serviceplan.domain.contact import Channel
from serviceplan.errors import InvalidInput

NOTICE_NAMESPACE = UUID("3c9b7a52-61d4-4f0e-9a8b-d2e4f6a1b705")


class NoticeKind(Enum):
    """What a notice is for; `RESCHEDULED` and `CANCELLED` tell of a change already made.

    `ON_TIME` tells a patient who heard of a delay that the day is back on time for them.
    """

    HEADS_UP = "heads-up"
    DELAY = "delay"
    ON_TIME = "on-time"
    PREPARATION = "preparation"
    RESCHEDULE_OFFER = "reschedule-offer"
    FOLLOW_UP = "follow-up"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    OFFER = "offer"
    """An earlier or a free time, offered from the waitlist: the patient may answer yes or no."""
    OFFER_GONE = "offer-gone"
    """The time they were offered was taken by someone who answered first."""
    BOOKED = "booked"
    """A time they took from the waitlist is booked."""
    TOO_LATE = "too-late"
    """Their reply came after the question closed."""


AHEAD_OF_VISIT = frozenset(
    {
        NoticeKind.HEADS_UP, NoticeKind.DELAY, NoticeKind.ON_TIME, NoticeKind.PREPARATION,
        NoticeKind.BOOKED,
    }
)  # fmt: skip
"""Kinds about a visit still to come: once the visit is moved or cancelled they are stale."""
ESTIMATES = frozenset({NoticeKind.DELAY, NoticeKind.ON_TIME})
"""Kinds that tell a new estimate of when a visit starts: a later one replaces an earlier one."""
ANSWERS = frozenset({NoticeKind.BOOKED, NoticeKind.OFFER_GONE, NoticeKind.TOO_LATE})
"""Kinds that close a conversation the patient is in (their yes, their late reply, an offer they
hold): they keep quiet hours, but neither wait for nor count towards the daily and weekly
limits, which are for messages the clinic starts."""
UNTIMED = frozenset({NoticeKind.FOLLOW_UP, NoticeKind.TOO_LATE})
"""Kinds that name no time: a thank-you after a visit, word that a question closed."""
QUESTIONS = frozenset({NoticeKind.DELAY, NoticeKind.OFFER})
"""Kinds a patient may answer by text: a delay's choices, an offer's yes or no."""


def notice_key(kind: NoticeKind, *parts: object) -> str:
    """Derive a stable idempotency key from what makes one request unique.

    A key names one request, not one text: the same estimate told twice, at two revisions of a
    delay, is two notices. The library derives its own keys from the event that asks for the
    notice (a delay's revision and the visit, say), so a follower asked twice owes it once.
    """
    kind = checks.member(kind, NoticeKind, "kind")
    return f"{kind.value}-{uuid5(NOTICE_NAMESPACE, '/'.join(map(str, parts))).hex}"


def _code(name: str) -> Any:  # noqa: ANN401 (an attrs validator)
    return lambda _, __, value: checks.code(value, name)


def _id(name: str) -> Any:  # noqa: ANN401
    return lambda _, __, value: checks.an_id(value, name)


def _optional_id(name: str) -> Any:  # noqa: ANN401
    return lambda _, __, value: value is None or checks.an_id(value, name)


def _optional_time(name: str) -> Any:  # noqa: ANN401
    return lambda _, __, value: value is None or checks.aware(value, name)


@attrs.frozen
class Notice:
    """A message owed to one patient on one channel, known everywhere by its idempotency key."""

    key: str = attrs.field(validator=_code("notice key"))
    kind: NoticeKind = attrs.field(validator=lambda _, __, v: checks.member(v, NoticeKind, "kind"))
    patient_id: UUID = attrs.field(validator=_id("patient id"))
    channel: Channel = attrs.field(validator=lambda _, __, v: checks.member(v, Channel, "channel"))
    visit_id: UUID | None = attrs.field(default=None, validator=_optional_id("visit id"))
    when: datetime | None = attrs.field(default=None, validator=_optional_time("when"))
    """The time the message names: the visit's start, or its new estimate for a delay."""
    not_before: datetime | None = attrs.field(default=None, validator=_optional_time("not before"))
    """Do not send before this (a preparation notice goes out the day before, say)."""
    expires: datetime | None = attrs.field(default=None, validator=_optional_time("expires"))
    """After this the message is useless (the visit has started): it is given up, not sent."""

    def __attrs_post_init__(self) -> None:
        if self.when is None and self.kind not in UNTIMED:
            raise InvalidInput(f"a {self.kind.value} notice must name a time (when)")
        if self.not_before and self.expires and self.expires <= self.not_before:
            raise InvalidInput("a notice must expire after the time it may first be sent")


@attrs.frozen
class Receipt:
    """A channel's word that it took a notice: the same key always gets the same receipt."""

    key: str = attrs.field(validator=_code("notice key"))
    via: str = attrs.field(validator=_code("via"))
    """The plugin that delivered it."""
    reference: str = attrs.field(
        validator=lambda _, __, v: checks.text(v, "reference", max_length=200)
    )
    """The channel's own id for the message (a gateway message id, an e-mail Message-ID)."""
