"""The contracts of the advice roles: playbook steps and preparation notes.

Advice is read, never acted on by the plugin: a hook that changed the incident or delay it was
shown would put events in the record behind the clinic's back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from eventsourcing.domain import Aggregate

from serviceplan.app.service_plan import ServicePlan
from serviceplan.domain.contact import Channel, ContactPoints, PhoneNumber
from serviceplan.domain.delay import Delay
from serviceplan.domain.incident import Incident
from serviceplan.domain.signs import Level, Observation, Topic
from serviceplan.domain.staff import Staff
from serviceplan.plugins.records import Preparation, Proposal
from serviceplan.testing.contracts.subject import MORNING, require, subject_plan

DESK = Staff("desk-contract")
LABELS = ("difficult", "rude", "crazy", "hysterical", "noncompliant", "non-compliant",
          "drug-seeking", "problem patient", "demanding", "angry patient")  # fmt: skip
"""Words that label a patient; a script describes the need and the process instead."""


def incident_and_delay(plan: ServicePlan) -> tuple[Incident, Delay]:
    """Record an upset patient and a 45-minute delay that pushes their visit back."""
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550123")), preferred=Channel.SMS, by=DESK
    )
    start = MORNING + timedelta(hours=1)
    plan.book_visit(patient, provider="dr-contract", visit_type="exam", start=start,
                    length=30, by=DESK)  # fmt: skip
    incident = plan.open_incident(
        patient, observation=Observation(Level.AGITATED, Topic.WAIT), need="to know when", by=DESK
    )
    delay = plan.announce_delay(
        provider="dr-contract", late_from=start, minutes=45, reason="surgery ran over", by=DESK
    )
    return plan.get_incident(incident), plan.get_delay(delay)


def _check_proposals(proposals: Sequence[Proposal], shown: Aggregate) -> None:
    require(all(isinstance(p, Proposal) for p in proposals), "steps must be Proposals")
    for proposal in proposals:
        label = next((w for w in LABELS if w in proposal.script.lower()), None)
        require(label is None, f"the script of {proposal.step} labels the patient: {label!r}")
    require(not shown.collect_events(), "the plugin changed what it was shown")


def check_playbook(plugin: object) -> None:
    """Steps come as proposals, label no patient, and leave the incident and delay unchanged."""
    plan = subject_plan(plugin)
    incident, delay = incident_and_delay(plan)
    _check_proposals(plan.plugins.incident_steps(incident), incident)
    _check_proposals(plan.plugins.delay_steps(delay), delay)


def check_preparation(plugin: object, visit_types: Sequence[str]) -> None:
    """Each known visit type gets a note about itself; an unknown one a note or None."""
    plugins = subject_plan(plugin).plugins
    for visit_type in visit_types:
        note = plugins.preparation(visit_type, "en")
        if not isinstance(note, Preparation):
            raise AssertionError(f"no preparation note for {visit_type}")  # noqa: TRY004 (a contract failure)
        require(note.visit_type == visit_type, "the note is about another visit type")
    unknown = plugins.preparation("no-such-visit-type", "en")
    require(
        unknown is None or unknown.visit_type == "no-such-visit-type",
        "an unknown visit type got a note about another type",
    )


class PlaybookContract:
    """Subclass in your tests and define a `plugin` fixture returning your playbook plugin."""

    @pytest.fixture
    def plugin(self) -> object:
        """The playbook plugin under test (override this)."""
        pytest.fail("define a `plugin` fixture that returns the playbook plugin under test")

    def test_playbook(self, plugin: object) -> None:
        """Steps are proposals that label no patient and change nothing."""
        check_playbook(plugin)


class PreparationContract:
    """Subclass, define `plugin`, and `visit_types`: the visit types your plugin knows."""

    @pytest.fixture
    def plugin(self) -> object:
        """The preparation plugin under test (override this)."""
        pytest.fail("define a `plugin` fixture that returns the preparation plugin under test")

    @pytest.fixture
    def visit_types(self) -> Sequence[str]:
        """The visit types the plugin has notes for (override this)."""
        return ["exam"]

    def test_preparation(self, plugin: object, visit_types: Sequence[str]) -> None:
        """Known visit types get their note."""
        check_preparation(plugin, visit_types)
