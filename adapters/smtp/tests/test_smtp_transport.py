"""The channel reaches a real mail server in each mode; a login never travels unencrypted."""

from __future__ import annotations

import smtplib

import attrs
import pytest

from serviceplan import Receipt
from serviceplan.errors import InvalidInput, NoticeRefused
from serviceplan_smtp import MailNotSent, Mode, SmtpChannel, SmtpSettings, message_id
from serviceplan_smtp.transport import describe
from smtp_helpers import SENDER, envelope
from smtp_peer import free_port


@pytest.mark.parametrize(
    ("mode", "login"), [(Mode.PLAIN, False), (Mode.STARTTLS, True), (Mode.SSL, True)]
)
def test_the_message_reaches_the_server_in_each_mode(serve, mode, login):
    settings, inbox = serve(mode, login=login)
    receipt = SmtpChannel(settings).serviceplan_deliver_notice(envelope(), "heads-up-1")
    assert receipt == Receipt("heads-up-1", "smtp", message_id("heads-up-1", settings))
    [received] = inbox.received
    assert received.recipients == ("pat@example.org",)
    assert received.sender == SENDER
    assert received.encrypted is (mode is not Mode.PLAIN)
    assert received.logged_in is login
    assert received.message["Message-ID"] == receipt.reference


def test_a_wrong_password_is_a_failure_that_names_no_address(serve):
    settings, inbox = serve(Mode.STARTTLS, login=True)
    wrong = SmtpSettings(**{**_fields(settings), "password": "guess"})
    with pytest.raises(MailNotSent) as refused:
        SmtpChannel(wrong).serviceplan_deliver_notice(envelope(), "heads-up-1")
    assert str(refused.value) == "SMTPAuthenticationError: the server answered 535"
    assert inbox.received == []


def test_a_server_that_does_not_answer_is_a_failure_and_nothing_is_remembered(serve):
    settings, _ = serve(Mode.PLAIN)
    down = SmtpSettings(**{**_fields(settings), "port": free_port()})
    channel = SmtpChannel(down)
    with pytest.raises(MailNotSent, match="could not be reached"):
        channel.serviceplan_deliver_notice(envelope(), "heads-up-1")
    assert channel.receipts(down).find("heads-up-1") is None


def test_a_server_with_an_untrusted_certificate_gets_nothing(serve):
    settings, inbox = serve(Mode.SSL)
    untrusting = SmtpSettings(**{**_fields(settings), "ca_file": None})
    with pytest.raises(MailNotSent, match="SSLCertVerificationError"):
        SmtpChannel(untrusting).serviceplan_deliver_notice(envelope(), "heads-up-1")
    assert inbox.received == []


def test_a_refused_recipient_is_described_by_code_only():
    error = smtplib.SMTPRecipientsRefused({"pat@example.org": (550, b"no such user pat@")})
    assert describe(error) == "SMTPRecipientsRefused: the server refused the recipient (550)"


def test_a_password_is_never_sent_unencrypted():
    with pytest.raises(InvalidInput, match="unencrypted"):
        SmtpSettings(host="mail", sender=SENDER, mode=Mode.PLAIN, user="desk", password="pw")  # noqa: S106
    with pytest.raises(InvalidInput, match="needs a password"):
        SmtpSettings(host="mail", sender=SENDER, user="desk")


def test_the_channel_takes_only_e_mail_under_the_notice_key(serve):
    settings, inbox = serve(Mode.PLAIN)
    with pytest.raises(NoticeRefused):
        SmtpChannel(settings).serviceplan_deliver_notice(envelope(), "another-key")
    assert inbox.received == []


def _fields(settings: SmtpSettings) -> dict[str, object]:
    return attrs.asdict(settings, recurse=False)
