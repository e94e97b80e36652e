"""The e-mail says what the notice needs: who from, to whom, a plain subject, a stable id."""

from __future__ import annotations

import re

import pytest

from serviceplan import NoticeKind
from serviceplan.domain.visit_type import EYE_CLINIC
from serviceplan.errors import InvalidInput
from serviceplan_smtp import SUBJECTS, Mode, SmtpSettings, compose, message_id
from smtp_helpers import SENDER, at, entry, envelope

SETTINGS = SmtpSettings(host="mail.eyes.example", sender=SENDER, clinic_name="Eye Clinic")
DIAGNOSES = ("cataract", "glaucoma", "retina", "macular", "diabet", "surgery", "biopsy", "lens")
GENERIC = {"eye", "visit"}  # the clinic's name and the word "visit" name no type of visit


def visit_words() -> set[str]:
    """Every word naming a visit type in the eye clinic's catalogue, and some diagnoses."""
    words = set(DIAGNOSES)
    for kind in EYE_CLINIC:
        words |= {kind.code, kind.name.lower()}
        words |= set(re.split(r"[^a-z-]+", kind.name.lower())) - GENERIC
    return words - {""}


def test_the_headers_name_the_clinic_the_patient_and_the_notice():
    message = compose(envelope(), SETTINGS, at(10))
    assert message["From"] == f"Eye Clinic <{SENDER}>"
    assert message["To"] == "pat@example.org"
    assert message["Subject"] == "Eye Clinic: Appointment reminder"
    assert message["Date"] == "Tue, 01 Dec 2026 10:00:00 -0500"
    assert message["Message-ID"] == message_id("heads-up-1", SETTINGS)
    assert message.get_content_type() == "text/plain"
    assert message.get_content().strip().endswith("Call us.")


def test_the_message_id_comes_from_the_idempotency_key_alone():
    first = compose(envelope(), SETTINGS, at(10))
    retried = compose(envelope(), SETTINGS, at(11))
    other = compose(envelope("heads-up-2"), SETTINGS, at(10))
    assert first["Message-ID"] == retried["Message-ID"] != other["Message-ID"]
    assert re.fullmatch(r"<[0-9a-f]{32}\.notice@eyes\.example>", first["Message-ID"])


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_no_subject_names_a_visit_type_or_diagnosis(kind):
    assert set(SUBJECTS) == set(NoticeKind)
    detail = EYE_CLINIC.get("cataract-preop").preparation  # e-mail may carry what to expect
    sent = envelope(kind=kind, text=f"Eye Clinic: your appointment.\n\n{detail}")
    subject = compose(sent, SETTINGS, at(10))["Subject"].lower()
    assert subject.startswith("eye clinic: ")
    assert not {word for word in visit_words() if word in subject}
    assert "cataract" in visit_words()


def test_a_reminder_about_a_visit_carries_its_calendar_entry_twice():
    message = compose(envelope(appointment=entry()), SETTINGS, at(10))
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content().strip().endswith("Call us.")
    parts = [(p.get_content_type(), p.get_param("method")) for p in message.walk()]
    assert ("text/calendar", "REQUEST") in parts
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == "invite.ics"
    assert attached.get_content().startswith(b"BEGIN:VCALENDAR")


def test_a_delay_carries_no_calendar_entry():
    message = compose(envelope(kind=NoticeKind.DELAY, appointment=entry()), SETTINGS, at(10))
    assert message.get_content_type() == "text/plain"


def test_settings_come_from_the_environment_with_the_password_kept_out_of_sight():
    env = {
        "SERVICEPLAN_SMTP_HOST": "mail.eyes.example",
        "SERVICEPLAN_SMTP_MODE": "SSL",
        "SERVICEPLAN_SMTP_USER": "desk",
        "SERVICEPLAN_SMTP_PASSWORD": "s3cret",
        "SERVICEPLAN_SMTP_FROM": SENDER,
        "SERVICEPLAN_SMTP_CLINIC": "Eye Clinic",
    }
    settings = SmtpSettings.from_env(env)
    assert settings is not None
    assert settings.address == ("mail.eyes.example", 465)
    assert settings.mode is Mode.SSL
    assert settings.password == "s3cret"  # noqa: S105 (a made-up password)
    assert "s3cret" not in repr(settings)
    assert SmtpSettings.from_env({}) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MODE", "carrier-pigeon"),
        ("PORT", "smtp"),
        ("FROM", "not an address"),
        ("CLINIC", "x" * 61),
    ],
)
def test_bad_settings_are_refused_by_name(name, value):
    env = {"SERVICEPLAN_SMTP_HOST": "mail", "SERVICEPLAN_SMTP_FROM": SENDER}
    with pytest.raises(InvalidInput):
        SmtpSettings.from_env({**env, f"SERVICEPLAN_SMTP_{name}": value})
