"""A web application's threads on one plan: desk commands and board reads at once.

Eight threads share one `ServicePlan` and one `DayBoard` on the plan's own views (one SQLite
connection), as the request threads of `examples/web_desk.py` do: six desks register patients,
book and check them in, one announces delays, and all of them read the board between commands.
No error may be other than one of `serviceplan.errors` that docs/web-app.md gives a status, and
the board then agrees with one rebuilt from the log.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from uuid import UUID

import pytest

from helpers import CLINIC_ZONE, DAY, at
from serviceplan import (
    Channel,
    ContactPoints,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    VisitStatus,
    retry,
)
from serviceplan.errors import ServicePlanError
from serviceplan.read import DayBoard, Views
from stores import FILE_STORES, store_settings
from web_app import documented_statuses

THREADS = 8
DESKS = 6
PATIENTS = 4
PROVIDERS = ("dr-patel", "dr-lee")


class Day:
    """What the threads did, in one place: the visits booked and checked in, the delays, errors."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.booked: set[UUID] = set()
        self.arrived: set[UUID] = set()
        self.delays: set[UUID] = set()
        self.refused: list[ServicePlanError] = []

    def note(self, into: set[UUID], record: UUID) -> None:
        with self.lock:
            into.add(record)


@pytest.fixture(params=FILE_STORES)
def shared_plan(request, tmp_path, clock) -> Iterator[ServicePlan]:
    store = store_settings(request.param, request, tmp_path)
    plan = ServicePlan(
        store, clock=clock, settings=Settings(timezone=CLINIC_ZONE), entry_points=False
    )
    yield plan
    plan.close()


def desk(plan: ServicePlan, board: DayBoard, day: Day, n: int) -> None:
    """One desk's requests: patients, their visits, every other one's arrival; the board read."""
    by = Staff(f"desk-{n}")
    for i in range(PATIENTS):
        now = plan.now()  # once per request
        phone = PhoneNumber(f"+1555{n:03d}{i:04d}")
        patient = plan.register_patient(
            contact=ContactPoints(phone), preferred=Channel.SMS, by=by, now=now
        )
        retry(plan.give_consent)(patient, Channel.SMS, by=by, now=now)
        start = at(9) + timedelta(minutes=10 * (n * PATIENTS + i))
        visit = retry(plan.book_visit)(
            patient, provider=PROVIDERS[n % 2], visit_type="exam", start=start, by=by, now=now
        )
        day.note(day.booked, visit)
        read(board)
        if i % 2 == 0:
            retry(plan.check_in)(visit, by=by, now=plan.now())
            day.note(day.arrived, visit)
        read(board)


def delays(plan: ServicePlan, board: DayBoard, day: Day) -> None:
    """The manager's requests: each provider runs late, with the board read in between."""
    by = Staff("manager-mo", "manager")
    for provider in PROVIDERS:
        read(board)
        delay = retry(plan.announce_delay)(
            provider=provider, late_from=at(9), minutes=25, reason="late", by=by, now=plan.now()
        )
        day.note(day.delays, delay)
        read(board)


def read(board: DayBoard) -> None:
    board.catch_up()
    board.day(DAY)


def eight_threads(work: Callable[[int], None], day: Day) -> list[BaseException]:
    """Run `work(n)` in 8 threads released at once; keep typed refusals, return anything else."""
    barrier, unexpected = threading.Barrier(THREADS), []

    def one(n: int) -> None:
        barrier.wait()
        try:
            work(n)
        except ServicePlanError as error:
            with day.lock:
                day.refused.append(error)
        except BaseException as error:  # noqa: BLE001 (collected for the assertion)
            unexpected.append(error)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return unexpected


def test_eight_threads_of_desk_commands_and_board_reads_share_one_plan(shared_plan):
    plan, day = shared_plan, Day()
    board = DayBoard(plan, plan.views)

    def work(n: int) -> None:
        if n < DESKS:
            desk(plan, board, day, n)
        elif n == DESKS:
            delays(plan, board, day)
        else:
            for _ in range(2 * PATIENTS):
                read(board)

    assert eight_threads(work, day) == []
    documented = documented_statuses()
    assert [e for e in day.refused if type(e).__name__ not in documented] == []

    board.catch_up()
    rebuilt = DayBoard(plan, Views())
    rebuilt.catch_up()
    assert board.dump() == rebuilt.dump()
    rows = {UUID(r.visit_id): r for section in board.day(DAY) for r in section.rows}
    assert set(rows) == day.booked
    assert {v for v, r in rows.items() if r.status is VisitStatus.CHECKED_IN} == day.arrived
    shown = {UUID(d.delay_id) for section in board.day(DAY) for d in section.delays}
    assert shown == day.delays
    assert len(day.booked) + len(day.refused) >= DESKS  # each desk booked, or was told why not
