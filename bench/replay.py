"""Workload 4, replay of one long-lived aggregate: a Patient with 5,000 events.

Measured three ways on the same stored history: `get_patient` replaying every event, the same
after eventsourcing's own `take_snapshot` (the snapshot plus nothing after it), and a raw sqlite3
read of the patient's rows (the floor: reading without decoding or applying anything).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, timedelta
from functools import partial
from itertools import count
from pathlib import Path
from uuid import UUID

from bench.clinic_day import DESK
from bench.harness import Row, Took, interleaved, row, stopwatch
from serviceplan import (
    Channel,
    ContactPoints,
    EmailAddress,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Settings,
)
from serviceplan.app.clock import system_clock
from serviceplan.store.config import sqlite_store
from serviceplan.store.snapshots import SNAPSHOT_ENV

CONTACT = ContactPoints(PhoneNumber("+15555550100"), EmailAddress("patient@example.org"))
CHANNELS = (Channel.SMS, Channel.EMAIL)
BATCH = 1000
SELECT = "SELECT state FROM stored_events WHERE originator_id=? ORDER BY originator_version"


def snapshotting(path: Path) -> dict[str, str]:
    """Return a SQLite file store with a snapshot store but no automatic snapshots.

    serviceplan snapshots a patient every 50 events by default; here the only snapshot is the
    one the workload takes, so the replay without it really replays every event.
    """
    return {**unsnapshotted(path), "IS_SNAPSHOTTING_ENABLED": "y"}


def unsnapshotted(path: Path) -> dict[str, str]:
    """Return a SQLite file store that neither takes nor reads snapshots."""
    return {**sqlite_store(path), SNAPSHOT_ENV: "0"}


def long_lived_patient(plan: ServicePlan, events: int) -> UUID:
    """Register a patient whose consents then change `events - 1` times, saved in batches."""
    patient_id = plan.register_patient(contact=CONTACT, preferred=Channel.SMS, by=DESK)
    patient = plan.get_patient(patient_id)
    at = plan.clock()
    for n in range(1, events):
        channel = CHANNELS[((n - 1) // 2) % 2]
        if n % 2:
            patient.give_consent(channel=channel, at=at, by=DESK)
        else:
            patient.withdraw_consent(channel=channel, at=at, by=DESK)
        if n % BATCH == 0:
            plan.save(patient)
    plan.save(patient)
    return patient_id


def rows(folder: Path, events: int, repeats: int) -> list[Row]:
    """Return the replay times with and without a snapshot, and the raw read beside them."""
    path = folder / "patient.sqlite3"
    plan = ServicePlan(
        snapshotting(path), clock=FixedClock(system_clock()), settings=Settings(timezone=UTC)
    )
    patient_id = long_lived_patient(plan, events)
    if plan.get_patient(patient_id).version != events:
        raise RuntimeError("the patient's history is not the length asked for")
    unsnapped = ServicePlan(unsnapshotted(path))
    plan.take_snapshot(patient_id)

    def replay(app: ServicePlan) -> Took:
        with stopwatch() as took:
            app.get_patient(patient_id)
        return took

    medians = interleaved(
        {
            "full": lambda: replay(unsnapped),
            "snapshot": lambda: replay(plan),
            "raw": lambda: read_rows(path, patient_id, events),
            "book": partial(book, unsnapped, patient_id, count()),
        },
        repeats,
    )
    ms = {name: took.wall * 1000 for name, took in medians.items()}
    cpu = {name: took.cpu * 1000 for name, took in medians.items()}
    name = f"replay one Patient of {events:,} events"
    return [
        row(f"{name}, no snapshot: ServicePlan vs raw sqlite3 read", ms["full"], "ms", ms["raw"]),
        row(f"{name}, no snapshot, CPU time: ServicePlan vs raw sqlite3 read", cpu["full"],
            "CPU ms", cpu["raw"]),
        row(f"{name}: with snapshot vs without", ms["snapshot"], "ms", ms["full"]),
        row(f"book a visit for a Patient of {events:,} events, no snapshot, CPU time: booking vs"
            " replaying the patient", cpu["book"], "CPU ms", cpu["full"]),
    ]  # fmt: skip


def book(plan: ServicePlan, patient_id: UUID, numbers: Iterator[int]) -> Took:
    """Book the patient's next visit (the booking checks the patient exists); time it."""
    start = plan.clock() + timedelta(days=1, minutes=30 * next(numbers))
    with stopwatch() as took:
        plan.book_visit(patient_id, provider="dr-bench", visit_type="exam", start=start, by=DESK)
    return took


def read_rows(path: Path, patient_id: UUID, events: int) -> Took:
    """Read the patient's rows with sqlite3 alone; return the seconds it took."""
    connection = sqlite3.connect(path)
    with stopwatch() as took:
        found = connection.execute(SELECT, (patient_id.hex,)).fetchall()
    connection.close()
    if len(found) != events:
        raise RuntimeError(f"read {len(found)} rows, not {events}")
    return took
