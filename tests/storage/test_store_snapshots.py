"""A long-lived patient is snapshotted at an interval; loading from a snapshot changes nothing."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import project_aggregate

from serviceplan import Channel, ContactPoints, FixedClock, ServicePlan, Staff, memory_store
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
    plan = ServicePlan({**store, SNAPSHOT_ENV: "3"}, clock=clock)
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
    plan = ServicePlan({**store, SNAPSHOT_ENV: "4"}, clock=clock)
    pid = busy_patient(plan, contact, desk, clock)
    plan.opt_out(pid, Channel.SMS, by=desk)
    assert snapshot_versions(plan, pid) == [4, 8, 12]
    patient = plan.get_patient(pid)
    assert not patient.can_reach(Channel.SMS)
    assert patient.version == 12
    plan.close()


def test_only_patients_are_snapshotted(
    clock: FixedClock, contact: ContactPoints, desk: Staff
) -> None:
    plan = ServicePlan({**memory_store(), SNAPSHOT_ENV: "1"}, clock=clock)
    pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    visit = plan.book_visit(
        pid, provider="dr-patel", visit_type="exam", start=clock.advance(60), length=20, by=desk
    )
    assert snapshot_versions(plan, pid) == [1]
    assert snapshot_versions(plan, visit) == []


def test_an_interval_of_zero_turns_snapshots_off(store: dict[str, str]) -> None:
    plan = ServicePlan({**store, SNAPSHOT_ENV: "0"})
    assert plan.snapshots is None
    plan.close()
