"""The words of a notice: short, naming the clinic and a time, never a diagnosis or visit type.

Texts and voicemails say only what DOMAIN.md allows (clinic, time, call-back number); what to
expect from a visit goes only to channels a patient chose for detail (e-mail, the portal).
"""

from __future__ import annotations

from datetime import tzinfo

from serviceplan.delivery.settings import DeliverySettings
from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import Notice, NoticeKind
from serviceplan.domain.patient import Patient
from serviceplan.errors import NoticeRefused
from serviceplan.plugins.records import Preparation

DETAILED = frozenset({Channel.EMAIL, Channel.PORTAL})
_WITH_DETAIL = frozenset(NoticeKind) - {
    NoticeKind.CANCELLED, NoticeKind.OFFER, NoticeKind.OFFER_GONE, NoticeKind.TOO_LATE,
}  # fmt: skip
"""A cancellation or an offer says nothing of what to expect from a visit; others may."""
SMS_LENGTH = 160

_TEXTS = {
    NoticeKind.HEADS_UP: (
        "{clinic}: a reminder of your appointment on {day} at {time}. "
        "Questions or changes: call {phone}."
    ),
    NoticeKind.DELAY: (
        "{clinic}: we are running late and now expect to see you at about {time}. "
        "To keep it, come later or reschedule, call {phone}."
    ),
    NoticeKind.ON_TIME: (
        "{clinic}: we are back on time and expect to see you at {time} as booked. "
        "Questions: call {phone}."
    ),
    NoticeKind.PREPARATION: (
        "{clinic}: please plan extra time for your appointment on {day} at {time}. "
        "Questions: call {phone}."
    ),
    NoticeKind.RESCHEDULE_OFFER: (
        "{clinic}: we need to move your appointment on {day} at {time}. "
        "Please call {phone} to choose a new time."
    ),
    NoticeKind.FOLLOW_UP: (
        "{clinic}: thank you for your visit. If anything is still open, please call {phone}."
    ),
    NoticeKind.RESCHEDULED: (
        "{clinic}: your appointment has moved to {day} at {time}. "
        "Questions or changes: call {phone}."
    ),
    NoticeKind.CANCELLED: (
        "{clinic}: your appointment on {day} at {time} is cancelled. "
        "To book a new time, call {phone}."
    ),
    NoticeKind.OFFER: (
        "{clinic}: a time opened up on {day} at {time}. "
        "Reply YES to take it or NO to pass, or call {phone}."
    ),
    NoticeKind.OFFER_GONE: (
        "{clinic}: sorry, the time on {day} at {time} was taken. "
        "You stay on our list. Questions: call {phone}."
    ),
    NoticeKind.BOOKED: (
        "{clinic}: you are booked for {day} at {time}. Questions or changes: call {phone}."
    ),
    NoticeKind.TOO_LATE: ("{clinic}: sorry, that question is no longer open. Please call {phone}."),
}
ASK_DELAY = (
    "{clinic}: running late; we now expect to see you at about {time}. "
    "Reply 1 to keep it, 2 to come later today, 3 for another day."
)
"""The delay notice when patients may answer by text (`DeliverySettings.ask_by_text`)."""


def address(patient: Patient, channel: Channel) -> str:
    """Return where the message goes on `channel`: the patient's number, e-mail or portal id."""
    phone, email = patient.contact.phone, patient.contact.email
    if channel in (Channel.SMS, Channel.VOICE) and phone is not None:
        return phone.e164
    if channel is Channel.EMAIL and email is not None:
        return email.address
    if channel is Channel.PORTAL:
        return str(patient.id)
    raise NoticeRefused(f"no contact point for {channel.value}")


def compose(
    notice: Notice, rules: DeliverySettings, zone: tzinfo, preparation: Preparation | None = None
) -> str:
    """Write the message; detail from `preparation` is added only on e-mail and the portal."""
    when = notice.when.astimezone(zone) if notice.when else None
    template = _TEXTS[notice.kind]
    if notice.kind is NoticeKind.DELAY and rules.ask_by_text:
        template = ASK_DELAY
    text = template.format(
        clinic=rules.clinic_name,
        day=f"{when:%a %b} {when.day}" if when else "",
        time=f"{when:%H:%M}" if when else "",
        phone=rules.call_back.e164 if rules.call_back else "us",
    )
    if preparation is not None and notice.channel in DETAILED and notice.kind in _WITH_DETAIL:
        text += f"\n\n{preparation.text}"
    return text
