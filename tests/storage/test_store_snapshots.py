"""Patients are snapshotted at an interval; loading from one changes nothing, and a snapshot
written by version 0.1 (notices still on the patient) loads as this version's."""

from __future__ import annotations

import json
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.persistence import StoredEvent

from helpers import CLINIC
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    ServicePlan,
    Staff,
    memory_store,
)
from serviceplan.store.snapshots import SNAPSHOT_ENV


def busy_patient(plan: ServicePlan, contact: ContactPoints, desk: Staff, clock: FixedClock) -> UUID:
    """A patient who changes their mind about e-mail five times (11 events)."""
    pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    for _ in range(5):
        clock.advance(10)
        plan.give_consent(pid, Channel.EMAIL, by=desk)
        plan.withdraw_consent(pid, Channel.EMAIL, by=desk)
    return pid


def snapshot_versions(plan: ServicePlan, aggregate_id: UUID) -> list[int]:
    assert plan.snapshots is not None
    return [s.originator_version for s in plan.snapshots.get(aggregate_id)]


def test_loading_with_snapshots_equals_loading_without(
    store: dict[str, str], clock: FixedClock, contact: ContactPoints, desk: Staff
) -> None:
    plan = ServicePlan({**store, SNAPSHOT_ENV: "3"}, clock=clock, settings=CLINIC)
    pid = busy_patient(plan, contact, desk, clock)
    assert snapshot_versions(plan, pid) == [3, 6, 9]
    from_snapshot = plan.get_patient(pid)
    from_events = project_aggregate(None, plan.events.get(pid))
    assert vars(from_snapshot) == vars(from_events)
    assert from_snapshot.version == 11
    plan.close()


def test_a_loaded_snapshot_goes_on_recording(
    store: dict[str, str], clock: FixedClock, contact: ContactPoints, desk: Staff
) -> None:
    plan = ServicePlan({**store, SNAPSHOT_ENV: "4"}, clock=clock, settings=CLINIC)
    pid = busy_patient(plan, contact, desk, clock)
    plan.opt_out(pid, Channel.SMS, by=desk)
    assert snapshot_versions(plan, pid) == [4, 8, 12]
    patient = plan.get_patient(pid)
    assert not patient.can_reach(Channel.SMS)
    assert patient.version == 12
    plan.close()


def test_only_patients_and_notice_days_are_snapshotted(
    clock: FixedClock, contact: ContactPoints, desk: Staff
) -> None:
    plan = ServicePlan({**memory_store(), SNAPSHOT_ENV: "1"}, clock=clock)
    pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    visit = plan.book_visit(
        pid, provider="dr-patel", visit_type="exam", start=clock.advance(60), length=20, by=desk
    )
    assert snapshot_versions(plan, pid) == [1]
    assert snapshot_versions(plan, visit) == []


def test_a_visit_loads_from_its_events_even_beside_a_snapshot_taken_by_hand(
    store: dict[str, str], clock: FixedClock, contact: ContactPoints, desk: Staff
) -> None:
    plan = ServicePlan({**store, SNAPSHOT_ENV: "1"}, clock=clock, settings=CLINIC)
    pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    visit = plan.book_visit(
        pid, provider="dr-patel", visit_type="exam", start=clock.advance(60), length=20, by=desk
    )
    plan.take_snapshot(visit)
    plan.check_in(visit, by=desk)
    asked: list[UUID] = []
    assert plan.snapshots is not None
    reads = plan.snapshots.get

    def counted(originator_id: UUID, **options: object) -> object:
        asked.append(originator_id)
        return reads(originator_id, **options)

    plan.snapshots.get = counted

    loaded = plan.get_visit(visit)
    patient = plan.get_patient(pid)

    assert vars(loaded) == vars(project_aggregate(None, plan.events.get(visit)))
    assert loaded.version == 2
    assert asked == [pid]
    assert patient.version == 1
    plan.close()


def test_an_interval_of_zero_turns_snapshots_off(store: dict[str, str]) -> None:
    plan = ServicePlan({**store, SNAPSHOT_ENV: "0"}, settings=CLINIC)
    assert plan.snapshots is None
    plan.close()


LEGACY_RECORD = {
    "_type_": "NoticeRecord",
    "_data_": {"notice": None, "status": {"_type_": "enum.NoticeStatus", "_data_": "owed"}},
}


def test_a_version_1_patient_snapshot_with_notices_loads_without_them(
    clock: FixedClock, contact: ContactPoints, desk: Staff
) -> None:
    """Version 0.1 kept notices in the patient's snapshot; version 2 upcasts them away."""
    now = ServicePlan({**memory_store(), SNAPSHOT_ENV: "1000"}, clock=clock)
    pid = busy_patient(now, contact, desk, clock)
    now.take_snapshot(pid, version=9)
    assert now.snapshots is not None
    [taken] = now.snapshots.recorder.select_events(pid)
    state = json.loads(taken.state)
    assert state["state"].pop("class_version") == 2
    state["state"]["notices"] = {"_type_": "tuple", "_data_": [LEGACY_RECORD]}
    then = ServicePlan({**memory_store(), SNAPSHOT_ENV: "1000"}, clock=clock)
    then.events.put(list(now.events.get(pid)))
    assert then.snapshots is not None
    written_by_0_1 = StoredEvent(pid, 9, taken.topic, json.dumps(state).encode())
    then.snapshots.recorder.insert_events([written_by_0_1])

    loaded = then.get_patient(pid)

    assert not hasattr(loaded, "notices")
    assert vars(loaded) == vars(project_aggregate(None, now.events.get(pid)))
    now.close()
    then.close()
