"""A follower catches up a page at a time and keeps its position with its rows."""

from __future__ import annotations

import pytest

from helpers import CLINIC_ZONE, DAY, at
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Settings,
    memory_store,
    sqlite_store,
)
from serviceplan.read import AuditTrail, DayBoard, Views
from serviceplan.read.views import MEMORY


@pytest.mark.usefixtures("morning")
def test_it_catches_up_from_where_it_stopped(plan, desk):
    board = DayBoard(plan, page=4)

    first = board.catch_up()
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk)
    second = board.catch_up()

    assert first == 6  # the bookings
    assert second == 1 + 5  # the announcement, and a notice owed for each of the five slips
    assert board.catch_up() == 0
    assert board.position == plan.event_count


@pytest.mark.usefixtures("morning")
def test_progress_is_told_after_each_page_up_to_the_last_event(plan):
    told = []

    DayBoard(plan, page=5).catch_up(lambda done, last: told.append((done, last)))

    assert told[-1] == (plan.event_count, plan.event_count)
    assert [done for done, _ in told] == sorted({done for done, _ in told})
    assert len(told) > 1


def test_a_crash_in_a_page_leaves_rows_and_position_as_they_were(plan, desk, morning):
    views = Views()
    board = DayBoard(plan, views, page=3)
    board.catch_up()
    before = (board.position, board.dump())
    plan.check_in(morning[0], by=desk)
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk)

    def broken(*_fields):
        raise RuntimeError("the power went out")

    board._bound[next(t for t in board.topics if t.endswith("Delay.Announced"))] = broken
    with pytest.raises(RuntimeError, match="power"):
        board.catch_up()

    assert (board.position, board.dump()) == before
    again = DayBoard(plan, views, page=3)
    assert again.catch_up() == 2 + 4  # the check-in, the delay, a notice owed to each of four
    fresh = DayBoard(plan)
    fresh.catch_up()
    assert again.dump() == fresh.dump()


@pytest.mark.usefixtures("morning")
def test_a_new_schema_drops_the_tables_and_rebuilds_from_the_start(plan):
    views = Views()
    DayBoard(plan, views).catch_up()

    class WiderBoard(DayBoard):
        schema = DayBoard.schema + 1

    wider = WiderBoard(plan, views)

    assert wider.position == 0
    assert wider.days() == []
    assert wider.catch_up() == 6
    assert wider.days() == [DAY]


def test_views_live_beside_a_sqlite_store_and_survive_a_restart(tmp_path, desk):
    db = tmp_path / "clinic.sqlite3"
    plan = ServicePlan(
        sqlite_store(db), clock=FixedClock(at(7)), settings=Settings(timezone=CLINIC_ZONE)
    )
    contact = ContactPoints(PhoneNumber("+15555550123"))
    pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    plan.book_visit(pid, provider="dr-patel", visit_type="exam", start=at(9), length=20, by=desk)
    views = Views.beside(plan)
    assert views.path == str(db)
    DayBoard(plan, views).catch_up()
    views.close()

    reopened = ServicePlan(sqlite_store(db), clock=FixedClock(at(7)), settings=Settings())
    board = DayBoard(reopened, Views.beside(reopened))

    assert board.position == reopened.event_count
    assert board.catch_up() == 0
    assert board.providers(DAY) == ["dr-patel"]


def test_views_of_a_store_in_memory_stay_in_memory():
    assert Views.beside(ServicePlan(memory_store())).path == MEMORY


def test_audit_ids_are_looked_up_by_known_columns_only(plan):
    trail = AuditTrail(plan)
    with pytest.raises(ValueError, match="no such column"):
        trail.ids_starting("need", "a")
