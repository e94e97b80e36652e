"""The board shows the waitlist's openings: freed times, the offers out, who accepted them."""

from __future__ import annotations

import pytest
from morning import patel

from helpers import CLINIC_ZONE, DAY, at
from serviceplan import DelayChoice, OpeningStatus, ServicePlan, Settings, hookimpl
from serviceplan.errors import SlotUnavailable
from serviceplan.read import Answer, DayBoard, as_of
from waitlisted import book_morning, free_the_950, join_list


@pytest.fixture
def morning(plan, desk):
    return book_morning(plan, desk)


@pytest.fixture
def waiting(plan, desk, morning):  # noqa: ARG001 (the morning is booked first)
    return join_list(plan, desk)


@pytest.fixture
def offered(plan, desk, clock, morning, waiting):  # noqa: ARG001 (the list must exist first)
    return free_the_950(plan, desk, clock, morning)


def patient_of(plan, entry):
    return str(plan.get_waitlist_entry(entry).patient_id)


def test_a_cancelled_time_shows_as_an_opening_with_three_offers_out(
    plan, morning, waiting, offered, board
):
    [opening] = patel(board).openings

    assert opening.opening_id == str(offered)
    assert (f"{opening.start:%H:%M}", opening.length, opening.visit_type, opening.source) == (
        "09:50", 20, "follow-up", "cancelled",
    )  # fmt: skip
    assert opening.status is OpeningStatus.OFFERING
    assert opening.freed_by == str(morning[3])
    assert [o.patient_id for o in opening.offers] == [patient_of(plan, e) for e in waiting[:3]]
    assert opening.offers_out(at(7, 35)) == 3
    assert opening.accepted_by is None


def test_offers_whose_window_ran_out_are_no_longer_out(offered, board):  # noqa: ARG001
    [opening] = patel(board).openings

    assert opening.offers_out(at(7, 44)) == 3
    assert opening.offers_out(at(7, 45)) == 0  # the 15-minute window ended


def test_a_no_is_no_longer_out_and_the_first_yes_fills_the_time(
    plan, desk, clock, waiting, offered, board
):
    clock.set(at(7, 33))
    plan.decline_offer(offered, waiting[0], by=desk)
    [opening] = patel(board).openings
    assert opening.offers_out(at(7, 34)) == 2

    clock.set(at(7, 35))
    plan.accept_offer(offered, waiting[1], by=desk)
    [opening] = patel(board).openings

    assert opening.status is OpeningStatus.FILLED
    assert opening.accepted_by == patient_of(plan, waiting[1])
    assert opening.filled_with == str(plan.get_opening(offered).filled_with)
    assert opening.settled_at == at(7, 35)
    assert [o.answer for o in opening.offers] == [Answer.DECLINED, Answer.ACCEPTED, None]
    assert opening.offers_out(at(7, 36)) == 0  # the time is taken: nothing is offered any more


def test_a_yes_too_late_is_shown_as_such(plan, desk, clock, waiting, offered, board):
    clock.set(at(7, 35))
    plan.accept_offer(offered, waiting[1], by=desk)
    plan.accept_offer(offered, waiting[0], by=desk)

    [opening] = patel(board).openings

    assert [o.answer for o in opening.offers] == [Answer.TOO_LATE, Answer.ACCEPTED, None]
    assert opening.accepted_by == patient_of(plan, waiting[1])


def test_a_closed_opening_shows_closed_with_nothing_out(plan, desk, clock, offered, board):
    clock.set(at(7, 40))
    plan.close_opening(offered, why="Mrs. Example booked it by phone", by=desk)

    [opening] = patel(board).openings

    assert (opening.status, opening.settled_at) == (OpeningStatus.CLOSED, at(7, 40))
    assert opening.offers_out(at(7, 41)) == 0
    assert opening.accepted_by is None


def test_the_board_keeps_no_free_text_of_the_openings(plan, desk, clock, offered, board):
    clock.set(at(7, 40))
    plan.close_opening(offered, why="Mrs. Example booked it by phone", by=desk)
    board.catch_up()

    tables = board.dump()

    assert "Mrs. Example" not in repr(tables["board_openings"])
    assert {row[6] for row in tables["board_openings"]} == {"cancelled"}  # a code, not words


def test_the_board_as_of_before_the_yes_shows_the_offers_still_out(
    plan, desk, clock, waiting, offered
):
    clock.set(at(7, 35))
    plan.accept_offer(offered, waiting[1], by=desk)

    (before,) = as_of(plan, DayBoard, at(7, 32)).day(DAY, "dr-patel")

    [opening] = before.openings
    assert opening.status is OpeningStatus.OFFERING
    assert opening.offers_out(at(7, 32)) == 3


def test_a_time_reported_free_on_a_day_without_visits_still_shows(plan, desk, clock, board):
    join_list(plan, desk, count=1)
    clock.set(at(7, 30))
    plan.report_free_time(provider="dr-patel", start=at(15), length=30, by=desk)

    [opening] = patel(board).openings

    assert (opening.source, opening.visit_type, opening.freed_by) == ("reported", None, None)
    assert patel(board).rows == ()


class FullScheduler:
    """A scheduler that finds every slot taken."""

    @hookimpl(tryfirst=True)
    def serviceplan_book_slot(self, booking):
        del booking
        raise SlotUnavailable("that slot is taken in the scheduler")


def test_a_yes_the_scheduler_could_not_book_goes_back_to_offering(store, clock, desk):
    plan = ServicePlan(
        store, clock=clock, settings=Settings(timezone=CLINIC_ZONE), plugins=[FullScheduler()]
    )
    morning = book_morning(plan, desk)
    waiting = join_list(plan, desk)
    offered = free_the_950(plan, desk, clock, morning)
    clock.set(at(7, 35))
    plan.accept_offer(offered, waiting[0], by=desk)

    [opening] = patel(DayBoard(plan)).openings

    assert opening.status is OpeningStatus.OFFERING
    assert opening.accepted_by is None
    assert [o.answer for o in opening.offers] == [Answer.NOT_BOOKED, None, None]
    assert opening.offers_out(at(7, 36)) == 2
    plan.close()


def test_the_board_shows_a_delay_projected_again_when_a_patient_leaves_and_a_time_is_filled(
    plan, desk, clock, morning, waiting, board
):
    """At 7:30 the 9:50 patient takes another day; the list fills 9:50; each estimate shows."""
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
    )
    clock.set(at(7, 30))
    plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.RESCHEDULE, by=desk)
    row = {r.visit_id: r for r in patel(board).rows}
    assert f"{row[str(morning[4])].expected_start:%H:%M}" == "10:35"  # 9:50 left the queue

    [opening] = plan.open_openings()
    plan.accept_offer(opening.id, waiting[0], by=desk)
    filled = str(plan.get_opening(opening.id).filled_with)

    row = {r.visit_id: r for r in patel(board).rows}
    assert f"{row[str(morning[4])].expected_start:%H:%M}" == "10:55"  # the queue is full again
    assert f"{row[filled].expected_start:%H:%M}" == "10:35"
