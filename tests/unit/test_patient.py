from uuid import uuid4

import pytest

from helpers import event_names, refused
from serviceplan import Channel, ContactPoints, EmailAddress, PhoneNumber, patient_id_for
from serviceplan.errors import InvalidInput, NotAllowedNow, PatientNotFound


def test_registering_a_patient_records_their_contact_points_and_preference(plan, desk, contact):
    patient_id = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)

    patient = plan.get_patient(patient_id)
    assert patient.contact == contact
    assert patient.preferred is Channel.SMS
    assert patient.language == "en"
    assert event_names(plan) == ["Registered"]


def test_a_patient_registered_with_a_chart_number_keeps_a_stable_id(plan, desk, contact):
    patient_id = plan.register_patient(
        contact=contact, preferred=Channel.SMS, by=desk, external_id="MRN-0042"
    )
    assert patient_id == patient_id_for("MRN-0042")
    with refused(plan, InvalidInput, match="already registered"):
        plan.register_patient(
            contact=contact, preferred=Channel.SMS, by=desk, external_id="MRN-0042"
        )


def test_a_preferred_channel_needs_a_contact_point(plan, desk):
    phone_only = ContactPoints(phone=PhoneNumber("+15555550100"))
    with refused(plan, InvalidInput, match="no contact point"):
        plan.register_patient(contact=phone_only, preferred=Channel.EMAIL, by=desk)


@pytest.mark.parametrize("language", ["", "English", "EN", 7])
def test_a_language_must_be_a_tag(plan, desk, contact, language):
    with refused(plan, InvalidInput, match="language"):
        plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk, language=language)


def test_a_channel_given_as_text_is_refused(plan, desk, contact):
    with refused(plan, InvalidInput, match="Channel"):
        plan.register_patient(contact=contact, preferred="sms", by=desk)


def test_consent_is_given_per_channel(plan, desk, patient):
    plan.give_consent(patient, Channel.EMAIL, by=desk)

    reached = plan.get_patient(patient)
    assert reached.can_reach(Channel.SMS)
    assert reached.can_reach(Channel.EMAIL)
    assert not reached.can_reach(Channel.VOICE)


def test_consent_needs_a_contact_point_for_the_channel(plan, desk):
    patient = plan.register_patient(
        contact=ContactPoints(email=EmailAddress("pat@example.org")),
        preferred=Channel.EMAIL,
        by=desk,
    )
    with refused(plan, InvalidInput, match="no contact point for sms"):
        plan.give_consent(patient, Channel.SMS, by=desk)


def test_a_stop_reply_ends_automated_texts_at_once(plan, desk, patient):
    plan.opt_out(patient, Channel.SMS, by=desk)

    reached = plan.get_patient(patient)
    assert not reached.can_reach(Channel.SMS)
    assert Channel.SMS in reached.opted_out


def test_consent_given_again_after_a_stop_lifts_the_opt_out(plan, desk, patient):
    plan.opt_out(patient, Channel.SMS, by=desk)
    plan.give_consent(patient, Channel.SMS, by=desk)

    assert plan.get_patient(patient).can_reach(Channel.SMS)


def test_withdrawing_consent_never_given_is_refused(plan, desk, patient):
    with refused(plan, NotAllowedNow, match="not given for voice"):
        plan.withdraw_consent(patient, Channel.VOICE, by=desk)


def test_withdrawing_consent_stops_messages_on_that_channel(plan, desk, patient):
    plan.withdraw_consent(patient, Channel.SMS, by=desk)

    assert not plan.get_patient(patient).can_reach(Channel.SMS)


def test_new_contact_points_drop_consent_for_a_channel_they_no_longer_reach(plan, desk, patient):
    plan.give_consent(patient, Channel.EMAIL, by=desk)

    plan.change_contact(
        patient,
        contact=ContactPoints(email=EmailAddress("new@example.org")),
        preferred=Channel.EMAIL,
        by=desk,
    )

    changed = plan.get_patient(patient)
    assert changed.consents == frozenset({Channel.EMAIL})
    assert changed.contact.email == EmailAddress("new@example.org")


def test_an_unknown_patient_is_reported_by_id(plan, desk):
    missing = uuid4()
    with refused(plan, PatientNotFound, match=str(missing)):
        plan.give_consent(missing, Channel.SMS, by=desk)


def test_an_id_that_is_not_a_uuid_is_refused(plan, desk):
    with refused(plan, InvalidInput, match="patient id must be a UUID"):
        plan.give_consent("Jane Doe", Channel.SMS, by=desk)


def test_every_command_names_the_staff_member_acting(plan, patient):
    with refused(plan, InvalidInput, match="staff member"):
        plan.opt_out(patient, Channel.SMS, by="desk-ana")
