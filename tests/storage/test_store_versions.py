"""Event classes carry versions and fingerprints; an upcaster reads an old shape as the new one."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic

from serviceplan import Channel, Patient, ServicePlan, memory_store
from serviceplan.errors import BadHistoryFile
from serviceplan.store.history import export_history, import_history
from serviceplan.store.schema import compare, merged, schema, state_fingerprint
from serviceplan.store.versions import (
    aggregate_classes,
    event_classes,
    fingerprint,
    missing_upcasters,
    shape,
    upcaster,
)


class Reminder(Aggregate):
    """A stand-in aggregate whose event changes shape, as a real one might."""

    @event("Scheduled")
    def __init__(self, due: datetime) -> None:
        self.due = due
        self.channel = "sms"

    @event("Sent")
    def send(self, channel: str) -> None:
        self.channel = channel


class ReminderV2(Aggregate):
    """The same aggregate a release later: `Sent` says who sent it."""

    @event("Sent")
    def send(self, channel: str, sender: str) -> None:
        self.channel = channel
        self.sender = sender


def test_every_domain_aggregate_and_its_stored_events_are_found() -> None:
    names = [cls.__name__ for cls in aggregate_classes()]
    assert names == [
        "Delay",
        "Incident",
        "NoticeDay",
        "NoticeRecord",
        "Offering",
        "Opening",
        "Patient",
        "ProviderDay",
        "Reply",
        "Visit",
        "WaitlistEntry",
    ]
    topics = [get_topic(cls) for cls in event_classes()]
    assert "serviceplan.domain.patient:Patient.Registered" in topics
    assert not [t for t in topics if t.endswith((".Event", "Patient.Created"))]


def test_a_shape_follows_fields_into_the_value_objects_they_hold() -> None:
    registered = shape(Patient.Registered)
    assert ["contact", "ContactPoints"] in registered["fields"]
    assert registered["values"]["ContactPoints"] == [
        ["phone", "PhoneNumber | None"],
        ["email", "EmailAddress | None"],
    ]
    assert registered["values"]["PhoneNumber"] == [["e164", "str"]]
    assert registered["values"]["Channel"] == "enum"


def test_a_new_field_changes_the_fingerprint() -> None:
    assert fingerprint(Reminder.Sent) != fingerprint(ReminderV2.Sent)
    assert fingerprint(Reminder.Sent) == fingerprint(Reminder.Sent)


def test_a_changed_shape_is_a_break_unless_the_version_goes_up() -> None:
    topic = get_topic(Reminder.Sent)
    recorded = {"events": {topic: {"1": fingerprint(Reminder.Sent)}}}
    same_version = {"events": {topic: {"1": fingerprint(ReminderV2.Sent)}}}
    bumped = {"events": {topic: {"2": fingerprint(ReminderV2.Sent)}}}
    changed = f"events: {topic} changed shape without a version bump"
    assert compare(recorded, same_version) == ([], [changed])
    assert compare(recorded, bumped) == ([f"events: {topic} version 2 is new"], [])
    assert merged(recorded, bumped)["events"][topic] == {
        "1": fingerprint(Reminder.Sent),
        "2": fingerprint(ReminderV2.Sent),
    }
    with pytest.raises(ValueError, match="without a version bump"):
        merged(recorded, same_version)


def test_a_gone_class_or_enum_member_is_a_break_and_a_new_member_an_addition() -> None:
    recorded = {"events": {"gone:Thing.Done": {"1": "x"}}, "enums": {"e:Colour": ["red", "blue"]}}
    current = {"events": {}, "enums": {"e:Colour": ["red", "green"]}}
    additions, breaks = compare(recorded, current)
    assert additions == ["enums: e:Colour gained 'green'"]
    assert breaks == ["events: gone:Thing.Done is gone", "enums: e:Colour lost 'blue'"]
    kept = merged({"enums": {"e:Colour": ["red"]}}, current)
    assert kept["enums"] == {"e:Colour": ["green", "red"]}


def test_a_snapshotted_aggregate_records_its_attribute_names(clock, contact, desk) -> None:
    plan = ServicePlan(memory_store(), clock=clock)
    pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    patient = plan.get_patient(pid)
    current = schema([patient])
    assert current["snapshots"] == {get_topic(Patient): {"2": state_fingerprint(patient)}}
    patient.nickname = "Rosie"
    assert state_fingerprint(patient) != current["snapshots"][get_topic(Patient)]["2"]


def test_an_upcaster_reads_an_old_event_in_the_new_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = ServicePlan(memory_store())
    reminder = Reminder(due=datetime.fromisoformat("2026-12-01T09:00:00+00:00"))
    reminder.send(channel="sms")
    plan.save(reminder)
    out = io.StringIO()
    export_history(plan, out)

    monkeypatch.setattr(Reminder.Sent, "class_version", 2, raising=False)
    assert missing_upcasters([Reminder.Sent]) == [f"{get_topic(Reminder.Sent)}.upcast_v1_v2"]

    @upcaster(Reminder.Sent, 1)
    def _sent_by_the_system(state: dict[str, object]) -> None:
        state["channel"] = f"{state['channel']} (sent by the system)"

    assert missing_upcasters([Reminder.Sent]) == []
    assert plan.repository.get(reminder.id).channel == "sms (sent by the system)"
    copy = ServicePlan(memory_store())
    import_history(copy, io.StringIO(out.getvalue()))
    assert copy.repository.get(reminder.id).channel == "sms (sent by the system)"


def test_a_history_from_a_later_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = ServicePlan(memory_store())
    reminder = Reminder(due=datetime.fromisoformat("2026-12-01T09:00:00+00:00"))
    reminder.send(channel="sms")
    monkeypatch.setattr(Reminder.Sent, "class_version", 3, raising=False)
    monkeypatch.setattr(Reminder.Sent, "upcast_v1_v2", staticmethod(lambda _: None), raising=False)
    monkeypatch.setattr(Reminder.Sent, "upcast_v2_v3", staticmethod(lambda _: None), raising=False)
    plan.save(reminder)
    out = io.StringIO()
    export_history(plan, out)
    assert json.loads(out.getvalue().splitlines()[2])["state"]["class_version"] == 3
    monkeypatch.setattr(Reminder.Sent, "class_version", 2)
    with pytest.raises(BadHistoryFile, match="newer serviceplan") as refused:
        import_history(ServicePlan(memory_store()), io.StringIO(out.getvalue()))
    assert refused.value.line == 3


def test_an_upcaster_must_lead_to_a_version_the_class_has() -> None:
    with pytest.raises(ValueError, match="no upcaster from 1"):
        upcaster(Reminder.Sent, 1)
