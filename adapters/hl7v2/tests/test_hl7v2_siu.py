"""What an SIU message says, read from the fields HL7 puts it in; refused by field when wrong."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from hl7v2_helpers import GHH, TRIGGERS, edit, fixture, ghh, lines, sample, without
from serviceplan_hl7v2 import (
    MalformedMessage,
    MissingField,
    Trigger,
    UnsupportedMessage,
    parse,
    read_siu,
)
from serviceplan_hl7v2.errors import (
    DATA_TYPE_ERROR,
    REQUIRED_FIELD_MISSING,
    SEGMENT_SEQUENCE_ERROR,
    TABLE_VALUE_NOT_FOUND,
    UNSUPPORTED_EVENT_CODE,
    UNSUPPORTED_MESSAGE_TYPE,
    UNSUPPORTED_PROCESSING_ID,
    UNSUPPORTED_VERSION_ID,
)

CLINIC = timezone(timedelta(hours=-5))


def read(text, **options):
    return read_siu(parse(text), zone=CLINIC, **options)


def test_the_sample_booking_says_who_when_how_long_with_whom_and_what():
    siu = read(sample("SIU-S12-01"))

    assert (siu.trigger, siu.control_id, siu.sender) == (Trigger.BOOKING, "MSG00012", "SCHApp")
    assert siu.sent_at == ghh(14, 11, 20)
    assert siu.appointment_id == "36996"
    assert siu.mrn == "PATID1234"
    assert (siu.start, siu.length) == (ghh(24, 9, 30), 50)
    assert (siu.provider, siu.service, siu.reason) == ("1210", "76164006", "Add")


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_sample_is_read_with_its_trigger(trigger):
    siu = read(sample(f"SIU-{trigger}-01"))

    assert siu.trigger is Trigger(trigger)
    assert (siu.appointment_id, siu.mrn) == ("36996", "PATID1234")


def test_the_same_message_has_the_same_digest_whatever_its_line_ends():
    text = sample("SIU-S12-01")

    assert read(text).digest == read(text.replace("\n", "\r")).digest
    assert read(text).digest != read(sample("SIU-S13-01")).digest


def test_the_placer_id_stands_in_when_the_filler_sends_none():
    assert read(edit(sample("SIU-S15-01"), "SCH", 2, "")).appointment_id == "12345"


def test_older_messages_give_the_start_and_length_in_the_service_segment():
    siu = read(without(sample("SIU-S12-01"), "TQ1"))

    assert (siu.start, siu.length) == (ghh(24, 9, 30), 50)


def test_the_oldest_give_the_start_in_sch_11_and_the_length_in_sch_9():
    text = edit(without(sample("SIU-S12-01"), "TQ1"), "AIS", 4, "")
    text = edit(edit(text, "AIS", 7, ""), "SCH", 11, "^^^202109240930&M")

    siu = read(text)

    assert (siu.start, siu.length) == (ghh(24, 9, 30).replace(tzinfo=CLINIC), 1)


def test_hours_are_read_as_minutes():
    text = edit(edit(without(sample("SIU-S12-01"), "TQ1"), "AIS", 7, "2"), "AIS", 8, "h")

    assert read(text).length == 2 * 60


def test_a_length_no_visit_has_is_refused_where_the_message_says_it():
    four_days = edit(sample("SIU-S12-01"), "TQ1", 8, "20210928093000+0215")

    with pytest.raises(MalformedMessage) as refused:
        read(four_days)

    assert (refused.value.location, refused.value.hl7_code) == ("TQ1-8", DATA_TYPE_ERROR)
    assert "5760" in str(refused.value)


def test_a_time_without_an_offset_is_in_the_clinics_zone():
    siu = read(edit(edit(sample("SIU-S12-01"), "TQ1", 7, "20210924093015.25"), "TQ1", 8, ""))

    assert siu.start.tzinfo is CLINIC
    assert siu.start.second == 15


def test_a_location_is_never_the_provider_and_the_reason_stands_in_for_a_service():
    siu = read(without(sample("SIU-S13-01"), "AIP", "AIS"))

    assert (siu.provider, siu.location, siu.service) == (None, "055", "EMERGENCY")


def test_a_booking_names_its_provider_in_aip_not_in_a_room():
    with pytest.raises(MissingField) as refused:
        read(without(sample("SIU-S12-01"), "AIP"))

    assert refused.value.location == "AIP-3"


def test_the_service_keeps_the_coding_system_it_was_sent_in():
    siu = read(sample("SIU-S12-01"))

    assert (siu.service, siu.service_system) == ("76164006", "SCT")
    assert (siu.placer_id, siu.filler_id) == ("12345", "36996")


def test_the_senders_sequence_number_is_read_when_it_keeps_one():
    assert read(sample("SIU-S12-01")).sequence is None
    assert read(edit(sample("SIU-S12-01"), "MSH", 13, "1041")).sequence == 1041


TWO_GROUPS = "\r".join(
    [
        *lines(sample("SIU-S12-01")),
        "RGS|002|",
        "AIS|002|A|73761001^Colonoscopy^SCT|20210924093000+0215|||50|min",
        "AIP|002||1220^Other^Doctor|010^Gastroenterologist^L",
        "AIP|002||1230^Third^Doctor|010^Gastroenterologist^L",
    ]
)


def test_of_several_resource_groups_the_first_is_read_and_the_rest_is_named():
    siu = read(TWO_GROUPS)

    assert (siu.provider, siu.service) == ("1210", "76164006")
    assert siu.left_out == ("1 more resource group (73761001, 1220, 1230)",)


def test_more_providers_in_the_first_group_are_named_too():
    text = "\r".join([*lines(sample("SIU-S12-01")), "AIP|001||1299^Anaesthetist|020^X^L"])

    assert read(text).left_out == ("1 more provider in the first group",)


@pytest.mark.parametrize(
    ("pid3", "authority", "mrn"),
    [
        ("A-1^^^GHH^MR~B-2^^^UH&2.16.840.1.1&ISO^MR", "GHH", "A-1"),
        ("A-1^^^GHH^MR~B-2^^^UH&2.16.840.1.1&ISO^MR", "2.16.840.1.1", "B-2"),
        ("B-2^^^UH&2.16.840.1.1&ISO^MR~123456789^^^USSSA^SS", "UH", "B-2"),
    ],
)
def test_the_chart_number_is_the_mr_identifier_of_the_clinics_authority(pid3, authority, mrn):
    text = edit(sample("SIU-S12-01"), "PID", 3, pid3)

    assert read(text, assigning_authority=authority).mrn == mrn


def test_two_chart_numbers_without_a_named_authority_are_refused_not_guessed():
    text = edit(sample("SIU-S12-01"), "PID", 3, "A-1^^^GHH^MR~B-2^^^UH^MR")

    with pytest.raises(MalformedMessage, match="2 identifiers of type MR: name the authority"):
        read(text)


def test_a_chart_number_from_another_authority_is_not_the_clinics():
    text = edit(sample("SIU-S12-01"), "PID", 3, "A-1^^^GHH^MR")

    with pytest.raises(MissingField, match="type MR from UH"):
        read(text, assigning_authority="UH")


def test_the_chart_number_is_the_mr_identifier_never_the_ssn():
    text = edit(sample("SIU-S12-01"), "PID", 3, "123456789^^^USSSA^SS~C-77^^^GHH^MR")

    assert read(text).mrn == "C-77"


def test_a_clinic_may_use_another_identifier_type():
    assert read(sample("SIU-S12-01"), identifier_type="SS").mrn == "123456789"


def test_a_lone_untyped_identifier_is_the_chart_number():
    assert read(edit(sample("SIU-S12-01"), "PID", 3, "C-77")).mrn == "C-77"


def test_a_change_without_pid_has_no_chart_number():
    assert read(without(sample("SIU-S15-01"), "PID")).mrn is None


def test_a_test_message_is_read_when_the_feed_accepts_test_messages():
    text = edit(sample("SIU-S12-01"), "MSH", 11, "T")

    assert read(text, processing_ids=frozenset({"P", "T"})).control_id == "MSG00012"


S12 = sample("SIU-S12-01")
NO_TQ1 = without(S12, "TQ1")
LONG_ID = "9" * 129


@pytest.mark.parametrize(
    ("text", "where", "error", "code"),
    [
        (edit(S12, "MSH", 9, "ADT^A01"), "MSH-9", UnsupportedMessage, UNSUPPORTED_MESSAGE_TYPE),
        (edit(S12, "MSH", 9, "SIU^S99"), "MSH-9", UnsupportedMessage, UNSUPPORTED_EVENT_CODE),
        (edit(S12, "MSH", 10, ""), "MSH-10", MissingField, REQUIRED_FIELD_MISSING),
        (edit(S12, "MSH", 10, LONG_ID), "MSH-10", MalformedMessage, DATA_TYPE_ERROR),
        (edit(S12, "MSH", 11, "T"), "MSH-11", UnsupportedMessage, UNSUPPORTED_PROCESSING_ID),
        (edit(S12, "MSH", 12, "2.2"), "MSH-12", UnsupportedMessage, UNSUPPORTED_VERSION_ID),
        (edit(S12, "MSH", 13, "ten"), "MSH-13", MalformedMessage, DATA_TYPE_ERROR),
        (edit(S12, "MSH", 18, "ISO IR87"), "MSH-18", MalformedMessage, TABLE_VALUE_NOT_FOUND),
        (edit(S12, "MSH", 18, "EBCDIC"), "MSH-18", MalformedMessage, TABLE_VALUE_NOT_FOUND),
        (edit(S12, "MSH", 7, "yesterday"), "MSH-7", MalformedMessage, DATA_TYPE_ERROR),
        (without(S12, "SCH"), "SCH", MalformedMessage, SEGMENT_SEQUENCE_ERROR),
        (edit(edit(S12, "SCH", 1, ""), "SCH", 2, ""), "SCH-2", MissingField, 101),
        (edit(S12, "SCH", 2, LONG_ID), "SCH-2", MalformedMessage, DATA_TYPE_ERROR),
        (edit(edit(S12, "SCH", 2, ""), "SCH", 1, LONG_ID), "SCH-1", MalformedMessage, 102),
        (fixture("SIU-S12-malformed-start"), "TQ1-7", MalformedMessage, DATA_TYPE_ERROR),
        (edit(S12, "TQ1", 7, "20210231093000"), "TQ1-7", MalformedMessage, DATA_TYPE_ERROR),
        (edit(S12, "TQ1", 8, "20210924090000+0215"), "TQ1-8", MalformedMessage, 102),
        (edit(S12, "TQ1", 8, "20210924102030+0215"), "TQ1-8", MalformedMessage, 102),
        (edit(NO_TQ1, "AIS", 7, "fifty"), "AIS-7", MalformedMessage, DATA_TYPE_ERROR),
        (edit(NO_TQ1, "AIS", 8, "wk"), "AIS-8", MalformedMessage, TABLE_VALUE_NOT_FOUND),
        (
            edit(edit(edit(NO_TQ1, "AIS", 7, ""), "SCH", 9, "90"), "SCH", 10, "s"),
            "SCH-9",
            MalformedMessage,
            DATA_TYPE_ERROR,
        ),
        (edit(S12, "PID", 3, "123456789^^^USSSA^SS"), "PID-3", MissingField, 101),
        (edit(S12, "PID", 3, "^^^GHH^MR"), "PID-3", MissingField, 101),
        (without(S12, "PID"), "PID-3", MissingField, REQUIRED_FIELD_MISSING),
        (edit(S12, "AIP", 3, "Dr Robert GE"), "AIP-3", MalformedMessage, DATA_TYPE_ERROR),
        (edit(without(S12, "AIS"), "SCH", 7, ""), "AIS-3", MissingField, 101),
        (without(S12, "AIP"), "AIP-3", MissingField, REQUIRED_FIELD_MISSING),
        (
            edit(edit(without(sample("SIU-S13-01"), "TQ1"), "AIS", 4, ""), "SCH", 11, ""),
            "TQ1-7",
            MissingField,
            REQUIRED_FIELD_MISSING,
        ),
    ],
)
def test_a_message_missing_or_garbling_what_the_feed_needs_names_the_field(
    text, where, error, code
):
    with pytest.raises(error) as refused:
        read(text)

    assert refused.value.location == where
    assert str(refused.value).startswith(where + ": ")
    assert refused.value.hl7_code == code


def test_a_bad_value_is_not_echoed_into_the_error():
    with pytest.raises(MalformedMessage) as refused:
        read(edit(S12, "AIP", 3, "Dr Robert GE"))

    assert "Robert" not in str(refused.value)


def test_times_keep_the_senders_offset():
    assert read(S12).start.utcoffset() == GHH.utcoffset(None)
