"""Acknowledgements: AA applied, AE not applicable now, AR refused; ERR says where and why."""

from __future__ import annotations

import pytest

from hl7v2_helpers import edit, fixture, sample, segment
from serviceplan.errors import ConcurrentUpdate
from serviceplan_hl7v2 import SiuFeed


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
def test_a_malformed_message_is_rejected_with_the_segment_and_field(plan, feed):
    reply = feed.handle(fixture("SIU-S12-malformed-start"))

    assert segment(reply, "MSA") == ["MSA", "AR", "MSG10013"]
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
    assert (err[2], err[3]) == ("", "207^Application internal error^HL70357")
    assert err[8] == "cannot mark as no-show: the visit is not yet due"


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


def test_text_that_is_not_a_message_gets_a_bare_rejection(feed):
    reply = feed.handle("hello")

    msh = segment(reply, "MSH")
    assert (msh[2], msh[9], msh[11], msh[12]) == ("^~\\&", "ACK^^ACK", "P", "2.8")
    assert segment(reply, "MSA") == ["MSA", "AR", ""]
    assert segment(reply, "ERR")[3] == "100^Segment sequence error^HL70357"


@pytest.mark.usefixtures("patient")
def test_a_lost_race_asks_the_sender_to_try_again(plan, monkeypatch):
    def lose_the_race(*_, **__):
        msg = "someone else changed the same record first; reload and try again"
        raise ConcurrentUpdate(msg)

    monkeypatch.setattr(plan, "book_visit", lose_the_race)

    err = segment(SiuFeed(plan).handle(sample("SIU-S12-01")), "ERR")

    assert err[3] == "206^Application record locked^HL70357"


@pytest.mark.usefixtures("patient")
def test_an_unexpected_failure_is_answered_without_its_details(plan, monkeypatch):
    def fail(*_, **__):
        msg = "disk full at /var/lib/secret"
        raise OSError(msg)

    monkeypatch.setattr(plan, "book_visit", fail)

    reply = SiuFeed(plan).handle(sample("SIU-S12-01"))

    assert segment(reply, "MSA")[1] == "AE"
    assert segment(reply, "ERR")[8] == "the feed could not apply the message"
    assert "secret" not in reply


@pytest.mark.usefixtures("patient")
@pytest.mark.parametrize("trigger", ["S12", "S26"])
def test_the_reply_uses_the_senders_separators(feed, trigger):
    text = sample(f"SIU-{trigger}-01").replace("|", "#")

    reply = feed.handle(text)

    assert reply.startswith("MSH#^~\\&#")
    assert f"#ACK^{trigger}^ACK#" in reply
