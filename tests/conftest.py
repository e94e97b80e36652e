"""Small, named fixtures for a clinic's day: a plan on the in-memory store, staff, a patient."""

from __future__ import annotations

import os
from uuid import UUID

import pytest
from hypothesis import HealthCheck, settings

from helpers import CLINIC_ZONE, at
from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    memory_store,
)

settings.register_profile(
    "ci", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=30)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at(7, 0))


@pytest.fixture
def plan(clock: FixedClock) -> ServicePlan:
    return ServicePlan(memory_store(), clock=clock, settings=Settings(timezone=CLINIC_ZONE))


@pytest.fixture
def desk() -> Staff:
    return Staff("desk-ana", "front-desk")


@pytest.fixture
def manager() -> Staff:
    return Staff("mgr-lee", "manager")


@pytest.fixture
def contact() -> ContactPoints:
    return ContactPoints(PhoneNumber("+15555550100"), EmailAddress("pat@example.org"))


@pytest.fixture
def patient(plan: ServicePlan, desk: Staff, contact: ContactPoints) -> UUID:
    """A registered patient who consented to texts."""
    pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    plan.give_consent(pid, Channel.SMS, by=desk)
    return pid
