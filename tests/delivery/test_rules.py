"""The sending rules: reachable, not expired, no texts in quiet hours, at most 1 a day, 3 a week."""

from __future__ import annotations

from datetime import time

import pytest
from tuesday import ZONE

from serviceplan import Channel, NoticeKind, Receipt
from serviceplan.delivery import WORKER, DeliverySettings
from serviceplan.delivery.rules import GiveUp, Send, Wait, decide, limits, quiet_hours

RULES = DeliverySettings()


def owed(plan, patient, desk, when, **kwargs):
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=when, by=desk, **kwargs)
    aggregate = plan.get_patient(patient)
    return aggregate, aggregate.notice(key)


def deliver(aggregate, record, at):
    aggregate.record_delivery(Receipt(record.key, "gateway", f"m-{record.key}"), at, WORKER)


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


def test_one_text_a_day(plan, patient, desk, at):
    aggregate, first = owed(plan, patient, desk, at(15))
    assert limits(aggregate, at(10), ZONE, RULES) is None
    deliver(aggregate, first, at(10))
    assert limits(aggregate, at(12), ZONE, RULES) == Wait(at(9, days=1), "the limit of 1 a day")


def test_three_texts_in_any_seven_days(plan, patient, desk, at, clock):
    aggregate = plan.get_patient(patient)
    for day in (0, 2, 4):
        clock.set(at(10, days=day))
        aggregate, record = owed(plan, patient, desk, at(15, days=day))
        deliver(aggregate, record, at(10, days=day))
        plan.save(aggregate)
    wait = limits(aggregate, at(10, days=5), ZONE, RULES)
    assert wait == Wait(at(9, days=7), "the limit of 3 a week")
    assert limits(aggregate, at(10, days=7), ZONE, RULES) is None


def test_a_notice_that_cannot_reach_the_patient_goes_to_the_desk(plan, patient, desk, at):
    aggregate, record = owed(plan, patient, desk, at(15))
    aggregate.opt_out(Channel.SMS, at(10), desk)
    decision = decide(aggregate, record, at(10), ZONE, RULES)
    assert decision == GiveUp("the patient cannot be reached on sms any more")


def test_an_expired_notice_goes_to_the_desk(plan, patient, desk, at):
    aggregate, record = owed(plan, patient, desk, at(15), expires=at(15))
    assert decide(aggregate, record, at(15), ZONE, RULES) == GiveUp(
        "it expired before it could go out"
    )


def test_a_wait_past_the_expiry_goes_to_the_desk(plan, patient, desk, at, clock):
    clock.set(at(22))
    aggregate, record = owed(plan, patient, desk, at(23), expires=at(23))
    decision = decide(aggregate, record, at(22), ZONE, RULES)
    assert decision == GiveUp("it would wait (quiet hours) until after it expires")


def test_the_latest_wait_wins(plan, patient, desk, at, clock):
    clock.set(at(22))
    aggregate, record = owed(plan, patient, desk, at(15, days=2), not_before=at(8, days=1))
    assert decide(aggregate, record, at(22), ZONE, RULES) == Wait(at(9, days=1), "quiet hours")


def test_e_mail_is_not_held_to_the_rules_for_texts(plan, patient, desk, at, clock):
    plan.give_consent(patient, Channel.EMAIL, by=desk)
    clock.set(at(22))
    aggregate, record = owed(plan, patient, desk, at(15, days=1), channel=Channel.EMAIL)
    assert decide(aggregate, record, at(22), ZONE, RULES) == Send()


def test_backoff_doubles_up_to_its_cap():
    rules = DeliverySettings(backoff_minutes=5, backoff_cap_minutes=30)
    assert [rules.backoff(n) for n in range(1, 6)] == [5, 10, 20, 30, 30]
