"""Histories written by earlier versions load unchanged; shapes change only with a version.

The files here were exported by the version in their name and are never edited, and each has
beside it what its board, incidents, report and audit trails showed then (`record_views.py`).
When an event class changes shape, it gets a higher `class_version` and an upcaster, and
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
from record_schema import FINGERPRINTS, current_schema, events, histories, replayed, topics
from views_of import shown_histories, views_of

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
    lines = text.rstrip("\n").split("\n")  # not splitlines: a text may hold U+2028 and kin
    return [line for line in lines[1:] if not line.startswith('{"trailer"')]


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
    """What every version's clinic day holds (later versions add to the day, never change it)."""
    with path.open(encoding="utf8") as lines:
        import_history(plan, lines, accept_version_1=True)
    ids = created(path)
    incident = plan.get_incident(ids["Incident.Opened"][0])
    assert incident.status is IncidentStatus.OPEN
    assert incident.escalations == 2  # the playbook (agitated), then the desk
    assert [t.is_done for t in incident.tasks] == [True]
    patient = plan.get_patient(incident.patient_id)
    assert [e.value.amount for e in patient.ledger][:1] == [Decimal("8.00")]
    offerings = [plan.get_offering(i).status for i in ids["Offering.Proposed"]]
    assert offerings[:3] == [
        OfferingStatus.ISSUED, OfferingStatus.DECLINED, OfferingStatus.WITHDRAWN,
    ]  # fmt: skip
    visits = [plan.get_visit(i).status.value for i in ids["Visit.Booked"]]
    assert visits[:6] == ["completed", "cancelled", "no-show", "rescheduled", "booked", "booked"]


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


@pytest.mark.parametrize("path", shown_histories(), ids=lambda p: p.name)
def test_a_stored_history_shows_what_it_showed_when_recorded(path: Path) -> None:
    recorded = path.with_suffix(".views.json")
    assert recorded.exists(), "record what it shows: run tests/histories/record_views.py"
    expected = json.loads(recorded.read_text(encoding="utf8"))
    assert_shows(views_of(replayed(path), path), expected, "views")


def assert_shows(now: object, then: object, where: str) -> None:
    """Check `now` shows all `then` showed: the same values, and lists of the same length.

    A view may show more than it did (a new column); it may not show less, or otherwise.
    """
    if isinstance(then, dict):
        assert isinstance(now, dict), where
        for key, value in then.items():
            assert key in now, f"{where}.{key} is no longer shown"
            assert_shows(now[key], value, f"{where}.{key}")
    elif isinstance(then, list):
        assert isinstance(now, list), where
        assert len(now) == len(then), f"{where}: {len(now)} rows, not {len(then)}"
        for n, (new, old) in enumerate(zip(now, then, strict=True)):
            assert_shows(new, old, f"{where}[{n}]")
    else:
        assert now == then, f"{where}: {now!r}, not {then!r}"
