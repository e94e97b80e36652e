"""The FHIR scheduler passes the scheduler contract against a FHIR server on loopback."""

from __future__ import annotations

import pytest

from serviceplan.testing.contracts import SchedulerContract


class TestFhirScheduler(SchedulerContract):
    @pytest.fixture
    def plugin(self, scheduler):
        return scheduler
