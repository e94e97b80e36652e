"""The e-mail tests' clinic: Tuesday 1 December 2026 in New York, and ready-made envelopes."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from serviceplan import Channel, Notice, NoticeKind
from serviceplan.plugins import Appointment, Envelope

ZONE = ZoneInfo("America/New_York")
SENDER = "desk@eyes.example"
PATIENT = UUID("00000000-0000-4000-8000-000000000001")
VISIT = UUID("00000000-0000-4000-8000-0000000000a1")
TEXT = "Eye Clinic: a reminder of your appointment on Tue Dec 1 at 14:00. Call us."


def at(hour: int, minute: int = 0) -> datetime:
    """A time on Tuesday 1 December 2026, at the clinic."""
    return datetime(2026, 12, 1, hour, minute, tzinfo=ZONE)


def entry(*, sequence: int = 0, hour: int = 14, cancelled: bool = False) -> Appointment:
    """The calendar entry of the patient's 30-minute visit."""
    start = at(hour)
    return Appointment(VISIT, sequence, start, start + timedelta(minutes=30), cancelled=cancelled)


def envelope(
    key: str = "heads-up-1",
    kind: NoticeKind = NoticeKind.HEADS_UP,
    appointment: Appointment | None = None,
    text: str = TEXT,
) -> Envelope:
    """An e-mail notice for the patient, about the visit at 14:00 unless told otherwise."""
    when = appointment.start if appointment else at(14)
    if kind is NoticeKind.FOLLOW_UP:
        when = None
    notice = Notice(key, kind, PATIENT, Channel.EMAIL, visit_id=VISIT, when=when)
    return Envelope(notice, "pat@example.org", text, appointment)
