"""Replies from patients' phones: a WSGI app the clinic mounts where Twilio posts incoming texts.

A STOP (any reply of 47 CFR 64.1200(a)(10): stop, quit, end, revoke, opt out, cancel, unsubscribe;
see `keywords`) revokes consent at once to automated texts *and* calls, for every patient who gave
that number; START or UNSTOP gives texts back to those who had opted out. Anything else is left
alone. A STOP is never lost: each opt-out is recorded with retries when another writer changed
the patient's record first, and the app answers Twilio 200 only once everything is recorded, and
503 otherwise, so that a Twilio told to retry on 5xx sends it again. At most one confirmation text
goes back, in the answer (TwiML), and only when the STOP changed something and a confirmation is
configured. Only requests signed by Twilio with the account's token are heard. The log names what
was done and how many patients, never the number or the words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl
from uuid import UUID
from wsgiref.util import request_uri
from xml.sax.saxutils import escape

import attrs

from serviceplan import Channel, ServicePlan, Staff, retry
from serviceplan_sms.keywords import Reply, reply_of
from serviceplan_sms.phone_book import PhoneBook
from serviceplan_sms.settings import SmsSettings
from serviceplan_sms.signature import signed_by_twilio

INBOUND = Staff("sms-inbound", "system")
"""Who records an opt-out or opt-in that came by text."""
MAX_FORM = 16 * 1024
EMPTY_REPLY = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
REVOKED = (Channel.SMS, Channel.VOICE)
"""What a STOP revokes: consent to automated texts and to automated calls alike."""
ATTEMPTS = 8
"""Tries of one opt-out that lost a race with another writer of the patient's record."""

log = logging.getLogger("serviceplan_sms.inbound")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@attrs.frozen
class Handled:
    """What a reply did: the keyword it held (if any) and the patients whose record changed."""

    reply: Reply | None
    patients: tuple[UUID, ...] = ()

    @property
    def confirm(self) -> bool:
        """Say whether a confirmation may go back: a STOP that revoked something just now."""
        return self.reply is Reply.STOP and bool(self.patients)


class StopReplies:
    """Turns a reply from a number into opt-outs and opt-ins on the patients who gave it."""

    def __init__(self, plan: ServicePlan, phone_book: PhoneBook | None = None) -> None:
        self.plan = plan
        self.phone_book = phone_book or PhoneBook(plan)

    def handle(self, number: str, body: str) -> Handled:
        """Act on a reply `body` from `number`; record nothing unless it is a keyword.

        Raises if an opt-out could not be recorded (then the caller must let Twilio try again);
        what was recorded stays, and a second STOP records only what is missing.
        """
        reply = reply_of(body)
        if reply is None:
            return Handled(None)
        changed = [p for p in self.phone_book.patients_at(number) if self._apply(reply, p)]
        log.info("inbound %s: %d patient record(s) changed", reply.value, len(changed))
        return Handled(reply, tuple(changed))

    def _apply(self, reply: Reply, patient_id: UUID) -> bool:
        if reply is Reply.START:
            return retry(self._start, attempts=ATTEMPTS)(patient_id)
        stopped = [retry(self._stop, attempts=ATTEMPTS)(patient_id, c) for c in REVOKED]
        return any(stopped)

    def _stop(self, patient_id: UUID, channel: Channel) -> bool:
        """Opt the patient out of `channel` unless they are already; say whether it changed."""
        if channel in self.plan.get_patient(patient_id).opted_out:
            return False
        self.plan.opt_out(patient_id, channel, by=INBOUND)
        return True

    def _start(self, patient_id: UUID) -> bool:
        """Give texts back to a patient who had opted out of them; say whether it changed."""
        if Channel.SMS not in self.plan.get_patient(patient_id).opted_out:
            return False
        self.plan.give_consent(patient_id, Channel.SMS, by=INBOUND)
        return True


class InboundSms:
    """The WSGI app for Twilio's incoming-message webhook: check the signature, then act."""

    def __init__(
        self, plan: ServicePlan, settings: SmsSettings, phone_book: PhoneBook | None = None
    ) -> None:
        self.settings = settings
        self.replies = StopReplies(plan, phone_book)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request: 200 with TwiML once recorded, 503 if not, or 403, 405 or 413."""
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, "405 Method Not Allowed", b"")
        size = int(environ.get("CONTENT_LENGTH") or 0)
        if size > MAX_FORM:
            return _answer(start_response, "413 Content Too Large", b"")
        form = parse_qsl(environ["wsgi.input"].read(size).decode(), keep_blank_values=True)
        signature = environ.get("HTTP_X_TWILIO_SIGNATURE", "")
        fields = dict(form)
        if not self._signed(environ, form, signature) or (
            fields.get("AccountSid") != self.settings.account_sid
        ):
            log.warning("an inbound text without Twilio's signature was refused")
            return _answer(start_response, "403 Forbidden", b"")
        try:
            handled = self.replies.handle(fields.get("From", ""), fields.get("Body", ""))
        except Exception as error:  # noqa: BLE001 (answered so that Twilio sends it again)
            log.error("an inbound reply was not recorded (%s); answered 503", type(error).__name__)  # noqa: TRY400 (the traceback may quote the number)
            return _answer(start_response, "503 Service Unavailable", b"")
        return _answer(start_response, "200 OK", self._twiml(handled), "text/xml")

    def _signed(self, environ: dict[str, Any], form: list[tuple[str, str]], given: str) -> bool:
        """Check Twilio's signature on the URL as configured, with or without its #fragment."""
        url = self.settings.inbound_url or request_uri(environ)
        candidates = dict.fromkeys([url, url.split("#", 1)[0]])
        token = self.settings.auth_token
        return any(signed_by_twilio(token, each, form, given) for each in candidates)

    def _twiml(self, handled: Handled) -> bytes:
        """Return the answer: empty TwiML, or the one confirmation of a STOP just recorded."""
        text = self.settings.stop_reply
        if not (handled.confirm and text):
            return EMPTY_REPLY
        message = f"<Message>{escape(text)}</Message>"
        return (
            b'<?xml version="1.0" encoding="UTF-8"?><Response>' + message.encode() + b"</Response>"
        )


def _answer(
    start_response: StartResponse, status: str, body: bytes, kind: str = "text/plain"
) -> list[bytes]:
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]
