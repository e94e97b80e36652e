"""The `sms` entry point: a text channel that is on once a Twilio account is configured.

Settings come from the environment when a hook is called (see `serviceplan_sms.settings`);
without `SERVICEPLAN_SMS_ACCOUNT_SID` the channel registers nothing and the built-in console keeps
the text channel.
"""

from __future__ import annotations

import logging
import os

from serviceplan import Channel, PhoneNumber, Receipt, hookimpl
from serviceplan.errors import InvalidInput, NoticeRefused
from serviceplan.plugins import Envelope, OpenedOnce, Receipts, RegisterChannel
from serviceplan_sms.gateway import MessagesApi, Sleep
from serviceplan_sms.settings import SmsSettings, named

VIA = "sms"
SMS_LENGTH = 160

log = logging.getLogger("serviceplan_sms")


class SmsChannel:
    """Delivers text notices through Twilio, each idempotency key once, each within 160 chars."""

    def __init__(
        self,
        settings: SmsSettings | None = None,
        *,
        receipts: Receipts | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self._settings = settings
        self._receipts = OpenedOnce(receipts)
        self._sleep = sleep

    @property
    def settings(self) -> SmsSettings | None:
        """The settings given, else those in the environment now (None: the channel is off)."""
        return self._settings or SmsSettings.from_env(os.environ)

    def receipts(self, settings: SmsSettings) -> Receipts:
        """What this channel has sent: in memory, or in the file the settings name."""
        return self._receipts(settings.receipts_path)

    @hookimpl
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        """Deliver on texts once a Twilio account is named.

        A bad setting then fails each delivery (recorded, retried, handed to the desk) rather
        than leaving texts to the console, which would only pretend to send them.
        """
        if self._settings is not None or named(os.environ):
            register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:
        """Send the text unless its key was sent before; then return the first receipt."""
        settings = self.settings
        if settings is None:
            raise NoticeRefused("no Twilio account is configured (SERVICEPLAN_SMS_ACCOUNT_SID)")
        check(envelope, key)
        return self.receipts(settings).once(key, lambda: self._send(envelope, settings))

    def _send(self, envelope: Envelope, settings: SmsSettings) -> Receipt:
        api = (
            MessagesApi(settings)
            if self._sleep is None
            else MessagesApi(settings, sleep=self._sleep)
        )
        sid = api.create(envelope.to, envelope.text)
        log.info("notice %s sent by text", envelope.key)
        return Receipt(key=envelope.key, via=VIA, reference=sid)


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
