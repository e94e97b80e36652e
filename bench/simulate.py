"""A simulated provider's day on serviceplan's own aggregates: about 15 events a visit.

Bookings, a delay on every other day (reaching the last fifth of the day, revised once), arrivals,
no-shows and cancellations, an incident for every other visit and a peace offering for one in ten.
What happens to each visit follows from its serial number, so every run plays the same day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    Delay,
    EmailAddress,
    Fault,
    Incident,
    Level,
    Money,
    Observation,
    Offering,
    OfferingKind,
    Patient,
    PhoneNumber,
    ProcessCause,
    Staff,
    TaskKind,
    Topic,
    Visit,
)  # fmt: skip
from serviceplan.domain.cascade import QueuedVisit, project
from serviceplan.domain.provider_day import ProviderDay

FIRST_DAY = date(2030, 1, 7)
VISITS_A_DAY = 25
VISIT_LENGTH = 20
DESK = Staff("desk-ana", "front-desk")
MANAGER = Staff("mgr-lee", "manager")
DOCTOR = Staff("dr-patel", "physician")
CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.VOICE, Channel.PORTAL)
TASK_NAMESPACE = UUID("3d0c4a57-1f7e-4b0b-9f44-6a1f4b3c2d10")


def provider_day(provider: str, day: date, serial: int, count: int) -> list[Aggregate]:
    """Play one provider's day: bookings, a delay on every other day, arrivals, incidents."""
    eve = datetime.combine(day - timedelta(days=1), time(17), tzinfo=UTC)
    index = ProviderDay(provider=provider, day=day)
    found: list[Aggregate] = [index]
    patients, visits = [], []
    for n in range(count):
        patient = _patient(eve)
        start = datetime.combine(day, time(8), tzinfo=UTC) + timedelta(minutes=VISIT_LENGTH * n)
        visit = Visit(
            patient_id=patient.id, provider=provider, visit_type="exam", start=start,
            length=VISIT_LENGTH, at=eve, by=DESK, rescheduled_from=None,
        )  # fmt: skip
        index.add_visit(visit.id)
        patients.append(patient)
        visits.append(visit)
        found += [patient, visit]
    if (serial // VISITS_A_DAY) % 2 == 0 and count > VISITS_A_DAY // 5:
        found.append(_delay(provider, day, visits))
    for n, (patient, visit) in enumerate(zip(patients, visits, strict=True)):
        found += _visit_goes(serial + n, patient, visit)
    return found


def _patient(at: datetime) -> Patient:
    contact = ContactPoints(PhoneNumber("+15555550100"), EmailAddress("patient@example.org"))
    patient = Patient(contact=contact, preferred=Channel.SMS, language="en", at=at, by=DESK)
    for channel in CHANNELS:
        patient.give_consent(channel=channel, at=at, by=DESK)
    return patient


def _delay(provider: str, day: date, visits: list[Visit]) -> Delay:
    """The provider runs late before the last fifth of the day; the estimate grows once."""
    late_from = visits[-(len(visits) // 5)].start
    queue = [QueuedVisit(v.id, v.patient_id, v.start, v.length) for v in visits]
    at = late_from - timedelta(minutes=30)
    delay = Delay(
        provider=provider, day=day, late_from=late_from, minutes=30, reason="surgery ran over",
        impact=project(queue, late_from, 30), at=at, by=DESK,
    )  # fmt: skip
    delay.revise(minutes=45, impact=project(queue, late_from, 45), at=at, by=DESK)
    delay.resolve(at=late_from + timedelta(hours=2), by=DESK)
    return delay


def _visit_goes(serial: int, patient: Patient, visit: Visit) -> list[Aggregate]:
    """Seven in a hundred do not show, five cancel, the rest are seen; every other one is upset."""
    fate = serial % 100
    if fate < 7:  # noqa: PLR2004 (the no-show rate of a faculty eye clinic)
        visit.no_show(at=visit.end, by=DESK)
    elif fate < 12:  # noqa: PLR2004
        visit.cancel(
            reason=CancellationReason("pat-crs"), at=visit.start - timedelta(hours=2), by=DESK
        )
    else:
        visit.check_in(at=visit.start - timedelta(minutes=10), by=DESK)
        visit.begin(at=visit.start, by=DOCTOR)
        visit.complete(at=visit.end, by=DOCTOR)
    if serial % 2:
        return []
    incident = _incident(serial, patient, visit)
    if serial % 10:
        return [incident]
    return [incident, _offering(patient, incident, visit.end)]


def _incident(serial: int, patient: Patient, visit: Visit) -> Incident:
    at = visit.start
    topic = (Topic.WAIT, Topic.BALANCE, Topic.INSURANCE)[serial % 3]
    incident = Incident(
        patient_id=patient.id, visit_id=visit.id, observation=Observation(Level.UPSET, topic),
        need="know what happens next", acknowledge_by=at + timedelta(hours=8),
        respond_by=at + timedelta(days=7), at=at, by=DESK,
    )  # fmt: skip
    incident.observe(observation=Observation(Level.CALM, topic), at=at, by=DESK)
    incident.take_step(step_id=_step(incident, 1), step="acknowledge", check=None, at=at, by=DESK)
    incident.take_step(
        step_id=_step(incident, 2), step="say-what-we-will-do", check=None, at=at, by=DESK
    )
    task_id = uuid5(TASK_NAMESPACE, str(incident.id))
    due = at + timedelta(days=2)
    incident.open_task(
        task_id=task_id, kind=TaskKind.CALL_BACK, owner="billing-sam", due=due, at=at, by=DESK
    )
    incident.finish_task(task_id=task_id, outcome="called back; sorted", at=due, by=DESK)
    incident.set_cause(cause=ProcessCause.WAIT, at=due, by=MANAGER)
    fault = Fault.OFFICE if serial % 10 == 0 else Fault.NONE
    incident.determine_fault(fault=fault, at=due, by=MANAGER)
    incident.take_step(
        step_id=_step(incident, 3), step="thank-the-patient", check=None, at=due, by=DESK
    )
    incident.resolve(outcome="patient satisfied", at=due, by=DESK)
    return incident


def _step(incident: Incident, n: int) -> UUID:
    """A stable step id, so generated days are the same every run."""
    return uuid5(TASK_NAMESPACE, f"{incident.id}/step/{n}")


def _offering(patient: Patient, incident: Incident, at: datetime) -> Offering:
    offering = Offering(
        patient_id=patient.id, incident_id=incident.id, kind=OfferingKind.SWAG,
        value=Money("8.00"), item="mug", at=at, by=DESK,
    )  # fmt: skip
    patient.enter_offering(offering_id=offering.id, value=offering.value, at=at)
    offering.approve(check=None, at=at, by=MANAGER)
    offering.issue(at=at, by=DESK)
    return offering
