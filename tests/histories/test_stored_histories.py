"""Histories written by earlier versions load unchanged; shapes change only with a version.

The files here were exported by the version in their name and are never edited. When an event
class changes shape, it gets a higher `class_version` and an upcaster, and
`record_schema.py` records the new version; see docs/operations.md, "Upgrades". Files of format
version 1 have no trailer: they are imported as they are (`accept_version_1`), and export again
with the current header and a trailer around the same event lines.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from record_schema import FINGERPRINTS, current_schema, events, histories, topics

from serviceplan import IncidentStatus, OfferingStatus, ServicePlan
from serviceplan.store.history import export_history, import_history
from serviceplan.store.replay import FORMAT_VERSION
from serviceplan.store.schema import compare
from serviceplan.store.versions import aggregate_classes, event_classes, missing_upcasters

CLINIC_DAYS = [p for p in histories() if p.name.endswith("-clinic-day.jsonl")]


def test_there_is_a_stored_history_of_a_clinic_day() -> None:
    assert CLINIC_DAYS


def event_lines(text: str) -> list[str]:
    """Return the event lines of an exported history: all but the header and the trailer."""
    return [line for line in text.splitlines()[1:] if not line.startswith('{"trailer"')]


@pytest.mark.parametrize("path", histories(), ids=lambda p: p.name)
def test_a_stored_history_imports_and_exports_byte_for_byte(plan: ServicePlan, path: Path) -> None:
    text = path.read_text(encoding="utf8")
    stored = event_lines(text)
    assert import_history(plan, io.StringIO(text), accept_version_1=True) == len(stored)
    out = io.StringIO()
    export_history(plan, out)
    assert event_lines(out.getvalue()) == stored
    if json.loads(text.splitlines()[0])["version"] == FORMAT_VERSION:
        assert out.getvalue() == text


def created(path: Path) -> dict[str, list[UUID]]:
    """Return the ids of the aggregates a history creates, by creating event, in order."""
    found: dict[str, list[UUID]] = {}
    for record in events(path):
        if record["version"] == 1:
            name = str(record["topic"]).rpartition(":")[2]
            found.setdefault(name, []).append(UUID(str(record["aggregate_id"])))
    return found


@pytest.mark.parametrize("path", CLINIC_DAYS, ids=lambda p: p.name)
def test_a_stored_clinic_day_still_tells_the_same_story(plan: ServicePlan, path: Path) -> None:
    with path.open(encoding="utf8") as lines:
        import_history(plan, lines, accept_version_1=True)
    ids = created(path)
    incident = plan.get_incident(ids["Incident.Opened"][0])
    assert incident.status is IncidentStatus.OPEN
    assert incident.escalations == 2  # the playbook (agitated), then the desk
    assert [t.is_done for t in incident.tasks] == [True]
    patient = plan.get_patient(incident.patient_id)
    assert [e.value.amount for e in patient.ledger] == [Decimal("8.00")]
    offerings = [plan.get_offering(i).status for i in ids["Offering.Proposed"]]
    assert offerings == [OfferingStatus.ISSUED, OfferingStatus.DECLINED, OfferingStatus.WITHDRAWN]
    visits = [plan.get_visit(i).status.value for i in ids["Visit.Booked"]]
    assert visits == ["completed", "cancelled", "no-show", "rescheduled", "booked", "booked"]


def test_no_event_class_changed_shape_without_a_version_bump() -> None:
    recorded = json.loads(FINGERPRINTS.read_text(encoding="utf8"))
    additions, breaks = compare(recorded, current_schema())
    assert breaks == [], "a shape changed: raise class_version and add an upcaster"
    assert additions == [], "new shapes: run tests/histories/record_schema.py and commit"


def test_every_recorded_event_class_has_a_stored_history() -> None:
    recorded = json.loads(FINGERPRINTS.read_text(encoding="utf8"))
    stored = set().union(*(topics(path) for path in histories()))
    assert set(recorded["events"]) <= stored


def test_every_versioned_class_has_its_upcasters() -> None:
    assert missing_upcasters([*event_classes(), *aggregate_classes()]) == []
