"""What the feed did with a message: the record it keeps per control id and acknowledges."""

from __future__ import annotations

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
