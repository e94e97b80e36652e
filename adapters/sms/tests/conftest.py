"""The text channel's world: a clinic's plan, Twilio on loopback, a patient who takes texts."""

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
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    memory_store,
)
from serviceplan.plugins import STAND_INS
from serviceplan_sms import SmsSettings
from sms_helpers import PHONE
from twilio_peer import ACCOUNT, CLINIC_NUMBER, TOKEN, FakeTwilio, twilio_on_loopback

os.environ[STAND_INS] = "1"  # the demo's stand-ins answer where the test's plugins do not

ZONE = ZoneInfo("America/New_York")


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with twilio_on_loopback() as server:
        yield server


@pytest.fixture
def waits() -> list[float]:
    """The waits between tries, recorded instead of slept."""
    return []


@pytest.fixture
def sms_settings(twilio: FakeTwilio) -> SmsSettings:
    return SmsSettings(
        account_sid=ACCOUNT, auth_token=TOKEN, sender=CLINIC_NUMBER, base_url=twilio.base_url
    )


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
    """A patient who prefers texts and consented to them."""
    contact = ContactPoints(PhoneNumber(PHONE))
    patient = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    plan.give_consent(patient, Channel.SMS, by=desk)
    return patient
