"""One patient's yes in a process of its own, for `test_two_yeses_at_once.py`.

Run as `python answer_process.py GO_FILE OPENING_ID:ENTRY_ID ...` with the store's settings in the
environment and CLINIC_NOW (ISO) and CLINIC_ZONE. It opens the plan, waits until GO_FILE exists
(so both processes answer at the same moment), accepts each offer in turn and prints one line per
answer: the `OfferAnswer`'s value.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from serviceplan import FixedClock, ServicePlan, Settings, Staff

INBOUND = Staff("sms-inbound", "system")


def main() -> int:
    go, offers = Path(sys.argv[1]), [pair.split(":") for pair in sys.argv[2:]]
    zone = ZoneInfo(os.environ["CLINIC_ZONE"])
    now = datetime.fromisoformat(os.environ["CLINIC_NOW"])
    plan = ServicePlan(clock=FixedClock(now), settings=Settings(timezone=zone), entry_points=False)
    try:
        while not go.exists():
            time.sleep(0.001)
        for opening, entry in offers:
            answer = plan.accept_offer(UUID(opening), UUID(entry), by=INBOUND)
            sys.stdout.write(f"{answer.value}\n")
    finally:
        plan.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
