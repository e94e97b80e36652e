"""The `sms` entry point: a text channel that is on once a Twilio account is configured.

Settings come from the environment when a hook is called (see `serviceplan_sms.settings`);
without `SERVICEPLAN_SMS_ACCOUNT_SID` the channel registers nothing and the built-in console keeps
the text channel. Twilio takes no idempotency key, so the channel notes each text it hands over
(`serviceplan_sms.journal`) and, for a try whose outcome is unknown, finds the text in Twilio's
message list before it would send it again; with `SERVICEPLAN_SMS_RECEIPTS` that also answers
`serviceplan_look_up_notice` after a crash.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from serviceplan import Channel, PhoneNumber, Receipt, hookimpl
from serviceplan.errors import InvalidInput, NoticeRefused
from serviceplan.plugins import Envelope, OpenedOnce, Receipts, RegisterChannel
from serviceplan_sms.gateway import GatewayRefused, MessagesApi, Sleep
from serviceplan_sms.journal import Journal
from serviceplan_sms.settings import SmsSettings, environment, named

VIA = "sms"
SMS_LENGTH = 160

log = logging.getLogger("serviceplan_sms")


def utc_now() -> datetime:
    """When a text is handed over, to compare with when Twilio created it."""
    return datetime.now(UTC)


class LookUpUnsure(Exception):  # noqa: N818 (reads as the reason the worker logs)
    """Without a receipts file the notes of texts in flight died with the process."""


class SmsChannel:
    """Delivers text notices through Twilio, each idempotency key once, each within 160 chars."""

    def __init__(
        self,
        settings: SmsSettings | None = None,
        *,
        receipts: Receipts | None = None,
        sleep: Sleep | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._settings = settings
        self._receipts = OpenedOnce(receipts)
        self._sleep = sleep
        self._clock = clock
        self._journal: Journal | None = None
        self._lock = threading.Lock()

    @property
    def settings(self) -> SmsSettings | None:
        """The settings given, else those in the environment now (None: the channel is off)."""
        return self._settings or SmsSettings.from_env(environment())

    def receipts(self, settings: SmsSettings) -> Receipts:
        """What this channel has sent: in memory, or in the file the settings name."""
        return self._receipts(settings.receipts_path)

    def journal(self, settings: SmsSettings) -> Journal:
        """The texts in flight: in memory, or beside the receipts in the file the settings name."""
        with self._lock:
            if self._journal is None:
                self._journal = Journal(settings.receipts_path)
            return self._journal

    def api(self, settings: SmsSettings) -> MessagesApi:
        """Twilio's Messages API for these settings."""
        if self._sleep is None:
            return MessagesApi(settings)
        return MessagesApi(settings, sleep=self._sleep)

    @hookimpl
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        """Deliver on texts once a Twilio account is named.

        A bad setting then fails each delivery (recorded, retried, handed to the desk) rather
        than leaving texts to the console, which would only pretend to send them.
        """
        if self._settings is not None or named(environment()):
            register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:
        """Send the text unless its key was sent before; then return the first receipt."""
        settings = self.settings
        if settings is None:
            raise NoticeRefused("no Twilio account is configured (SERVICEPLAN_SMS_ACCOUNT_SID)")
        check(envelope, key)
        receipt = self.receipts(settings).once(key, lambda: self._send(envelope, settings))
        self.journal(settings).forget(key)  # kept: nothing is in flight for the key any more
        return receipt

    @hookimpl
    def serviceplan_look_up_notice(self, key: str) -> Receipt | None:
        """Say whether Twilio has the text for `key`: the receipt kept, or the SID it lists.

        Raises when it cannot tell: no account, no receipts file (the notes died with the
        process), or Twilio's message list unreadable.
        """
        settings = self.settings
        if settings is None:
            raise NoticeRefused("no Twilio account is configured (SERVICEPLAN_SMS_ACCOUNT_SID)")
        receipts, journal = self.receipts(settings), self.journal(settings)
        found = receipts.find(key)
        if found is not None:
            return found
        if not journal.durable:
            raise LookUpUnsure(
                "texts in flight are noted in memory only (SERVICEPLAN_SMS_RECEIPTS)"
            )
        sent = journal.find(key)
        if sent is None:
            return None  # never handed to Twilio: the note comes before the request
        sid = self.api(settings).find(sent)
        if sid is None:
            return None
        receipt = receipts.once(key, lambda: Receipt(key=key, via=VIA, reference=sid))
        journal.forget(key)
        log.info("notice %s: found in Twilio's message list", key)
        return receipt

    def _send(self, envelope: Envelope, settings: SmsSettings) -> Receipt:
        api, journal, key = self.api(settings), self.journal(settings), envelope.key
        earlier = journal.find(key)
        if earlier is not None:  # a try whose answer never came: did Twilio create the text?
            sid = api.find(earlier)
            if sid is not None:
                log.info("notice %s: an earlier try had reached Twilio; not sent again", key)
                return Receipt(key=key, via=VIA, reference=sid)
        journal.note(key, envelope.to, envelope.text, self._clock())
        try:
            sid = api.create(envelope.to, envelope.text)
        except GatewayRefused:
            journal.forget(key)  # refused: nothing was created
            raise
        log.info("notice %s sent by text", key)
        return Receipt(key=key, via=VIA, reference=sid)


def check(envelope: Envelope, key: str) -> None:
    """Refuse what a text may not be: another channel, a number not in E.164, over 160 chars.

    The delivery worker checked consent and opt-outs just before; this checks the envelope
    itself is what the patient agreed to: a text, to a phone number, short enough to arrive whole.
    """
    if envelope.channel is not Channel.SMS or key != envelope.key:
        raise NoticeRefused("the text channel takes text notices under their own key")
    try:
        PhoneNumber(envelope.to)
    except InvalidInput:
        raise NoticeRefused("a text goes only to a phone number in E.164 form") from None
    if len(envelope.text) > SMS_LENGTH:
        raise NoticeRefused(f"a text must fit {SMS_LENGTH} characters ({len(envelope.text)})")
