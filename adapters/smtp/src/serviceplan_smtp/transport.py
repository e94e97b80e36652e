"""One message to the mail server over `smtplib`: plain, STARTTLS or TLS from the start.

A failure becomes `MailNotSent` naming the server's reply code only: a mail server's answer often
quotes the recipient's address, and the error is recorded in the patient's history.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from serviceplan_smtp.settings import Mode, SmtpSettings


class MailNotSent(Exception):  # noqa: N818 (reads as the outcome the worker records)
    """The mail server could not be reached or did not take the message."""


def send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Hand `message` to the mail server, logging in first when a user is set."""
    host, port = settings.address
    try:
        if settings.mode is Mode.SSL:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=settings.timeout, context=settings.tls_context()
            )
        else:
            server = smtplib.SMTP(host, port, timeout=settings.timeout)
        with server:
            if settings.mode is Mode.STARTTLS:
                server.starttls(context=settings.tls_context())
            if settings.user and settings.password:
                server.login(settings.user, settings.password)
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise MailNotSent(describe(error)) from None


def describe(error: BaseException) -> str:
    """Say what went wrong by the error's kind and the server's reply codes, never its words."""
    kind = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in error.recipients.values()})
        return f"{kind}: the server refused the recipient ({', '.join(codes)})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{kind}: the server answered {error.smtp_code}"
    return f"{kind}: the mail server could not be reached or broke off"
