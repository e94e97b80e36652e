"""The clinic these feed tests happen in: GHH's scheduler sends SIU messages about one biopsy."""

from __future__ import annotations

import os
from uuid import UUID

import pytest

from hl7v2_helpers import GHH, ghh
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    memory_store,
)
from serviceplan.plugins import STAND_INS
from serviceplan_hl7v2 import SiuFeed

os.environ[STAND_INS] = "1"  # the demo's stand-ins answer where the test's plugins do not


@pytest.fixture
def clock() -> FixedClock:
    """The scheduler's morning of 14 September 2021, when the sample booking was sent."""
    return FixedClock(ghh(14, 11, 20))


@pytest.fixture
def plan(clock: FixedClock) -> ServicePlan:
    return ServicePlan(memory_store(), clock=clock, settings=Settings(timezone=GHH))


@pytest.fixture
def desk() -> Staff:
    return Staff("desk-ana", "front-desk")


@pytest.fixture
def patient(plan: ServicePlan, desk: Staff) -> UUID:
    """The samples' patient, registered at the desk under chart number PATID1234."""
    contact = ContactPoints(PhoneNumber("+15555550100"))
    return plan.register_patient(
        contact=contact, preferred=Channel.SMS, by=desk, external_id="PATID1234"
    )


@pytest.fixture
def feed(plan: ServicePlan) -> SiuFeed:
    return SiuFeed(plan)


@pytest.fixture
def booked(feed: SiuFeed, patient: UUID) -> UUID:
    """The sample S12 applied: the biopsy booked for 24 September at 9:30."""
    from hl7v2_helpers import sample  # noqa: PLC0415 (helpers are plain modules)

    visit_id = feed.apply(sample("SIU-S12-01")).visit_id
    assert feed.plan.get_visit(visit_id).patient_id == patient
    return visit_id
