"""A delivery worker in a process of its own, for the kill test.

Usage: python webhook_worker.py DATABASE URL NOW

It delivers what is owed in the SQLite file DATABASE, as of NOW, through the webhook channel to
the receiver at URL; the test kills it the moment the receiver has taken a notice.
"""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from serviceplan import FixedClock, ServicePlan, Settings, sqlite_store
from serviceplan.delivery import DeliveryWorker
from serviceplan_webhook import WebhookChannel, WebhookSettings
from webhook_peer import SECRET

ZONE = ZoneInfo("America/New_York")


def main(database: str, url: str, now: str) -> None:
    """Deliver what is owed in `database` as of `now`, through the receiver at `url`."""
    plan = ServicePlan(
        sqlite_store(database),
        clock=FixedClock(datetime.fromisoformat(now)),
        settings=Settings(timezone=ZONE),
        plugins=[WebhookChannel(WebhookSettings(url=url, secret=SECRET))],
        entry_points=False,
    )
    DeliveryWorker(plan).run_once()


if __name__ == "__main__":
    main(*sys.argv[1:])
