"""A simulated clinic day that shows the backup plan at work, on a real SQLite file.

Dr. Patel is back late from surgery; the delay cascades down her morning; the desk gets its call
list; the estimate is revised; a patient upset about a bill is heard, helped, and given a small
peace offering because the office made the mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    EmailAddress,
    Fault,
    FixedClock,
    Level,
    Money,
    Observation,
    OfferingKind,
    PhoneNumber,
    ProcessCause,
    ServicePlan,
    Settings,
    Staff,
    TaskKind,
    Topic,
    sqlite_store,
)

CLINIC_ZONE = ZoneInfo("America/New_York")
DAY = datetime(2026, 12, 1, tzinfo=CLINIC_ZONE)
DESK = Staff("desk-ana", "front-desk")
MANAGER = Staff("mgr-lee", "manager")
MORNING = [(8, 0, 30), (8, 30, 20), (8, 50, 60), (9, 50, 20), (10, 10, 30), (11, 30, 15)]
VISIT_TYPES = ["exam", "follow-up", "cataract-preop", "dilated-exam", "visual-field", "follow-up"]

Say = Callable[[str], None]


def at(hour: int, minute: int = 0) -> datetime:
    """Return a time on the demo day, in the clinic's zone."""
    return datetime.combine(DAY.date(), time(hour, minute), tzinfo=CLINIC_ZONE)


def run(db: Path, say: Say = print) -> ServicePlan:
    """Play the demo day into a fresh SQLite file at `db` and narrate it with `say`."""
    db.parent.mkdir(parents=True, exist_ok=True)
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()
    clock = FixedClock(at(7, 0))
    plan = ServicePlan(sqlite_store(db), clock=clock, settings=Settings(timezone=CLINIC_ZONE))
    say(f"serviceplan demo: a morning at the eye clinic, recorded in {db}")
    patients = _register(plan)
    visits = _book_morning(plan, patients)
    _delay(plan, clock, visits, say)
    _upset_about_a_bill(plan, clock, patients[1], say)
    say(f"\n{plan.event_count} events recorded; every one can be replayed.")
    return plan


def _register(plan: ServicePlan) -> list[UUID]:
    ids = []
    for n in range(len(MORNING)):
        contact = ContactPoints(
            PhoneNumber(f"+1555555{n:04d}"), EmailAddress(f"patient{n}@example.org")
        )
        pid = plan.register_patient(contact=contact, preferred=Channel.SMS, by=DESK)
        plan.give_consent(pid, Channel.SMS, by=DESK)
        ids.append(pid)
    return ids


def _book_morning(plan: ServicePlan, patients: list[UUID]) -> list[UUID]:
    return [
        plan.book_visit(
            pid, provider="dr-patel", visit_type=kind, start=at(h, m), length=length, by=DESK
        )
        for pid, kind, (h, m, length) in zip(patients, VISIT_TYPES, MORNING, strict=True)
    ]


def _delay(plan: ServicePlan, clock: FixedClock, visits: list[UUID], say: Say) -> None:
    clock.set(at(8, 0))
    plan.check_in(visits[0], by=DESK)
    say("\n08:00  Dr. Patel's surgery ran over: she will be 45 minutes late.")
    delay_id = plan.announce_delay(
        provider="dr-patel", late_from=at(8, 0), minutes=45, reason="surgery ran over", by=DESK
    )
    _call_list(plan, delay_id, say)
    clock.set(at(9, 0))
    say("\n09:00  The estimate grows to 60 minutes.")
    plan.revise_delay(delay_id, minutes=60, by=DESK)
    _call_list(plan, delay_id, say)
    moved = plan.reschedule_visit(
        visits[3], start=at(13, 0), reason=CancellationReason("prov-hosp"), by=DESK
    )
    say(f"09:05  The 9:50 patient chose to come back at 13:00 (new visit {str(moved)[:8]}).")
    clock.set(at(9, 5))
    plan.start_visit(visits[0], by=DESK)
    clock.set(at(9, 30))
    plan.complete_visit(visits[0], by=DESK)
    clock.set(at(11, 45))
    plan.resolve_delay(delay_id, by=DESK)
    say("11:45  Dr. Patel is back on schedule; the delay is resolved.")


def _call_list(plan: ServicePlan, delay_id: UUID, say: Say) -> None:
    delay = plan.get_delay(delay_id)
    say(f"       {len(delay.impact)} visits slip; the desk's call list, earliest first:")
    for slip in delay.impact.slips:
        booked = slip.booked_start.strftime("%H:%M")
        projected = slip.projected_start.strftime("%H:%M")
        say(f"         booked {booked} -> now about {projected} (+{slip.minutes} min)")


def _upset_about_a_bill(plan: ServicePlan, clock: FixedClock, patient: UUID, say: Say) -> None:
    clock.set(at(12, 15))
    say("\n12:15  A patient at the desk is upset about a balance on their bill.")
    incident = plan.open_incident(
        patient,
        observation=Observation(Level.UPSET, Topic.BALANCE),
        need="understand an unexpected balance",
        by=DESK,
    )
    plan.take_step(incident, "acknowledge", by=DESK)
    plan.take_step(incident, "say-what-we-will-do", by=DESK)
    task = plan.open_task(
        incident, kind=TaskKind.RESEARCH_BILL, owner="billing-sam", due=at(16, 0), by=DESK
    )
    say("       Acknowledged; the desk said what it will do; billing researches the bill by 16:00.")
    clock.set(at(14, 0))
    plan.finish_task(incident, task, outcome="posted to the wrong visit; corrected", by=DESK)
    plan.set_cause(incident, ProcessCause.BILLING, by=DESK)
    plan.determine_fault(incident, Fault.OFFICE, by=MANAGER)
    say("14:00  Billing found the charge posted to the wrong visit: the office's fault.")
    offering = plan.propose_offering(
        incident, kind=OfferingKind.SWAG, value=Money("8.00"), item="mug", by=DESK
    )
    plan.approve_offering(offering, by=MANAGER)
    plan.issue_offering(offering, by=DESK)
    total = plan.get_patient(patient).offerings_total(clock())
    say(f"       A clinic mug ($8.00) as a peace offering; this year's total: ${total.amount}.")
    plan.resolve_incident(incident, outcome="balance corrected; patient thanked us", by=DESK)
    say("       Incident resolved and recorded, with the process cause: billing.")
