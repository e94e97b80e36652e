"""The demo's notification channel: it keeps each message in memory and logs that it went out.

It is a default, used for a channel only when no clinic plugin delivers on it. The log line names
the notice's key and channel, never its address or text.
"""

from __future__ import annotations

import logging
import threading

from serviceplan.domain.contact import Channel
from serviceplan.domain.notice import Receipt
from serviceplan.plugins.markers import hookimpl
from serviceplan.plugins.records import Envelope, RegisterChannel

log = logging.getLogger("serviceplan.plugins.console")


class ConsoleChannel:
    """Delivers on every channel into `outbox`; a key it has seen gets its first receipt again."""

    def __init__(self) -> None:
        self.outbox: list[Envelope] = []
        self._receipts: dict[str, Receipt] = {}
        self._lock = threading.Lock()

    @hookimpl(trylast=True)
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        """Register every channel: the demo can show any of them."""
        for channel in Channel:
            register(channel)

    @hookimpl(trylast=True)
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:
        """Keep the message and return a receipt numbered in order of sending."""
        with self._lock:
            if key in self._receipts:
                return self._receipts[key]
            self.outbox.append(envelope)
            receipt = Receipt(key=key, via="console", reference=f"console-{len(self.outbox)}")
            self._receipts[key] = receipt
        log.info("notice %s went out on %s", key, envelope.channel.value)
        return receipt
