"""The e-mail itself: headers that say only what the message needs, the text, the calendar part.

The subject names the clinic and the kind of message, never a visit type or diagnosis (a subject
shows on lock screens and in shared inboxes). The Message-ID is derived from the notice's
idempotency key, so a notice sent twice (after a crash) is recognisably one message.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from serviceplan import NoticeKind
from serviceplan.plugins import Envelope
from serviceplan_smtp.invitation import invitation, method
from serviceplan_smtp.settings import SmtpSettings

SUBJECTS = {
    NoticeKind.HEADS_UP: "Appointment reminder",
    NoticeKind.DELAY: "We are running late",
    NoticeKind.ON_TIME: "We are back on time",
    NoticeKind.PREPARATION: "Planning for your appointment",
    NoticeKind.RESCHEDULE_OFFER: "We need to move your appointment",
    NoticeKind.RESCHEDULED: "Your appointment has moved",
    NoticeKind.CANCELLED: "Your appointment is cancelled",
    NoticeKind.FOLLOW_UP: "Thank you for your visit",
    NoticeKind.OFFER: "A time opened up for you",
    NoticeKind.OFFER_GONE: "That time has been taken",
    NoticeKind.BOOKED: "Your appointment is booked",
    NoticeKind.TOO_LATE: "That question is closed",
}


def message_id(key: str, settings: SmtpSettings) -> str:
    """Return the Message-ID of the notice with idempotency key `key`: the same for every try."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}.notice@{settings.domain}>"


def subject(envelope: Envelope, settings: SmtpSettings) -> str:
    """Return the subject: the clinic and the kind of message, nothing about the visit."""
    return f"{settings.clinic_name}: {SUBJECTS[envelope.notice.kind]}"


def compose(envelope: Envelope, settings: SmtpSettings, now: datetime) -> EmailMessage:
    """Write the e-mail for one notice; booking changes carry a calendar entry beside the text.

    The entry goes in twice, as mail programs expect: as an alternative to the text (which
    calendars act on) and as an `invite.ics` attachment (which people can open by hand).
    """
    message = EmailMessage()
    message["From"] = formataddr((settings.clinic_name, settings.sender))
    message["To"] = envelope.to
    message["Subject"] = subject(envelope, settings)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(envelope.key, settings)
    message.set_content(envelope.text)
    calendar = invitation(envelope, settings, now)
    if calendar is not None and envelope.appointment is not None:
        kind = method(envelope.appointment)
        message.add_alternative(calendar.decode(), subtype="calendar", params={"method": kind})
        message.add_attachment(calendar, "application", "ics", filename="invite.ics")
    return message
