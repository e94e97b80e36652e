"""Small, named fixtures for a clinic's day: a plan on the in-memory store, staff, a patient."""

from __future__ import annotations

import os
from datetime import datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings

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

CLINIC_ZONE = ZoneInfo("America/New_York")
DAY = datetime(2026, 12, 1, tzinfo=CLINIC_ZONE).date()


def at(hour: int, minute: int = 0) -> datetime:
    """A time on the test day, in the clinic's zone."""
    return datetime.combine(DAY, time(hour, minute), tzinfo=CLINIC_ZONE)


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
