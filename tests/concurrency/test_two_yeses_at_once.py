"""Two patients say yes to the same freed time at the same moment, from two processes on one
PostgreSQL database: exactly one is booked, and the other hears the time is gone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from helpers import CLINIC_ZONE, DAY, at
from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    FixedClock,
    NoticeKind,
    OpeningStatus,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
    Wants,
)

pytestmark = pytest.mark.postgres

HERE = Path(__file__).parent
DESK = Staff("desk-ana", "front-desk")
OPENINGS = 6
"""Six freed times, each answered twice at once: the race is run six times over."""


def texted(plan: ServicePlan, number: int):
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber(f"+1555777{number:04d}")), preferred=Channel.SMS,
        by=DESK,
    )  # fmt: skip
    plan.give_consent(patient, Channel.SMS, by=DESK)
    return patient


def wanting(plan: ServicePlan, start: datetime, number: int) -> UUID:
    """A patient on the list who wants a follow-up at exactly `start`."""
    wants = Wants(
        visit_type="follow-up", first_day=DAY, last_day=DAY, provider="dr-patel",
        earliest=start.time(), latest=start.time(),
    )  # fmt: skip
    return plan.join_waitlist(texted(plan, number), wants=wants, by=DESK)


def freed_times(plan: ServicePlan) -> list[tuple[str, str, str]]:
    """Six follow-ups cancelled at 7:00, each offered to the two patients who wanted it."""
    starts = [at(9) + timedelta(minutes=30 * n) for n in range(OPENINGS)]
    races = []
    for n, start in enumerate(starts):
        visit = plan.book_visit(
            texted(plan, n), provider="dr-patel", visit_type="follow-up", start=start, by=DESK
        )
        entries = [wanting(plan, start, 100 + 2 * n + k) for k in range(2)]
        plan.cancel_visit(visit, reason=CancellationReason("pat"), by=DESK)
        [opening] = [o for o in plan.open_openings() if o.time.start == start]
        assert set(opening.offers) == set(entries)
        races.append((str(opening.id), str(entries[0]), str(entries[1])))
    return races


def test_two_yeses_from_two_processes_book_one_patient_and_tell_the_other(
    postgres_database, tmp_path
):
    postgres_database.empty()
    store = postgres_database.store()
    settings = Settings(timezone=CLINIC_ZONE)
    plan = ServicePlan(store, clock=FixedClock(at(7)), settings=settings, entry_points=False)
    races = freed_times(plan)
    go = tmp_path / "go"
    env = {**os.environ, **store, "CREATE_TABLE": "n", "CLINIC_ZONE": str(CLINIC_ZONE),
           "CLINIC_NOW": at(7, 5).isoformat()}  # fmt: skip
    script = str(HERE / "answer_process.py")
    firsts = [f"{opening}:{first}" for opening, first, _ in races]
    seconds = [f"{opening}:{second}" for opening, _, second in races]
    processes = [
        subprocess.Popen(  # noqa: S603 (our own script)
            [sys.executable, script, str(go), *pairs], env=env, stdout=subprocess.PIPE, text=True
        )
        for pairs in (firsts, seconds)
    ]
    go.touch()
    said = [process.communicate(timeout=120)[0].split() for process in processes]

    for n, (opening_id, _, _) in enumerate(races):
        assert sorted([said[0][n], said[1][n]]) == ["booked", "gone"]
        opening = plan.get_opening(UUID(opening_id))
        assert opening.status is OpeningStatus.FILLED
    assert len(plan.visits_of("dr-patel", DAY)) == 2 * OPENINGS  # each cancelled, each filled once
    gone = [r for r in plan.notices_on(DAY) if r.notice.kind is NoticeKind.OFFER_GONE]
    assert len(gone) == OPENINGS
    plan.close()
