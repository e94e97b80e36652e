"""The `hl7v2` entry point of the `serviceplan` group: how a host finds and builds this feed.

The plugin hook specifications are still being settled; until they are, this module offers the
feed through two plain factories a host (or a clinic's own start-up code) can call.
"""

from __future__ import annotations

from os import PathLike

from serviceplan import ServicePlan
from serviceplan_hl7v2.feed import SiuFeed
from serviceplan_hl7v2.ledger import Ledger, MemoryLedger, SqliteLedger
from serviceplan_hl7v2.mllp import MllpListener
from serviceplan_hl7v2.options import FeedOptions

NAME = "hl7v2"


def create_feed(
    plan: ServicePlan,
    *,
    ledger_path: str | PathLike[str] | None = None,
    options: FeedOptions | None = None,
) -> SiuFeed:
    """An SIU feed into `plan`, remembering applied messages in `ledger_path` (or in memory)."""
    ledger: Ledger = MemoryLedger() if ledger_path is None else SqliteLedger(ledger_path)
    return SiuFeed(plan, ledger=ledger, options=options)


def create_listener(feed: SiuFeed, host: str = "127.0.0.1", port: int = 2575) -> MllpListener:
    """An MLLP listener that hands each message it receives to `feed`."""
    return MllpListener(feed, host, port)
