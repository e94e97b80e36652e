"""The webhook's world: a clinic's plan, its receiver on loopback, a patient on the portal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    ServicePlan,
    Settings,
    Staff,
    memory_store,
)
from serviceplan.plugins import STAND_INS
from serviceplan_webhook import WebhookSettings
from webhook_peer import SECRET, Receiver, receiver_on_loopback

os.environ[STAND_INS] = "1"  # the demo's stand-ins answer where the test's plugins do not

ZONE = ZoneInfo("America/New_York")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_on_loopback() as running:
        yield running


@pytest.fixture
def hook_settings(receiver: Receiver) -> WebhookSettings:
    return WebhookSettings(url=receiver.url, secret=SECRET)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=ZONE))


@pytest.fixture
def plan(clock: FixedClock) -> ServicePlan:
    return ServicePlan(
        memory_store(), clock=clock, settings=Settings(timezone=ZONE), entry_points=False
    )


@pytest.fixture
def desk() -> Staff:
    return Staff("desk-ana", "front-desk")


@pytest.fixture
def patient(plan: ServicePlan, desk: Staff) -> UUID:
    """A patient who reads the clinic's portal and consented to it."""
    patient = plan.register_patient(contact=ContactPoints(), preferred=Channel.PORTAL, by=desk)
    plan.give_consent(patient, Channel.PORTAL, by=desk)
    return patient
