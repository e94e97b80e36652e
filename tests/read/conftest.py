"""Fixtures of the read-model tests: Dr. Patel's morning and a day board over it."""

from __future__ import annotations

from uuid import UUID

import pytest
from morning import book_morning

from serviceplan import ServicePlan, Staff
from serviceplan.read import DayBoard


@pytest.fixture
def morning(plan: ServicePlan, desk: Staff, patient: UUID) -> list[UUID]:
    """Dr. Patel's six visits, booked for the patient."""
    return book_morning(plan, desk, patient)


@pytest.fixture
def board(plan: ServicePlan) -> DayBoard:
    """A day board over the plan, in memory, not yet caught up."""
    return DayBoard(plan)
