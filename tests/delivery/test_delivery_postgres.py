"""On PostgreSQL too, a notice is delivered once and the follower's position is kept."""

from __future__ import annotations

import os
from collections.abc import Iterator
from uuid import uuid4

import pytest
from tuesday import ZONE, at

from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    NoticeKind,
    NoticeStatus,
    PhoneNumber,
    ServicePlan,
    Settings,
)
from serviceplan.delivery import DeliveryWorker, Tally

pytestmark = pytest.mark.postgres
psycopg = pytest.importorskip("psycopg")
SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "autocommit": True}


@pytest.fixture
def postgres_env() -> Iterator[dict[str, str]]:
    """A database of its own for this test, dropped after it."""
    name = f"serviceplan_delivery_{uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(dbname="postgres", connect_timeout=5, **SERVER)
    except psycopg.OperationalError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": name,
                "POSTGRES_HOST": "127.0.0.1",
                "POSTGRES_PORT": "5432",
                "POSTGRES_USER": "postgres",
                "POSTGRES_PASSWORD": "",
            }
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_notice_goes_out_once_from_postgres(postgres_env, desk):
    plan = ServicePlan(
        postgres_env, clock=FixedClock(at(10)), settings=Settings(timezone=ZONE),
        entry_points=False,
    )  # fmt: skip
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
    )
    plan.give_consent(patient, Channel.SMS, by=desk)
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=at(14, 45), by=desk)
    assert DeliveryWorker(plan).run_once() == Tally(delivered=1)
    assert DeliveryWorker(plan).run_once() == Tally()
    assert plan.get_notice(key).status is NoticeStatus.DELIVERED
    plan.close()
