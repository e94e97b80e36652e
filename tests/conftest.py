"""Small, named fixtures for a clinic's day: a plan on every store, staff, a patient."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
import time_machine
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
)
from serviceplan.plugins import STAND_INS
from stores import STORES, SessionDatabase, open_session_database, store_settings

CONFIG_VARIABLES = tuple(
    f"SERVICEPLAN_{part}"
    for part in ("CONFIG", "CLINIC_", "RULES_", "STORE_", "DELIVERY_", "VIEWS_")
)
"""Variables that would choose or change a clinic's configuration under the tests."""

os.environ[STAND_INS] = "1"  # the demo's stand-ins answer where a test installs no plugin
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="serviceplan-tests-config-")
"""No clinic configuration of the machine running the tests is read (its default path is here)."""
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="serviceplan-tests-data-")
os.environ.pop("SERVICEPLAN_DB", None)
"""Nor is its default store written: a command with no --db opens one of the tests' own."""
for _name in [n for n in os.environ if n.startswith(CONFIG_VARIABLES)]:
    del os.environ[_name]

settings.register_profile(
    "ci", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=30)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
YEAR_AHEAD = timedelta(days=366)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--year-ahead",
        action="store_true",
        help="run with the system clock a year (366 days) ahead: no test may depend on today",
    )


@pytest.fixture(autouse=True, scope="session")
def _year_ahead(request: pytest.FixtureRequest) -> Iterator[None]:
    """With --year-ahead, the whole session runs a year from now (`make test` does it once)."""
    if not request.config.getoption("--year-ahead"):
        yield
        return
    with time_machine.travel(datetime.now(tz=UTC) + YEAR_AHEAD, tick=True):
        yield


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at(7, 0))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[SessionDatabase]:
    """This session's own PostgreSQL database (see tests/stores.py)."""
    yield from open_session_database()


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Settings for a clean store: memory, a SQLite file, PostgreSQL (marked `postgres`)."""
    return store_settings(request.param, request, tmp_path)


@pytest.fixture
def plan(store: dict[str, str], clock: FixedClock) -> Iterator[ServicePlan]:
    app = ServicePlan(store, clock=clock, settings=Settings(timezone=CLINIC_ZONE))
    yield app
    app.close()


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
