"""The words: a text names the clinic, a time and a number, and never a visit type or diagnosis."""

from __future__ import annotations

from uuid import uuid4

import pytest
from tuesday import ZONE

from serviceplan import Channel, ContactPoints, EmailAddress, Notice, NoticeKind, PhoneNumber
from serviceplan.delivery import DeliverySettings
from serviceplan.delivery.text import SMS_LENGTH, address, compose
from serviceplan.errors import InvalidInput, NoticeRefused
from serviceplan.plugins import Preparation

LONGEST = DeliverySettings(clinic_name="N" * 30, call_back=PhoneNumber("+123456789012345"))
PREOP = Preparation("cataract-preop", "Measurements for cataract surgery take hours.", 180)


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_text_fits_one_sms_with_the_longest_name_and_number(kind, at):
    notice = Notice("k", kind, uuid4(), Channel.SMS, when=at(14, 45))
    text = compose(notice, LONGEST, ZONE, PREOP)
    assert len(text) <= SMS_LENGTH
    assert "N" * 30 in text
    assert "+123456789012345" in text


def test_a_text_never_names_the_visit_type_even_with_a_preparation_note(at):
    notice = Notice("k", NoticeKind.PREPARATION, uuid4(), Channel.SMS, when=at(14))
    text = compose(notice, DeliverySettings(), ZONE, PREOP)
    assert "cataract" not in text.lower()
    assert text == (
        "Your clinic: please plan extra time for your appointment on Tue Dec 1 at 14:00. "
        "Questions: call us."
    )


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.PORTAL])
def test_detail_goes_to_channels_chosen_for_it(at, channel):
    notice = Notice("k", NoticeKind.PREPARATION, uuid4(), channel, when=at(14))
    assert compose(notice, DeliverySettings(), ZONE, PREOP).endswith(PREOP.text)


def test_a_follow_up_names_no_time():
    notice = Notice("k", NoticeKind.FOLLOW_UP, uuid4(), Channel.SMS)
    assert compose(notice, DeliverySettings(clinic_name="Eye Clinic"), ZONE) == (
        "Eye Clinic: thank you for your visit. If anything is still open, please call us."
    )


def test_messages_go_where_the_patient_said(plan, patient):
    aggregate = plan.get_patient(patient)
    assert address(aggregate, Channel.SMS) == "+15555550100"
    assert address(aggregate, Channel.VOICE) == "+15555550100"
    assert address(aggregate, Channel.EMAIL) == "pat@example.org"
    assert address(aggregate, Channel.PORTAL) == str(patient)


def test_no_address_no_message(plan, desk):
    patient = plan.register_patient(
        contact=ContactPoints(email=EmailAddress("a@example.org")), preferred=Channel.EMAIL, by=desk
    )
    with pytest.raises(NoticeRefused):
        address(plan.get_patient(patient), Channel.SMS)


def test_the_clinic_name_is_kept_short():
    with pytest.raises(InvalidInput):
        DeliverySettings(clinic_name="A" * 31)
