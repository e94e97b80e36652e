"""A delivery worker in a process of its own, for the crash test.

Usage: python delivery_process.py STORE OUTBOX CALLS PAUSE NOW [LOOKUP]

STORE is a SQLite file, or `postgres:DBNAME`. Its SMS gateway writes each message it sends as a
line in OUTBOX (and every call in CALLS), then pauses PAUSE seconds before answering: a kill in
that pause leaves a message sent but unrecorded. With LOOKUP `yes` the gateway can also look a
key up in its outbox (`serviceplan_look_up_notice`), as a peer with a message history can.
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
from serviceplan.store.config import postgres_store


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


class LookingGateway(FileGateway):
    """The same gateway, which can also say whether a key reached it."""

    @hookimpl
    def serviceplan_look_up_notice(self, key: str) -> Receipt | None:
        sent = self.outbox.read_text().split() if self.outbox.exists() else []
        return Receipt(key=key, via="file-sms", reference=f"line-{key}") if key in sent else None


def store_of(name: str) -> dict[str, str]:
    """Return the settings of a SQLite file, or of `postgres:DBNAME` on the local server."""
    if name.startswith("postgres:"):
        return {**postgres_store(name.removeprefix("postgres:")), "CREATE_TABLE": "n"}
    return sqlite_store(name)


def main(store: str, outbox: str, calls: str, pause: str, now: str, lookup: str = "no") -> None:
    """Deliver what is owed in `store`, as of `now`, through the file gateway."""
    kind = LookingGateway if lookup == "yes" else FileGateway
    plan = ServicePlan(
        store_of(store),
        clock=FixedClock(datetime.fromisoformat(now)),
        settings=Settings(timezone=ZONE),
        plugins=[kind(Path(outbox), Path(calls), float(pause))],
        entry_points=False,
    )
    DeliveryWorker(plan, DeliverySettings(batch_size=5)).run_once()


if __name__ == "__main__":
    main(*sys.argv[1:])
