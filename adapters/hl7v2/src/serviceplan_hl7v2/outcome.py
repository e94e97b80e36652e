"""What the feed did with a message: the record it keeps per control id and acknowledges."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import attrs

from serviceplan_hl7v2.siu import Trigger


class Action(Enum):
    """The command a message became, or that it changed nothing."""

    BOOKED = "booked"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    NO_SHOW = "no-show"
    UNCHANGED = "unchanged"
    SUPERSEDED = "superseded"


@attrs.frozen
class Outcome:
    """One applied message: who sent it, what it did, and the visit it left in place.

    `duplicate` is true when the message was seen before and this is the first answer again.
    """

    sender: str
    control_id: str
    trigger: Trigger
    action: Action
    visit_id: UUID | None
    digest: str
    note: str = ""
    duplicate: bool = False
    appointment_id: str = ""
    sent_at: datetime | None = None
    """MSH-7: when the sender says it sent the message."""
    sequence: int | None = None
    """MSH-13: the sender's sequence number, when it keeps one."""

    @property
    def stamp(self) -> Stamp:
        """Where the message stands in its appointment's story."""
        return Stamp(self.sent_at, self.sequence)


@attrs.frozen
class Stamp:
    """When a message was sent (MSH-7) and its sequence number (MSH-13), to order messages.

    The sequence decides when both messages have one (the sender numbers them in the order it
    sends them); else MSH-7 does. A message with neither is never older than another.
    """

    sent_at: datetime | None
    sequence: int | None = None

    def older_than(self, newest: Stamp) -> bool:
        """Say whether this message was sent before `newest`, the newest applied."""
        if self.sequence is not None and newest.sequence is not None:
            return self.sequence < newest.sequence
        if self.sent_at is None or newest.sent_at is None:
            return False
        return self.sent_at < newest.sent_at
