"""On PostgreSQL the followers poll the notification log just as they do on SQLite."""

from __future__ import annotations

import os
from uuid import uuid4

import pytest

from helpers import CLINIC_ZONE, DAY, at
from serviceplan import Channel, ContactPoints, FixedClock, PhoneNumber, ServicePlan, Settings
from serviceplan.read import DayBoard, Views

psycopg = pytest.importorskip("psycopg")
pytestmark = pytest.mark.postgres
SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


@pytest.fixture
def database():
    """A database of our own on the shared server, dropped afterwards."""
    name = f"sp_read_{uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    admin.execute(f"CREATE DATABASE {name}")
    yield name
    admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


def test_the_board_catches_up_from_a_postgres_store(database, desk):
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": database,
        "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "5432", "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "",
    }  # fmt: skip
    plan = ServicePlan(env, clock=FixedClock(at(7)), settings=Settings(timezone=CLINIC_ZONE))
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
    )
    plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(8), length=30, by=desk
    )
    board = DayBoard(plan, Views.beside(plan))
    assert board.catch_up() == 1  # the booking (the board reads no registration)
    plan.announce_delay(provider="dr-patel", late_from=at(8), minutes=20, reason="late", by=desk)

    assert board.catch_up() == 1
    (section,) = board.day(DAY)
    assert section.rows[0].delay_minutes == 20
    plan.close()
