"""The day board follows Dr. Patel's morning through a delay, a revision and its end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from morning import patel

from helpers import DAY, at
from serviceplan import CancellationReason, ContactPoints, PhoneNumber, VisitStatus
from serviceplan.read import DayBoard, Views

OFFICE = CancellationReason("prov-hosp")


def test_the_worked_cascade_is_on_the_board(plan, desk, morning, board):
    plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
    )

    rows = patel(board).rows

    assert [r.visit_id for r in rows] == [str(v) for v in morning]
    assert [f"{r.expected_start:%H:%M}" for r in rows] == [
        "08:45", "09:15", "09:35", "10:35", "10:55", "11:30",
    ]  # fmt: skip
    assert [r.delay_minutes for r in rows] == [45, 45, 45, 45, 45, 0]


def test_the_call_list_skips_patients_already_here_and_runs_earliest_first(
    plan, clock, desk, morning, board
):
    clock.set(at(7, 55))
    plan.check_in(morning[0], by=desk)
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk)

    section = patel(board)

    assert [r.visit_id for r in section.call_list] == [str(v) for v in morning[1:5]]
    assert section.call_list[0].phone == "+15555550100"
    assert section.rows[0].status is VisitStatus.CHECKED_IN
    assert section.rows[0].checked_in_at == at(7, 55)


def test_a_revision_moves_every_slip_and_the_end_of_the_delay_clears_what_is_pending(
    plan, clock, desk, morning, board
):
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk
    )
    clock.set(at(8, 10))
    plan.revise_delay(delay, minutes=60, by=desk)
    assert [r.delay_minutes for r in patel(board).rows] == [60, 60, 60, 60, 60, 10]
    clock.set(at(9))
    plan.check_in(morning[0], by=desk)
    plan.start_visit(morning[0], by=desk)

    clock.set(at(11))
    plan.resolve_delay(delay, by=desk)
    section = patel(board)

    assert [r.delay_minutes for r in section.rows] == [60, 0, 0, 0, 0, 0]
    assert section.rows[0].started_at == at(9)
    assert section.current_delay is None
    assert section.delays[0].minutes == 60
    assert section.delays[0].resolved_at == at(11)


def test_a_moved_visit_stops_slipping_and_its_new_visit_joins_its_day(plan, desk, morning, board):
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk)
    tomorrow = datetime(2026, 12, 2, 13, tzinfo=at(8).tzinfo)
    moved = plan.reschedule_visit(morning[3], start=tomorrow, reason=OFFICE, by=desk)
    plan.cancel_visit(morning[4], reason=CancellationReason("pat-crs"), by=desk)

    rows = patel(board).rows
    (next_day,) = board.day(tomorrow.date())

    assert rows[3].status is VisitStatus.RESCHEDULED
    assert rows[3].moved_to == str(moved)
    assert rows[3].delay_minutes == 0
    assert rows[4].status is VisitStatus.CANCELLED
    assert next_day.rows[0].moved_from == str(morning[3])
    assert board.days() == [DAY, tomorrow.date()]


def test_a_visit_lands_on_the_clinic_day_whatever_zone_it_was_booked_in(plan, desk, patient):
    late_evening = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 21:00 in New York on Dec 1
    plan.book_visit(
        patient, provider="dr-okafor", visit_type="exam", start=late_evening, length=20, by=desk
    )
    board = DayBoard(plan)
    board.catch_up()

    assert board.days() == [DAY]
    assert board.providers(DAY) == ["dr-okafor"]


def test_the_day_runs_its_course_with_a_patient_who_never_came(plan, clock, desk, morning, board):
    clock.set(at(8))
    plan.check_in(morning[0], by=desk)
    plan.start_visit(morning[0], by=desk)
    clock.set(at(8, 30))
    plan.complete_visit(morning[0], by=desk)
    clock.set(at(8, 45))
    plan.mark_no_show(morning[1], by=desk)

    section = patel(board)

    assert section.rows[0].status is VisitStatus.COMPLETED
    assert section.rows[0].completed_at == at(8, 30)
    assert section.rows[1].status is VisitStatus.NO_SHOW
    assert section.has_begun


@pytest.mark.usefixtures("morning")
def test_a_new_phone_number_reaches_the_call_list(plan, desk, patient, board):
    preferred = plan.get_patient(patient).preferred
    new = ContactPoints(PhoneNumber("+15555550199"))
    plan.change_contact(patient, contact=new, preferred=preferred, by=desk)
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk)

    assert patel(board).call_list[0].phone == "+15555550199"


def test_an_empty_store_has_an_empty_board(board):
    assert board.catch_up() == 0
    assert board.days() == []
    assert board.day(DAY) == []


@pytest.mark.usefixtures("morning")
def test_the_board_keeps_no_phone_numbers_and_shows_them_on_the_call_list_only(
    plan, desk, tmp_path
):
    views = Views(tmp_path / "views.sqlite3")
    board = DayBoard(plan, views)
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=45, reason="late", by=desk)

    section = patel(board)
    views.close()

    assert [r.phone for r in section.rows] == ["+15555550100"] * 5 + [None]  # the 11:30 is on time
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("views.sqlite3*"))
    assert b"+15555550100" not in stored
    assert b"5555550100" not in stored
