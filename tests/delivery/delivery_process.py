"""A delivery worker in a process of its own, for the crash test.

Usage: python delivery_process.py DB OUTBOX CALLS PAUSE NOW

Its SMS gateway writes each message it sends as a line in OUTBOX (and every call in CALLS), then
pauses PAUSE seconds before answering: a kill in that pause leaves a message sent but unrecorded.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

from tuesday import ZONE

from serviceplan import Channel, FixedClock, Receipt, ServicePlan, Settings, hookimpl, sqlite_store
from serviceplan.delivery import DeliverySettings, DeliveryWorker
from serviceplan.plugins import Envelope, RegisterChannel


class FileGateway:
    """Sends a key once: a key already in the outbox is answered without sending again."""

    def __init__(self, outbox: Path, calls: Path, pause: float) -> None:
        self.outbox, self.calls, self.pause = outbox, calls, pause

    @hookimpl
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:  # noqa: ARG002
        with self.calls.open("a") as calls:
            calls.write(key + "\n")
        sent = self.outbox.read_text().split() if self.outbox.exists() else []
        if key not in sent:
            with self.outbox.open("a") as outbox:
                outbox.write(key + "\n")
            time.sleep(self.pause)
        return Receipt(key=key, via="file-sms", reference=f"line-{key}")


def main(db: str, outbox: str, calls: str, pause: str, now: str) -> None:
    """Deliver what is owed in `db`, as of `now`, through the file gateway."""
    plan = ServicePlan(
        sqlite_store(db),
        clock=FixedClock(datetime.fromisoformat(now)),
        settings=Settings(timezone=ZONE),
        plugins=[FileGateway(Path(outbox), Path(calls), float(pause))],
        entry_points=False,
    )
    DeliveryWorker(plan, DeliverySettings(batch_size=5)).run_once()


if __name__ == "__main__":
    main(*sys.argv[1:])
