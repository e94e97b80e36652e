"""The specification's own examples: Dr Careful's physiotherapy schedule on Christmas 2013.

Slot/1 (9:00) is busy, Slot/example (9:15) free, Slot/3 (9:30) busy-unavailable and Slot/2
(9:45) busy-tentative; Appointment/example is booked and Appointment/examplereq proposed.
"""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_helpers import CHRISTMAS_2013, EXAMPLES, at, booking
from serviceplan.errors import SlotUnavailable
from serviceplan_fhir import AppointmentStatus, validated


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_every_shared_example_is_valid_r4_read_as_r4b(path):
    data = json.loads(path.read_text())
    kind = get_fhir_model_class(data["resourceType"])
    assert validated(kind, data, path.name).id == data["id"]


def test_the_only_free_slot_of_christmas_morning_is_9_15(scheduler):
    slots = scheduler.serviceplan_free_slots(
        "dr-careful", at(0, day=CHRISTMAS_2013), at(12, day=CHRISTMAS_2013)
    )
    assert [(s.provider, s.start, s.length) for s in slots] == [
        ("dr-careful", at(9, 15, CHRISTMAS_2013), 15)
    ]


def test_a_busy_first_slot_is_no_peace_offering(scheduler):
    assert scheduler.serviceplan_first_slot_of_morning("dr-careful", CHRISTMAS_2013) == []


def test_the_free_example_slot_can_be_booked_and_is_busy_after(scheduler, fhir_server):
    visit = booking(at(9, 15, CHRISTMAS_2013), provider="dr-careful")
    reference = scheduler.serviceplan_book_slot(visit)

    assert fhir_server.store.read("Slot", "example")["status"] == "busy"
    created = fhir_server.store.read(*reference.split("/"))
    assert created["slot"] == [{"reference": "Slot/example"}]
    assert {"reference": "Location/1"} in [p["actor"] for p in created["participant"]]
    assert scheduler.appointment(reference).status is AppointmentStatus.BOOKED


@pytest.mark.parametrize(("hour", "minute"), [(9, 0), (9, 30), (9, 45)])
def test_busy_unavailable_and_tentative_slots_cannot_be_booked(
    scheduler, fhir_server, hour, minute
):
    with pytest.raises(SlotUnavailable):
        scheduler.serviceplan_book_slot(
            booking(at(hour, minute, CHRISTMAS_2013), provider="dr-careful")
        )
    assert not [r for r in fhir_server.requests if r.method in {"POST", "PUT"}]


def test_the_example_appointments_read_in_serviceplan_words(scheduler):
    booked = scheduler.appointment("Appointment/example")
    proposed = scheduler.appointment("examplereq")
    assert (booked.status, booked.start, booked.cancellation, booked.fault) == (
        AppointmentStatus.BOOKED,
        at(9, day=CHRISTMAS_2013.replace(day=10)),
        None,
        None,
    )
    assert (proposed.status, proposed.start) == (AppointmentStatus.PROPOSED, None)


def test_a_schedule_with_no_slots_that_day_has_no_first_slot(scheduler):
    assert scheduler.serviceplan_first_slot_of_morning("dr-crusher", CHRISTMAS_2013) == []
    assert scheduler.serviceplan_free_slots("dr-crusher", at(0), at(23)) == []
