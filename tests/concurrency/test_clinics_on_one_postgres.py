"""Several clinics on one PostgreSQL database, each in a schema of its own: their records,
follower positions, indexes and delivery leases never mix."""

from __future__ import annotations

from uuid import uuid4

import pytest
from psycopg import sql

from helpers import CLINIC_ZONE, DAY, at
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
from serviceplan.delivery import DeliveryWorker, Tally, lease_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_clinics(postgres_database):
    """North and South: one database, a schema each."""
    names = [f"clinic_{tag}_{uuid4().hex[:8]}" for tag in ("north", "south")]
    with postgres_database.server.connect(postgres_database.name) as conn:
        for name in names:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    settings = Settings(timezone=CLINIC_ZONE)
    stores = [{**postgres_database.store(), "POSTGRES_SCHEMA": name} for name in names]
    plans = [
        ServicePlan(store, clock=FixedClock(at(7)), settings=settings, entry_points=False)
        for store in stores
    ]
    yield plans
    for plan in plans:
        plan.close()


def morning(plan, desk, phone):
    """A patient who takes texts, booked with Dr. Patel at 9:00, and a delay over it."""
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber(phone)), preferred=Channel.SMS, by=desk
    )
    plan.give_consent(patient, Channel.SMS, by=desk)
    visit = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk)
    plan.announce_delay(provider="dr-patel", late_from=at(9), minutes=30, reason="late", by=desk)
    return patient, visit


def test_two_clinics_in_one_database_keep_their_own_days(two_clinics, desk):
    north, south = two_clinics
    north_patient, north_visit = morning(north, desk, "+15555550101")
    south_patient, _ = morning(south, desk, "+15555550202")

    assert [v.id for v in north.visits_of("dr-patel", DAY)] == [north_visit]
    assert [r.notice.patient_id for r in north.notices_on(DAY)] == [north_patient]
    assert [r.notice.patient_id for r in south.notices_on(DAY)] == [south_patient]
    assert len(north.open_delays("dr-patel", DAY)) == len(south.open_delays("dr-patel", DAY)) == 1


def test_each_clinic_has_its_own_delivery_lease_and_positions(two_clinics, desk):
    north, south = two_clinics
    morning(north, desk, "+15555550101")
    morning(south, desk, "+15555550202")
    north_lease, south_lease = lease_for(north), lease_for(south)
    try:
        assert north_lease.acquire()
        assert south_lease.acquire()  # the other clinic's worker is not kept waiting
    finally:
        north_lease.close()
        south_lease.close()

    assert DeliveryWorker(north).run_once(at(9, 5)) == Tally(delivered=1)
    assert DeliveryWorker(south).run_once(at(9, 5)) == Tally(delivered=1)
    for plan in (north, south):
        [record] = plan.notices_on(DAY)
        assert record.status is NoticeStatus.DELIVERED
        assert record.notice.kind is NoticeKind.DELAY
        assert DeliveryWorker(plan).run_once(at(9, 6)) == Tally()
