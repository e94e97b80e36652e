"""A busy front desk: several people, a delivery worker and a delay writing at once collide on
nothing. No record is written by every booking or every notice, so commands for different
patients never meet, and an announcement never fails for a write to one of its patients."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from desk_process import desk_day

from helpers import CLINIC_ZONE, DAY, at
from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    FixedClock,
    NoticeKind,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    sqlite_store,
)
from serviceplan.delivery import DeliveryWorker

DESKS = 16
PATIENTS = 5
HERE = Path(__file__).parent


def desk(script: str, number: int, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start one desk process of `desk_process.py`."""
    command = [sys.executable, script, str(number), str(PATIENTS)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603


def run_together(work, count: int) -> list[BaseException]:
    """Run `work(n)` in `count` threads released at once; return what they raised."""
    barrier, errors = threading.Barrier(count), []

    def one(n: int) -> None:
        barrier.wait()
        try:
            work(n)
        except BaseException as error:  # noqa: BLE001 (collected for the assertion)
            errors.append(error)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_sixteen_desks_on_one_sqlite_plan_book_and_owe_notices_without_a_collision(tmp_path):
    plan = ServicePlan(
        sqlite_store(tmp_path / "clinic.sqlite3"), clock=FixedClock(at(7)),
        settings=Settings(timezone=CLINIC_ZONE), entry_points=False,
    )  # fmt: skip

    errors = run_together(lambda n: desk_day(plan, n, PATIENTS, at(8)), DESKS)

    assert errors == []
    assert len(plan.visits_of("dr-patel", DAY)) == DESKS * PATIENTS
    owed = plan.notices_on(DAY)
    assert len(owed) == DESKS * PATIENTS
    assert len({r.key for r in owed}) == DESKS * PATIENTS
    plan.close()


@pytest.mark.postgres
def test_four_desks_in_processes_of_their_own_on_postgres_never_collide(postgres_database):
    postgres_database.empty()  # the session's database: start from no other test's visits
    store = postgres_database.store()
    ServicePlan(store, settings=Settings(timezone=CLINIC_ZONE), entry_points=False).close()
    env = {**os.environ, **store, "CREATE_TABLE": "n", "CLINIC_ZONE": str(CLINIC_ZONE),
           "CLINIC_NOW": at(7).isoformat(), "PYTHONPATH": str(HERE)}  # fmt: skip
    script = str(HERE / "desk_process.py")
    desks = [desk(script, n, env) for n in range(4)]
    said = [process.communicate(timeout=120)[0].strip() for process in desks]

    assert said == [f"ok {PATIENTS * 5}"] * 4
    plan = ServicePlan(store, settings=Settings(timezone=CLINIC_ZONE), entry_points=False)
    assert len(plan.visits_of("dr-patel", DAY)) == 4 * PATIENTS
    assert len(plan.notices_on(DAY)) == 4 * PATIENTS
    plan.close()


def test_an_announcement_never_fails_for_a_write_to_one_of_its_patients(plan, desk):
    """While the delay is announced, the desk edits every slipping patient and the worker sends."""
    patients, visits = [], []
    for n in range(20):
        contact = ContactPoints(PhoneNumber(f"+1555555{n:04d}"))
        patient = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
        plan.give_consent(patient, Channel.SMS, by=desk)
        plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
        start = at(9) + timedelta(minutes=15 * n)
        visits.append(
            plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=start, by=desk)
        )
        patients.append(patient)
    worker = DeliveryWorker(plan)
    editor = Staff("desk-bo")

    def work(n: int) -> None:
        if n == 0:
            plan.announce_delay(
                provider="dr-patel", late_from=at(9), minutes=60, reason="late", by=desk
            )
        elif n == 1:
            worker.run_once()
        else:
            for patient in patients[n - 2 :: 2]:
                both = ContactPoints(PhoneNumber("+15555550199"), EmailAddress("p@example.org"))
                plan.change_contact(patient, contact=both, preferred=Channel.SMS, by=editor)

    assert run_together(work, 4) == []
    [delay] = plan.open_delays("dr-patel", DAY)
    assert len(delay.impact) == len(visits)
    delay_notices = [r for r in plan.notices_on(DAY) if r.notice.kind is NoticeKind.DELAY]
    assert sorted(r.notice.visit_id for r in delay_notices) == sorted(visits)


def test_a_crash_between_the_announcement_and_its_notices_loses_nothing(store, clock, desk):
    """The announcement is saved; the process dies before its policy runs; the next one owes."""
    before = ServicePlan(store, clock=clock, settings=Settings(timezone=CLINIC_ZONE), inline=False)
    patient = before.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
    )
    before.give_consent(patient, Channel.SMS, by=desk)
    visit = before.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk)
    before.announce_delay(provider="dr-patel", late_from=at(9), minutes=30, reason="late", by=desk)
    assert before.notices_on(DAY) == []  # the process stops here
    if store["PERSISTENCE_MODULE"] == "eventsourcing.popo":
        after = before  # memory has no other process to start: the same plan follows
    else:
        before.close()
        after = ServicePlan(store, clock=clock, settings=Settings(timezone=CLINIC_ZONE))

    DeliveryWorker(after).run_once()

    [owed] = after.notices_on(DAY)
    assert (owed.notice.kind, owed.notice.visit_id) == (NoticeKind.DELAY, visit)
    after.follow()
    assert len(after.notices_on(DAY)) == 1  # and only once, however often the policy runs
    after.close()
