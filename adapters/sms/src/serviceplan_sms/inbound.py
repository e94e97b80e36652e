"""Replies from patients' phones: a WSGI app the clinic mounts where Twilio posts incoming texts.

Every text from a number a patient gave is handed to `plan.receive_reply`, known by its
MessageSid, so the core's one reading of words decides what it does: an answer to a delay's
choices or an offer, STOP and its kin (47 CFR 64.1200(a)(10), revoking automated texts and calls
at once), START, or the desk's list. A number several patients gave (a family's phone) hands the
text in once for each of them, marked shared: a STOP or START acts for each, anything else goes to
the desk for each, not acted on. A text from a number no patient gave records nothing.

Nothing is lost: a reply that lost a race with another writer is tried again, and the app answers
Twilio 200 only once every reply is recorded and acted on, and 503 otherwise, so that a Twilio told
to retry on 5xx sends it again (a MessageSid sent again is one reply). The answer is empty TwiML,
or the one configured confirmation of a STOP that revoked something just now; every other text a
reply calls for (a booking, "no longer available") is a notice the delivery worker sends. Only
requests signed by Twilio with the account's token are heard. The log says what was done and for
how many patients, never the number or the words.
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

from serviceplan import Channel, Meaning, Reply, ServicePlan, Staff, retry
from serviceplan.domain.reply import meaning
from serviceplan.errors import InvalidInput
from serviceplan_sms.phone_book import PhoneBook
from serviceplan_sms.settings import SmsSettings
from serviceplan_sms.signature import signed_by_twilio

INBOUND = Staff("sms-inbound", "system")
"""Who records a reply that came by text, and what it did."""
MAX_FORM = 16 * 1024
EMPTY_REPLY = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
ATTEMPTS = 8
"""Tries of one reply that lost a race with another writer of the records it changes."""
SHARER_MARK = 12
"""Hex digits of a patient's id that tell apart the replies one shared text makes."""

log = logging.getLogger("serviceplan_sms.inbound")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@attrs.frozen
class Handled:
    """What a text did: what its words say, the replies recorded, whose consent changed."""

    meaning: Meaning
    replies: tuple[Reply, ...] = ()
    consent_changed: tuple[UUID, ...] = ()

    @property
    def confirm(self) -> bool:
        """Say whether a confirmation may go back: a STOP that revoked something just now."""
        return self.meaning is Meaning.STOP and bool(self.consent_changed)


def reference_for(sid: str, patient_id: UUID, *, shared: bool) -> str:
    """Return the reply's reference: the MessageSid, and whose copy it is when the number is shared.

    One text from a shared number makes one reply for each patient who gave it, and a reference
    names one reply; so each copy carries the start of its patient's id.
    """
    return f"{sid}:{patient_id.hex[:SHARER_MARK]}" if shared else sid


class TextReplies:
    """Hands a text from a number to the plan, as a reply of each patient who gave the number."""

    def __init__(self, plan: ServicePlan, phone_book: PhoneBook | None = None) -> None:
        self.plan = plan
        self.phone_book = phone_book or PhoneBook(plan)

    def handle(self, number: str, words: str, sid: str) -> Handled:
        """Record and act on the text `sid` from `number`; record nothing if no patient gave it.

        Raises if a reply could not be recorded or acted on (then the caller must let Twilio try
        again); what was recorded stays, and the text sent again finishes what is missing.
        """
        said = meaning(words)
        patients = self.phone_book.patients_at(number)
        if not patients:
            log.info("an inbound text from a number no patient gave: nothing recorded")
            return Handled(said)
        shared = len(patients) > 1
        before = {p: self.plan.get_patient(p).opted_out for p in patients}
        receive = retry(self.plan.receive_reply, attempts=ATTEMPTS)
        replies = tuple(
            receive(
                p, channel=Channel.SMS, words=words, by=INBOUND, shared=shared,
                reference=reference_for(sid, p, shared=shared),
            )
            for p in patients
        )  # fmt: skip
        changed = tuple(p for p in patients if self.plan.get_patient(p).opted_out != before[p])
        log.info(
            "an inbound text recorded as %d repl%s%s; consent changed for %d",
            len(replies), "y" if len(replies) == 1 else "ies",
            " (a shared number)" if shared else "", len(changed),
        )  # fmt: skip
        return Handled(said, replies, changed)


class InboundSms:
    """The WSGI app for Twilio's incoming-message webhook: check the signature, then act."""

    def __init__(
        self, plan: ServicePlan, settings: SmsSettings, phone_book: PhoneBook | None = None
    ) -> None:
        self.settings = settings
        self.replies = TextReplies(plan, phone_book)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request: 200 with TwiML once recorded, 503 if not, or 400, 403, 405, 413."""
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
            handled = self.replies.handle(
                fields.get("From", ""), fields.get("Body", ""), fields.get("MessageSid", "")
            )
        except InvalidInput as error:
            log.error("an inbound text could not be read as a reply (%s); answered 400", error)  # noqa: TRY400 (the traceback may quote the number)
            return _answer(start_response, "400 Bad Request", b"")
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
