"""The delivery follower: notices go out after the save, once, and every outcome is an event."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import timedelta
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic
from fake_channels import DownGateway, EmailGateway, FlakyGateway, Gateway, HungGateway
from tuesday import ZONE

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    NoticeKind,
    NoticeRecord,
    NoticeStatus,
    PhoneNumber,
    Receipt,
    ServicePlan,
    Settings,
    hookimpl,
    memory_store,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker, Tally
from serviceplan.errors import ConcurrentUpdate, InvalidInput, NoticeNotFound
from serviceplan.plugins import DISABLE


def events(plan: ServicePlan, name: str) -> list:
    topic = get_topic(getattr(NoticeRecord, name))
    found = plan.recorder.select_notifications(1, 10_000, topics=[topic])
    return [plan.mapper.to_domain_event(n) for n in found]


def delivered_keys(plan: ServicePlan) -> Counter[str]:
    return Counter(e.receipt.key for e in events(plan, "Delivered"))


def test_a_notice_goes_out_after_the_save_and_only_once(plan, patient, visit, desk, worker, outbox):
    key = plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)
    assert outbox == []  # the command only records that the notice is owed
    assert worker.run_once() == Tally(delivered=1)
    assert [e.key for e in outbox] == [key]
    assert outbox[0].to == "+15555550100"
    record = plan.get_notice(key)
    assert record.status is NoticeStatus.DELIVERED
    assert record.receipt.via == "serviceplan.console"
    assert worker.run_once() == Tally()
    assert DeliveryWorker(plan).run_once() == Tally()
    assert delivered_keys(plan) == {key: 1}


def test_a_clinic_channel_is_used_instead_of_the_console(plan, patient, desk, worker, outbox, at):
    gateway = Gateway()
    plan.plugins.register(gateway, "clinic-sms")
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    worker.run_once()
    assert list(gateway.sent) == [key]
    assert outbox == []
    assert plan.get_notice(key).receipt.via == "clinic-sms"


def test_a_failing_channel_is_retried_with_backoff_then_handed_to_the_desk(
    plan, patient, desk, clock, at, outbox, caplog
):
    plan.plugins.register(DownGateway(), "clinic-sms")
    worker = DeliveryWorker(plan, DeliverySettings(tries=3, backoff_minutes=5))
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert worker.run_once() == Tally(failed=1, waiting=1)
    assert plan.get_notice(key).due == at(10, 5)
    clock.set(at(10, 4))
    assert worker.run_once() == Tally()
    clock.set(at(10, 5))
    assert worker.run_once() == Tally(failed=1, waiting=1)
    assert plan.get_notice(key).due == at(10, 15)
    clock.set(at(10, 15))
    assert worker.run_once() == Tally(failed=1, given_up=1)
    record = plan.get_notice(key)
    assert record.status is NoticeStatus.GIVEN_UP
    assert record.note == "no channel took it in 3 tries (last: ConnectionError)"
    assert plan.notices_given_up() == [record]
    assert plan.notices_owed() == []
    assert outbox == []  # the console never stands in for a clinic's failing channel
    failures = events(plan, "Failed")
    assert [(f.via, f.error.split(":")[0]) for f in failures] == [
        ("clinic-sms", "ConnectionError")
    ] * 3
    assert [e.reason for e in events(plan, "RetryScheduled")] == ["retry after a failure"] * 2
    assert "+15555550100" not in caplog.text  # the gateway's error named the number; the log not


def test_each_channel_is_tried_in_its_own_try(plan, patient, desk, worker, at):
    backup, down = Gateway(), DownGateway()
    plan.plugins.register(backup, "backup-sms")
    plan.plugins.register(down, "main-sms")  # registered last, so tried first
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert worker.run_once() == Tally(delivered=1, failed=1)
    assert [f.via for f in events(plan, "Failed")] == ["main-sms"]
    assert plan.get_notice(key).receipt.via == "backup-sms"
    assert down.calls == backup.calls == [key]


def test_a_hung_channel_times_out_and_its_late_message_is_not_sent_twice(
    plan, patient, desk, clock, at
):
    gateway = HungGateway()
    plan.plugins.register(gateway, "slow-sms")
    worker = DeliveryWorker(plan, DeliverySettings(timeout_seconds=0.5))
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert worker.run_once() == Tally(failed=1, waiting=1)
    assert [(t.via, t.seconds) for t in events(plan, "TimedOut")] == [("slow-sms", 0.5)]
    gateway.release.set()
    clock.set(at(10, 5))
    assert worker.run_once() == Tally(delivered=1)
    assert gateway.calls == [key, key]
    assert list(gateway.sent) == [key]


def test_after_an_error_the_next_channel_is_tried_but_never_after_a_time_out(
    plan, patient, desk, clock, at
):
    """Fail-over is for a definite no: a channel that timed out may have sent the text."""
    down, hung, backup = DownGateway(), HungGateway(), Gateway()
    plan.plugins.register(backup, "backup-sms")
    plan.plugins.register(down, "main-sms")
    order = ("main-sms", "backup-sms")
    worker = DeliveryWorker(plan, DeliverySettings(timeout_seconds=0.3, channel_order=order))
    first = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert worker.run_once() == Tally(delivered=1, failed=1)
    assert plan.get_notice(first).receipt.via == "backup-sms"  # main said no: backup sent it

    plan.plugins.unregister("main-sms")
    plan.plugins.register(hung, "main-sms")
    clock.set(at(11))
    other = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550111")), preferred=Channel.SMS, by=desk
    )
    plan.give_consent(other, Channel.SMS, by=desk)
    second = plan.request_notice(other, kind=NoticeKind.FOLLOW_UP, by=desk)
    assert worker.run_once(at(11)) == Tally(failed=1, waiting=1)
    assert backup.calls == [first]  # not failed over: the hung gateway may have sent it
    record = plan.get_notice(second)
    assert record.pinned == "main-sms"
    hung.release.set()
    assert worker.run_once(record.due) == Tally(delivered=1)
    assert plan.get_notice(second).receipt.via == "main-sms"
    assert backup.calls == [first]


class Crash(BaseException):
    """Not an `Exception`: nothing in the worker catches it, as nothing survives a kill."""


class CrashingGateway(Gateway):
    """Sends, then dies before answering once; its look-up cannot reach the peer's history."""

    def __init__(self) -> None:
        super().__init__()
        self.crashed = False

    def after_sending(self, key: str) -> None:  # noqa: ARG002
        if not self.crashed:
            self.crashed = True
            raise Crash

    @hookimpl
    def serviceplan_look_up_notice(self, key: str) -> Receipt | None:  # noqa: ARG002
        raise ConnectionError("the message history is unreachable")


def test_a_look_up_that_fails_sends_again_marked_maybe_twice(plan, patient, desk, worker, at):
    """A peer that cannot say is one that cannot look up: the pass goes on, the record says so."""
    gateway = CrashingGateway()
    plan.plugins.register(gateway, "crashing-sms")
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    with pytest.raises(Crash):
        worker.run_once()
    assert plan.get_notice(key).in_doubt
    assert worker.run_once() == Tally(delivered=1)
    record = plan.get_notice(key)
    assert (record.status, record.maybe_twice) == (NoticeStatus.DELIVERED, True)
    assert gateway.calls == [key, key]


def test_a_configured_order_decides_which_channel_goes_first(plan, patient, desk, at):
    first, second = Gateway(), Gateway()
    plan.plugins.register(first, "first-sms")
    plan.plugins.register(second, "second-sms")
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    order = ("second-sms", "first-sms")
    assert DeliveryWorker(plan, DeliverySettings(channel_order=order)).run_once().delivered == 1
    assert (first.calls, second.calls) == ([], [key])


def test_quiet_hours_hold_a_text_until_nine(plan, patient, desk, clock, at, worker, outbox):
    clock.set(at(21, 30))
    key = plan.request_notice(patient, kind=NoticeKind.HEADS_UP, when=at(10, days=1), by=desk)
    assert worker.run_once() == Tally(waiting=1)
    assert plan.get_notice(key).due == at(9, days=1)
    clock.set(at(8, 59, days=1))
    assert worker.run_once() == Tally()
    clock.set(at(9, days=1))
    assert worker.run_once() == Tally(delivered=1)
    assert [e.key for e in outbox] == [key]


def test_a_notice_waits_for_its_time(plan, patient, visit, desk, clock, at, worker, outbox):
    key = plan.request_notice(
        patient, kind=NoticeKind.PREPARATION, visit_id=visit, not_before=at(12), by=desk
    )
    assert worker.run_once() == Tally(waiting=1)
    assert [e.reason for e in events(plan, "RetryScheduled")] == ["scheduled"]
    clock.set(at(12))
    assert worker.run_once() == Tally(delivered=1)
    assert [e.key for e in outbox] == [key]


def test_consent_withdrawn_before_sending_means_no_message(plan, patient, desk, at, worker, outbox):
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    plan.withdraw_consent(patient, Channel.SMS, by=desk)
    assert worker.run_once() == Tally(given_up=1)
    assert outbox == []
    assert plan.get_notice(key).note == "the patient cannot be reached on sms any more"


def test_detail_goes_by_e_mail_with_the_preparation_note(plan, patient, visit, desk, worker):
    gateway = EmailGateway()
    plan.plugins.register(gateway, "clinic-mail")
    plan.give_consent(patient, Channel.EMAIL, by=desk)
    key = plan.request_notice(
        patient, kind=NoticeKind.PREPARATION, visit_id=visit, channel=Channel.EMAIL, by=desk
    )
    worker.run_once()
    envelope = gateway.sent[key]
    assert envelope.to == "pat@example.org"
    assert "Measurements for your lens implant" in envelope.text


def test_a_broken_preparation_plugin_fails_the_attempt_not_the_follower(
    plan, patient, visit, desk, worker
):
    class BrokenNotes:
        @hookimpl(tryfirst=True)
        def serviceplan_preparation(self, visit_type):  # noqa: ARG002 (the hook's argument)
            raise RuntimeError("notes unavailable")

    plan.plugins.register(BrokenNotes(), "notes")
    plan.give_consent(patient, Channel.EMAIL, by=desk)
    key = plan.request_notice(
        patient, kind=NoticeKind.PREPARATION, visit_id=visit, channel=Channel.EMAIL, by=desk
    )
    assert worker.run_once() == Tally(failed=1, waiting=1)
    [failure] = events(plan, "Failed")
    assert (failure.via, failure.error) == ("serviceplan", "RuntimeError: notes unavailable")
    assert plan.get_notice(key).is_owed


def test_a_notice_no_channel_covers_goes_to_the_desk_at_once(clock, desk, at):
    env = {**memory_store(), DISABLE: "serviceplan.console"}
    plan = ServicePlan(env, clock=clock, settings=Settings(timezone=ZONE), entry_points=False)
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
    )
    plan.give_consent(patient, Channel.SMS, by=desk)
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert DeliveryWorker(plan).run_once() == Tally(given_up=1)
    assert events(plan, "Failed") == []
    assert events(plan, "Delivered") == []
    record = plan.get_notice(key)
    assert (record.status, record.note) == (NoticeStatus.GIVEN_UP, "no channel installed for sms")


def test_a_channel_that_fails_30_percent_of_the_time_still_delivers_every_notice_once(
    plan, desk, clock, at
):
    gateway = FlakyGateway(seed=2026)
    plan.plugins.register(gateway, "flaky-sms")
    worker = DeliveryWorker(
        plan, DeliverySettings(tries=12, backoff_minutes=1, backoff_cap_minutes=4)
    )
    keys = []
    for n in range(40):
        patient = plan.register_patient(
            contact=ContactPoints(PhoneNumber(f"+1555556{n:04d}")), preferred=Channel.SMS, by=desk
        )
        plan.give_consent(patient, Channel.SMS, by=desk)
        keys.append(plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(16), by=desk))
    for _ in range(60):
        worker.run_once()
        if not plan.notices_owed():
            break
        clock.advance(5)
    assert gateway.failures > 10  # the channel really was unreliable, both ways
    assert len(gateway.calls) > len(gateway.sent)
    assert sorted(gateway.sent) == sorted(keys)  # every notice sent, each once
    assert delivered_keys(plan) == dict.fromkeys(keys, 1)  # and recorded once
    assert all(r.status is NoticeStatus.DELIVERED for r in plan.notices_on(at(0).date()))


def test_a_lost_race_with_the_desk_keeps_the_receipt_and_sends_nothing_again(
    plan, patient, desk, at, worker
):
    class DeskBusyGateway(Gateway):
        def after_sending(self, key):  # noqa: ARG002 (the desk saves the patient meanwhile)
            if len(self.calls) == 1:
                plan.give_consent(patient, Channel.VOICE, by=desk)

    gateway = DeskBusyGateway()
    plan.plugins.register(gateway, "clinic-sms")
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert worker.run_once() == Tally(delivered=1)
    assert gateway.calls == [key]
    assert Channel.VOICE in plan.get_patient(patient).consents
    assert delivered_keys(plan) == {key: 1}


def test_the_retry_mark_never_passes_a_retry_still_owed(plan, patient, desk, clock, at):
    plan.plugins.register(DownGateway(), "clinic-sms")
    worker = DeliveryWorker(plan, DeliverySettings(tries=2))
    plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    worker.run_once()
    [retry] = plan.recorder.select_notifications(
        1, 100, topics=[get_topic(NoticeRecord.RetryScheduled)]
    )
    assert (plan.recorder.max_tracking_id(worker.retries_position) or 0) < retry.id
    clock.set(at(11))
    worker.run_once()
    assert plan.recorder.max_tracking_id(worker.retries_position) >= retry.id


def test_run_passes_until_stopped_and_survives_a_failed_pass(plan, caplog):
    stop = threading.Event()
    worker = DeliveryWorker(plan)
    passes = []

    def run_once():
        passes.append(1)
        if len(passes) == 1:
            raise ConnectionError("store unreachable")
        stop.set()
        return Tally()

    worker.run_once = run_once
    with caplog.at_level(logging.ERROR):
        worker.run(stop, every=0.01)
    assert len(passes) == 2
    assert "delivery: pass failed (ConnectionError: store unreachable)" in caplog.text


def test_a_second_worker_finds_nothing_left(plan, patient, desk, at):
    plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    first, second = DeliveryWorker(plan), DeliveryWorker(plan)
    assert first.run_once() == Tally(delivered=1)
    assert second.run_once() == Tally()


def test_a_changed_number_is_used_when_sending(plan, patient, desk, at, worker, outbox):
    plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    plan.change_contact(
        patient, contact=ContactPoints(PhoneNumber("+15555550111")), preferred=Channel.SMS, by=desk
    )
    worker.run_once()
    assert [e.to for e in outbox] == ["+15555550111"]


def patient_ids(plan) -> set[UUID]:
    return {r.notice.patient_id for r in plan.notices_owed()}


def test_every_owed_notice_is_found_until_it_goes_out(plan, patient, desk, at, worker):
    plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert patient_ids(plan) == {patient}
    worker.run_once()
    assert patient_ids(plan) == set()


@pytest.mark.parametrize("bad", [0, -1])
def test_delivery_settings_are_checked(bad):
    with pytest.raises(InvalidInput):
        DeliverySettings(tries=bad)


class Unshared:
    """A lease that is always free: two workers that ignore each other, to show the race is safe."""

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_second_worker_skips_its_pass_while_the_first_is_on_one(plan, patient, desk, at):
    other = DeliveryWorker(plan)

    class WatchedGateway(Gateway):
        def after_sending(self, key):  # noqa: ARG002 (the other worker tries meanwhile)
            assert other.run_once() == Tally()

    gateway = WatchedGateway()
    plan.plugins.register(gateway, "clinic-sms")
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert DeliveryWorker(plan).run_once() == Tally(delivered=1)
    assert gateway.calls == [key]  # the channel saw the notice once
    assert other.run_once() == Tally()  # its turn now: nothing left
    assert delivered_keys(plan) == {key: 1}


def test_two_workers_racing_without_a_lease_record_a_notice_once(plan, patient, desk, at):
    other = DeliveryWorker(plan, lease=Unshared())

    class RacedGateway(Gateway):
        def after_sending(self, key):  # noqa: ARG002 (the other worker runs meanwhile)
            if len(self.calls) == 1:
                assert other.run_once() == Tally(delivered=1)

    gateway = RacedGateway()
    plan.plugins.register(gateway, "clinic-sms")
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert DeliveryWorker(plan, lease=Unshared()).run_once() == Tally()  # it lost, and knows it
    assert gateway.calls == [key, key]
    assert list(gateway.sent) == [key]
    assert delivered_keys(plan) == {key: 1}


def test_a_record_that_keeps_changing_is_left_for_the_next_pass(
    plan, patient, desk, at, monkeypatch
):
    gateway = Gateway()
    plan.plugins.register(gateway, "clinic-sms")
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)

    def lost(*_, **__):
        raise IntegrityError("someone else saved first")

    with monkeypatch.context() as patch:
        patch.setattr(plan.events, "put", lost)
        with pytest.raises(ConcurrentUpdate, match="tried again"):
            DeliveryWorker(plan).run_once()
    assert DeliveryWorker(plan).run_once() == Tally(delivered=1)
    assert list(gateway.sent) == [key]
    assert delivered_keys(plan) == {key: 1}


def test_an_unknown_notice_is_not_found(plan):
    with pytest.raises(NoticeNotFound):
        plan.get_notice("no-such-key")


@pytest.mark.usefixtures("visit")
def test_a_notice_a_newer_estimate_replaced_is_counted_apart_from_the_desks(
    plan, patient, desk, worker, outbox, at
):
    """The 14:00 visit slips 30 minutes, then 60 in the same minute: only the newer goes out."""
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(14), minutes=30, reason="late", by=desk
    )
    plan.revise_delay(delay, minutes=60, by=desk)

    assert worker.run_once() == Tally(delivered=1, dropped=1)

    (older, newer) = plan.notices_of(patient)
    assert older.status is NoticeStatus.GIVEN_UP
    assert older.note == "a newer estimate for the same visit replaced it"
    assert [e.key for e in outbox] == [newer.key]
    assert "15:00" in outbox[0].text


def test_a_preparation_for_a_visit_moved_before_it_went_out_is_dropped_and_owed_anew(
    clock, desk, at
):
    """The 14:00 pre-op moves to Thursday: today's preparation is stale, Thursday's is owed."""
    plan = ServicePlan(
        memory_store(), clock=clock, settings=Settings(timezone=ZONE), entry_points=False
    )
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
    )
    plan.give_consent(patient, Channel.SMS, by=desk)
    visit = plan.book_visit(
        patient, provider="dr-patel", visit_type="cataract-preop", start=at(14), by=desk
    )
    (today,) = plan.notices_of(patient)
    thursday = at(14) + timedelta(days=2)
    moved = plan.reschedule_visit(
        visit, start=thursday, reason=CancellationReason("pat-crs"), by=desk
    )

    assert DeliveryWorker(plan).run_once() == Tally(waiting=1, dropped=1)

    stale, owed = plan.notices_of(patient)
    assert stale.key == today.key
    assert stale.note == "its visit was moved or cancelled"
    assert plan.get_visit(moved).flagged_long is not None
    assert (owed.notice.visit_id, owed.notice.when) == (moved, thursday)
    assert owed.due == thursday - timedelta(hours=24)


@pytest.mark.usefixtures("visit")
def test_a_replaced_estimate_is_dropped_even_once_it_has_expired(plan, patient, desk, worker, at):
    """Both estimates for the 14:00 have passed by 16:00: the older is dropped, the newer failed."""
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(14), minutes=30, reason="late", by=desk
    )
    plan.revise_delay(delay, minutes=60, by=desk)

    assert worker.run_once(at(16)) == Tally(given_up=1, dropped=1)

    older, newer = plan.notices_of(patient)
    assert older.note == "a newer estimate for the same visit replaced it"
    assert newer.note == "it expired before it could go out"
