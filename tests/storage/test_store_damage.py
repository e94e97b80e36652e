"""Damaged stored data is an error naming its place in the store, never a wrong answer.

Each test books Dr. Patel's 8:00 exam on a SQLite store, then damages one stored event as a
disk, a hand-edit or a newer serviceplan might, and reads the store back: the write side (loading
the visit) and the read side (the day board) both refuse it, and the board applies nothing of the
page that holds it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from helpers import CLINIC_ZONE, at
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    Level,
    Observation,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    Topic,
    sqlite_store,
)
from serviceplan.errors import DamagedEvent, NewerEvent
from serviceplan.read import DayBoard, OpenIncidents, Views

Change = Callable[[dict[str, Any]], object]


class Morning:
    """A SQLite store with one patient and her 8:00 exam, and the position of the booking."""

    def __init__(self, folder: Path, desk: Staff) -> None:
        self.path = folder / "clinic.sqlite3"
        plan = self.open()
        self.patient = plan.register_patient(
            contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
        )
        self.visit = plan.book_visit(
            self.patient, provider="dr-patel", visit_type="exam", start=at(8), by=desk
        )
        self.booking = self.position_of("Visit.Booked")
        plan.close()

    def open(self) -> ServicePlan:
        clock = FixedClock(at(7))
        return ServicePlan(sqlite_store(self.path), clock=clock, settings=Settings(CLINIC_ZONE))

    def position_of(self, name: str) -> int:
        with closing(sqlite3.connect(self.path)) as db:
            rows = db.execute("SELECT rowid, topic FROM stored_events ORDER BY rowid").fetchall()
        return next(rowid for rowid, topic in rows if topic.endswith(f":{name}"))

    def damage(self, position: int, change: Change | bytes) -> None:
        """Change the stored state at `position` in place, as a hand-edit would."""
        with closing(sqlite3.connect(self.path)) as db:
            (state,) = db.execute(
                "SELECT state FROM stored_events WHERE rowid = ?", (position,)
            ).fetchone()
            if isinstance(change, bytes):
                state = change
            else:
                data = json.loads(state)
                change(data)
                state = json.dumps(data, separators=(",", ":")).encode()
            db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state, position))
            db.commit()


@pytest.fixture
def morning(tmp_path: Path, desk: Staff) -> Morning:
    return Morning(tmp_path, desk)


def board_of(plan: ServicePlan) -> DayBoard:
    return DayBoard(plan, Views())


def refused_by_both_sides(morning: Morning, error: type[Exception], reason: str) -> None:
    """Then loading the visit and catching the board up both refuse, naming the event's place."""
    plan = morning.open()
    with pytest.raises(error, match=reason) as loading:
        plan.get_visit(morning.visit)
    assert str(loading.value).startswith(f"event 1 of aggregate {morning.visit} (Visit.Booked)")
    board = board_of(plan)
    with pytest.raises(error, match=reason) as reading:
        board.catch_up()
    assert str(reading.value).startswith(f"the event at position {morning.booking} (Visit.Booked)")
    assert board.position == 0, "nothing of the page is applied"
    assert board.days() == []
    plan.close()


def test_a_booking_missing_its_provider_is_refused_not_shown_with_no_provider(morning):
    morning.damage(morning.booking, lambda state: state.pop("provider"))
    refused_by_both_sides(morning, DamagedEvent, "is incomplete: it has no provider")


def test_a_booking_whose_start_lost_its_time_is_refused(morning):
    morning.damage(morning.booking, lambda state: state["start"].pop("_data_"))
    plan = morning.open()
    with pytest.raises(DamagedEvent, match=r"is incomplete: it has no start\._data_"):
        board_of(plan).catch_up()
    plan.close()


def test_a_stored_event_that_is_not_json_is_refused(morning):
    morning.damage(morning.booking, b'{"provider": "dr-pat')
    refused_by_both_sides(morning, DamagedEvent, "is not valid JSON")


def test_an_event_written_by_a_newer_serviceplan_is_refused(morning):
    morning.damage(morning.booking, lambda state: state.update(class_version=2))
    refused_by_both_sides(
        morning, NewerEvent, r"was written by a newer serviceplan \(event version 2; this one"
    )


def test_an_event_class_this_serviceplan_does_not_know_is_a_newer_ones(morning):
    with closing(sqlite3.connect(morning.path)) as db:
        db.execute(
            "UPDATE stored_events SET topic = ? WHERE rowid = ?",
            ("serviceplan.domain.visit:Visit.Teleported", morning.booking),
        )
        db.commit()
    plan = morning.open()
    with pytest.raises(NewerEvent, match="names an event class this serviceplan does not know"):
        plan.get_visit(morning.visit)
    plan.close()


def test_a_stored_value_the_code_refuses_is_damage(morning):
    registered = morning.position_of("Patient.Registered")
    morning.damage(
        registered,
        lambda state: state["contact"]["_data_"]["phone"].update(_data_={"digits": "12"}),
    )
    plan = morning.open()
    with pytest.raises(DamagedEvent, match=r"holds a value this serviceplan cannot read") as found:
        plan.get_patient(morning.patient)
    assert "12" not in str(found.value).replace(str(morning.patient), "")
    plan.close()


def test_a_whole_event_reader_names_the_position_too(morning, desk):
    plan = morning.open()
    incident = plan.open_incident(
        morning.patient, observation=Observation(Level.CALM, Topic.BALANCE), need="a bill", by=desk
    )
    plan.close()
    opened = morning.position_of("Incident.Opened")
    morning.damage(opened, lambda state: state.pop("need"))
    plan = morning.open()
    with pytest.raises(DamagedEvent, match=f"the event at position {opened} .* no need"):
        OpenIncidents(plan, Views()).catch_up()
    with pytest.raises(DamagedEvent):
        plan.get_incident(incident)
    plan.close()


def test_an_undamaged_store_reads_as_before(morning):
    plan = morning.open()
    board = board_of(plan)
    board.catch_up()
    [section] = board.day(at(8).date())
    assert [r.visit_id for r in section.rows] == [str(morning.visit)]
    assert plan.get_visit(morning.visit).provider == "dr-patel"
    plan.close()
