"""The report page counts the time freed for the waitlist; its timeline marks the time filled."""

from __future__ import annotations

import pytest

from helpers import DAY, at
from serviceplan.pictures import report_page, timeline
from serviceplan.read import DayBoard, Recovery
from waitlisted import book_morning, free_the_950, join_list


@pytest.fixture
def filled(plan, desk, clock):
    """The 9:50 freed at 7:30 and taken at 7:42 by the second patient on the list."""
    morning = book_morning(plan, desk)
    waiting = join_list(plan, desk)
    opening = free_the_950(plan, desk, clock, morning)
    clock.set(at(7, 42))
    plan.accept_offer(opening, waiting[1], by=desk)
    return plan.get_opening(opening).filled_with


def page_of(plan):
    board, recovery = DayBoard(plan), Recovery(plan)
    board.catch_up()
    recovery.catch_up()
    return report_page(DAY, board.day(DAY), recovery.report(DAY, DAY), [], at(12))


@pytest.mark.usefixtures("filled")
def test_the_page_counts_the_minutes_freed_and_filled(plan):
    page = page_of(plan)

    assert "<h2>Time freed for the waitlist, in minutes</h2>" in page
    cells = ["1", "20", "20", "20", "100%", "12 min"]
    assert "".join(f'<td class="n">{cell}</td>' for cell in cells) in page


def test_a_page_with_no_time_freed_says_none(plan, desk):
    book_morning(plan, desk)

    page = page_of(plan)

    cells = ["0", "0", "0", "0", "none", "none"]
    assert "".join(f'<td class="n">{cell}</td>' for cell in cells) in page


def test_the_timeline_marks_the_visit_that_filled_a_freed_time(plan, filled):
    board = DayBoard(plan)
    board.catch_up()

    svg = timeline(board.day(DAY))

    assert svg.count('class="filled"') == 1
    assert "09:50-10:10, filled a freed time from the waitlist</title>" in svg
    [lane] = [line for line in svg.splitlines() if 'class="filled"' in line]
    assert 'stroke="#6d28d9"' in lane
    rows = {r.visit_id: r for r in board.day(DAY)[0].rows}
    assert rows[str(filled)].filled_opening is not None


def test_a_time_offered_but_not_yet_taken_is_not_marked(plan, desk, clock):
    join_list(plan, desk)
    free_the_950(plan, desk, clock, book_morning(plan, desk))
    board = DayBoard(plan)
    board.catch_up()

    assert 'class="filled"' not in timeline(board.day(DAY))
    assert "booked from the waitlist" in page_of(plan)  # the legend names the mark all the same
