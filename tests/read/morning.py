"""Dr. Patel's booked morning from DOMAIN.md's worked cascade, for the read-model tests."""

from __future__ import annotations

from uuid import UUID

from helpers import DAY, at
from serviceplan import ServicePlan, Staff
from serviceplan.read import DayBoard, ProviderBoard

MORNING = [(8, 0, 30), (8, 30, 20), (8, 50, 60), (9, 50, 20), (10, 10, 30), (11, 30, 15)]


def book_morning(plan: ServicePlan, desk: Staff, patient: UUID) -> list[UUID]:
    """Book Dr. Patel's six visits for `patient`; return their ids in booked order."""
    return [
        plan.book_visit(
            patient, provider="dr-patel", visit_type="exam", start=at(h, m), length=n, by=desk
        )
        for h, m, n in MORNING
    ]


def patel(board: DayBoard) -> ProviderBoard:
    """Catch the board up and return Dr. Patel's section of the day."""
    board.catch_up()
    (section,) = board.day(DAY, "dr-patel")
    return section
