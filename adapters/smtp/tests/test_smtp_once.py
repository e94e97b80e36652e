"""A mailbox that collapses repeats of a Message-ID shows each notice once: under answers lost
after the server took the message (seeded), and a worker killed between the send and its record
(SIGKILL, a real process, a SQLite file). SMTP cannot look a message up, so the notice a kill left
in doubt is sent again, under the same Message-ID, and its record says "maybe twice"."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    NoticeKind,
    NoticeStatus,
    ServicePlan,
    Settings,
    sqlite_store,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan_smtp import Mode, SmtpChannel, message_id
from smtp_helpers import ZONE

WORKER = Path(__file__).with_name("smtp_worker.py")
NOTICES = 20
PASSES = 12


def owe(plan: ServicePlan, desk, n: int) -> str:
    """A new patient who reads e-mail, owed a follow-up notice; return its key."""
    contact = ContactPoints(email=EmailAddress(f"pat{n}@example.org"))
    patient = plan.register_patient(contact=contact, preferred=Channel.EMAIL, by=desk)
    plan.give_consent(patient, Channel.EMAIL, by=desk)
    return plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)


def test_answers_lost_after_the_server_took_the_message_show_each_notice_once(
    plan, desk, clock, serve
):
    settings, inbox = serve(Mode.PLAIN)
    inbox.lose_answers(seed=16, rate=0.3)
    plan.plugins.register(SmtpChannel(settings), "smtp")
    keys = [owe(plan, desk, n) for n in range(NOTICES)]
    worker = DeliveryWorker(plan, DeliverySettings(tries=10))
    for _ in range(PASSES):
        worker.run_once()
        owed = [plan.get_notice(k) for k in keys if plan.get_notice(k).is_owed]
        if not owed:
            break
        clock.set(max(record.due for record in owed))
    assert all(plan.get_notice(k).status is NoticeStatus.DELIVERED for k in keys)
    assert inbox.lost > 0
    assert len(inbox.received) == NOTICES + inbox.lost  # each lost answer: the message again
    assert sorted(inbox.shown) == sorted(message_id(k, settings) for k in keys)  # once each
    assert not any(plan.get_notice(k).maybe_twice for k in keys)  # a failure is no doubt


def test_a_worker_killed_between_the_send_and_the_record(tmp_path, desk, clock, serve):
    settings, inbox = serve(Mode.PLAIN)
    database = tmp_path / "clinic.sqlite3"
    plan = open_plan(database, clock)
    key = owe(plan, desk, 0)
    plan.close()

    worker: list[subprocess.Popen[bytes]] = []

    def kill_the_worker(_: str) -> None:
        """The server took the message: the worker dies before it hears so."""
        os.kill(worker[0].pid, signal.SIGKILL)
        worker[0].wait(timeout=30)

    inbox.on_accept = kill_the_worker
    port = str(settings.address[1])
    args = [sys.executable, str(WORKER), str(database), port, clock().isoformat()]
    worker.append(subprocess.Popen(args))  # noqa: S603 (our own script)
    assert worker[0].wait(timeout=60) == -signal.SIGKILL
    inbox.on_accept = None

    plan = open_plan(database, clock, SmtpChannel(settings))
    assert plan.get_notice(key).in_doubt
    assert DeliveryWorker(plan).run_once().delivered == 1
    record = plan.get_notice(key)
    assert record.status is NoticeStatus.DELIVERED
    assert record.maybe_twice  # SMTP cannot look it up: sent again, and the record says so
    ids = [r.message["Message-ID"] for r in inbox.received]
    assert ids == [message_id(key, settings)] * 2  # the same Message-ID both times
    assert inbox.shown == [record.receipt.reference]  # a mailbox that collapses repeats: once
    plan.close()


def open_plan(database: Path, clock, *plugins: object) -> ServicePlan:
    return ServicePlan(
        sqlite_store(database),
        clock=clock,
        settings=Settings(timezone=ZONE),
        plugins=list(plugins),
        entry_points=False,
    )
