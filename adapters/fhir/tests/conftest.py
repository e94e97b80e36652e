"""A FHIR server on loopback, seeded with the specification's examples and our fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fhir_helpers import SCHEDULES, seed
from serviceplan_fhir import FhirScheduler, FhirSettings
from serviceplan_fhir.testing import FhirTestServer


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
