"""The calendar part of an e-mail: an iCalendar (RFC 5545) entry sent as an RFC 5546 message.

A booking or a move is a REQUEST, a cancellation a CANCEL; the entry keeps one UID across moves
and its SEQUENCE says which revision it is, so a calendar keeps the newest and drops stale ones.
The entry names the clinic and the times, never the visit type.
"""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from serviceplan import NoticeKind
from serviceplan.plugins import Appointment, Envelope
from serviceplan_smtp.settings import SmtpSettings

CALENDAR_KINDS = frozenset({NoticeKind.HEADS_UP, NoticeKind.RESCHEDULED, NoticeKind.CANCELLED})
"""Notices that confirm a booking, a move or a cancellation; the others carry no entry."""
PRODUCT = "-//serviceplan//serviceplan-smtp//EN"


def method(appointment: Appointment) -> str:
    """The RFC 5546 method: CANCEL for a cancelled visit, else REQUEST."""
    return "CANCEL" if appointment.cancelled else "REQUEST"


def invitation(envelope: Envelope, settings: SmtpSettings, now: datetime) -> bytes | None:
    """Return the calendar entry an e-mail notice carries, or None when it carries none."""
    appointment = envelope.appointment
    if appointment is None or envelope.notice.kind not in CALENDAR_KINDS:
        return None
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method(appointment))
    calendar.add_component(_event(appointment, envelope.to, settings, now))
    ics: bytes = calendar.to_ical()
    return ics


def _event(
    appointment: Appointment, attendee: str, settings: SmtpSettings, now: datetime
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{appointment.uid}@{settings.domain}")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("summary", f"Appointment at {settings.clinic_name}")
    event.add("status", "CANCELLED" if appointment.cancelled else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{settings.sender}")
    organizer.params["cn"] = settings.clinic_name
    event.add("organizer", organizer)
    guest = icalendar.vCalAddress(f"mailto:{attendee}")
    guest.params.update({"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"})
    event.add("attendee", guest)
    return event
