"""Desk concurrency: several desks booking, owing notices and checking in at once.

Each desk works for patients of its own: it books each one a visit with a provider of its own,
owes them a heads-up notice for it, and checks them in, three commands a patient. A command that
loses a race (`ConcurrentUpdate`) is counted and run again, as a desk would, so every run does
the same work. Before 0.2 every notice request and booking wrote one aggregate of the clinic's
day, and desks working for different patients collided on it; the goal now is no collision.

On a SQLite file the desks are threads sharing one `ServicePlan`, as in a web server; the
baseline is one writer doing all of their work alone on a fresh store. Patients are registered
(with consent to texts) before the clock starts. `bench.postgres` runs the same work in
processes on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from itertools import count
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from bench.clinic_day import CONTACT, DAY, DESK, VISIT_LENGTH
from bench.harness import Row, Took, median, row, stopwatch
from serviceplan import Channel, FixedClock, NoticeKind, Patient, ServicePlan, Settings
from serviceplan.errors import ConcurrentUpdate
from serviceplan.store.config import sqlite_store

COMMANDS_A_PATIENT = 3
RACES = 10
"""How often a desk runs a command again after losing a race, before the run fails."""
T = TypeVar("T")


@dataclass
class Tally:
    """What one desk (or all of them) did: commands carried out, and races lost on the way."""

    commands: int = 0
    conflicts: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.commands + other.commands, self.conflicts + other.conflicts)


def registered(plan: ServicePlan, patients: int) -> list[UUID]:
    """Register patients who consented to texts, saved in one go (set-up, not timed)."""
    at = plan.clock()
    found = []
    for _ in range(patients):
        patient = Patient.register(
            contact=CONTACT, preferred=Channel.SMS, language="en", at=at, by=DESK
        )
        patient.give_consent(channel=Channel.SMS, at=at, by=DESK)
        found.append(patient)
    plan.save(*found)
    return [p.id for p in found]


def desk_work(plan: ServicePlan, patients: Sequence[UUID], provider: str) -> Tally:
    """Book, owe a heads-up and check in each patient, one command at a time."""
    tally = Tally()

    def run(command: Callable[[], T]) -> T:
        for _ in range(RACES):
            try:
                done = command()
            except ConcurrentUpdate:
                tally.conflicts += 1
                continue
            tally.commands += 1
            return done
        raise ConcurrentUpdate(f"{provider}'s desk lost {RACES} races in a row")

    for n, patient in enumerate(patients):
        start = DAY + timedelta(hours=8, minutes=VISIT_LENGTH * n)
        visit = run(
            lambda p=patient, s=start: plan.book_visit(
                p, provider=provider, visit_type="exam", start=s, length=VISIT_LENGTH, by=DESK
            )
        )
        run(
            lambda p=patient, v=visit: plan.request_notice(
                p, kind=NoticeKind.HEADS_UP, visit_id=v, by=DESK
            )
        )
        run(lambda v=visit: plan.check_in(v, by=DESK))
    return tally


def plan_on(env: dict[str, str]) -> ServicePlan:
    """Return a plan whose clock stands the day before the visits it books."""
    return ServicePlan(
        env, clock=FixedClock(DAY - timedelta(days=1)), settings=Settings(timezone=UTC)
    )


def threads_at_once(path: Path, desks: int, patients: int) -> tuple[Took, Tally]:
    """Run `desks` threads on one plan over one SQLite file, started together; time them all."""
    plan = plan_on(sqlite_store(path))
    mine = [registered(plan, patients) for _ in range(desks)]
    tallies = [Tally() for _ in range(desks)]
    failures: list[BaseException] = []
    start = threading.Barrier(desks + 1)

    def desk(n: int) -> None:
        start.wait()
        try:
            tallies[n] = desk_work(plan, mine[n], f"desk{n}-dr")
        except BaseException as error:  # noqa: BLE001 (raised again in the main thread)
            failures.append(error)

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(desks)]
    for thread in threads:
        thread.start()
    start.wait()
    with stopwatch() as took:
        for thread in threads:
            thread.join()
    plan.close()
    if failures:
        raise failures[0]
    return took, sum(tallies, Tally())


def alone(path: Path, desks: int, patients: int) -> tuple[Took, Tally]:
    """Do the same work with one writer: each desk's patients in turn, on a fresh store."""
    plan = plan_on(sqlite_store(path))
    mine = [registered(plan, patients) for _ in range(desks)]
    tally = Tally()
    with stopwatch() as took:
        for n in range(desks):
            tally += desk_work(plan, mine[n], f"desk{n}-dr")
    plan.close()
    return took, tally


def rows(folder: Path, desks: int, patients: int, repeats: int) -> list[Row]:
    """Return the lost races of `desks` threads at once, and their rate against one writer."""
    files = (folder / f"desks-{n}.sqlite3" for n in count())
    samples: dict[str, list[tuple[Took, Tally]]] = {"together": [], "alone": []}
    for _ in range(repeats):
        samples["together"].append(threads_at_once(next(files), desks, patients))
        samples["alone"].append(alone(next(files), desks, patients))
    return compare(f"desk concurrency, SQLite file, {desks} threads on one plan", samples)


def compare(what: str, samples: dict[str, list[tuple[Took, Tally]]]) -> list[Row]:
    """Return the rows of a concurrency run: lost races (all runs), and commands per second.

    `samples` holds each run's time and tally, of the desks `"together"` and of one `"alone"`.
    """
    expected = {tally.commands for found in samples.values() for _, tally in found}
    if len(expected) != 1:
        raise RuntimeError(f"the runs carried out different numbers of commands: {expected}")
    commands = expected.pop()
    rate = {
        name: commands / median([took.wall for took, _ in found]) for name, found in samples.items()
    }
    conflicts = {name: sum(t.conflicts for _, t in found) for name, found in samples.items()}
    runs = len(samples["together"])
    return [
        row(f"{what}: ConcurrentUpdate errors in {runs} runs of {commands:,} commands (goal 0)",
            conflicts["together"], "errors"),
        row(f"{what}: commands per second vs one writer doing the same work alone",
            rate["together"], "commands/s", rate["alone"], rate=True),
    ]  # fmt: skip
