"""A simulated provider's day on serviceplan's own aggregates: what the library records now.

Bookings, a delay on every other day (reaching the last fifth of the day, revised once), the
delay notices it owes and their deliveries, arrivals, no-shows and cancellations, an incident for
every other visit and a peace offering from stock for one in ten. What happens to each visit
follows from its serial number, so every run plays the same day.

The aggregates are played directly, with the records each command and policy of version 0.2
makes: a booking writes the visit alone (no `ProviderDay`); a delay's notices are `NoticeRecord`s
owed by the rules of the `DelayNotices` policy (patients still to come and not yet here, whose
estimate moved by the material slip since they were last told), each delivered a minute later by
the delivery worker; an incident carries the playbook's proposals; an offering from stock is held
and handed over by the stock policy. Nothing is written to the 0.1 aggregates `ProviderDay` or
`NoticeDay`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
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
    Notice,
    NoticeKind,
    NoticeRecord,
    Observation,
    Offering,
    OfferingKind,
    Patient,
    PhoneNumber,
    ProcessCause,
    Receipt,
    Settings,
    Staff,
    TaskKind,
    Topic,
    Visit,
    notice_key,
)  # fmt: skip
from serviceplan.domain import deadlines, playbook
from serviceplan.domain.cascade import Impact, QueuedVisit, project
from serviceplan.domain.staff import SYSTEM

FIRST_DAY = date(2030, 1, 7)
VISITS_A_DAY = 25
VISIT_LENGTH = 20
DESK = Staff("desk-ana", "front-desk")
MANAGER = Staff("mgr-lee", "manager")
DOCTOR = Staff("dr-patel", "physician")
WORKER = Staff("delivery", SYSTEM)
"""Who records a delivery: the delivery worker."""
FOLLOWER = Staff("serviceplan", SYSTEM)
"""Who records what a policy did (the stock held and handed over)."""
CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.VOICE, Channel.PORTAL)
TASK_NAMESPACE = UUID("3d0c4a57-1f7e-4b0b-9f44-6a1f4b3c2d10")
SETTINGS = Settings()


class Fate(Enum):
    """What becomes of a visit."""

    NO_SHOW = "no-show"
    CANCELLED = "cancelled"
    SEEN = "seen"


def fate_of(serial: int) -> Fate:
    """Seven in a hundred do not show, five cancel, the rest are seen."""
    fate = serial % 100
    if fate < 7:  # noqa: PLR2004 (the no-show rate of a faculty eye clinic)
        return Fate.NO_SHOW
    if fate < 12:  # noqa: PLR2004
        return Fate.CANCELLED
    return Fate.SEEN


def provider_day(provider: str, day: date, serial: int, count: int) -> list[Aggregate]:
    """Play one provider's day: bookings, a delay on every other day, arrivals, incidents."""
    eve = datetime.combine(day - timedelta(days=1), time(17), tzinfo=UTC)
    found: list[Aggregate] = []
    patients, visits = [], []
    for n in range(count):
        patient = _patient(eve)
        start = datetime.combine(day, time(8), tzinfo=UTC) + timedelta(minutes=VISIT_LENGTH * n)
        visit = Visit.book(
            patient_id=patient.id, provider=provider, visit_type="exam", start=start,
            length=VISIT_LENGTH, at=eve, by=DESK,
        )  # fmt: skip
        patients.append(patient)
        visits.append(visit)
        found += [patient, visit]
    fates = {v.id: fate_of(serial + n) for n, v in enumerate(visits)}
    if (serial // VISITS_A_DAY) % 2 == 0 and count > VISITS_A_DAY // 5:
        found += _delay(provider, day, visits, fates)
    for n, (patient, visit) in enumerate(zip(patients, visits, strict=True)):
        found += _visit_goes(serial + n, patient, visit)
    return found


def _patient(at: datetime) -> Patient:
    contact = ContactPoints(PhoneNumber("+15555550100"), EmailAddress("patient@example.org"))
    patient = Patient.register(contact=contact, preferred=Channel.SMS, language="en", at=at,
                               by=DESK)  # fmt: skip
    for channel in CHANNELS:
        patient.give_consent(channel=channel, at=at, by=DESK)
    return patient


def _state_at(visit: Visit, fate: Fate, at: datetime) -> tuple[bool, bool]:
    """Say whether the visit is still to come at `at`, and whether its patient is here."""
    if fate is Fate.CANCELLED:
        return at < _cancelled_at(visit), False
    if fate is Fate.NO_SHOW:
        return at < visit.end, False
    arrived = visit.start - timedelta(minutes=10) <= at
    return at < visit.start, arrived


def _cancelled_at(visit: Visit) -> datetime:
    return visit.start - timedelta(hours=2)


def _delay(
    provider: str, day: date, visits: list[Visit], fates: dict[UUID, Fate]
) -> list[Aggregate]:
    """The provider runs late before the last fifth of the day; the estimate grows once.

    The impact is projected from the visits still to come at each moment, and the notices are
    those the `DelayNotices` policy would owe, each delivered a minute later.
    """
    late_from = visits[-(len(visits) // 5)].start
    at = late_from - timedelta(minutes=30)
    delay = Delay.announce(
        provider=provider, day=day, late_from=late_from, minutes=30, reason="surgery ran over",
        impact=_impact(visits, fates, late_from, 30, at), at=at, by=DESK,
    )  # fmt: skip
    told: dict[UUID, datetime] = {}
    notices = _owed(delay, delay.impact, visits=visits, fates=fates, told=told, at=at)
    revised = at + timedelta(minutes=15)
    delay.revise(
        minutes=45, impact=_impact(visits, fates, late_from, 45, revised), at=revised, by=DESK
    )
    notices += _owed(delay, delay.impact, visits=visits, fates=fates, told=told, at=revised)
    delay.resolve(at=late_from + timedelta(hours=2), by=DESK)
    return [delay, *notices]


def _impact(
    visits: list[Visit], fates: dict[UUID, Fate], late_from: datetime, minutes: int, at: datetime
) -> Impact:
    queue = []
    for visit in visits:
        pending, arrived = _state_at(visit, fates[visit.id], at)
        if pending:
            queue.append(QueuedVisit(visit.id, visit.patient_id, visit.start, visit.length,
                                     arrived))  # fmt: skip
    return project(queue, late_from, minutes)


def _owed(  # noqa: PLR0913 (the delay, its impact now, the day and what was told when)
    delay: Delay,
    impact: Impact,
    *,
    visits: list[Visit],
    fates: dict[UUID, Fate],
    told: dict[UUID, datetime],
    at: datetime,
) -> list[Aggregate]:
    """Owe a notice to each patient whose estimate moved materially; deliver it a minute later."""
    material = timedelta(minutes=SETTINGS.material_slip_minutes)
    estimates = {s.visit_id: s.projected_start for s in impact.slips}
    found: list[Aggregate] = []
    for visit in visits:
        if visit.id not in estimates and visit.id not in told:
            continue
        pending, arrived = _state_at(visit, fates[visit.id], at)
        estimate = estimates.get(visit.id, visit.start)
        if not pending or arrived or abs(estimate - told.get(visit.id, visit.start)) < material:
            continue
        kind = NoticeKind.DELAY if estimate > visit.start else NoticeKind.ON_TIME
        key = notice_key(kind, delay.id, delay.version, visit.id)
        notice = Notice(key, kind, visit.patient_id, Channel.SMS, visit.id, estimate, None,
                        estimate)  # fmt: skip
        record = NoticeRecord.request(notice, at, DESK, follows=delay.id)
        receipt = Receipt(key=key, via="sms-gateway", reference=f"msg-{key[-12:]}")
        record.record_delivery(receipt, at + timedelta(minutes=1), WORKER)
        told[visit.id] = estimate
        found.append(record)
    return found


def _visit_goes(serial: int, patient: Patient, visit: Visit) -> list[Aggregate]:
    """The visit's fate by its serial number; every other patient is upset about something."""
    fate = fate_of(serial)
    if fate is Fate.NO_SHOW:
        visit.no_show(at=visit.end, by=DESK)
    elif fate is Fate.CANCELLED:
        visit.cancel(reason=CancellationReason("pat-crs"), at=_cancelled_at(visit), by=DESK)
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
    incident = Incident.open(
        patient_id=patient.id, visit_id=visit.id, observation=Observation(Level.UPSET, topic),
        need="know what happens next",
        acknowledge_by=deadlines.acknowledge_by(
            at, SETTINGS.timezone, SETTINGS.close_of_business, SETTINGS.calendar
        ),
        respond_by=deadlines.respond_by(at, SETTINGS.respond_within_days), at=at, by=DESK,
    )  # fmt: skip
    _follow_playbook(incident, at)
    incident.observe(observation=Observation(Level.CALM, topic), at=at, by=DESK)
    _follow_playbook(incident, at)
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


def _follow_playbook(incident: Incident, at: datetime) -> None:
    """Record the built-in playbook's proposals for the latest sign, as the desk does."""
    proposals = playbook.next_steps(incident.observations)
    if proposals:
        incident.propose_steps(proposals=proposals, at=at, by=DESK)


def _step(incident: Incident, n: int) -> UUID:
    """A stable step id, so generated days are the same every run."""
    return uuid5(TASK_NAMESPACE, f"{incident.id}/step/{n}")


def _offering(patient: Patient, incident: Incident, at: datetime) -> Offering:
    """A mug from the office's stock: proposed, held, approved, issued and handed over."""
    offering = Offering.propose(
        patient_id=patient.id, incident_id=incident.id, kind=OfferingKind.SWAG,
        value=Money("8.00"), item="mug", at=at, by=DESK,
    )  # fmt: skip
    patient.enter_offering(offering.id, offering.value, at, SETTINGS.offering_limits)
    offering.hold_stock(f"hold-{offering.id.hex[:12]}", at, FOLLOWER)
    offering.approve(check=None, at=at, by=MANAGER)
    offering.issue(at=at, by=DESK)
    offering.record_stock_issued(at, FOLLOWER)
    return offering
