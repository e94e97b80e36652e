"""A receiver that keeps the webhook-ids it took shows each notice once: under answers lost after
the notice was taken (seeded), and a worker killed between the send and its record (SIGKILL, a
real process, a SQLite file). With look-ups on, the notice in doubt is not even sent again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from uuid import UUID

import pytest

from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    NoticeKind,
    NoticeStatus,
    ServicePlan,
    Settings,
    Staff,
    sqlite_store,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan_webhook import WebhookChannel, WebhookSettings, webhook_id
from webhook_peer import SECRET

WORKER = Path(__file__).with_name("webhook_worker.py")
NOTICES = 20
PASSES = 12


def owe(plan: ServicePlan, desk: Staff) -> str:
    """A new patient on the portal, owed a follow-up notice; return its key."""
    patient: UUID = plan.register_patient(
        contact=ContactPoints(), preferred=Channel.PORTAL, by=desk
    )
    plan.give_consent(patient, Channel.PORTAL, by=desk)
    return plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)


def test_answers_lost_after_the_notice_was_taken_show_each_notice_once(
    plan, desk, clock, receiver, hook_settings
):
    receiver.lose_answers(seed=16, rate=0.3)
    plan.plugins.register(WebhookChannel(hook_settings), "webhook")
    keys = [owe(plan, desk) for _ in range(NOTICES)]
    worker = DeliveryWorker(plan, DeliverySettings(tries=10))
    for _ in range(PASSES):
        worker.run_once()
        owed = [plan.get_notice(k) for k in keys if plan.get_notice(k).is_owed]
        if not owed:
            break
        clock.set(max(record.due for record in owed))
    assert all(plan.get_notice(k).status is NoticeStatus.DELIVERED for k in keys)
    assert receiver.lost > 0
    assert receiver.posts == NOTICES + receiver.lost  # each lost answer made one more try
    assert sorted(n["key"] for n in receiver.accepted) == sorted(keys)  # shown once each
    assert all(ids == [webhook_id(k)] * len(ids) for k, ids in receiver.arrived_ids.items())
    assert not any(plan.get_notice(k).maybe_twice for k in keys)  # a failure is no doubt


@pytest.mark.parametrize("look_up", [True, False], ids=["looked-up", "sent-again"])
def test_a_worker_killed_between_the_send_and_the_record(tmp_path, desk, clock, receiver, look_up):
    database = tmp_path / "clinic.sqlite3"
    plan = open_plan(database, clock)
    key = owe(plan, desk)
    plan.close()

    worker: list[subprocess.Popen[bytes]] = []

    def kill_the_worker(_: str) -> None:
        """The receiver took the notice: the worker dies before it hears so."""
        os.kill(worker[0].pid, signal.SIGKILL)
        worker[0].wait(timeout=30)

    receiver.on_accept = kill_the_worker
    receiver.lose_answers(seed=1, rate=1.0)  # the dead worker's answer goes nowhere
    args = [sys.executable, str(WORKER), str(database), receiver.url, clock().isoformat()]
    worker.append(subprocess.Popen(args))  # noqa: S603 (our own script)
    assert worker[0].wait(timeout=60) == -signal.SIGKILL
    receiver.on_accept, receiver.losing = None, None

    settings = WebhookSettings(url=receiver.url, secret=SECRET, look_up=look_up)
    plan = open_plan(database, clock, WebhookChannel(settings))
    assert plan.get_notice(key).in_doubt
    assert DeliveryWorker(plan).run_once().delivered == 1
    record = plan.get_notice(key)
    assert record.status is NoticeStatus.DELIVERED
    assert record.receipt.reference == "portal-msg-1"  # the receiver's id for the first POST
    assert [n["key"] for n in receiver.accepted] == [key]  # shown once
    if look_up:
        assert receiver.look_ups == [webhook_id(key)]
        assert receiver.posts == 1  # settled by the look-up: not sent again
        assert not record.maybe_twice
    else:
        assert receiver.arrived_ids[key] == [webhook_id(key)] * 2  # sent again, same id
        assert record.maybe_twice  # and the record says the receiver got it twice
    plan.close()


def open_plan(database: Path, clock: FixedClock, *plugins: object) -> ServicePlan:
    return ServicePlan(
        sqlite_store(database),
        clock=clock,
        settings=Settings(timezone=clock().tzinfo),
        plugins=list(plugins),
        entry_points=False,
    )
