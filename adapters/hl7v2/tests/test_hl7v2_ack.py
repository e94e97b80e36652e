"""Acknowledgements in original mode: AA applied, AE content not applicable, AR rejected.

Every reply here is checked by `hl7apy`'s strict validator before it is read.
"""

from __future__ import annotations

import pytest

from hl7v2_helpers import edit, fixture, sample, strictly_valid, without
from hl7v2_helpers import segment as read_segment
from serviceplan.errors import ConcurrentUpdate
from serviceplan_hl7v2 import SiuFeed


def segment(reply, name):
    return read_segment(strictly_valid(reply), name)


@pytest.mark.usefixtures("patient")
def test_an_applied_booking_is_acknowledged_to_its_sender(feed):
    reply = feed.handle(sample("SIU-S12-01"))

    msh = segment(reply, "MSH")
    assert msh[3:7] == [
        "EHRApp^1.Aux^ISO",
        "GHHRFacility^2.16.840.1.1122848.1.32^ISO",
        "SCHApp",
        "GHHSFacility^2.16.840.1.122848.1.30^ISO",
    ]
    assert (msh[7], msh[9], msh[11], msh[12]) == ("20210914112000+0215", "ACK^S12^ACK", "P", "2.8")
    assert msh[10]
    assert segment(reply, "MSA") == ["MSA", "AA", "MSG00012"]
    assert "ERR|" not in reply
    assert reply.endswith("\r")


@pytest.mark.usefixtures("booked")
def test_a_message_that_changed_nothing_says_so_in_an_informational_err(feed):
    reply = feed.handle(sample("SIU-S13-01"))

    assert segment(reply, "MSA")[1] == "AA"
    err = segment(reply, "ERR")
    assert (err[3], err[4]) == ("0^Message accepted^HL70357", "I")
    assert err[8] == "nothing recorded: same time and provider"


@pytest.mark.usefixtures("booked")
def test_a_move_that_left_something_unrecorded_says_what(feed):
    moved = edit(fixture("SIU-S13-moved"), "AIS", 3, "73761001^Colonoscopy^SCT")

    reply = feed.handle(moved)

    assert segment(reply, "MSA")[1] == "AA"
    assert segment(reply, "ERR")[4] == "I"
    assert segment(reply, "ERR")[8] == "a new visit type is not recorded"


@pytest.mark.usefixtures("booked")
def test_a_message_sent_again_gets_the_same_answer(feed):
    reply = feed.handle(sample("SIU-S12-01"))

    assert segment(reply, "MSA") == ["MSA", "AA", "MSG00012"]
    assert segment(reply, "ERR")[8] == "already applied"


@pytest.mark.usefixtures("patient")
def test_a_malformed_field_is_an_error_in_the_content_with_the_segment_and_field(plan, feed):
    reply = feed.handle(fixture("SIU-S12-malformed-start"))

    assert segment(reply, "MSA") == ["MSA", "AE", "MSG10013"]
    err = segment(reply, "ERR")
    assert (err[2], err[3], err[4]) == ("TQ1^1^7", "102^Data type error^HL70357", "E")
    assert err[8].startswith("TQ1-7: ")
    assert plan.event_count == 1


@pytest.mark.usefixtures("patient")
def test_an_unknown_patient_is_an_application_error_at_pid_3(feed):
    reply = feed.handle(fixture("SIU-S12-unknown-patient"))

    assert segment(reply, "MSA") == ["MSA", "AE", "MSG10012"]
    err = segment(reply, "ERR")
    assert (err[2], err[3]) == ("PID^1^3", "204^Unknown key identifier^HL70357")


@pytest.mark.usefixtures("patient")
def test_an_unknown_appointment_is_an_application_error_at_sch_2(feed):
    err = segment(feed.handle(fixture("SIU-S15-never-booked")), "ERR")

    assert (err[2], err[3]) == ("SCH^1^2", "204^Unknown key identifier^HL70357")


@pytest.mark.usefixtures("booked")
def test_a_visit_in_the_wrong_state_is_an_application_error(feed):
    reply = feed.handle(sample("SIU-S26-01"))

    assert segment(reply, "MSA")[1] == "AE"
    err = segment(reply, "ERR")
    assert (err[2], err[3]) == ("MSH^1^9", "207^Application internal error^HL70357")
    assert err[8] == "cannot mark as no-show: the visit is not yet due"


@pytest.mark.usefixtures("patient")
def test_a_length_no_visit_has_is_an_error_at_the_field_that_says_it(feed):
    four_days = edit(sample("SIU-S12-01"), "TQ1", 8, "20210928093000+0215")

    reply = feed.handle(four_days)

    assert segment(reply, "MSA")[1] == "AE"
    err = segment(reply, "ERR")
    assert (err[2], err[3]) == ("TQ1^1^8", "102^Data type error^HL70357")


@pytest.mark.usefixtures("patient")
@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        (9, "ADT^A01^ADT_A01", "200^Unsupported message type^HL70357"),
        (9, "SIU^S99^SIU_S12", "201^Unsupported event code^HL70357"),
        (11, "T", "202^Unsupported processing id^HL70357"),
        (12, "2.2", "203^Unsupported version id^HL70357"),
    ],
)
def test_a_header_the_feed_does_not_take_is_rejected(feed, field, value, code):
    reply = feed.handle(edit(sample("SIU-S12-01"), "MSH", field, value))

    assert segment(reply, "MSA") == ["MSA", "AR", "MSG00012"]
    assert segment(reply, "ERR")[2:4] == [f"MSH^1^{field}", code]
    assert segment(reply, "MSH")[12] == "2.8"


@pytest.mark.usefixtures("booked")
def test_a_reused_control_id_is_rejected_as_a_duplicate_key(feed):
    err = segment(feed.handle(fixture("SIU-S12-reused-control-id")), "ERR")

    assert (err[2], err[3]) == ("MSH^1^10", "205^Duplicate key identifier^HL70357")


@pytest.mark.usefixtures("booked")
def test_text_in_the_reply_is_escaped(feed):
    reused = edit(fixture("SIU-S12-reused-control-id"), "MSH", 10, "MSG00012&B")
    feed.apply(edit(sample("SIU-S12-01"), "MSH", 10, "MSG00012&B"))

    err = segment(feed.handle(reused), "ERR")

    assert "control id 'MSG00012\\T\\B' was already used" in err[8]


def test_text_that_is_not_a_message_gets_a_valid_rejection_all_the_same(feed):
    reply = feed.handle("hello")

    msh = segment(reply, "MSH")
    assert (msh[2], msh[9], msh[11], msh[12]) == ("^~\\&", "ACK^ZZZ^ACK", "P", "2.8")
    assert segment(reply, "MSA") == ["MSA", "AR", "UNREADABLE"]
    assert segment(reply, "ERR")[3] == "100^Segment sequence error^HL70357"


def test_a_broken_header_is_answered_with_what_could_be_read_of_it(feed):
    reply = feed.handle("MSH|^^^^|SCHApp|GHH|||202109141120||SIU^S12^SIU_S12|MSG-7|P|2.8\rSCH|1")

    assert segment(reply, "MSA") == ["MSA", "AR", "MSG-7"]
    assert segment(reply, "MSH")[9] == "ACK^S12^ACK"
    assert segment(reply, "ERR")[2] == "MSH^1^2"


def test_a_header_with_nothing_in_it_is_rejected_validly(feed):
    reply = feed.handle("MSH|^~\\&|A")

    assert segment(reply, "MSA") == ["MSA", "AR", "UNREADABLE"]
    assert segment(reply, "MSH")[9] == "ACK^ZZZ^ACK"


@pytest.mark.usefixtures("patient")
@pytest.mark.parametrize(
    "text",
    [
        sample("SIU-S12-01"),
        fixture("SIU-S12-unknown-patient"),
        fixture("SIU-S15-never-booked"),
        fixture("SIU-S12-malformed-start"),
        without(sample("SIU-S12-01"), "PID"),
        without(sample("SIU-S12-01"), "SCH"),
        edit(sample("SIU-S12-01"), "MSH", 18, "ISO IR87"),
        edit(sample("SIU-S12-01"), "MSH", 10, ""),
        edit(sample("SIU-S12-01"), "MSH", 9, ""),
        "",
        "\x0b\x1c",
        "MSH|",
        "MSH|^~\\&",
    ],
    ids=lambda text: repr(text[:12]),
)
def test_every_acknowledgement_passes_a_strict_validator(feed, text):
    assert strictly_valid(feed.handle(text))


@pytest.mark.usefixtures("patient")
def test_a_lost_race_is_rejected_so_the_sender_tries_again(plan, monkeypatch):
    def lose_the_race(*_, **__):
        msg = "someone else changed the same record first; reload and try again"
        raise ConcurrentUpdate(msg)

    monkeypatch.setattr(plan, "book_visit", lose_the_race)

    reply = SiuFeed(plan).handle(sample("SIU-S12-01"))

    assert segment(reply, "MSA")[1] == "AR"
    assert segment(reply, "ERR")[3] == "206^Application record locked^HL70357"


@pytest.mark.usefixtures("patient")
def test_an_unexpected_failure_is_answered_without_its_details(plan, monkeypatch):
    def fail(*_, **__):
        msg = "disk full at /var/lib/secret"
        raise OSError(msg)

    monkeypatch.setattr(plan, "book_visit", fail)

    reply = SiuFeed(plan).handle(sample("SIU-S12-01"))

    assert segment(reply, "MSA")[1] == "AR"
    assert segment(reply, "ERR")[3] == "207^Application internal error^HL70357"
    assert segment(reply, "ERR")[8] == "the feed could not apply the message"
    assert "secret" not in reply


@pytest.mark.usefixtures("patient")
@pytest.mark.parametrize("trigger", ["S12", "S26"])
def test_the_reply_uses_the_senders_separators(feed, trigger):
    text = sample(f"SIU-{trigger}-01").replace("|", "#")

    reply = feed.handle(text)

    assert reply.startswith("MSH#^~\\&#")
    assert f"#ACK^{trigger}^ACK#" in reply
