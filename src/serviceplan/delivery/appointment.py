"""The calendar's view of a visit: one entry across its moves, revised once per change.

A move books a new visit linked to the old one (`rescheduled_from`), so the calendar entry is
named after the first visit of the chain, and its revision (RFC 5545's SEQUENCE) counts the moves,
plus one when the visit is cancelled.
"""

from __future__ import annotations

from datetime import timedelta

from serviceplan.app.service_plan import ServicePlan
from serviceplan.domain.visit import Visit, VisitStatus
from serviceplan.plugins.records import Appointment


def appointment(plan: ServicePlan, visit: Visit) -> Appointment:
    """Return the calendar entry for `visit`: its first visit's id, revision and times."""
    first, moves = visit, 0
    while first.rescheduled_from is not None:
        first = plan.get_visit(first.rescheduled_from)
        moves += 1
    cancelled = visit.status is VisitStatus.CANCELLED
    return Appointment(
        uid=first.id,
        sequence=moves + int(cancelled),
        start=visit.start,
        end=visit.start + timedelta(minutes=visit.length),
        cancelled=cancelled,
    )
