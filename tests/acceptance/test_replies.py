"""Patients who answer by text, told as the clinic's day.

The demo's console channel stands in for the SMS gateway and the delivery worker sends what is
owed; each reply answers the last question that patient was texted.
"""

from __future__ import annotations

from datetime import time
from uuid import UUID

import pytest

from helpers import DAY, at
from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    DelayChoice,
    Meaning,
    NoticeKind,
    OpeningStatus,
    Patient,
    PhoneNumber,
    ServicePlan,
    Staff,
    Wants,
)
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.domain.reply import reply_id_for
from serviceplan.errors import ConcurrentUpdate, InvalidInput

INBOUND = Staff("sms-inbound", "system")
TEXTS_ALL_DAY = DeliverySettings(quiet_from=time(23), quiet_until=time(6), per_day=5, per_week=9)
FOLLOW_UP = Wants(visit_type="follow-up", first_day=DAY, last_day=DAY, provider="dr-patel")


def texted(plan: ServicePlan, desk, number: int) -> UUID:
    contact = ContactPoints(PhoneNumber(f"+1555555{number:04d}"))
    patient = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    plan.give_consent(patient, Channel.SMS, by=desk)
    return patient


def deliver(plan: ServicePlan) -> None:
    """The delivery worker's pass: everything owed goes out now."""
    worker = DeliveryWorker(plan, TEXTS_ALL_DAY)
    worker.run_once()
    worker.close()


def reply(plan: ServicePlan, patient: UUID, words: str, reference: str):
    return plan.receive_reply(
        patient, channel=Channel.SMS, words=words, reference=reference, by=INBOUND
    )


@pytest.fixture
def running_late(plan, desk, clock):
    """Dr. Patel is 45 minutes late from 8:00; the 10:10 patient was texted the news at 7:30."""
    patient = texted(plan, desk, 1)
    visit = plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(10, 10), by=desk
    )
    clock.set(at(7, 30))
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(10), minutes=45, reason="surgery ran over", by=desk
    )
    deliver(plan)
    return patient, visit, delay


@pytest.fixture
def offered(plan, desk, clock):
    """9:50 freed at 7:30 and texted to the one patient on the list."""
    freed = plan.book_visit(
        texted(plan, desk, 2), provider="dr-patel", visit_type="follow-up", start=at(9, 50),
        by=desk,
    )  # fmt: skip
    patient = texted(plan, desk, 3)
    entry = plan.join_waitlist(patient, wants=FOLLOW_UP, by=desk)
    clock.set(at(7, 30))
    plan.cancel_visit(freed, reason=CancellationReason("pat"), by=desk)
    deliver(plan)
    [opening] = plan.open_openings()
    return patient, entry, opening.id


def test_a_patient_who_texts_2_will_come_later_today(plan, running_late):
    patient, visit, delay = running_late
    answered = reply(plan, patient, " 2 ", "SM1")
    assert (answered.outcome, answered.for_desk) == (f"2 to {answered_key(plan, patient)}", False)
    assert plan.get_visit(visit).choice_for(delay) is DelayChoice.COME_LATER


def answered_key(plan: ServicePlan, patient: UUID) -> str:
    delays = [r for r in plan.notices_of(patient) if r.notice.kind is NoticeKind.DELAY]
    return delays[-1].key


def test_a_patient_who_texts_yes_takes_the_time_offered(plan, offered):
    patient, entry, opening = offered
    answered = reply(plan, patient, "Yes!", "SM2")
    assert not answered.for_desk
    assert plan.get_opening(opening).status is OpeningStatus.FILLED
    assert plan.get_waitlist_entry(entry).filled_by == plan.get_opening(opening).filled_with


def test_a_patient_who_texts_no_passes_and_the_time_goes_on(plan, offered):
    patient, entry, opening = offered
    reply(plan, patient, "no", "SM3")
    assert plan.get_opening(opening).declined == frozenset({entry})


def test_a_yes_after_the_offer_ran_out_hears_once_that_the_time_is_gone(plan, clock, offered):
    patient, _, opening = offered
    clock.set(at(7, 50))
    first = reply(plan, patient, "YES", "SM4")
    again = reply(plan, patient, "yes", "SM5")
    assert [first.outcome, again.outcome] == [f"too late for {offer_key(plan, patient)}"] * 2
    gone = [r for r in plan.notices_of(patient) if r.notice.kind is NoticeKind.OFFER_GONE]
    assert len(gone) == 1
    assert plan.get_opening(opening).status is OpeningStatus.OFFERING


def offer_key(plan: ServicePlan, patient: UUID) -> str:
    [offer] = [r for r in plan.notices_of(patient) if r.notice.kind is NoticeKind.OFFER]
    return offer.key


def test_an_answer_to_a_question_that_closed_gets_one_polite_word(plan, desk, running_late):
    patient, visit, _ = running_late
    plan.cancel_visit(visit, reason=CancellationReason("pat"), by=desk)
    reply(plan, patient, "1", "SM6")
    reply(plan, patient, "3", "SM7")
    late = [r for r in plan.notices_of(patient) if r.notice.kind is NoticeKind.TOO_LATE]
    assert len(late) == 1


def test_stop_and_its_kin_end_texts_and_calls_at_once(plan, running_late):
    patient, _, _ = running_late
    answered = reply(plan, patient, "Opt Out", "SM8")
    assert answered.outcome == "stop to consent"
    record = plan.get_patient(patient)
    assert {Channel.SMS, Channel.VOICE} <= record.opted_out
    assert not record.can_reach(Channel.SMS)


def test_start_gives_texts_back(plan, running_late):
    patient, _, _ = running_late
    reply(plan, patient, "STOP", "SM9")
    reply(plan, patient, "start", "SM10")
    assert plan.get_patient(patient).can_reach(Channel.SMS)


def test_anything_else_goes_to_the_desk_with_its_words(plan, desk, running_late):
    patient, _, _ = running_late
    answered = reply(plan, patient, "can I bring my daughter?", "SM11")
    assert answered.for_desk
    [waiting] = plan.replies_for_desk()
    assert (waiting.words, waiting.patient_id) == ("can I bring my daughter?", patient)
    plan.settle_reply(waiting.id, by=desk)
    assert plan.replies_for_desk() == []


def test_a_reply_when_nothing_was_asked_goes_to_the_desk(plan, desk):
    patient = texted(plan, desk, 9)
    assert reply(plan, patient, "yes", "SM12").outcome == "no question was asked on this channel"


def test_the_same_message_received_twice_is_one_reply_acted_on_once(plan, running_late):
    patient, visit, delay = running_late
    first = reply(plan, patient, "2", "SM13")
    second = reply(plan, patient, "2", "SM13")
    assert first.id == second.id
    assert plan.get_visit(visit).choices == ((delay, DelayChoice.COME_LATER),)
    assert [r.id for r in plan.replies_of(patient)] == [first.id]


def test_a_reply_is_recorded_with_its_words_and_what_it_meant(plan, running_late):
    patient, _, _ = running_late
    answered = reply(plan, patient, "3", "SM14")
    events = list(plan.events.get(answered.id))
    assert [type(e).__name__ for e in events] == ["Received", "Answered"]
    assert events[0].words == "3"
    assert events[1].answer is Meaning.ANOTHER_DAY


def test_a_full_width_stop_is_a_stop(plan, running_late):
    patient, _, _ = running_late
    assert reply(plan, patient, "\uff33\uff34\uff2f\uff30", "SM15").outcome == "stop to consent"
    assert Channel.SMS in plan.get_patient(patient).opted_out


def test_a_reply_recorded_but_not_acted_on_is_acted_on_when_it_comes_again(
    plan, desk, monkeypatch, running_late
):
    """The desk saved the patient's record first: the STOP lost the race, and is not lost."""
    patient, _, _ = running_late
    opt_out = Patient.opt_out

    def raced(self, **kwargs):
        plan.give_consent(patient, Channel.VOICE, by=desk)  # the desk saves first
        monkeypatch.setattr(Patient, "opt_out", opt_out)
        opt_out(self, **kwargs)

    monkeypatch.setattr(Patient, "opt_out", raced)
    with pytest.raises(ConcurrentUpdate):
        reply(plan, patient, "STOP", "SM16")
    assert plan.get_reply(reply_id_for(Channel.SMS, "SM16")).outcome is None
    again = reply(plan, patient, "STOP", "SM16")
    assert again.outcome == "stop to consent"
    assert {Channel.SMS, Channel.VOICE} <= plan.get_patient(patient).opted_out


def test_a_reference_is_one_patients_reply(plan, desk, running_late):
    patient, _, _ = running_late
    reply(plan, patient, "2", "SM17")
    with pytest.raises(InvalidInput, match="another patient"):
        reply(plan, texted(plan, desk, 8), "2", "SM17")


@pytest.fixture
def family_phone(plan, desk, running_late):
    """The 10:10 patient's child gave the same phone number."""
    patient, visit, delay = running_late
    contact = plan.get_patient(patient).contact
    child = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    plan.give_consent(child, Channel.SMS, by=desk)
    return patient, child, visit, delay


def shared_reply(plan: ServicePlan, patient: UUID, words: str, reference: str):
    return plan.receive_reply(
        patient, channel=Channel.SMS, words=words, reference=reference, by=INBOUND, shared=True
    )


def test_an_answer_from_a_shared_number_goes_to_the_desk_not_acted_on(plan, family_phone):
    patient, _, visit, delay = family_phone
    answered = shared_reply(plan, patient, "2", "SM18")
    assert answered.for_desk
    assert "other patients" in answered.outcome
    assert plan.get_visit(visit).choice_for(delay) is None


def test_a_stop_from_a_shared_number_still_stops(plan, family_phone):
    patient, child, _, _ = family_phone
    for who, reference in ((patient, "SM19.a"), (child, "SM19.b")):
        assert shared_reply(plan, who, "Stop", reference).outcome == "stop to consent"
    assert all(Channel.SMS in plan.get_patient(p).opted_out for p in (patient, child))


def test_a_patient_who_left_and_texts_1_after_their_time_was_taken_goes_to_the_desk(
    plan, desk, running_late
):
    """The 10:10 patient texts 2, the list takes 10:10, then they text 1: the desk books anew."""
    patient, visit, delay = running_late
    waiting = texted(plan, desk, 4)
    entry = plan.join_waitlist(
        waiting, wants=Wants(visit_type="exam", first_day=DAY, last_day=DAY), by=desk
    )
    reply(plan, patient, "2", "SM1")
    [opening] = plan.open_openings()
    plan.accept_offer(opening.id, entry, by=desk)

    changed_mind = reply(plan, patient, "1", "SM2")

    assert changed_mind.for_desk
    assert plan.get_visit(visit).choice_for(delay) is DelayChoice.COME_LATER
    assert plan.get_opening(opening.id).status is OpeningStatus.FILLED
