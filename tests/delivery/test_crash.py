"""A delivery worker killed mid-batch (SIGKILL, a real process) loses nothing, and knows what
it cannot know: a notice whose try left no outcome is looked up at the peer, or sent again and
marked as maybe sent twice. On a SQLite file and on PostgreSQL."""

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


def open_plan(store: dict[str, str]) -> ServicePlan:
    return ServicePlan(
        store, clock=FixedClock(at(10)), settings=Settings(timezone=ZONE), entry_points=False
    )


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def worker(store: str, tmp: Path, pause: float, lookup: str) -> list[str]:
    args = [store, tmp / "outbox.txt", tmp / "calls.txt", pause, at(10).isoformat(), lookup]
    return [sys.executable, str(WORKER), *map(str, args)]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def where(request, tmp_path) -> tuple[str, dict[str, str]]:
    """The store as the worker process names it, and its settings here."""
    if request.param == "sqlite":
        db = tmp_path / "clinic.sqlite3"
        return str(db), sqlite_store(db)
    database = request.getfixturevalue("postgres_database")
    database.empty()
    return f"postgres:{database.name}", database.store()


@pytest.fixture
def owed(where, desk) -> list[str]:
    """Ten patients, each owed a delay notice."""
    plan = open_plan(where[1])
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


def killed_and_restarted(where, tmp_path, lookup: str) -> list[str]:
    """Kill a worker between a send and its record, run another; return what the first sent."""
    outbox = tmp_path / "outbox.txt"
    first = subprocess.Popen(worker(where[0], tmp_path, 0.5, lookup))  # noqa: S603 (our script)
    kill_after_sends(first, outbox, SENT_BEFORE_KILL)
    assert first.returncode == -signal.SIGKILL
    sent_before = lines(outbox)
    assert SENT_BEFORE_KILL <= len(sent_before) < NOTICES
    subprocess.run(worker(where[0], tmp_path, 0, lookup), check=True, timeout=120)  # noqa: S603
    return sent_before


def test_a_notice_in_doubt_is_sent_again_and_marked_when_the_peer_cannot_be_asked(
    where, tmp_path, owed
):
    sent_before = killed_and_restarted(where, tmp_path, "no")

    calls = Counter(lines(tmp_path / "calls.txt"))
    assert sorted(lines(tmp_path / "outbox.txt")) == sorted(owed)  # none lost
    assert calls[sent_before[-1]] == 2  # the kill fell between send and save: handed over again
    plan = open_plan(where[1])
    records = {r.key: r for r in plan.notices_on(at(0).date())}
    assert {k for k, r in records.items() if r.maybe_twice} == {sent_before[-1]}
    assert_delivered_once(plan, owed)


def test_a_notice_in_doubt_is_looked_up_at_the_peer_and_not_sent_again(where, tmp_path, owed):
    sent_before = killed_and_restarted(where, tmp_path, "yes")

    calls = Counter(lines(tmp_path / "calls.txt"))
    assert sorted(lines(tmp_path / "outbox.txt")) == sorted(owed)
    assert calls == dict.fromkeys(owed, 1)  # the one in doubt was found, not handed over again
    plan = open_plan(where[1])
    assert not any(r.maybe_twice for r in plan.notices_on(at(0).date()))
    assert sent_before[-1] in lines(tmp_path / "outbox.txt")
    assert_delivered_once(plan, owed)


def assert_delivered_once(plan: ServicePlan, owed: list[str]) -> None:
    topic = get_topic(NoticeRecord.Delivered)
    delivered = plan.recorder.select_notifications(1, 1000, topics=[topic])
    keys = Counter(plan.mapper.to_domain_event(n).receipt.key for n in delivered)
    assert keys == dict.fromkeys(owed, 1)  # and each delivery recorded once
    assert all(r.status is NoticeStatus.DELIVERED for r in plan.notices_on(at(0).date()))
    plan.close()
