"""A FHIR server on loopback, seeded with the specification's examples and our fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from fhir_helpers import SCHEDULES, seed
from serviceplan.plugins import STAND_INS
from serviceplan_fhir import FhirScheduler, FhirSettings
from serviceplan_fhir.testing import FhirTestServer

os.environ[STAND_INS] = "1"  # the demo's stand-ins answer where the test's plugins do not


@pytest.fixture
def fhir_server() -> Iterator[FhirTestServer]:
    with FhirTestServer(seed()) as server:
        yield server


@pytest.fixture
def settings(fhir_server: FhirTestServer) -> FhirSettings:
    return FhirSettings(fhir_server.base_url, schedules=SCHEDULES, timeout=5)


@pytest.fixture
def scheduler(settings: FhirSettings) -> Iterator[FhirScheduler]:
    scheduler = FhirScheduler(settings)
    yield scheduler
    scheduler.client.close()
