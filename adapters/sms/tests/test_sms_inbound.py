"""Replies from patients' phones: STOP (every form the FCC's 2025 rule names) revokes texts and
calls at once and is never lost; START gives texts back; other replies go to the desk's list."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from serviceplan import Channel, ContactPoints, Meaning, NoticeKind, NoticeStatus, PhoneNumber
from serviceplan.delivery import DeliveryWorker
from serviceplan.domain.reply import REVOKING, STARTING
from serviceplan.errors import NoticeRefused
from serviceplan_sms import INBOUND, InboundSms, PhoneBook, TextReplies, twilio_signature
from sms_helpers import PHONE
from twilio_peer import ACCOUNT, CLINIC_NUMBER, TOKEN, wsgi_on_loopback


@pytest.fixture
def inbound(plan, sms_settings):
    """The clinic's webhook for incoming texts, served on loopback; yields its URL."""
    with wsgi_on_loopback(InboundSms(plan, sms_settings)) as base:
        yield f"{base}/sms/inbound"


SID = "SM" + "f" * 32


def post(
    url: str, body: str, *, sender: str = PHONE, sid: str = SID, token: str = TOKEN,
    account: str = ACCOUNT,
):  # fmt: skip
    """POST an incoming text as Twilio does, signed with `token`; return the status and body."""
    fields = {
        "MessageSid": sid, "AccountSid": account, "From": sender,
        "To": CLINIC_NUMBER, "Body": body, "NumMedia": "0",
    }  # fmt: skip
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url,
        data=urllib.parse.urlencode(fields).encode(),
        headers={"X-Twilio-Signature": twilio_signature(token, url, fields.items())},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def test_a_stop_over_http_opts_the_patient_out_at_once(plan, patient, inbound):
    before = plan.event_count
    status, answer = post(inbound, "STOP")
    assert (status, answer) == (200, b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>')
    assert {Channel.SMS, Channel.VOICE} <= plan.get_patient(patient).opted_out
    assert not plan.get_patient(patient).can_reach(Channel.SMS)
    assert plan.event_count == before + 4  # the reply, texts and calls, what it meant
    with pytest.raises(NoticeRefused):
        plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=INBOUND)


def test_an_owed_text_is_not_sent_after_a_stop(plan, desk, patient, inbound):
    key = plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=desk)
    post(inbound, "stop")
    DeliveryWorker(plan).run_once()
    assert plan.get_notice(key).status is NoticeStatus.GIVEN_UP


def test_a_request_without_twilios_signature_changes_nothing(plan, patient, inbound):
    before = plan.event_count
    assert post(inbound, "STOP", token="forged")[0] == 403  # noqa: S106 (a forged token)
    assert post(inbound, "STOP", account="AC" + "9" * 32)[0] == 403
    assert plan.event_count == before
    assert plan.get_patient(patient).can_reach(Channel.SMS)


def test_only_a_post_is_heard(inbound):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(inbound, timeout=5)  # noqa: S310 (loopback)
    assert refused.value.code == 405


FCC_WORDS = ("stop", "quit", "end", "revoke", "opt out", "cancel", "unsubscribe")
"""The replies 47 CFR 64.1200(a)(10) names, in force since 11 April 2025."""


def forms(word: str) -> list[str]:
    """A word as patients type it: any case, any spacing, any punctuation around and inside."""
    return [
        word, word.upper(), word.title(), f"  {word}. ", f"{word.upper()}!!", f'"{word}"',
        word.replace(" ", "-"), word.replace(" ", ""), word.replace(" ", "  ").upper(),
        f"{word}\n", " ".join(word), f"({word})",
    ]  # fmt: skip


@pytest.mark.parametrize("body", [form for word in FCC_WORDS for form in forms(word)])
def test_every_form_of_every_revoking_reply_stops_texts_and_calls(plan, desk, patient, body):
    plan.give_consent(patient, Channel.VOICE, by=desk)
    handled = TextReplies(plan).handle(PHONE, body, SID)
    assert handled.meaning is Meaning.STOP
    assert handled.consent_changed == (patient,)
    assert handled.confirm
    record = plan.get_patient(patient)
    assert {Channel.SMS, Channel.VOICE} <= record.opted_out
    assert not record.can_reach(Channel.SMS)
    assert not record.can_reach(Channel.VOICE)


def test_the_rules_words_and_the_carriers_stopall_are_the_one_list_of_stop_words():
    assert {*(w.replace(" ", "") for w in FCC_WORDS), "stopall"} == REVOKING


@pytest.mark.parametrize("word", sorted(STARTING))
def test_start_gives_consent_back_after_a_stop(plan, patient, word):
    replies = TextReplies(plan)
    replies.handle(PHONE, "STOP", "SM1")
    handled = replies.handle(PHONE, word.upper(), "SM2")
    assert (handled.meaning, handled.consent_changed, handled.confirm) == (
        Meaning.START, (patient,), False,
    )  # fmt: skip
    assert plan.get_patient(patient).can_reach(Channel.SMS)


def test_start_without_a_stop_and_a_second_stop_change_no_consent(plan, patient):
    replies = TextReplies(plan)
    consents = plan.get_patient(patient).consents
    assert replies.handle(PHONE, "START", "SM1").consent_changed == ()
    assert plan.get_patient(patient).consents == consents
    assert replies.handle(PHONE, "STOP", "SM2").confirm
    again = replies.handle(PHONE, "STOP", "SM3")
    assert (again.consent_changed, again.confirm) == ((), False)
    assert len(plan.replies_of(patient)) == 3


@pytest.mark.parametrize(
    "body",
    ["Can I come at 3 instead?", "please stop by later", "", "STOP IT", "The end.", "stop2", "?"],
)
def test_other_replies_go_to_the_desk_and_change_no_consent(plan, patient, body):
    handled = TextReplies(plan).handle(PHONE, body, SID)
    assert (handled.meaning, handled.consent_changed) == (Meaning.OTHER, ())
    assert plan.get_patient(patient).can_reach(Channel.SMS)
    [waiting] = plan.replies_for_desk()
    assert (waiting.patient_id, waiting.words) == (patient, body)


@pytest.mark.usefixtures("patient")
def test_a_stop_from_an_unknown_number_records_nothing(plan, inbound):
    before = plan.event_count
    assert post(inbound, "STOP", sender="+15555550111")[0] == 200
    assert plan.event_count == before


def test_a_stop_speaks_for_every_patient_who_gave_the_number(plan, desk, patient):
    child = plan.register_patient(
        contact=ContactPoints(PhoneNumber(PHONE)), preferred=Channel.SMS, by=desk
    )
    plan.give_consent(child, Channel.SMS, by=desk)
    handled = TextReplies(plan).handle(PHONE, "STOP", SID)
    assert set(handled.consent_changed) == {patient, child}
    assert {r.reference for r in handled.replies} == {
        f"{SID}:{patient.hex[:12]}", f"{SID}:{child.hex[:12]}",
    }  # fmt: skip
    assert all(
        {Channel.SMS, Channel.VOICE} <= plan.get_patient(p).opted_out for p in (patient, child)
    )


def test_the_phone_book_follows_contact_changes(plan, desk, patient):
    book = PhoneBook(plan)
    assert book.patients_at(PHONE) == [patient]
    new = ContactPoints(PhoneNumber("+15555550123"))
    plan.change_contact(patient, contact=new, preferred=Channel.SMS, by=desk)
    assert book.patients_at(PHONE) == []
    assert book.patients_at("+15555550123") == [patient]


def test_the_opt_out_names_the_inbound_line_as_its_actor(plan, patient):
    TextReplies(plan).handle(PHONE, "STOP", SID)
    notifications = plan.recorder.select_notifications(plan.event_count - 2, 2)
    events = [plan.mapper.to_domain_event(n) for n in notifications]
    assert [type(e).__name__ for e in events] == ["OptedOut", "OptedOut"]
    assert {(e.originator_id, e.by, e.channel) for e in events} == {
        (patient, INBOUND, Channel.SMS),
        (patient, INBOUND, Channel.VOICE),
    }
    assert INBOUND.role == "system"


def test_the_signature_is_twilios():
    """The example from Twilio's documentation of request validation."""
    fields = {
        "CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
        "From": "+12349013030", "To": "+18005551212",
    }  # fmt: skip
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, fields.items()) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
