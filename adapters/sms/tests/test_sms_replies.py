"""Patients answer by text, over HTTP as Twilio posts them: the delay's choices, an offer's yes or
no, an answer too late, words for the desk, a family's phone, a stranger's number, and Twilio
sending the same message twice. The questions go out through the text channel to the Twilio peer
on loopback; the answers come back to the clinic's inbound app on loopback."""

from __future__ import annotations

import logging
from datetime import datetime, time

import attrs
import pytest

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    DelayChoice,
    NoticeKind,
    NoticeStatus,
    OpeningStatus,
    PhoneNumber,
    ServicePlan,
    Staff,
    Wants,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan_sms import InboundSms, SmsChannel
from sms_helpers import PHONE
from test_sms_inbound import post
from twilio_peer import FakeTwilio, wsgi_on_loopback

EMPTY = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
ASKING = DeliverySettings(
    clinic_name="Eye Clinic", ask_by_text=True, quiet_from=time(23), quiet_until=time(6),
    per_day=5, per_week=9,
)  # fmt: skip


def sid(n: int) -> str:
    """A MessageSid as Twilio makes them: SM and 32 hex digits."""
    return f"SM{n:032x}"


@pytest.fixture
def texting(plan, sms_settings):
    """The clinic's plan texting through the Twilio peer."""
    plan.plugins.register(SmsChannel(sms_settings), "sms")
    return plan


@pytest.fixture
def inbound(texting, sms_settings):
    """The clinic's webhook for incoming texts, served on loopback; yields its URL."""
    with wsgi_on_loopback(InboundSms(texting, sms_settings)) as base:
        yield f"{base}/sms/inbound"


def deliver(plan: ServicePlan) -> None:
    """The delivery worker's pass: every text owed goes to the Twilio peer now."""
    worker = DeliveryWorker(plan, ASKING)
    worker.run_once()
    worker.close()


def at(plan: ServicePlan, hour: int, minute: int = 0) -> datetime:
    return plan.clock().replace(hour=hour, minute=minute)


@pytest.fixture
def asked(texting, desk, patient, twilio: FakeTwilio):
    """Dr. Patel is 45 minutes late from 11:00; the 11:10 patient was texted the news at 10:00,
    asked to answer 1, 2 or 3."""
    visit = texting.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(texting, 11, 10), by=desk
    )
    delay = texting.announce_delay(
        provider="dr-patel", late_from=at(texting, 11), minutes=45, reason="surgery ran over",
        by=desk,
    )  # fmt: skip
    deliver(texting)
    [question] = twilio.texts_to(PHONE)
    assert "Reply 1 to keep it, 2 to come later today, 3 for another day." in question
    return visit, delay


@pytest.mark.parametrize(
    ("words", "choice"),
    [("1", DelayChoice.WAIT), (" 2 ", DelayChoice.COME_LATER), ("3.", DelayChoice.RESCHEDULE)],
)
def test_a_patient_texts_a_choice_about_the_delay(texting, patient, asked, inbound, words, choice):
    visit, delay = asked
    assert post(inbound, words, sid=sid(1)) == (200, EMPTY)
    assert texting.get_visit(visit).choice_for(delay) is choice
    [reply] = texting.replies_of(patient)
    assert (reply.words, reply.reference, reply.for_desk) == (words.strip(), sid(1), False)


def test_twilio_sending_the_same_message_again_is_one_reply(texting, patient, asked, inbound):
    visit, delay = asked
    assert post(inbound, "2", sid=sid(2)) == post(inbound, "2", sid=sid(2)) == (200, EMPTY)
    assert texting.get_visit(visit).choices == ((delay, DelayChoice.COME_LATER),)
    assert [r.reference for r in texting.replies_of(patient)] == [sid(2)]


def test_an_answer_to_a_closed_question_gets_one_polite_text_from_the_worker(
    texting, desk, patient, asked, inbound, twilio
):
    visit, delay = asked
    texting.cancel_visit(visit, reason=CancellationReason("pat"), by=desk)
    assert post(inbound, "1", sid=sid(3)) == (200, EMPTY)  # nothing in the answer: not twice
    assert post(inbound, "3", sid=sid(4)) == (200, EMPTY)
    assert [r.outcome.startswith("too late") for r in texting.replies_of(patient)] == [True] * 2
    assert texting.get_visit(visit).choice_for(delay) is None
    deliver(texting)
    [late] = [r for r in texting.notices_of(patient) if r.notice.kind is NoticeKind.TOO_LATE]
    assert late.status is NoticeStatus.DELIVERED
    assert len(twilio.texts_to(PHONE)) == 2  # the question, then the one polite word


def test_words_that_answer_nothing_go_to_the_desk(texting, patient, asked, inbound):
    visit, delay = asked
    assert post(inbound, "Can I bring my daughter?", sid=sid(5)) == (200, EMPTY)
    [waiting] = texting.replies_for_desk()
    assert (waiting.patient_id, waiting.words) == (patient, "Can I bring my daughter?")
    assert texting.get_visit(visit).choice_for(delay) is None


@pytest.fixture
def offered(texting, desk, patient, twilio: FakeTwilio):
    """11:30 freed at 10:00 and texted to the patient, the one on the waitlist."""
    leaving = texting.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550102")), preferred=Channel.SMS, by=desk
    )
    texting.give_consent(leaving, Channel.SMS, by=desk)
    freed = texting.book_visit(
        leaving, provider="dr-patel", visit_type="follow-up", start=at(texting, 11, 30), by=desk
    )
    day = texting.clock().date()
    wants = Wants(visit_type="follow-up", first_day=day, last_day=day, provider="dr-patel")
    entry = texting.join_waitlist(patient, wants=wants, by=desk)
    texting.cancel_visit(freed, reason=CancellationReason("pat"), by=desk)
    deliver(texting)
    [offer] = twilio.texts_to(PHONE)
    assert "11:30. Reply YES to take it or NO to pass" in offer
    [opening] = texting.open_openings()
    return entry, opening.id


def test_yes_please_takes_the_time_offered(texting, patient, offered, inbound, twilio):
    entry, opening = offered
    assert post(inbound, "Yes please", sid=sid(6)) == (200, EMPTY)
    taken = texting.get_opening(opening)
    assert taken.status is OpeningStatus.FILLED
    visit = texting.get_visit(taken.filled_with)
    assert (visit.patient_id, f"{visit.start:%H:%M}") == (patient, "11:30")
    assert texting.get_waitlist_entry(entry).filled_by == taken.filled_with
    deliver(texting)  # the booking is told by the worker, not in the answer
    assert len(twilio.texts_to(PHONE)) == 2


def test_no_passes_on_the_time(texting, offered, inbound):
    entry, opening = offered
    assert post(inbound, "No thanks", sid=sid(7)) == (200, EMPTY)
    assert texting.get_opening(opening).declined == frozenset({entry})
    assert texting.get_opening(opening).filled_with is None


@pytest.fixture
def child(texting, desk):
    """The patient's child, who gave the same phone: a family's phone."""
    child = texting.register_patient(
        contact=ContactPoints(PhoneNumber(PHONE)), preferred=Channel.SMS, by=desk
    )
    texting.give_consent(child, Channel.SMS, by=desk)
    return child


def test_an_answer_from_a_family_phone_goes_to_the_desk_for_each(
    texting, patient, child, asked, inbound
):
    visit, delay = asked
    assert post(inbound, "1", sid=sid(8)) == (200, EMPTY)
    assert texting.get_visit(visit).choice_for(delay) is None  # whose "1" is it?
    waiting = texting.replies_for_desk()
    assert {r.patient_id for r in waiting} == {patient, child}
    assert all(r.words == "1" and "other patients" in r.outcome for r in waiting)
    assert post(inbound, "1", sid=sid(8)) == (200, EMPTY)  # sent again: still one each
    assert len(texting.replies_for_desk()) == 2


def test_stop_from_a_family_phone_stops_texts_to_everyone_who_gave_it(
    texting, patient, child, inbound
):
    assert post(inbound, "STOP", sid=sid(9)) == (200, EMPTY)
    for each in (patient, child):
        assert {Channel.SMS, Channel.VOICE} <= texting.get_patient(each).opted_out
        [reply] = texting.replies_of(each)
        assert reply.outcome == "stop to consent"
    assert post(inbound, "Start", sid=sid(10)) == (200, EMPTY)
    assert all(texting.get_patient(p).can_reach(Channel.SMS) for p in (patient, child))


def test_a_family_phone_hears_one_confirmation_of_its_stop(texting, patient, child, sms_settings):
    confirming = attrs.evolve(sms_settings, stop_reply="Eye Clinic: no more automated texts.")
    with wsgi_on_loopback(InboundSms(texting, confirming)) as base:
        status, answer = post(f"{base}/sms/inbound", "end", sid=sid(15))
    assert status == 200
    assert answer.count(b"<Message>") == 1
    assert all(Channel.SMS in texting.get_patient(p).opted_out for p in (patient, child))


def test_stop_then_start_by_text(texting, patient, inbound):
    assert post(inbound, "Opt-Out!", sid=sid(11)) == (200, EMPTY)
    assert not texting.get_patient(patient).can_reach(Channel.SMS)
    assert post(inbound, "UNSTOP", sid=sid(12)) == (200, EMPTY)
    assert texting.get_patient(patient).can_reach(Channel.SMS)
    outcomes = [r.outcome for r in texting.replies_of(patient)]
    assert outcomes == ["stop to consent", "start to consent"]


@pytest.mark.usefixtures("patient")
def test_a_text_from_a_number_no_patient_gave_records_nothing_and_logs_no_number(
    texting, inbound, caplog
):
    before = texting.event_count
    stranger = "+15555550111"
    with caplog.at_level(logging.INFO, logger="serviceplan_sms"):
        assert post(inbound, "Yes", sender=stranger, sid=sid(13)) == (200, EMPTY)
    assert texting.event_count == before
    assert "no patient gave" in caplog.text
    assert stranger not in caplog.text
    assert stranger[2:] not in caplog.text


def test_a_message_without_its_sid_is_refused_and_records_nothing(texting, patient, inbound):
    before = texting.event_count
    assert post(inbound, "2", sid="")[0] == 400
    assert texting.event_count == before
    assert texting.replies_of(patient) == []


def test_the_reply_names_the_inbound_line(texting, patient, inbound):
    post(inbound, "Hello", sid=sid(14))
    [reply] = texting.replies_of(patient)
    events = list(texting.events.get(reply.id))
    assert {e.by for e in events} == {Staff("sms-inbound", "system")}
