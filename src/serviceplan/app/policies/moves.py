"""The clinic's scheduler, kept in step with the record: moves, cancellations and no-shows.

Whenever the desk asks for a move (`Visit.MoveRequested`), this policy books the new time with
the scheduler hook and records the move (the new visit, linked both ways); a scheduler that says
no is recorded as the move refused, with its reason. The original visit thus stands until the
new one is booked; once it is recorded as moved, the scheduler is told to free its old time. A
move made to amend an office fault (the first slot of a morning) also records its peace
offering. Whenever a visit is cancelled (with its reason) or marked a no-show, the scheduler is
told too. What the scheduler answered is recorded (`Visit.SchedulerTold`); one that fails is
recorded as not answering, and logged, for the desk to put right by hand.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from serviceplan.app.policies.base import FOLLOWER, Policy
from serviceplan.app.preparation import prepared
from serviceplan.domain.money import Money
from serviceplan.domain.offering import Offering, OfferingKind
from serviceplan.domain.patient import Patient
from serviceplan.domain.visit import MoveRequest, Visit, moved_visit_id
from serviceplan.errors import (
    PatientNotFound,
    ServicePlanError,
    VisitInPast,
    VisitNotFound,
)
from serviceplan.plugins.records import Booking

if TYPE_CHECKING:
    from serviceplan.app.plan import Plan

FIRST_SLOT_ITEM = "first-slot"
log = logging.getLogger("serviceplan.following")


def booking_of(visit: Visit) -> Booking:
    """Return the visit as a scheduling system sees it."""
    return Booking(
        visit.id, visit.patient_id, visit.provider, visit.visit_type, visit.start, visit.length
    )


def why_not(error: Exception) -> str:
    """Say why a plugin refused, in words fit for the record (our own errors' words only)."""
    if isinstance(error, ServicePlanError):
        return f"{type(error).__name__}: {error}"[:200]
    return f"the plugin failed ({type(error).__name__})"


@attrs.frozen
class Moved:
    """What carrying out a move came to: the records to save, and the new visit or the refusal."""

    records: list[Any]
    new: Visit | None = None
    refused: str | None = None


def carry_out(
    plan: Plan, old: Visit, request: MoveRequest, now: datetime, *, need_scheduler: bool = True
) -> Moved:
    """Book a requested move with the scheduler and record it, or record why it was refused.

    The old visit stands until the new one is booked. Unless `need_scheduler`, a plan without a
    scheduler installed keeps the schedule in the record alone, and the move is recorded at once.
    """
    if not old.is_pending:
        return _refused(old, request, f"the visit is {old.status.value}", now)
    booking = Booking(
        moved_visit_id(request.request_id), old.patient_id, request.provider,
        old.visit_type, request.start, request.length,
    )  # fmt: skip
    booked = need_scheduler or plan.plugins.has_scheduler
    try:
        if booked:
            plan.plugins.book_slot(booking)
        new = Visit.book(
            patient_id=old.patient_id, provider=request.provider, visit_type=old.visit_type,
            start=request.start, length=request.length, at=now, by=request.by,
            rescheduled_from=old.id, visit_id=booking.visit_id,
        )  # fmt: skip
    except VisitInPast as late:
        if booked:
            plan.plugins.cancel_booking(booking)
        return _refused(old, request, str(late), now)
    except Exception as error:  # noqa: BLE001 (a refusal is the move's recorded outcome)
        return _refused(old, request, why_not(error), now)
    old.reschedule(to=new.id, reason=request.reason, at=now, by=request.by)
    return Moved([new, old, *prepared(plan, new, now, request.by)], new=new)


def _refused(old: Visit, request: MoveRequest, why: str, now: datetime) -> Moved:
    old.refuse_move(request.request_id, why, now, FOLLOWER)
    return Moved([old], refused=why)


class SchedulerMoves(Policy):
    """Carries requested moves out through the scheduler, and tells it of every change."""

    name = "scheduler"
    follows = (Visit.MoveRequested, Visit.Rescheduled, Visit.Cancelled, Visit.NoShow)

    def act(self, event: Any, now: datetime) -> list[Any]:  # noqa: ANN401 (one of `follows`)
        """Book a requested move, or tell the scheduler of a move, cancellation or no-show."""
        visit = self.plan.load(Visit, event.originator_id, VisitNotFound)
        if isinstance(event, Visit.MoveRequested):
            request = visit.move_request
            if request is None or request.request_id != event.request_id:
                return []  # refused or carried out already
            return self._move(visit, request, now)
        if visit.change_to_tell is None:
            return []
        return self._tell(visit, visit.change_to_tell, now)

    def _move(self, old: Visit, request: MoveRequest, now: datetime) -> list[Any]:
        moved = carry_out(self.plan, old, request, now)
        if moved.new is None or request.amends is None:
            return moved.records
        return [*moved.records, *self._amends(old, request, now)]

    def _amends(self, old: Visit, request: MoveRequest, now: datetime) -> list[Any]:
        """Record the first slot of a morning as the peace offering it is, issued by the move."""
        assert request.amends is not None  # noqa: S101 (checked by the caller)
        offering = Offering.propose(
            patient_id=old.patient_id, incident_id=request.amends,
            kind=OfferingKind.FIRST_MORNING_SLOT, value=Money.zero(), item=FIRST_SLOT_ITEM,
            at=now, by=request.by,
        )  # fmt: skip
        offering.approve(check=None, at=now, by=request.by)  # no retail value: the move honours it
        offering.issue(at=now, by=request.by)
        patient = self.plan.load(Patient, old.patient_id, PatientNotFound)
        patient.enter_offering(offering.id, offering.value, now, self.plan.settings.offering_limits)
        return [offering, patient]

    def _tell(self, visit: Visit, change: str, now: datetime) -> list[Any]:
        booking, plugins = booking_of(visit), self.plan.plugins
        try:
            if change == "no-show":
                answered = plugins.no_show_booking(booking)
            else:
                answered = plugins.cancel_booking(booking, visit.cancellation)
        except Exception as error:  # noqa: BLE001 (recorded: the desk puts it right by hand)
            log.warning("the scheduler was not told a visit %s (%s)", change, why_not(error))
            answered = False
        visit.tell_scheduler(change, answered, now, FOLLOWER)
        return [visit]
