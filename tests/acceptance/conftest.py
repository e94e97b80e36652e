"""The clinic these scenarios happen in: Dr. Patel's morning, as in DOMAIN.md."""

from __future__ import annotations

import pytest

from helpers import at
from serviceplan.testing import Scenario

DR_PATELS_MORNING = [
    (8, 0, "exam"),
    (8, 30, "follow-up"),
    (8, 50, "dilated-exam"),
    (9, 50, "follow-up"),
    (10, 10, "exam"),
    (11, 30, "follow-up"),
]


@pytest.fixture
def scenario(plan):
    return Scenario(plan)


@pytest.fixture
def morning(plan, desk, patient):
    """Dr. Patel's booked morning: six visits, the third a 60-minute dilated exam."""
    return [
        plan.book_visit(patient, provider="dr-patel", visit_type=kind, start=at(h, m), by=desk)
        for h, m, kind in DR_PATELS_MORNING
    ]
