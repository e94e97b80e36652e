"""Settings from the environment; the entry point: the FHIR server or the template week."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import pytest

from fhir_helpers import SCHEDULES, TUESDAY, at
from serviceplan import ServicePlan, memory_store
from serviceplan.errors import InvalidInput
from serviceplan_fhir import FhirScheduler, FhirSettings, from_environment
from serviceplan_fhir.plugin import Dormant, FromEnvironment
from serviceplan_fhir.settings import SCHEDULES as SCHEDULES_VARIABLE
from serviceplan_fhir.settings import TIMEOUT, TIMEZONE, TOKEN, URL

NEW_YORK = ZoneInfo("America/New_York")


def test_the_environment_names_server_schedules_timeout_zone_and_token():
    settings = FhirSettings.from_environment(
        {
            URL: " https://fhir.example.org/r4/ ",
            SCHEDULES_VARIABLE: "dr-patel=42, dr-lee = 43,",
            TIMEOUT: "2.5",
            TIMEZONE: "America/New_York",
            TOKEN: "abc",  # a test token
        }
    )
    assert settings == FhirSettings(
        "https://fhir.example.org/r4",
        schedules={"dr-patel": "42", "dr-lee": "43"},
        timeout=2.5,
        zone=NEW_YORK,
        token="abc",  # noqa: S106 (a test token)
    )
    assert (settings.schedule_for("dr-patel"), settings.schedule_for("dr-okafor")) == (
        "42",
        "dr-okafor",
    )
    assert settings.morning_ends == time(12)


def test_without_a_base_url_there_are_no_settings():
    assert FhirSettings.from_environment({SCHEDULES_VARIABLE: "dr-patel=42"}) is None


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({URL: "fhir.example.org"}, "must start with http"),
        ({URL: "https://f", SCHEDULES_VARIABLE: "dr-patel"}, "provider=schedule pairs"),
        ({URL: "https://f", SCHEDULES_VARIABLE: "=42"}, "provider=schedule pairs"),
        ({URL: "https://f", TIMEOUT: "soon"}, "number of seconds"),
        ({URL: "https://f", TIMEOUT: "0"}, "more than 0 seconds"),
        ({URL: "https://f", TIMEZONE: "Mars/Olympus"}, "time zone like"),
    ],
)
def test_a_wrong_setting_is_refused_by_name(env, problem):
    with pytest.raises(InvalidInput, match=problem):
        FhirSettings.from_environment(env)


def test_morning_slots_are_read_in_the_clinics_zone(fhir_server):
    scheduler = FhirScheduler(
        FhirSettings(fhir_server.base_url, schedules=SCHEDULES, zone=NEW_YORK)
    )
    [first] = scheduler.serviceplan_first_slot_of_morning("dr-contract", TUESDAY)
    assert first.start == at(8)  # 3:00 in New York: before noon there, and the day's first
    assert first.start.tzinfo is NEW_YORK


def test_an_installed_adapter_without_a_server_leaves_the_template_week_in_charge(monkeypatch):
    monkeypatch.delenv(URL, raising=False)
    plan = ServicePlan(memory_store())  # entry points loaded, this adapter among them
    assert isinstance(FromEnvironment(), Dormant)
    assert plan.plugins.first_slot_of_morning("dr-patel", TUESDAY) is not None


def test_an_installed_adapter_with_a_server_answers_for_the_scheduler(monkeypatch, fhir_server):
    monkeypatch.setenv(URL, fhir_server.base_url)
    monkeypatch.setenv(SCHEDULES_VARIABLE, "dr-contract=contract")
    plan = ServicePlan(memory_store())
    slots = plan.plugins.free_slots("dr-contract", at(8), at(9))
    assert [s.start for s in slots] == [at(8), at(8, 15), at(8, 30), at(8, 45)]
    assert fhir_server.requests  # asked the FHIR server, not the template week


def test_from_environment_builds_the_scheduler_or_stays_idle(fhir_server):
    assert isinstance(from_environment({URL: fhir_server.base_url}), FhirScheduler)
    assert from_environment({}).missing == URL
