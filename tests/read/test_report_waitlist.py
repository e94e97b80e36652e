"""The recovery report counts the time freed for the waitlist: freed, offered, filled, how fast."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpers import DAY, at
from serviceplan.read import Recovery, WaitlistLine
from waitlisted import PATIENT_ASKED, book_morning, free_the_950, join_list


@pytest.fixture
def morning(plan, desk):
    return book_morning(plan, desk)


def report_of(plan, first=DAY, last=DAY):
    recovery = Recovery(plan)
    recovery.catch_up()
    return recovery.report(first, last)


def test_a_day_with_no_time_freed_counts_nothing_and_has_no_rate(plan, morning):  # noqa: ARG001
    line = report_of(plan).waitlist

    assert line == WaitlistLine()
    assert line.fill_rate is None
    assert line.median_minutes_to_fill is None


def test_minutes_freed_offered_and_filled_and_the_time_to_fill(plan, desk, clock, morning):
    waiting = join_list(plan, desk)
    nine_fifty = free_the_950(plan, desk, clock, morning)  # 20 minutes, offered at 7:30
    clock.set(at(7, 42))
    plan.accept_offer(nine_fifty, waiting[1], by=desk)  # filled 12 minutes after it freed
    clock.set(at(8))
    plan.cancel_visit(morning[5], reason=PATIENT_ASKED, by=desk)  # the 11:30 follow-up
    [half_past_eleven] = plan.open_openings()
    clock.set(at(8, 5))
    plan.close_opening(half_past_eleven.id, why="the provider keeps it free", by=desk)

    line = report_of(plan).waitlist

    assert (line.openings, line.filled, line.closed) == (2, 1, 1)
    assert (line.freed_minutes, line.offered_minutes, line.filled_minutes) == (40, 40, 20)
    assert line.median_minutes_to_fill == 12
    assert line.fill_rate == pytest.approx(0.5)


def test_time_nobody_was_offered_counts_as_freed_but_not_offered(plan, desk, clock, morning):
    [entry] = join_list(plan, desk, count=1)
    free_the_950(plan, desk, clock, morning)  # the one patient on the list is offered it
    plan.leave_waitlist(entry, by=desk)
    clock.set(at(7, 31))
    plan.report_free_time(provider="dr-patel", start=at(15), length=30, by=desk)

    line = report_of(plan).waitlist

    assert (line.openings, line.freed_minutes, line.offered_minutes) == (2, 50, 20)
    assert (line.filled_minutes, line.fill_rate) == (0, 0.0)


def test_time_counts_on_the_day_it_was_freed(plan, desk, clock, morning):
    join_list(plan, desk, count=1)
    free_the_950(plan, desk, clock, morning)

    next_day = DAY + timedelta(days=1)
    assert report_of(plan, next_day, next_day).waitlist == WaitlistLine()
    assert report_of(plan, DAY, next_day).waitlist.freed_minutes == 20
