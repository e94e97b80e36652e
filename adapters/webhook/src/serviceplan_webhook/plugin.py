"""The `webhook` entry point: notices POSTed as signed JSON to a URL the clinic runs.

Settings come from the environment when a hook is called (see `serviceplan_webhook.settings`);
without `SERVICEPLAN_WEBHOOK_URL` the channel registers nothing. Every try of a notice carries the
same `webhook-id`, so a receiver that keeps the ids it took shows each notice once; one that also
answers look-ups (`SERVICEPLAN_WEBHOOK_LOOK_UP`) lets a notice left in doubt by a crash be
settled without sending it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from serviceplan import Receipt, hookimpl
from serviceplan.errors import NoticeRefused
from serviceplan.plugins import Envelope, OpenedOnce, Receipts, RegisterChannel
from serviceplan_webhook.payload import payload
from serviceplan_webhook.sender import get, post
from serviceplan_webhook.settings import WebhookSettings, environment, named_channels
from serviceplan_webhook.signing import (
    WEBHOOK_ID,
    WEBHOOK_SIGNATURE,
    WEBHOOK_TIMESTAMP,
    signed_headers,
    standard_signature,
    webhook_id,
)

VIA = "webhook"

log = logging.getLogger("serviceplan_webhook")


class LookUpOff(Exception):  # noqa: N818 (reads as the reason the worker logs)
    """The receiver answers no look-ups (`SERVICEPLAN_WEBHOOK_LOOK_UP` is not set)."""


class WebhookChannel:
    """Delivers notices to the clinic's receiver, signed, each idempotency key once."""

    def __init__(
        self,
        settings: WebhookSettings | None = None,
        *,
        receipts: Receipts | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._receipts = OpenedOnce(receipts)
        self._clock = clock

    @property
    def settings(self) -> WebhookSettings | None:
        """The settings given, else those in the environment now (None: the channel is off)."""
        return self._settings or WebhookSettings.from_env(environment())

    def receipts(self, settings: WebhookSettings) -> Receipts:
        """What this channel has sent: in memory, or in the file the settings name."""
        return self._receipts(settings.receipts_path)

    @hookimpl
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        """Deliver on the configured channels once a receiver is named.

        A bad setting then fails each delivery (recorded, retried, handed to the desk) rather
        than leaving the channels to the console, which would only pretend to send.
        """
        wanted = (
            named_channels(environment()) if self._settings is None else self._settings.channels
        )
        for channel in sorted(wanted, key=lambda c: c.value):
            register(channel)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:
        """Post the notice unless its key was sent before; then return the first receipt."""
        settings = self.settings
        if settings is None:
            raise NoticeRefused("no webhook receiver is configured (SERVICEPLAN_WEBHOOK_URL)")
        if envelope.channel not in settings.channels or key != envelope.key:
            raise NoticeRefused("the webhook takes notices on its channels under their own key")
        return self.receipts(settings).once(key, lambda: self._send(envelope, settings))

    def _send(self, envelope: Envelope, settings: WebhookSettings) -> Receipt:
        body = payload(envelope)
        headers = signed_headers(settings.secret, int(self._clock()), body, envelope.key)
        reference = post(settings, body, headers) or f"{VIA}:{envelope.key}"
        log.info("notice %s posted to the clinic's webhook", envelope.key)
        return Receipt(key=envelope.key, via=VIA, reference=reference)

    @hookimpl
    def serviceplan_look_up_notice(self, key: str) -> Receipt | None:
        """Say whether the receiver got the notice `key`: this channel's receipt, or the receiver's.

        Raises when it cannot tell: no receiver, look-ups off, or the receiver not answering one.
        """
        settings = self.settings
        if settings is None:
            raise NoticeRefused("no webhook receiver is configured (SERVICEPLAN_WEBHOOK_URL)")
        receipts = self.receipts(settings)
        found = receipts.find(key)
        if found is not None:
            return found
        if not settings.look_up:
            raise LookUpOff("the receiver answers no look-ups (SERVICEPLAN_WEBHOOK_LOOK_UP)")
        message_id, timestamp = webhook_id(key), int(self._clock())
        headers = {
            WEBHOOK_ID: message_id,
            WEBHOOK_TIMESTAMP: str(timestamp),
            WEBHOOK_SIGNATURE: standard_signature(settings.secret, message_id, timestamp, b""),
        }
        got, reference = get(settings, message_id, headers)
        if not got:
            return None
        receipt = Receipt(key=key, via=VIA, reference=reference or f"{VIA}:{key}")
        log.info("notice %s: the receiver had it", key)
        return receipts.once(key, lambda: receipt)
