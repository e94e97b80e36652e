"""A delivery worker killed mid-batch (SIGKILL, a real process, a SQLite file) loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from eventsourcing.utils import get_topic
from tuesday import ZONE, at

from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    NoticeKind,
    NoticeRecord,
    NoticeStatus,
    PhoneNumber,
    ServicePlan,
    Settings,
    sqlite_store,
)

WORKER = Path(__file__).with_name("delivery_process.py")
NOTICES = 10
SENT_BEFORE_KILL = 3


def open_plan(db: Path) -> ServicePlan:
    return ServicePlan(
        sqlite_store(db), clock=FixedClock(at(10)), settings=Settings(timezone=ZONE),
        entry_points=False,
    )  # fmt: skip


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def worker(db: Path, tmp: Path, pause: float) -> list[str]:
    args = [db, tmp / "outbox.txt", tmp / "calls.txt", pause, at(10).isoformat()]
    return [sys.executable, str(WORKER), *map(str, args)]


@pytest.fixture
def owed(tmp_path, desk) -> list[str]:
    """Ten patients, each owed a delay notice, in a SQLite file."""
    plan = open_plan(tmp_path / "clinic.sqlite3")
    keys = []
    for n in range(NOTICES):
        patient = plan.register_patient(
            contact=ContactPoints(PhoneNumber(f"+1555557{n:04d}")), preferred=Channel.SMS, by=desk
        )
        plan.give_consent(patient, Channel.SMS, by=desk)
        keys.append(plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(16), by=desk))
    plan.close()
    return keys


def kill_after_sends(process: subprocess.Popen[bytes], outbox: Path, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(lines(outbox)) < count:
        assert process.poll() is None, "the worker ended before it could be killed"
        assert time.monotonic() < deadline, "the worker sent nothing within a minute"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_a_worker_killed_mid_batch_and_restarted_sends_each_notice_once(tmp_path, owed):
    db = tmp_path / "clinic.sqlite3"
    outbox, calls = tmp_path / "outbox.txt", tmp_path / "calls.txt"

    first = subprocess.Popen(worker(db, tmp_path, 0.5))  # noqa: S603 (our own script)
    kill_after_sends(first, outbox, SENT_BEFORE_KILL)
    assert first.returncode == -signal.SIGKILL
    sent_before = lines(outbox)
    assert SENT_BEFORE_KILL <= len(sent_before) < NOTICES

    subprocess.run(worker(db, tmp_path, 0), check=True, timeout=120)  # noqa: S603

    assert sorted(lines(outbox)) == sorted(owed)  # none undelivered, none sent twice
    assert Counter(lines(calls))[sent_before[-1]] == 2  # the kill fell between send and save
    plan = open_plan(db)
    topic = get_topic(NoticeRecord.Delivered)
    delivered = plan.recorder.select_notifications(1, 1000, topics=[topic])
    keys = Counter(plan.mapper.to_domain_event(n).receipt.key for n in delivered)
    assert keys == dict.fromkeys(owed, 1)  # and each delivery recorded once
    assert all(r.status is NoticeStatus.DELIVERED for r in plan.notices_on(at(0).date()))
