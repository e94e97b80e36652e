"""The sending rules: reachable, not expired, no texts in quiet hours, at most 1 a day, 3 a week."""

from __future__ import annotations

from datetime import time
from uuid import uuid4

import pytest
from tuesday import ZONE
from tuesday import at as at_tuesday

from serviceplan import Channel, Notice, NoticeKind, NoticeRecord, Staff
from serviceplan.delivery import DeliverySettings
from serviceplan.delivery.rules import Facts, GiveUp, Send, Wait, decide, limits, quiet_hours
from serviceplan.domain.visit import VisitStatus

RULES = DeliverySettings()


PATIENT = uuid4()
DESK = Staff("desk-ana")
REACHABLE = Facts(reachable=True)


def owed(when, *, channel=Channel.SMS, requested=None, kind=NoticeKind.DELAY, **kwargs):
    """The record of a delay notice (or `kind`) owed since `requested` (nine on the test day)."""
    notice = Notice(f"k-{uuid4().hex}", kind, PATIENT, channel, None, when, **kwargs)
    return NoticeRecord.request(notice, requested or at_tuesday(9), DESK)


@pytest.mark.parametrize(
    ("hour", "minute", "opens"),
    [(8, 59, (0, 9)), (21, 0, (1, 9)), (23, 30, (1, 9)), (0, 5, (0, 9))],
)
def test_no_texts_in_quiet_hours(at, hour, minute, opens):
    days, opening = opens
    wait = quiet_hours(at(hour, minute), ZONE, RULES)
    assert wait == Wait(at(opening, days=days), "quiet hours")


@pytest.mark.parametrize(("hour", "minute"), [(9, 0), (12, 0), (20, 59)])
def test_texts_go_in_the_sending_window(at, hour, minute):
    assert quiet_hours(at(hour, minute), ZONE, RULES) is None


def test_quiet_hours_that_do_not_cross_midnight(at):
    night_shift = DeliverySettings(quiet_from=time(1), quiet_until=time(6))
    assert quiet_hours(at(3), ZONE, night_shift) == Wait(at(6), "quiet hours")
    assert quiet_hours(at(7), ZONE, night_shift) is None


def test_one_text_a_day(at):
    assert limits([], at(10), ZONE, RULES) is None
    assert limits([at(10)], at(12), ZONE, RULES) == Wait(at(9, days=1), "the limit of 1 a day")
    assert limits([at(10, days=-1)], at(12), ZONE, RULES) is None


def test_three_texts_in_any_seven_days(at):
    sent = [at(10), at(10, days=2), at(10, days=4)]
    wait = limits(sent, at(10, days=5), ZONE, RULES)
    assert wait == Wait(at(10, days=7), "the limit of 3 in 7 days")
    assert limits(sent, at(10, days=7), ZONE, RULES) is None


def test_a_week_is_any_seven_days_of_24_hours_not_a_calendar_week(at):
    """Texts on Tuesday evening, Thursday and Friday: the next Tuesday at noon must wait.

    Counting clinic days, the Tuesday evening fell out of the week at midnight, and a fourth
    text went out 6 days 16 hours after the first. Counting any 168 hours, it waits until 20:00.
    """
    sent = [at(20), at(11, days=2), at(11, days=3)]
    next_tuesday_noon = at(12, days=7)
    wait = limits(sent, next_tuesday_noon, ZONE, RULES)
    assert wait == Wait(at(20, days=7), "the limit of 3 in 7 days")
    assert limits(sent, at(20, days=7), ZONE, RULES) is None


def test_a_notice_that_cannot_reach_the_patient_goes_to_the_desk(at):
    decision = decide(owed(at(15)), Facts(reachable=False), at(10), ZONE, RULES)
    assert decision == GiveUp("the patient cannot be reached on sms any more")


def test_an_expired_notice_goes_to_the_desk(at):
    assert decide(owed(at(15), expires=at(15)), REACHABLE, at(15), ZONE, RULES) == GiveUp(
        "it expired before it could go out"
    )


def test_a_wait_past_the_expiry_goes_to_the_desk(at):
    record = owed(at(23), expires=at(23), requested=at(22))
    decision = decide(record, REACHABLE, at(22), ZONE, RULES)
    assert decision == GiveUp("it would wait (quiet hours) until after it expires")


def test_the_latest_wait_wins(at):
    record = owed(at(15, days=2), not_before=at(8, days=1), requested=at(22))
    assert decide(record, REACHABLE, at(22), ZONE, RULES) == Wait(at(9, days=1), "quiet hours")


def test_the_limits_hold_a_text_once_it_is_otherwise_due(at):
    record = owed(at(15), requested=at(10))
    facts = Facts(reachable=True, sent=[at(9, 30)])
    assert decide(record, facts, at(12), ZONE, RULES) == Wait(at(9, days=1), "the limit of 1 a day")


@pytest.mark.parametrize("kind", [NoticeKind.BOOKED, NoticeKind.OFFER_GONE, NoticeKind.TOO_LATE])
def test_an_answer_to_the_patients_own_text_is_not_held_by_the_limits_but_keeps_quiet_hours(
    at, kind
):
    record = owed(at(15), requested=at(10), kind=kind)
    sent = [at(9, 30), at(10, days=-2), at(10, days=-4)]  # one today, three this week
    assert decide(record, Facts(reachable=True, sent=sent), at(12), ZONE, RULES) == Send()
    late = owed(at(15, days=1), requested=at(22), kind=kind)
    assert decide(late, REACHABLE, at(22), ZONE, RULES) == Wait(at(9, days=1), "quiet hours")


def test_an_offer_is_held_by_the_limits_like_any_text_the_clinic_starts(at):
    record = owed(at(15), requested=at(10), kind=NoticeKind.OFFER)
    facts = Facts(reachable=True, sent=[at(9, 30)])
    assert decide(record, facts, at(12), ZONE, RULES) == Wait(at(9, days=1), "the limit of 1 a day")


def test_an_offer_whose_time_was_taken_is_dropped(at):
    record = owed(at(15), requested=at(10), kind=NoticeKind.OFFER)
    decision = decide(record, Facts(reachable=True, offer_gone=True), at(12), ZONE, RULES)
    assert decision == GiveUp("the time it offers was taken or is offered no more", dropped=True)


def test_e_mail_is_not_held_to_the_rules_for_texts(at):
    record = owed(at(15, days=1), channel=Channel.EMAIL, requested=at(22))
    facts = Facts(reachable=True, sent=[at(21)])
    assert decide(record, facts, at(22), ZONE, RULES) == Send()


def test_nothing_is_left_to_tell_of_a_replaced_estimate_or_a_visit_gone(at):
    record = owed(at(15))
    replaced = decide(record, Facts(reachable=True, replaced=True), at(10), ZONE, RULES)
    assert replaced == GiveUp("a newer estimate for the same visit replaced it", dropped=True)
    gone = Facts(reachable=False, visit=VisitStatus.CANCELLED)
    assert decide(record, gone, at(10), ZONE, RULES) == GiveUp(
        "its visit was moved or cancelled", dropped=True
    )


def test_backoff_doubles_up_to_its_cap():
    rules = DeliverySettings(backoff_minutes=5, backoff_cap_minutes=30)
    assert [rules.backoff(n) for n in range(1, 6)] == [5, 10, 20, 30, 30]
