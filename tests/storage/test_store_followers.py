"""A follower in its own process survives being killed: on restart it resumes, losing nothing.

The clinic's desk records events in this process; the ledger follower reads them from PostgreSQL
in another. It is killed mid-way while the desk goes on recording, then started again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from followers import LEDGER_TABLE, FollowerProcess, wait_until
from helpers import CLINIC
from serviceplan import Channel, ContactPoints, FixedClock, PhoneNumber, ServicePlan, Staff
from stores import SessionDatabase

pytestmark = pytest.mark.postgres


@pytest.fixture
def database(postgres_database: SessionDatabase) -> SessionDatabase:
    postgres_database.empty()
    return postgres_database


@pytest.fixture
def ledger(database: SessionDatabase) -> Iterator[FollowerProcess]:
    follower = FollowerProcess("followers:run_ledger", database.store(LEDGER_DELAY="0.01"))
    yield follower
    follower.close()


def register(plan: ServicePlan, desk: Staff, first: int, count: int) -> None:
    """Register patients who consent to texts: two events each."""
    for n in range(first, first + count):
        contact = ContactPoints(PhoneNumber(f"+1555555{n:04d}"))
        pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
        plan.give_consent(pid, Channel.SMS, by=desk)


def ledger_keys(database: SessionDatabase) -> list[str]:
    with database.server.connect(database.name) as conn:
        found = conn.execute(f"SELECT key FROM {LEDGER_TABLE}").fetchall()  # noqa: S608
    return [str(key) for (key,) in found]


def ledger_count(database: SessionDatabase) -> int:
    try:
        return len(ledger_keys(database))
    except Exception:  # noqa: BLE001 (the follower has not made its table yet)
        return 0


def test_a_killed_follower_resumes_where_it_stopped_and_handles_each_event_once(
    database: SessionDatabase, ledger: FollowerProcess, clock: FixedClock, desk: Staff
) -> None:
    desk_plan = ServicePlan(database.store(), clock=clock, settings=CLINIC)
    register(desk_plan, desk, 0, 40)
    ledger.start()
    wait_until(lambda: ledger_count(database) >= 10)
    ledger.kill()
    handled_before_kill = ledger_count(database)
    assert 10 <= handled_before_kill < 80
    register(desk_plan, desk, 40, 20)
    ledger.start()
    wait_until(lambda: ledger_count(database) >= 120 or not ledger.alive)
    assert ledger.alive, ledger.errors()
    recorded = desk_plan.recorder.select_notifications(1, 1000)
    expected = sorted(f"{n.originator_id}/{n.originator_version}" for n in recorded)
    assert sorted(ledger_keys(database)) == expected
    desk_plan.close()
