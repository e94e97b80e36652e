"""A delivery worker in a process of its own, for the kill test.

Usage: python smtp_worker.py DATABASE PORT NOW

It delivers what is owed in the SQLite file DATABASE, as of NOW, by e-mail through the plain mail
server on loopback at PORT; the test kills it the moment the server has taken a message.
"""

from __future__ import annotations

import sys
from datetime import datetime

from serviceplan import FixedClock, ServicePlan, Settings, sqlite_store
from serviceplan.delivery import DeliveryWorker
from serviceplan_smtp import Mode, SmtpChannel, SmtpSettings
from smtp_helpers import SENDER, ZONE


def main(database: str, port: str, now: str) -> None:
    """Deliver what is owed in `database` as of `now`, through the server at `port`."""
    settings = SmtpSettings(host="127.0.0.1", port=int(port), mode=Mode.PLAIN, sender=SENDER)
    plan = ServicePlan(
        sqlite_store(database),
        clock=FixedClock(datetime.fromisoformat(now)),
        settings=Settings(timezone=ZONE),
        plugins=[SmtpChannel(settings)],
        entry_points=False,
    )
    DeliveryWorker(plan).run_once()


if __name__ == "__main__":
    main(*sys.argv[1:])
