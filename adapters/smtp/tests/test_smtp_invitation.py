"""A booking change reaches the patient's calendar: one entry, revised on each move or cancel."""

from __future__ import annotations

from datetime import UTC

import icalendar
import pytest

from serviceplan import NoticeKind
from serviceplan_smtp import CALENDAR_KINDS, SmtpSettings, invitation
from smtp_helpers import SENDER, VISIT, at, entry, envelope

SETTINGS = SmtpSettings(host="mail.eyes.example", sender=SENDER, clinic_name="Eye Clinic")


def parsed(kind: NoticeKind, sequence: int = 0, *, hour: int = 14, cancelled: bool = False):
    """The calendar an e-mail of `kind` carries, read back with `icalendar`."""
    appointment = entry(sequence=sequence, hour=hour, cancelled=cancelled)
    ics = invitation(envelope(kind=kind, appointment=appointment), SETTINGS, at(10))
    assert ics is not None
    calendar = icalendar.Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_a_reminder_is_a_request_for_the_first_revision():
    calendar, event = parsed(NoticeKind.HEADS_UP)
    assert str(calendar["method"]) == "REQUEST"
    assert str(calendar["version"]) == "2.0"
    assert str(event["uid"]) == f"{VISIT}@eyes.example"
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == at(14).astimezone(UTC)
    assert event.decoded("dtend") == at(14, 30).astimezone(UTC)
    assert event.decoded("dtstamp") == at(10).astimezone(UTC)
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["organizer"]) == f"mailto:{SENDER}"
    assert str(event["attendee"]) == "mailto:pat@example.org"
    assert str(event["summary"]) == "Appointment at Eye Clinic"


def test_a_move_keeps_the_uid_and_bumps_the_sequence():
    _, before = parsed(NoticeKind.HEADS_UP)
    calendar, after = parsed(NoticeKind.RESCHEDULED, sequence=1, hour=16)
    assert str(calendar["method"]) == "REQUEST"
    assert str(after["uid"]) == str(before["uid"])
    assert after["sequence"] == before["sequence"] + 1
    assert after.decoded("dtstart") == at(16).astimezone(UTC)


def test_a_cancellation_is_a_cancel_with_a_higher_sequence():
    calendar, event = parsed(NoticeKind.CANCELLED, sequence=2, cancelled=True)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 2
    assert str(event["uid"]) == f"{VISIT}@eyes.example"


@pytest.mark.parametrize("kind", sorted(set(NoticeKind) - CALENDAR_KINDS, key=lambda k: k.value))
def test_other_notices_carry_no_entry(kind):
    assert invitation(envelope(kind=kind, appointment=entry()), SETTINGS, at(10)) is None


def test_a_notice_without_a_visit_carries_no_entry():
    assert invitation(envelope(), SETTINGS, at(10)) is None


def test_the_entry_holds_times_and_names_only():
    _, event = parsed(NoticeKind.HEADS_UP)
    assert set(event) == {
        "UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "STATUS", "ORGANIZER",
        "ATTENDEE",
    }  # fmt: skip
