"""Workload 7, the waitlist: from a cancellation to its offers owed, one opening at a time.

Each run writes a fresh SQLite file (untimed): N follow-ups on the next day, each its own
patient's, and three times N patients on the list for a follow-up that day with anyone (each
round offers a time to three, and nobody is offered twice a day). Then the N visits are
cancelled one after another, and each is timed until its opening's first round of offers is owed
(three `NoticeRecord.Requested`): with the policies run inline (the default), that is the
`cancel_visit` call; recorded apart (`inline=False`), it is the call and then `plan.follow()`,
as a follower would catch up. Nobody answers, so the openings stay open and every follower's
pass looks at all of them: the later openings of a run wait on the earlier ones, which is what
the percentiles show. The baseline writes the same events in the same transactions through bare
eventsourcing (`bench.same_events`).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import count
from pathlib import Path
from uuid import UUID

from bench.harness import Row, Took, interleaved, median, row, stopwatch
from bench.same_events import Baseline, Group, captured
from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    FixedClock,
    NoticeKind,
    OfferRules,
    PhoneNumber,
    ServicePlan,
    Staff,
    Wants,
)
from serviceplan.store.config import sqlite_store

NAME = "waitlist, SQLite file"
DAY = datetime(2030, 1, 8, tzinfo=UTC)
"""The day whose follow-ups are cancelled (a Tuesday); the clock stands at noon the day before."""
NOW = DAY - timedelta(hours=12)
DESK = Staff("desk-ana", "front-desk")
PATIENT_ASKED = CancellationReason("pat")
PROVIDERS = 4
LENGTH = 20
BATCH = OfferRules().batch
PERCENTILES = (50, 95)


@dataclass
class Run:
    """One run: each opening's seconds from the cancellation to its offers owed, and the total."""

    latencies: list[float]
    total: Took
    pieces: list[list[Group]] = field(default_factory=list)
    """The transactions each opening wrote (kept on the warm-up run only)."""


@dataclass
class Day:
    """A fresh store with its plan, the visits to cancel, and the list waiting for them."""

    plan: ServicePlan
    visits: list[UUID]


def day_of(path: Path, openings: int, *, inline: bool) -> Day:
    """Write the day and the list (untimed); bring every follower and index up to date."""
    plan = ServicePlan(sqlite_store(path), clock=FixedClock(NOW), inline=inline)
    numbers = count()
    visits = [
        plan.book_visit(
            _texted(plan, next(numbers)), provider=f"dr-{n % PROVIDERS}", visit_type="follow-up",
            start=DAY + timedelta(hours=8, minutes=LENGTH * (n // PROVIDERS)), length=LENGTH,
            by=DESK,
        )
        for n in range(openings)
    ]  # fmt: skip
    wants = Wants(visit_type="follow-up", first_day=DAY.date(), last_day=DAY.date())
    for _ in range(BATCH * openings):
        plan.join_waitlist(_texted(plan, next(numbers)), wants=wants, by=DESK)
    plan.follow()
    plan.schedule.catch_up()
    plan.notice_index.catch_up()
    return Day(plan, visits)


def _texted(plan: ServicePlan, n: int) -> UUID:
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber(f"+1555{n:07d}")), preferred=Channel.SMS, by=DESK
    )
    plan.give_consent(patient, Channel.SMS, by=DESK)
    return patient


def cancel_all(day: Day, *, keep: bool = False) -> Run:
    """Cancel each visit, timing it until its offers are owed; check every offer was owed."""
    plan, latencies, pieces = day.plan, [], []
    with captured(plan) as taken, stopwatch() as total:
        for visit in day.visits:
            with stopwatch() as one:
                plan.cancel_visit(visit, reason=PATIENT_ASKED, by=DESK)
                if not plan.inline:
                    plan.follow()
            latencies.append(one.wall)
            if keep:
                pieces.append(taken())
    offers = [r for r in plan.notices_on(NOW.date()) if r.notice.kind is NoticeKind.OFFER]
    if len(offers) != BATCH * len(day.visits):
        msg = f"{len(offers)} offers were owed, not {BATCH * len(day.visits)}"
        raise RuntimeError(msg)
    plan.close()
    return Run(latencies, total, pieces)


def bare(path: Path, pieces: Sequence[Sequence[Group]]) -> Run:
    """Write each opening's transactions again through bare eventsourcing."""
    baseline = Baseline(sqlite_store(path))
    baseline.prepare(pieces)
    with stopwatch() as total:
        latencies = [baseline.write(groups).wall for groups in pieces]
    baseline.close()
    return Run(latencies, total)


def percentile(samples: Sequence[float], at: int) -> float:
    """Return the `at`th percentile of the samples (nearest rank: a time one opening took)."""
    ranked = sorted(samples)
    return ranked[max(0, -(-at * len(ranked) // 100) - 1)]


def rows(folder: Path, openings: int, repeats: int) -> list[Row]:
    """Return each opening's time to offers owed, inline and apart, against bare eventsourcing."""
    files = (folder / f"waitlist-{n}.sqlite3" for n in count())
    warm = cancel_all(day_of(next(files), openings, inline=True), keep=True)
    runs: dict[str, list[Run]] = {"inline": [], "apart": [], "bare": []}

    def timed(name: str) -> Took:
        if name == "bare":
            found = bare(next(files), warm.pieces)
        else:
            found = cancel_all(day_of(next(files), openings, inline=name == "inline"))
        runs[name].append(found)
        return found.total

    medians = interleaved({name: partial(timed, name) for name in runs}, repeats)
    what = f"{NAME}, {openings:,} openings of a day, {BATCH * openings:,} patients listed"
    ms = {
        name: {p: median([percentile(r.latencies, p) for r in found]) * 1000 for p in PERCENTILES}
        for name, found in runs.items()
    }
    rate = {name: openings / took.wall for name, took in medians.items()}
    cpu = {name: took.cpu * 1000 / openings for name, took in medians.items()}
    growth = {name: median([_growth(r.latencies) for r in found]) for name, found in runs.items()}
    found = [
        row(f"{what}: cancellation to offers owed, inline (the default), p{p} vs bare"
            " eventsourcing writing the same events", ms["inline"][p], "ms", ms["bare"][p])
        for p in PERCENTILES
    ]  # fmt: skip
    found += [
        row(f"{what}: cancellation to offers owed, recorded apart (inline=False) then"
            f" plan.follow(), p{p} vs inline", ms["apart"][p], "ms", ms["inline"][p])
        for p in PERCENTILES
    ]  # fmt: skip
    found += [
        row(f"{what}: openings to offers owed a second, inline vs bare eventsourcing",
            rate["inline"], "openings/s", rate["bare"], rate=True),
        row(f"{what}: openings to offers owed a second, recorded apart then followed vs bare"
            " eventsourcing", rate["apart"], "openings/s", rate["bare"], rate=True),
        row(f"{what}, CPU time: per opening, inline vs bare eventsourcing", cpu["inline"],
            "CPU ms per opening", cpu["bare"]),
        row(f"{what}, CPU time: per opening, recorded apart then followed vs inline",
            cpu["apart"], "CPU ms per opening", cpu["inline"]),
        row(f"{what}: last tenth of the openings over the first tenth, inline (bare"
            " eventsourcing's for scale)", growth["inline"], "x", growth["bare"]),
    ]  # fmt: skip
    return found


def _growth(latencies: Sequence[float]) -> float:
    """Return how much longer the last tenth of a run's openings took than the first tenth."""
    tenth = max(1, len(latencies) // 10)
    return statistics.fmean(latencies[-tenth:]) / statistics.fmean(latencies[:tenth])
