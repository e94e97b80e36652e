"""Delays shrink when patients leave, and grow when freed time is filled: the queue projected again.

Whenever the queue of a provider's day with an open delay loses or regains a patient (one who
chooses to come later, on another day or not at all, or changes their mind; a visit cancelled or
moved away), each open delay's impact is projected again from the queue as it is now, the
estimate unchanged (`Delay.Reprojected`, naming the visit whose change caused it). The
`OpeningFill` policy does the same when it books a freed time into a delayed day. The
`DelayNotices` policy then tells each patient whose estimate moved by the usual threshold,
earlier or later. A booking made at the desk does not: the desk revises the delay, as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from serviceplan.app.policies.base import FOLLOWER, Policy
from serviceplan.domain.cascade import Impact, QueuedVisit, project
from serviceplan.domain.delay import Delay
from serviceplan.domain.visit import Visit
from serviceplan.errors import DelayNotFound, VisitNotFound

if TYPE_CHECKING:
    from serviceplan.app.plan import Plan


def reprojected(
    plan: Plan,
    visit: Visit,
    now: datetime,
    *,
    joining: bool = False,
    leaving: frozenset[UUID] = frozenset(),
) -> list[Delay]:
    """Project each open delay of the visit's day again; return those whose impact changed.

    `joining`: the visit is not recorded yet (a time being filled) and joins the queue;
    `leaving`: visits moved away in the same breath, not recorded yet either.
    """
    day = plan.day_of(visit.start)
    ids = plan.schedule.delay_ids(visit.provider, day, open_only=True)
    if not ids:
        return []
    queue = [q for q in plan.schedule.queue(visit.provider, day) if q.visit_id not in leaving]
    if joining:
        queue.append(QueuedVisit(visit.id, visit.patient_id, visit.start, visit.length))
    seen = plan.schedule.seen(visit.provider, day)
    changed = []
    for delay in plan.load_many(Delay, ids, DelayNotFound):
        impact = projected_again(delay, queue, seen)
        if impact != delay.impact:
            delay.reproject(visit.id, impact, now, FOLLOWER)
            changed.append(delay)
    return changed


def projected_again(delay: Delay, queue: list[QueuedVisit], seen: list[QueuedVisit]) -> Impact:
    """Return the delay's impact over the queue as it is now.

    Visits the provider has started or finished keep their time: one the delay pushed back
    keeps its slip and the time it was projected to, so the patients after it are projected
    from there, and nobody ahead of a patient who left moves.
    """
    before = {slip.visit_id: slip for slip in delay.impact.slips}
    served = [v for v in seen if v.start >= delay.late_from or v.visit_id in before]
    started = [
        (v, before[v.visit_id].projected_start if v.visit_id in before else v.start) for v in served
    ]
    impact = project(queue, delay.late_from, delay.minutes, seen=started)
    kept = [before[v.visit_id] for v in served if v.visit_id in before]
    slips = sorted([*impact.slips, *kept], key=lambda s: (s.booked_start, str(s.visit_id)))
    return Impact(slips)


class QueueChanges(Policy):
    """Projects the open delays of a provider's day again when a patient leaves its queue."""

    name = "queue-changes"
    follows = (Visit.ChoiceRecorded, Visit.Cancelled, Visit.Rescheduled)

    def act(self, event: Any, now: datetime) -> list[Any]:  # noqa: ANN401 (one of `follows`)
        """Record each open delay's impact as the queue has it now, where it changed."""
        visit = self.plan.load(Visit, event.originator_id, VisitNotFound)
        return list(reprojected(self.plan, visit, now))
