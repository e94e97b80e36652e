"""The `smtp` entry point: an e-mail channel that is on once a mail server is configured.

Settings come from the environment when a hook is called (see `serviceplan_smtp.settings`), so a
plan that never sends e-mail never needs them; without `SERVICEPLAN_SMTP_HOST` the channel
registers nothing and the built-in console keeps the e-mail channel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from serviceplan import Channel, Receipt, hookimpl
from serviceplan.errors import NoticeRefused
from serviceplan.plugins import Envelope, OpenedOnce, Receipts, RegisterChannel
from serviceplan_smtp.message import compose, message_id
from serviceplan_smtp.settings import SmtpSettings, environment, named
from serviceplan_smtp.transport import send

VIA = "smtp"

log = logging.getLogger("serviceplan_smtp")


def utc_now() -> datetime:
    """The time a message is written, for its Date header and calendar stamp."""
    return datetime.now(UTC)


class SmtpChannel:
    """Delivers e-mail notices through the clinic's mail server, each idempotency key once."""

    def __init__(
        self,
        settings: SmtpSettings | None = None,
        *,
        receipts: Receipts | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._settings = settings
        self._receipts = OpenedOnce(receipts)
        self._clock = clock

    @property
    def settings(self) -> SmtpSettings | None:
        """The settings given, else those in the environment now (None: the channel is off)."""
        return self._settings or SmtpSettings.from_env(environment())

    def receipts(self, settings: SmtpSettings) -> Receipts:
        """What this channel has sent: in memory, or in the file the settings name."""
        return self._receipts(settings.receipts_path)

    @hookimpl
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        """Deliver on e-mail once a mail server is named.

        A bad setting then fails each delivery (recorded, retried, handed to the desk) rather
        than leaving e-mail to the console, which would only pretend to send it.
        """
        if self._settings is not None or named(environment()):
            register(Channel.EMAIL)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:
        """Send the notice unless its key was sent before; then return the first receipt."""
        settings = self.settings
        if settings is None:
            raise NoticeRefused("no mail server is configured (SERVICEPLAN_SMTP_HOST)")
        if envelope.channel is not Channel.EMAIL or key != envelope.key:
            raise NoticeRefused("the e-mail channel takes e-mail notices under their own key")
        return self.receipts(settings).once(key, lambda: self._send(envelope, settings))

    def _send(self, envelope: Envelope, settings: SmtpSettings) -> Receipt:
        send(compose(envelope, settings, self._clock()), settings)
        log.info("notice %s sent by e-mail", envelope.key)
        return Receipt(key=envelope.key, via=VIA, reference=message_id(envelope.key, settings))
