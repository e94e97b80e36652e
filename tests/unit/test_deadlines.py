from datetime import date, datetime, time, timedelta

import pytest

from helpers import CLINIC_ZONE, at
from serviceplan import (
    Channel,
    ContactPoints,
    Level,
    Observation,
    PhoneNumber,
    ServicePlan,
    Settings,
    Topic,
)
from serviceplan.domain.business_days import ClinicCalendar
from serviceplan.domain.deadlines import acknowledge_by, respond_by
from serviceplan.errors import InvalidInput

FIVE = time(17)
WEEKDAYS = ClinicCalendar()
CHRISTMAS = ClinicCalendar(closed={date(2026, 12, 25)})


def local(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=CLINIC_ZONE)


def test_an_incident_opened_in_the_morning_is_acknowledged_by_close_of_business():
    assert acknowledge_by(at(9), CLINIC_ZONE, FIVE, WEEKDAYS) == at(17)


def test_an_incident_opened_after_close_is_acknowledged_the_next_business_day():
    friday_evening = local(12, 4, 18)
    assert acknowledge_by(friday_evening, CLINIC_ZONE, FIVE, WEEKDAYS) == local(12, 7, 17)


def test_an_incident_opened_on_a_saturday_is_acknowledged_on_monday():
    assert acknowledge_by(local(12, 5, 10), CLINIC_ZONE, FIVE, WEEKDAYS) == local(12, 7, 17)


def test_a_day_the_clinic_closes_is_not_a_business_day():
    christmas_eve_evening = local(12, 24, 18)
    assert acknowledge_by(christmas_eve_evening, CLINIC_ZONE, FIVE, CHRISTMAS) == local(12, 28, 17)
    assert acknowledge_by(local(12, 25, 9), CLINIC_ZONE, FIVE, CHRISTMAS) == local(12, 28, 17)


def test_the_next_business_day_skips_weekends_and_closed_days():
    assert CHRISTMAS.next_open_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert WEEKDAYS.next_open_day(date(2026, 12, 24)) == date(2026, 12, 25)


def test_a_calendar_is_made_of_dates_and_weekdays():
    with pytest.raises(InvalidInput):
        ClinicCalendar(closed={datetime(2026, 12, 25, tzinfo=CLINIC_ZONE)})
    with pytest.raises(InvalidInput):
        ClinicCalendar(weekend=set(range(7)))


def test_a_response_is_due_within_seven_days():
    assert respond_by(at(9), 7) == at(9) + timedelta(days=7)


def test_the_clinic_calendar_sets_the_acknowledgement_deadline(store, clock, desk):
    calendar = ClinicCalendar(closed={date(2026, 12, 1)})
    plan = ServicePlan(
        store, clock=clock, settings=Settings(timezone=CLINIC_ZONE, calendar=calendar)
    )
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
    )
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE), need="a bill", by=desk
    )
    assert plan.get_incident(incident).acknowledge_by == local(12, 2, 17)
    plan.close()


def test_an_unacknowledged_incident_is_overdue_after_close_of_business(plan, desk, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE), need="a bill", by=desk
    )
    opened = plan.get_incident(incident)
    assert not opened.is_overdue(at(16))
    assert opened.is_overdue(at(17, 1))

    plan.take_step(incident, "acknowledge", by=desk)
    acknowledged = plan.get_incident(incident)
    assert acknowledged.acknowledged_at == at(7)
    assert not acknowledged.is_overdue(at(17, 1))
    assert acknowledged.is_overdue(at(7) + timedelta(days=7, minutes=1))


def test_a_resolved_incident_is_never_overdue(plan, desk, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE), need="a bill", by=desk
    )
    plan.resolve_incident(incident, outcome="explained", by=desk)
    assert not plan.get_incident(incident).is_overdue(at(7) + timedelta(days=30))
