"""A patient who left a delayed queue and changes their mind: their time is theirs, if still free.

A patient who chose to come later or on another day freed their time, and the waitlist may have
been offered it. Coming back to the queue (waiting after all) closes the opening while it is
still offered; once another patient said yes to it or was booked into it, the time is gone and
the desk must find the patient a new one: two patients are never given one time this way.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from serviceplan.domain.opening import Opening, OpeningStatus
from serviceplan.domain.visit import LEAVES_QUEUE, DelayChoice, Visit
from serviceplan.errors import NotAllowedNow, OpeningNotFound

if TYPE_CHECKING:
    from serviceplan.app.plan import Plan
    from serviceplan.domain.staff import Staff

KEPT = "the patient who freed it kept it after all"
TAKEN = (OpeningStatus.CLAIMED, OpeningStatus.FILLED)


def coming_back(
    plan: Plan, visit: Visit, choice: DelayChoice, at: datetime, by: Staff
) -> list[Opening]:
    """Return the openings of the visit's time to close as the patient comes back to the queue.

    Raises `NotAllowedNow` when another patient has taken the time (or is being booked into it).
    Nothing to close when the patient stays away or never left.
    """
    left = bool(visit.choices) and visit.choices[-1][1] in LEAVES_QUEUE
    if choice in LEAVES_QUEUE or not left:
        return []
    freed = plan.waitlist.freed_by(visit.id, visit.start)
    if any(status in TAKEN for _, status in freed):
        what = "time this patient left"
        raise NotAllowedNow(what, "another patient's now", "keep the visit: book a new time")
    return [_closed(plan, opening_id, at, by) for opening_id, _ in freed]


def _closed(plan: Plan, opening_id: UUID, at: datetime, by: Staff) -> Opening:
    opening = plan.load(Opening, opening_id, OpeningNotFound)
    opening.close(KEPT, at, by)
    return opening
