"""Patients and each day's notice list are snapshotted at an interval; loading from one changes
nothing."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from eventsourcing.application import project_aggregate

from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Staff,
    memory_store,
)
from serviceplan.domain.notice_day import notice_day_id
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


def test_an_interval_of_zero_turns_snapshots_off(store: dict[str, str]) -> None:
    plan = ServicePlan({**store, SNAPSHOT_ENV: "0"})
    assert plan.snapshots is None
    plan.close()


def test_a_days_notice_list_is_snapshotted_once_per_save_that_passes_the_interval(
    store: dict[str, str], clock: FixedClock, desk: Staff
) -> None:
    """A cascade lists five notices in one save: one snapshot of the day, as it then stands."""
    plan = ServicePlan({**store, SNAPSHOT_ENV: "4"}, clock=clock)
    start = clock.advance(60)
    for n in range(5):
        contact = ContactPoints(PhoneNumber(f"+155555501{n:02d}"))
        pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
        plan.give_consent(pid, Channel.SMS, by=desk)
        plan.book_visit(
            pid, provider="dr-patel", visit_type="exam", start=start + timedelta(minutes=20 * n),
            length=20, by=desk,
        )  # fmt: skip
    plan.announce_delay(provider="dr-patel", late_from=start, minutes=30, reason="late", by=desk)
    day = notice_day_id(start.astimezone(plan.settings.timezone).date())

    assert snapshot_versions(plan, day) == [6]  # opened, and five notices listed at once
    from_snapshot = plan._get(day)  # how every command loads the day
    from_events = project_aggregate(None, plan.events.get(day))
    assert vars(from_snapshot) == vars(from_events)
    assert len(plan.notices_on(start.date())) == 5
    plan.close()
