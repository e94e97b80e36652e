"""The board tells who was told what and when: notices owed, delivered, failed, and the answer."""

from __future__ import annotations

import pytest
from morning import patel

from helpers import DAY, at
from serviceplan import CancellationReason, Channel, NoticeKind
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.domain.visit import DelayChoice
from serviceplan.read import DayBoard, Notices, as_of

ANY_HOUR = DeliverySettings(automated=frozenset())
"""No quiet hours nor daily limits, so one patient's whole morning can be texted at 7:40."""


def deliver(plan, now):
    return DeliveryWorker(plan, ANY_HOUR).run_once(now)


def late(plan, desk, minutes=45):
    return plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=minutes, reason="surgery ran over", by=desk
    )


@pytest.mark.usefixtures("morning")
def test_each_slipping_visit_is_owed_a_notice_and_shows_when_it_was_delivered(plan, desk, board):
    late(plan, desk)

    assert [r.notices.told for r in patel(board).rows] == ["0/1"] * 5 + [""]

    deliver(plan, at(7, 40))

    rows = patel(board).rows
    assert [r.notices for r in rows[:5]] == [Notices(1, 1, 0, at(7, 40))] * 5
    assert rows[5].notices == Notices()
    assert rows[0].notices.told == "1/1"


def test_a_notice_nobody_could_deliver_fails_and_puts_the_visit_on_the_call_list(
    plan, desk, patient, morning, board
):
    plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=morning[5], by=desk)
    plan.withdraw_consent(patient, Channel.SMS, by=desk)

    deliver(plan, at(7, 40))

    last = patel(board).rows[5]
    assert (last.notices.owed, last.notices.failed, last.notices.waiting) == (1, 1, 0)
    assert last.notices.told == "0/1, 1 failed"
    assert last.delay_minutes == 0
    assert [r.visit_id for r in patel(board).call_list] == [str(morning[5])]


@pytest.mark.usefixtures("morning")
def test_a_newer_estimate_replaces_the_waiting_notice_and_is_counted_once(plan, desk, clock, board):
    delay = late(plan, desk)
    clock.set(at(7, 30))
    plan.revise_delay(delay, minutes=70, by=desk)

    deliver(plan, at(7, 40))

    rows = patel(board).rows
    assert [r.notices for r in rows[:5]] == [Notices(1, 1, 0, at(7, 40))] * 5


@pytest.mark.usefixtures("morning")
def test_a_notice_that_expired_before_it_went_out_fails(plan, desk, board):
    late(plan, desk)

    deliver(plan, at(8, 50))  # the 8:00's new estimate, 8:45, has passed

    first, second = patel(board).rows[:2]
    assert first.notices == Notices(owed=1, failed=1)
    assert second.notices == Notices(1, 1, 0, at(8, 50))


def test_the_patients_answer_to_the_delay_is_on_the_board(plan, desk, morning, board):
    delay = late(plan, desk)
    plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.WAIT, by=desk)
    plan.record_choice(morning[3], delay_id=delay, choice=DelayChoice.COME_LATER, by=desk)

    rows = patel(board).rows

    assert rows[3].choice == "come-later"
    assert [r.choice for r in rows if r is not rows[3]] == [None] * 5


def test_a_patient_already_here_is_told_at_the_desk_not_texted(plan, desk, clock, morning, board):
    clock.set(at(7, 55))
    plan.check_in(morning[0], by=desk)
    late(plan, desk)

    rows = patel(board).rows

    assert rows[0].notices == Notices()
    assert [r.notices.owed for r in rows[1:5]] == [1] * 4


@pytest.mark.usefixtures("morning")
def test_the_board_as_of_a_moment_shows_only_what_was_told_by_then(plan, desk):
    late(plan, desk)
    deliver(plan, at(7, 40))

    before = as_of(plan, DayBoard, at(7, 35))
    (section,) = before.day(DAY, "dr-patel")

    assert section.rows[0].notices == Notices(owed=1)


def test_a_notice_for_a_visit_moved_before_it_went_out_is_not_owed_any_more(
    plan, desk, patient, morning, board
):
    plan.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=morning[5], by=desk)
    plan.reschedule_visit(morning[5], start=at(12), reason=CancellationReason("pat-crs"), by=desk)

    deliver(plan, at(7, 40))

    moved, new = patel(board).rows[5:]
    assert moved.notices == Notices()
    assert new.notices == Notices()
