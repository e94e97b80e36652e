"""One front desk in a process of its own, for `test_desk_concurrency.py`: books its patients.

Run as `python desk_process.py DESK_NUMBER PATIENTS` with the store's settings in the
environment and CLINIC_NOW (ISO) and CLINIC_ZONE. It prints one line: `ok N` with the commands
it ran, or `conflicts N` with the number of `ConcurrentUpdate` errors it met, and exits.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    NoticeKind,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
)
from serviceplan.errors import ConcurrentUpdate


def desk_day(plan: ServicePlan, desk: int, patients: int, start: datetime) -> int:
    """Register, consent, book, check in and owe a notice, for each of the desk's patients."""
    by = Staff(f"desk-{desk}")
    commands = 0
    for n in range(patients):
        phone = PhoneNumber(f"+1555{desk:03d}{n:04d}")
        patient = plan.register_patient(contact=ContactPoints(phone), preferred=Channel.SMS, by=by)
        plan.give_consent(patient, Channel.SMS, by=by)
        visit = plan.book_visit(
            patient, provider="dr-patel", visit_type="exam",
            start=start + timedelta(minutes=10 * n), by=by,
        )  # fmt: skip
        plan.check_in(visit, by=by)
        plan.request_notice(patient, kind=NoticeKind.FOLLOW_UP, by=by)
        commands += 5
    return commands


def main() -> int:
    desk, patients = int(sys.argv[1]), int(sys.argv[2])
    zone = ZoneInfo(os.environ["CLINIC_ZONE"])
    now = datetime.fromisoformat(os.environ["CLINIC_NOW"])
    plan = ServicePlan(clock=FixedClock(now), settings=Settings(timezone=zone), entry_points=False)
    try:
        done = desk_day(plan, desk, patients, now + timedelta(hours=1))
    except ConcurrentUpdate:
        sys.stdout.write("conflicts 1\n")
        return 1
    finally:
        plan.close()
    sys.stdout.write(f"ok {done}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
