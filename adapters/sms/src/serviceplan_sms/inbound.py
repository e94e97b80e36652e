"""Replies from patients' phones: a WSGI app the clinic mounts where Twilio posts incoming texts.

A STOP (or STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) records an opt-out from texts at once for
every patient who gave that number; START or UNSTOP gives consent back to those who had opted
out. Anything else is left alone. Only requests signed by Twilio with the account's token are
heard. The log names what was done and how many patients, never the number or the words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl
from uuid import UUID
from wsgiref.util import request_uri

import attrs

from serviceplan import Channel, ServicePlan, Staff
from serviceplan_sms.keywords import Reply, reply_of
from serviceplan_sms.phone_book import PhoneBook
from serviceplan_sms.settings import SmsSettings
from serviceplan_sms.signature import signed_by_twilio

INBOUND = Staff("sms-inbound", "system")
"""Who records an opt-out or opt-in that came by text."""
MAX_FORM = 16 * 1024
EMPTY_REPLY = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

log = logging.getLogger("serviceplan_sms.inbound")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@attrs.frozen
class Handled:
    """What a reply did: the keyword it held (if any) and the patients whose record changed."""

    reply: Reply | None
    patients: tuple[UUID, ...] = ()


class StopReplies:
    """Turns a reply from a number into opt-outs and opt-ins on the patients who gave it."""

    def __init__(self, plan: ServicePlan, phone_book: PhoneBook | None = None) -> None:
        self.plan = plan
        self.phone_book = phone_book or PhoneBook(plan)

    def handle(self, number: str, body: str) -> Handled:
        """Act on a reply `body` from `number`; record nothing unless it is a keyword."""
        reply = reply_of(body)
        if reply is None:
            return Handled(None)
        changed = []
        for patient_id in self.phone_book.patients_at(number):
            patient = self.plan.get_patient(patient_id)
            if reply is Reply.STOP and Channel.SMS not in patient.opted_out:
                self.plan.opt_out(patient_id, Channel.SMS, by=INBOUND)
                changed.append(patient_id)
            elif reply is Reply.START and Channel.SMS in patient.opted_out:
                self.plan.give_consent(patient_id, Channel.SMS, by=INBOUND)
                changed.append(patient_id)
        log.info("inbound %s: %d patient record(s) changed", reply.value, len(changed))
        return Handled(reply, tuple(changed))


class InboundSms:
    """The WSGI app for Twilio's incoming-message webhook: check the signature, then act."""

    def __init__(
        self, plan: ServicePlan, settings: SmsSettings, phone_book: PhoneBook | None = None
    ) -> None:
        self.settings = settings
        self.replies = StopReplies(plan, phone_book)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request: 200 with empty TwiML, or 403, 405 or 413."""
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, "405 Method Not Allowed", b"")
        size = int(environ.get("CONTENT_LENGTH") or 0)
        if size > MAX_FORM:
            return _answer(start_response, "413 Content Too Large", b"")
        form = parse_qsl(environ["wsgi.input"].read(size).decode(), keep_blank_values=True)
        url = self.settings.inbound_url or request_uri(environ)
        signature = environ.get("HTTP_X_TWILIO_SIGNATURE", "")
        fields = dict(form)
        if not signed_by_twilio(self.settings.auth_token, url, form, signature) or (
            fields.get("AccountSid") != self.settings.account_sid
        ):
            log.warning("an inbound text without Twilio's signature was refused")
            return _answer(start_response, "403 Forbidden", b"")
        self.replies.handle(fields.get("From", ""), fields.get("Body", ""))
        return _answer(start_response, "200 OK", EMPTY_REPLY, "text/xml")


def _answer(
    start_response: StartResponse, status: str, body: bytes, kind: str = "text/plain"
) -> list[bytes]:
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]
