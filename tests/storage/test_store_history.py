"""A whole history moves between stores as JSON lines: same order, ids, versions, or not at all."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from histories.clinic_day import ZONE, at, play
from serviceplan import FixedClock, ServicePlan, Settings, memory_store, sqlite_store
from serviceplan.__main__ import main
from serviceplan.errors import BadHistoryFile, IncompleteHistory, StoreNotEmpty
from serviceplan.store import history

Edit = Callable[[list[str]], list[str]]
DAY_EVENTS = 100
"""How many events the clinic day records (`histories/clinic_day.py`)."""


@pytest.fixture(scope="module")
def clinic_day() -> str:
    """The clinic day, exported from memory once for this module's tests."""
    clock = FixedClock(at(7))
    origin = ServicePlan(memory_store(), clock=clock, settings=Settings(ZONE))
    play(origin, clock)
    out = io.StringIO()
    history.export_history(origin, out)
    return out.getvalue()


def recorded(plan: ServicePlan) -> list[tuple[int, Any, int, str]]:
    return [
        (n.id, n.originator_id, n.originator_version, n.topic)
        for n in plan.recorder.select_notifications(1, plan.event_count)
    ]


def exported(plan: ServicePlan) -> str:
    out = io.StringIO()
    history.export_history(plan, out)
    return out.getvalue()


def test_a_history_imports_into_an_empty_store_with_the_same_order_ids_and_versions(
    plan: ServicePlan, clinic_day: str
) -> None:
    count = history.import_history(plan, io.StringIO(clinic_day))
    assert count == DAY_EVENTS == plan.event_count
    origin = ServicePlan(memory_store())
    history.import_history(origin, io.StringIO(clinic_day))
    assert recorded(plan) == recorded(origin)
    assert exported(plan) == clinic_day


def test_every_store_exports_what_it_recorded(plan: ServicePlan, clock: FixedClock) -> None:
    day = play(plan, clock)
    text = exported(plan)
    copy = ServicePlan(memory_store(), settings=Settings(ZONE))
    history.import_history(copy, io.StringIO(text))
    assert exported(copy) == text
    assert recorded(copy) == recorded(plan)
    assert vars(copy.get_incident(day.incident)) == vars(plan.get_incident(day.incident))


def test_progress_is_told_page_by_page(monkeypatch: pytest.MonkeyPatch, clinic_day: str) -> None:
    monkeypatch.setattr(history, "PAGE", 20)
    plan, told = ServicePlan(memory_store()), []
    history.import_history(plan, io.StringIO(clinic_day), progress=told.append)
    assert told == [20, 40, 60, 80, DAY_EVENTS]
    told.clear()
    history.export_history(plan, io.StringIO(), progress=told.append)
    assert told == [20, 40, 60, 80, DAY_EVENTS]


def test_an_empty_history_imports_nothing() -> None:
    plan, told = ServicePlan(memory_store()), []
    text = exported(plan)
    assert text.count("\n") == 2  # the header and the trailer
    assert history.import_history(plan, io.StringIO(text), progress=told.append) == 0
    assert told == [0]


@pytest.mark.usefixtures("patient")
def test_a_store_that_holds_events_is_refused(plan: ServicePlan, clinic_day: str) -> None:
    before = plan.event_count
    with pytest.raises(StoreNotEmpty):
        history.import_history(plan, io.StringIO(clinic_day))
    assert plan.event_count == before


def test_a_bad_last_line_applies_nothing_of_the_file(plan: ServicePlan, clinic_day: str) -> None:
    lines = clinic_day.splitlines(keepends=True)
    with pytest.raises(BadHistoryFile) as refused:
        history.import_history(plan, [*lines[:-1], "{not json\n"])
    assert refused.value.line == len(lines)
    assert plan.event_count == 0


def lines_of(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def nothing_imported_from(lines: list[str], reason: str) -> BadHistoryFile:
    """Then the file is refused for `reason`, and the store stays empty."""
    plan = ServicePlan(memory_store())
    with pytest.raises(BadHistoryFile, match=reason) as refused:
        history.import_history(plan, lines)
    assert plan.event_count == 0
    return refused.value


def test_an_export_ends_with_a_trailer_counting_its_events(clinic_day: str) -> None:
    last = json.loads(lines_of(clinic_day)[-1])
    assert last["trailer"]["events"] == DAY_EVENTS
    assert len(last["trailer"]["sha256"]) == 64


def test_an_export_that_was_killed_before_its_end_is_refused(clinic_day: str) -> None:
    cut = lines_of(clinic_day)[:40]  # the export stopped at a line's end
    refused = nothing_imported_from(cut, "ends after 39 events without its trailer")
    assert isinstance(refused, IncompleteHistory)
    assert refused.line == 41
    halfway = [*cut, lines_of(clinic_day)[40][:55]]  # ... or in the middle of a line
    assert nothing_imported_from(halfway, "not JSON").line == 41


def test_a_file_missing_its_last_lines_is_refused(clinic_day: str) -> None:
    head = lines_of(clinic_day)[:-50]  # head -n -50
    refused = nothing_imported_from(head, "without its trailer")
    assert isinstance(refused, IncompleteHistory)


def test_a_file_missing_a_last_event_but_keeping_the_trailer_is_refused(clinic_day: str) -> None:
    lines = lines_of(clinic_day)
    refused = nothing_imported_from(
        [*lines[:-2], lines[-1]], f"counts {DAY_EVENTS} events but the file"
    )
    assert refused.line == len(lines) - 1


def test_an_offering_whose_value_was_edited_is_refused(clinic_day: str) -> None:
    lines = lines_of(clinic_day)
    number = next(n for n, line in enumerate(lines) if "Offering.Proposed" in line)
    assert '"amount":{"_type_":"decimal_str","_data_":"8.00"}' in lines[number]
    lines[number] = lines[number].replace('"_data_":"8.00"', '"_data_":"5000.00"')
    refused = nothing_imported_from(lines, "do not match the trailer's digest")
    assert isinstance(refused, IncompleteHistory)
    assert refused.line == len(lines)


def test_a_line_after_the_trailer_is_refused(clinic_day: str) -> None:
    lines = lines_of(clinic_day)
    assert (
        nothing_imported_from([*lines, lines[1]], "a line after the trailer").line == DAY_EVENTS + 3
    )


def test_a_file_of_format_version_1_is_taken_only_when_accepted_as_it_is(clinic_day: str) -> None:
    lines = lines_of(clinic_day)
    old = ['{"format":"serviceplan-history","version":1}\n', *lines[1:-1]]
    assert nothing_imported_from(old, "no trailer to prove the file complete").line == 1
    plan = ServicePlan(memory_store())
    assert history.import_history(plan, old, accept_version_1=True) == DAY_EVENTS
    with pytest.raises(BadHistoryFile, match="a version 1 file has no trailer"):
        history.import_history(
            ServicePlan(memory_store()), [*old, lines[-1]], accept_version_1=True
        )


def edit(number: int, change: Callable[[dict[str, Any]], object]) -> Edit:
    """Return an edit that changes the record on line `number` (1-based) in place."""

    def apply(lines: list[str]) -> list[str]:
        record = json.loads(lines[number - 1])
        change(record)
        return [*lines[: number - 1], json.dumps(record), *lines[number:]]

    return apply


def replace(number: int, text: str) -> Edit:
    return lambda lines: [*lines[: number - 1], text, *lines[number:]]


def setter(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    return lambda record: record.__setitem__(key, value)


def state_setter(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    return lambda record: record["state"].__setitem__(key, value)


BAD_FILES: dict[str, tuple[Edit, int, str]] = {
    "empty": (lambda _: [], 1, "empty"),
    "header not JSON": (replace(1, "serviceplan"), 1, "not JSON"),
    "other format": (replace(1, '{"format": "csv", "version": 1}'), 1, "not a serviceplan"),
    "newer format": (edit(1, setter("version", 3)), 1, "format version 3"),
    "bad format version": (edit(1, setter("version", "one")), 1, "whole number"),
    "line not JSON": (replace(3, '{"position": 2,'), 3, "not JSON"),
    "line not an object": (replace(3, "[2]"), 3, "not a JSON object"),
    "missing field": (edit(3, lambda r: r.pop("topic")), 3, "exactly the fields"),
    "position back": (edit(3, setter("position", 1)), 3, "position must be 2 or more"),
    "position text": (edit(3, setter("position", "2")), 3, "position must be a whole"),
    "bad id": (edit(2, setter("aggregate_id", "patient-1")), 2, "UUID"),
    "id not text": (edit(2, setter("aggregate_id", 7)), 2, "UUID"),
    "version gap": (edit(3, setter("version", 3)), 3, "version 3 of aggregate"),
    "version true": (edit(2, lambda r: r.update(version=True)), 2, "whole number"),
    "unknown module": (edit(2, setter("topic", "clinicx.events:Registered")), 2, "unknown"),
    "unknown class": (
        edit(2, setter("topic", "serviceplan.domain.patient:Patient.Born")),
        2,
        "unknown",
    ),
    "no topic form": (edit(2, setter("topic", "Registered")), 2, "'module:Class'"),
    "not an event": (edit(2, setter("topic", "serviceplan.errors:NotFound")), 2, "not an event"),
    "state not object": (edit(2, setter("state", [])), 2, "state must be a JSON object"),
    "newer event": (edit(2, state_setter("class_version", 9)), 2, "newer serviceplan"),
    "not created first": (
        edit(2, setter("topic", "serviceplan.domain.patient:Patient.OptedOut")),
        2,
        "creates it",
    ),
    "wrong aggregate": (
        edit(3, setter("topic", "serviceplan.domain.visit:Visit.CheckedIn")),
        3,
        "has no event",
    ),
    "missing value": (edit(3, lambda r: r["state"].pop("channel")), 3, "cannot replay"),
    "odd creator": (
        edit(2, state_setter("originator_topic", "clinicx.models:Patient")),
        2,
        "unknown",
    ),
}


def test_a_value_a_rule_tightened_since_would_refuse_still_loads(clinic_day: str) -> None:
    """The record is what was recorded: today's validators judge new input, not old events."""
    events = clinic_day.splitlines()[1:-1]  # as a version 1 file: no digest to break
    lines = edit(2, lambda r: r["state"]["contact"]["_data_"]["phone"]["_data_"].update(e164="12"))(
        ['{"format":"serviceplan-history","version":1}', *events]
    )
    plan = ServicePlan(memory_store())
    history.import_history(plan, lines, accept_version_1=True)
    first = json.loads(lines[1])["aggregate_id"]
    assert plan.get_patient(UUID(first)).contact.phone.e164 == "12"


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_history_is_refused_with_its_line_and_reason(clinic_day: str, case: str) -> None:
    change, line, reason = BAD_FILES[case]
    plan = ServicePlan(memory_store())
    lines = change(clinic_day.splitlines())
    with pytest.raises(BadHistoryFile, match=reason) as refused:
        history.import_history(plan, lines)
    assert refused.value.line == line
    assert reason in refused.value.reason
    assert plan.event_count == 0


def test_the_demo_days_sqlite_file_moves_to_every_store(
    plan: ServicePlan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_file = tmp_path / "demo" / "demo.sqlite3"
    assert main(["demo", "--db", str(demo_file)]) == 0
    assert "events recorded" in capsys.readouterr().out
    demo = ServicePlan(sqlite_store(demo_file))
    text = exported(demo)
    demo.close()
    assert history.import_history(plan, io.StringIO(text)) == text.count("\n") - 2
    assert exported(plan) == text
