"""Moves that go through the clinic's scheduler, and the first slot of a morning as amends.

`move_visit` records the request; the `SchedulerMoves` policy books the new time with the
scheduler, records the move, and frees the old time, each after the record is saved. Run inline
(the default), the move is made by the time the command returns, which then answers with the new
visit or the scheduler's refusal (`SlotUnavailable`), both on the record.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

from serviceplan.app.desk import Desk
from serviceplan.app.permissions import permitted
from serviceplan.app.visits import a_day
from serviceplan.domain import checks
from serviceplan.domain.incident import Incident
from serviceplan.domain.reasons import CancellationReason, Fault
from serviceplan.domain.staff import Staff
from serviceplan.domain.visit import MoveRequest, Visit, moved_visit_id
from serviceplan.errors import (
    IncidentNotFound,
    NoPlugin,
    NotOfficeFault,
    SlotUnavailable,
    VisitNotFound,
)
from serviceplan.plugins.records import Slot


class MoveDesk(Desk):
    """Moving visits through the scheduler, and the first slot of a morning for amends."""

    def first_slot_of_morning(self, provider: str, day: date) -> Slot | None:
        """Ask the scheduler for the provider's first free slot on `day` (None if taken)."""
        return self.plan.plugins.first_slot_of_morning(
            checks.code(provider, "provider"), a_day(day)
        )

    @permitted("move-visit")
    def move_visit(  # noqa: PLR0913 (a move has this many facts)
        self,
        visit_id: UUID,
        *,
        start: datetime,
        reason: CancellationReason,
        by: Staff,
        provider: str | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Move a visit through the scheduler; returns the new visit's id.

        The visit stands until the scheduler books the new time. A scheduler that says no is
        recorded as the move refused, and raises `SlotUnavailable` with its reason.
        """
        visit = self._load(visit_id)
        return self._move(
            visit, start=start, reason=reason, by=by, provider=provider, amends=None,
            at=self.plan.now(now),
        )  # fmt: skip

    @permitted("move-visit")
    def move_to_first_slot(  # noqa: PLR0913 (amends have this many facts)
        self,
        visit_id: UUID,
        *,
        incident_id: UUID,
        reason: CancellationReason,
        by: Staff,
        day: date | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Give the patient the first slot of a morning for an incident the office caused.

        The move and a `FIRST_MORNING_SLOT` offering (no retail value, issued by the move itself)
        are recorded together once the scheduler has booked the slot.
        """
        at = self.plan.now(now)
        incident = self.plan.load(Incident, incident_id, IncidentNotFound)
        if incident.fault is not Fault.OFFICE:
            raise NotOfficeFault("the first slot of a morning makes amends for the office's fault")
        visit = self._load(visit_id)
        morning = day or self.settings.calendar.next_open_day(self.plan.day_of(at))
        slot = self.first_slot_of_morning(visit.provider, morning)
        if slot is None:
            raise SlotUnavailable("the first slot of that morning is taken")
        return self._move(
            visit, start=slot.start, reason=reason, by=by, provider=None, amends=incident.id,
            at=at,
        )  # fmt: skip

    def _move(  # noqa: PLR0913 (a move has this many facts)
        self,
        visit: Visit,
        *,
        start: datetime,
        reason: CancellationReason,
        by: Staff,
        provider: str | None,
        amends: UUID | None,
        at: datetime,
    ) -> UUID:
        if not self.plan.plugins.has_scheduler:
            raise NoPlugin("no plugin implements serviceplan_book_slot: install a scheduler")
        request = MoveRequest(
            uuid4(), start, provider or visit.provider, visit.length, reason, amends, by
        )
        visit.request_move(request, at)
        self.plan.record(visit)
        moved = self._load(visit.id)
        if moved.move_refused is not None and moved.move_request is None:
            raise SlotUnavailable(moved.move_refused)
        return moved_visit_id(request.request_id)

    def _load(self, visit_id: UUID) -> Visit:
        return self.plan.load(Visit, visit_id, VisitNotFound)
