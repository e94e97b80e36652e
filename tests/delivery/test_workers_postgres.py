"""Two delivery workers and the read models, each a process of its own on one PostgreSQL store.

The desk books the afternoon and owes each patient a notice in this process. Two delivery workers
start at once and share the texting gateway; a third process keeps the day board and the recovery
report. The workers take turns through the store's delivery lease. Mid-pass, the worker on its
turn and the read models lose power (SIGKILL) while the desk goes on; the other worker takes
over, and the two come back. Every notice still goes out exactly once by key, the gateway hears
of each key once (but the one in flight at the kill), each is recorded delivered once, and the
read models end up as a rebuild from the log would make them.

The workers' gateway (`worker_loop.SharedOutbox`) sends a key once whichever worker asks, as a
real gateway's idempotency by key would (the key in flight at the kill is asked for twice); no
real texting service runs here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest
from eventsourcing.utils import get_topic
from tuesday import TUESDAY, ZONE, at

from followers import FollowerProcess, wait_while_running
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    NoticeKind,
    NoticeRecord,
    NoticeStatus,
    PhoneNumber,
    ServicePlan,
    Settings,
    Staff,
)
from serviceplan.read import DayBoard, Recovery, Views, catch_up_together
from stores import SessionDatabase

pytestmark = pytest.mark.postgres

WORKERS = ("north", "south")
PROVIDERS = ("dr-patel", "dr-okafor", "dr-lim")
BEFORE_THE_CUT, DURING_THE_CUT = 24, 12
SENT_BEFORE_THE_CUT = 6
SEND_PAUSE = "0.2"
"""Seconds each fresh send takes: batches last seconds, so a kill lands mid-way."""
MODELS = (DayBoard, Recovery)
TIMEOUT = 120


@attrs.frozen
class Files:
    outbox: Path
    calls: Path
    views: Path


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def database(postgres_database: SessionDatabase) -> SessionDatabase:
    postgres_database.empty()
    return postgres_database


@pytest.fixture
def clinic(database: SessionDatabase) -> Iterator[ServicePlan]:
    """The desk's plan at 10:00, inside the sending window; it makes the store's tables."""
    plan = ServicePlan(
        database.store(), clock=FixedClock(at(10)), settings=Settings(timezone=ZONE),
        entry_points=False,
    )  # fmt: skip
    yield plan
    plan.close()


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path / "outbox.txt", tmp_path / "calls.txt", tmp_path / "views.sqlite3")


def process(database: SessionDatabase, target: str, **settings: str) -> FollowerProcess:
    """A follower at the clinic's time that leaves the tables to the desk's plan, which made them:
    processes starting at the same moment may not all create them (PostgreSQL refuses the same
    CREATE OR REPLACE FUNCTION from two at once with "tuple concurrently updated")."""
    clock = {"CLINIC_NOW": at(10).isoformat(), "CLINIC_ZONE": ZONE.key}
    env = database.store(CREATE_TABLE="n", **clock, **settings)
    return FollowerProcess(f"delivery.worker_loop:{target}", env)


@pytest.fixture
def workers(database: SessionDatabase, files: Files) -> Iterator[dict[str, FollowerProcess]]:
    """Two delivery workers with the same texting gateway, not yet started."""
    paths = {"OUTBOX": str(files.outbox), "CALLS": str(files.calls), "SEND_PAUSE": SEND_PAUSE}
    found = {name: process(database, "deliver", WORKER_NAME=name, **paths) for name in WORKERS}
    yield found
    for worker in found.values():
        worker.close()


@pytest.fixture
def read_models(database: SessionDatabase, files: Files) -> Iterator[FollowerProcess]:
    """The day board and the recovery report, kept in a SQLite file; not yet started."""
    follower = process(database, "follow_read_models", VIEWS=str(files.views))
    yield follower
    follower.close()


@pytest.fixture
def views(files: Files) -> Iterator[Views]:
    """The test's own look at the read models' file (their positions)."""
    opened = Views(files.views)
    yield opened
    opened.close()


def owe_notices(clinic: ServicePlan, desk: Staff, first: int, count: int) -> list[str]:
    """Book patients into the afternoon and owe each a notice about the visit; return the keys."""
    keys = []
    for n in range(first, first + count):
        contact = ContactPoints(PhoneNumber(f"+1555558{n:04d}"))
        patient = clinic.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
        clinic.give_consent(patient, Channel.SMS, by=desk)
        start = at(13) + timedelta(minutes=20 * (n // len(PROVIDERS)))
        visit = clinic.book_visit(
            patient, provider=PROVIDERS[n % len(PROVIDERS)], visit_type="exam", start=start,
            length=20, by=desk,
        )  # fmt: skip
        keys.append(clinic.request_notice(patient, kind=NoticeKind.DELAY, visit_id=visit, by=desk))
    return keys


def callers(files: Files) -> set[str]:
    return {line.split()[0] for line in lines(files.calls)}


def under_way(files: Files, views: Views) -> bool:
    """A worker is on its pass with some notices out, and the board has begun."""
    return len(lines(files.outbox)) >= SENT_BEFORE_THE_CUT and views.position(DayBoard.name) > 0


def calls_per_key(files: Files) -> Counter[str]:
    return Counter(line.split()[1] for line in lines(files.calls))


def all_delivered(clinic: ServicePlan, keys: list[str]) -> bool:
    records = clinic.notices_on(TUESDAY)
    return len(records) == len(keys) and all(r.status is NoticeStatus.DELIVERED for r in records)


def caught_up(clinic: ServicePlan, views: Views) -> bool:
    last = clinic.recorder.max_notification_id() or 0
    return all(views.position(model.name) >= last for model in MODELS)


def delivered_keys(clinic: ServicePlan) -> Counter[str]:
    topic = get_topic(NoticeRecord.Delivered)
    delivered = clinic.recorder.select_notifications(1, 10_000, topics=[topic])
    return Counter(clinic.mapper.to_domain_event(n).receipt.key for n in delivered)


def rebuilt(clinic: ServicePlan) -> list[dict[str, list[tuple[object, ...]]]]:
    """Each read model rebuilt from the whole log, in memory."""
    models = [model(clinic) for model in MODELS]
    catch_up_together(models)
    return [model.dump() for model in models]


def kept(clinic: ServicePlan, views: Views) -> list[dict[str, list[tuple[object, ...]]]]:
    """Each read model as the read-model process left it in its file."""
    return [model(clinic, views).dump() for model in MODELS]


def test_two_workers_deliver_each_notice_once_through_a_power_cut(
    clinic, desk, files, workers, read_models, views
):
    # Given the afternoon booked, each patient owed a notice
    keys = owe_notices(clinic, desk, 0, BEFORE_THE_CUT)
    # when both workers and the read models start together
    running = [*workers.values(), read_models]
    for follower in running:
        follower.start()
    # and the worker on its turn and the read models lose power mid-pass
    wait_while_running(lambda: under_way(files, views), running, TIMEOUT)
    (on_its_turn,) = callers(files)  # the lease let one worker at a time call the gateway
    workers[on_its_turn].kill()
    read_models.kill()
    assert len(lines(files.outbox)) < BEFORE_THE_CUT  # the pass was cut short
    # while the desk goes on owing notices, and then power comes back
    keys += owe_notices(clinic, desk, BEFORE_THE_CUT, DURING_THE_CUT)
    workers[on_its_turn].start()
    read_models.start()
    wait_while_running(lambda: all_delivered(clinic, keys), running, TIMEOUT)
    wait_while_running(lambda: caught_up(clinic, views), running, TIMEOUT)
    read_models.kill()

    # then each notice went out once, was recorded delivered once, and both workers took part
    assert sorted(lines(files.outbox)) == sorted(keys)
    assert delivered_keys(clinic) == dict.fromkeys(keys, 1)
    assert all_delivered(clinic, keys)
    assert callers(files) == set(WORKERS)
    # and the gateway heard of each key once, but the one in flight when the power went
    asked = calls_per_key(files)
    assert set(asked) == set(keys)
    assert sum(asked.values()) - len(keys) <= 1
    # and the read models are what a rebuild from the log makes
    assert kept(clinic, views) == rebuilt(clinic)
