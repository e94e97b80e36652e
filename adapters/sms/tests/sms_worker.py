"""A delivery worker in a process of its own, for the kill test.

Usage: python sms_worker.py DATABASE BASE_URL NOW RECEIPTS

It delivers what is owed in the SQLite file DATABASE, as of NOW, by text through the Twilio-shaped
API at BASE_URL, keeping its receipts (and its notes of texts in flight) in RECEIPTS, or in memory
when RECEIPTS is `-`; the test kills it the moment the API has created a message.
"""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from serviceplan import FixedClock, ServicePlan, Settings, sqlite_store
from serviceplan.delivery import DeliveryWorker
from serviceplan_sms import SmsChannel, SmsSettings
from twilio_peer import ACCOUNT, CLINIC_NUMBER, TOKEN

ZONE = ZoneInfo("America/New_York")


def main(database: str, base_url: str, now: str, receipts: str) -> None:
    """Deliver what is owed in `database` as of `now`, through the API at `base_url`."""
    settings = SmsSettings(
        account_sid=ACCOUNT, auth_token=TOKEN, sender=CLINIC_NUMBER, base_url=base_url,
        receipts_path=None if receipts == "-" else receipts,
    )  # fmt: skip
    plan = ServicePlan(
        sqlite_store(database),
        clock=FixedClock(datetime.fromisoformat(now)),
        settings=Settings(timezone=ZONE),
        plugins=[SmsChannel(settings)],
        entry_points=False,
    )
    DeliveryWorker(plan).run_once()


if __name__ == "__main__":
    main(*sys.argv[1:])
