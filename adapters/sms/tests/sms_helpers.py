"""Ready-made text envelopes for the SMS tests."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from serviceplan import Channel, Notice, NoticeKind
from serviceplan.plugins import Envelope

PHONE = "+15555550100"
PATIENT = UUID("00000000-0000-4000-8000-000000000001")
TEXT = "Eye Clinic: a reminder of your appointment on Tue Dec 1 at 14:00. Call +15555550199."


def text_envelope(
    key: str = "heads-up-1",
    to: str = "+15555550100",
    text: str = TEXT,
    channel: Channel = Channel.SMS,
) -> Envelope:
    """A heads-up text for the patient at 14:00 on Tuesday 1 December 2026."""
    when = datetime(2026, 12, 1, 14, 0, tzinfo=ZoneInfo("America/New_York"))
    return Envelope(Notice(key, NoticeKind.HEADS_UP, PATIENT, channel, when=when), to, text)
