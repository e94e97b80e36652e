"""The audit trail says who did what and when; any read model can be built as of a past moment."""

from __future__ import annotations

import pytest
from morning import book_morning

from helpers import DAY, at
from serviceplan import Fault, Level, Money, Observation, OfferingKind, Staff, Topic
from serviceplan.errors import InvalidInput
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, as_of
from serviceplan.read.audit import describe


@pytest.fixture
def story(plan, clock, desk, manager, patient):
    """A visit checked in at 8:00; at 9:00 an upset patient, the office's fault, a mug."""
    (visit, *_) = book_morning(plan, desk, patient)
    clock.set(at(8))
    plan.check_in(visit, by=desk)
    clock.set(at(9))
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="a shorter wait",
        visit_id=visit, by=desk,
    )  # fmt: skip
    plan.determine_fault(incident, Fault.OFFICE, by=manager)
    mug = plan.propose_offering(
        incident, kind=OfferingKind.SWAG, value=Money("8.00"), item="mug", by=desk
    )
    plan.approve_offering(mug, by=manager)
    return {"visit": visit, "incident": incident, "offering": mug}


def test_a_patients_trail_tells_who_did_what_and_when(plan, patient, story):
    trail = AuditTrail(plan)
    trail.catch_up()

    lines = trail.of_patient(patient)
    said = [(line.record, line.what, line.by, line.role) for line in lines]

    assert said[:2] == [
        ("Patient", "registered", "desk-ana", "front-desk"),
        ("Patient", "consent given", "desk-ana", "front-desk"),
    ]
    assert ("Visit", "checked in", "desk-ana", "front-desk") in said
    assert ("Incident", "fault determined", "mgr-lee", "manager") in said
    assert ("Offering", "approved", "mgr-lee", "manager") in said
    assert ("Patient", "offering entered", None, None) in said
    assert [line.position for line in lines] == sorted(line.position for line in lines)
    assert next(line for line in lines if line.what == "checked in").at == at(8)
    assert story["visit"]


def test_an_incidents_trail_holds_its_offerings_and_their_details(plan, story):
    trail = AuditTrail(plan)
    trail.catch_up()

    lines = trail.of_incident(story["incident"])

    assert [(line.record, line.what) for line in lines] == [
        ("Incident", "opened"), ("Incident", "steps proposed"), ("Incident", "fault determined"),
        ("Offering", "proposed"), ("Offering", "stock held"), ("Offering", "approved"),
    ]  # fmt: skip
    assert lines[0].detail.startswith("observation=upset about wait need=a shorter wait")
    assert "kind=swag value=8.00 USD item=mug" in lines[3].detail


def test_details_leave_out_contact_points_ids_and_times(plan, patient):
    trail = AuditTrail(plan)
    trail.catch_up()
    registered = trail.of_patient(patient)[0]

    assert "555" not in registered.detail
    assert "@" not in registered.detail
    assert describe({"flag": True, "staff": Staff("desk-ana")}) == ""


def test_an_id_is_found_from_its_first_characters(plan, patient, story):
    trail = AuditTrail(plan)
    trail.catch_up()

    assert trail.ids_starting("patient_id", str(patient)[:8]) == [str(patient)]
    assert trail.ids_starting("incident_id", str(story["incident"])[:8]) == [str(story["incident"])]


@pytest.mark.usefixtures("story")
def test_the_board_as_of_a_past_moment_shows_the_estimate_of_that_moment(plan, clock, desk):
    clock.set(at(9, 30))
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(9, 30), minutes=30, reason="late", by=desk
    )
    clock.set(at(10))
    plan.revise_delay(delay, minutes=60, by=desk)

    def slips(moment):
        (section,) = as_of(plan, DayBoard, moment).day(DAY)
        return [r.delay_minutes for r in section.rows]

    assert slips(at(9)) == [0, 0, 0, 0, 0, 0]
    # the 8:00 patient checked in and still waiting is pushed back with everyone after
    assert slips(at(9, 45)) == [120, 0, 0, 40, 40, 0]
    assert slips(at(10, 30)) == [150, 0, 0, 70, 70, 20]
    assert as_of(plan, DayBoard, at(7, 30)).day(DAY)[0].rows[0].status.value == "booked"


def test_open_incidents_as_of_a_moment_before_the_incident_are_none(plan, story):
    assert as_of(plan, OpenIncidents, at(8, 59)).open() == []
    (found,) = as_of(plan, OpenIncidents, at(9)).open()
    assert found.incident_id == str(story["incident"])


def test_as_of_needs_a_moment_with_a_zone(plan):
    with pytest.raises(InvalidInput, match="timezone"):
        as_of(plan, DayBoard, at(9).replace(tzinfo=None))
