from datetime import datetime, timedelta

from helpers import CLINIC_ZONE, at
from serviceplan import Level, Observation, Settings, Topic
from serviceplan.app.deadlines import acknowledge_by, respond_by

CLINIC = Settings(timezone=CLINIC_ZONE)


def test_an_incident_opened_in_the_morning_is_acknowledged_by_close_of_business():
    assert acknowledge_by(at(9), CLINIC) == at(17)


def test_an_incident_opened_after_close_is_acknowledged_the_next_business_day():
    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=CLINIC_ZONE)
    assert acknowledge_by(friday_evening, CLINIC) == datetime(
        2026, 12, 7, 17, 0, tzinfo=CLINIC_ZONE
    )


def test_a_response_is_due_within_seven_days():
    assert respond_by(at(9), CLINIC) == at(9) + timedelta(days=7)


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
