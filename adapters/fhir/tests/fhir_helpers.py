"""Shared by the FHIR scheduler's tests: real examples, our fixtures, a day of slots, bookings."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from serviceplan.plugins import Booking
from serviceplan_fhir.testing import Json, load_resources

ROOT = Path(__file__).resolve().parents[3]


def shared_data() -> Path:
    """Find the shared samples: beside this repository, or beside the one it was cloned from.

    CI lays `shared/` beside the clone; a clone made for a local check finds it beside its origin.
    """
    beside = ROOT / ".." / "shared" / "data"
    if beside.is_dir():
        return beside
    origin = subprocess.run(  # noqa: S603 (a fixed git command)
        ["git", "-C", str(ROOT), "remote", "get-url", "origin"],  # noqa: S607
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return Path(origin) / ".." / "shared" / "data" if origin else beside


EXAMPLES = shared_data() / "fhir-r4"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TUESDAY = date(2026, 12, 1)
CHRISTMAS_2013 = date(2013, 12, 25)
SCHEDULES = {
    "dr-contract": "contract",
    "dr-careful": "example",  # the examples' physiotherapy schedule, Christmas morning 2013
    "dr-crusher": "exampleloc1",
    "dr-closed": "closed",
    "dr-odd": "odd",
}


def at(hour: int, minute: int = 0, day: date = TUESDAY) -> datetime:
    """A time on the test day, in UTC (the contract's zone)."""
    return datetime.combine(day, time(hour, minute), UTC)


def examples() -> list[Json]:
    """The real scheduling examples of the FHIR R4 specification, exactly as stored."""
    names = ("Schedule-*.json", "Slot-*.json", "Appointment-*.json")
    return load_resources(sorted(p for name in names for p in EXAMPLES.glob(name)))


def fixtures() -> list[Json]:
    """The resources written for cases the examples lack (see fixtures/)."""
    return load_resources(sorted(FIXTURES.glob("*.json")))


def slot(schedule: str, start: datetime, status: str = "free", minutes: int = 15) -> Json:
    """A slot of `schedule`, named after its schedule and start."""
    return {
        "resourceType": "Slot",
        "id": f"{schedule}-{start:%Y%m%d%H%M}",
        "schedule": {"reference": f"Schedule/{schedule}"},
        "status": status,
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=minutes)).isoformat(),
    }


def working_day(schedule: str, day: date = TUESDAY) -> list[Json]:
    """Free 15-minute slots 8:00-12:00 and 13:00-17:00; 7:30 away and 7:45 entered in error."""
    early = [slot(schedule, at(7, 30, day), "busy-unavailable"),
             slot(schedule, at(7, 45, day), "entered-in-error")]  # fmt: skip
    hours = [at(h, m, day) for h in (*range(8, 12), *range(13, 17)) for m in (0, 15, 30, 45)]
    return early + [slot(schedule, start) for start in hours]


def seed() -> list[Json]:
    """Everything the test server starts with."""
    return [*examples(), *fixtures(), *working_day("contract"), *working_day("closed")]


def booking(
    start: datetime, length: int = 15, provider: str = "dr-contract", visit: UUID | None = None
) -> Booking:
    """A visit to book at `start`."""
    return Booking(visit or uuid4(), uuid4(), provider, "exam", start, length)
