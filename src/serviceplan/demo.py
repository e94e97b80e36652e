"""A simulated clinic day that shows the backup plan at work, on a real SQLite file.

The morning is booked the day before, a long pre-op work-up among it. Dr. Patel is back late from
surgery; the delay cascades down her morning and the desk gets its call list; the estimate is
revised; two patients move their visits, one to the first slot of the next morning with a mug for
the trouble, and the time that frees goes to a patient on the waitlist, who takes it by text. A
patient's insurer problem is solved on a three-way call, a patient upset about a
balance is heard and helped, and a call-back is left open for the next morning. The same seed
gives the same day, word for word.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from serviceplan import (
    CancellationReason,
    Channel,
    Fault,
    FixedClock,
    Level,
    Money,
    Observation,
    OfferingKind,
    OfferRules,
    ProcessCause,
    ServicePlan,
    Settings,
    Staff,
    TaskKind,
    Topic,
    Wants,
    patient_id_for,
    sqlite_store,
    with_stand_ins,
)
from serviceplan.delivery import DeliveryWorker
from serviceplan.demo_clinic import (
    CLINIC_ZONE,
    DAY,
    DESK,
    MANAGER,
    PATEL,
    Booking,
    Routine,
    at,
    morning,
    register,
)
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.errors import NotAStore
from serviceplan.read import DayBoard, Views
from serviceplan.store.files import (
    check_store_file,
    first_aggregate,
    has_table,
    private_folder,
    stored_events,
)

__all__ = ["DAY", "run"]

DEMO_MARK = "serviceplan_demo"
"""A table in the demo's store, so that the demo replaces its own files and nothing else."""
LEFTOVERS = ("", "-wal", "-shm", "-journal", ".delivery-lock")
Say = Callable[[str], None]
Visits = dict[str, list[tuple[UUID, UUID, Booking]]]
OFFICE_REASON = CancellationReason("prov-hosp")
WAITING = 1090
"""The chart number of the patient on the waitlist."""
SETTINGS = Settings(timezone=CLINIC_ZONE, offers=OfferRules(last_call=20))
"""The demo clinic's patients on the list live close by: a time is offered until 20 minutes
before it starts."""
INBOUND = Staff("sms-inbound", "system")
ALL_YES = EmpowermentCheck(good_for_patient=True, good_for_practice=True, can_take_care_of_it=True)


def run(db: Path, say: Say = print, *, seed: int = 1) -> ServicePlan:
    """Play the demo day into a fresh SQLite file at `db` and narrate it with `say`.

    A file the demo made before is replaced; any other file is refused (`NotAStore`) and left
    as it was, so a mistyped `--db` never costs a clinic its store.
    """
    clear(db)
    rng = random.Random(seed)  # noqa: S311 (a story's dice, not a secret)
    clock = FixedClock(at(16, 0, days=-1))
    # The demo clinic has no real channels, scheduler or stock: it chooses the stand-ins.
    plan = ServicePlan(with_stand_ins(sqlite_store(db)), clock=clock, settings=SETTINGS)
    with closing(sqlite3.connect(db)) as marked:
        marked.execute(f"CREATE TABLE {DEMO_MARK} (seed INTEGER)")
        marked.execute(f"INSERT INTO {DEMO_MARK} VALUES (?)", (seed,))  # noqa: S608 (our constant)
        marked.commit()
    say(f"serviceplan demo, seed {seed}: a day at the eye clinic, recorded in {db}")
    visits = _the_day_before(plan, rng, say)
    waiting = _on_the_waitlist(plan, say)
    _send(plan, say)
    routine = Routine(plan, clock)
    _on_time(routine, visits, rng)
    board = DayBoard(plan, Views.beside(plan))
    _late_surgeon(plan, routine, visits, board, waiting, rng, say)
    insurer = _insurer_calls(plan, routine, visits["dr-okafor"][0][1], rng, say)
    balance = _balance_heard(plan, routine, visits["tech-rivera"][0][1], say)
    insurer = (insurer[0], _three_way_call(plan, routine, insurer, say))
    _balance_put_right(plan, routine, balance, rng, say)
    _insurer_solved(plan, routine, insurer, say)
    _call_back(plan, routine, visits["tech-rivera"][-1][1], say)
    routine.until(at(17, 30))
    _send(plan, say)
    say(f"\n17:30  The day is over: {plan.event_count} events recorded; every one can be replayed.")
    return plan


def clear(db: Path) -> None:
    """Remove a store the demo made before, with the files beside it; refuse any other file."""
    if db.exists() or db.is_symlink():
        check_store_file(db)
        if stored_events(db) and not made_by_the_demo(db):
            msg = f"{db} holds a store the demo did not make: give the demo a file of its own"
            raise NotAStore(msg)
    private_folder(db.parent)
    for suffix in LEFTOVERS:
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def made_by_the_demo(db: Path) -> bool:
    """Say whether the store at `db` is a demo day's: marked so, or begun by a demo patient.

    Demo days recorded before the mark begin with a patient registered by a demo chart number.
    """
    if has_table(db, DEMO_MARK):
        return True
    first = first_aggregate(db)
    demo_patients = {patient_id_for(f"chart-{n}") for n in range(1000, 1100)}
    try:
        return first is not None and UUID(first) in demo_patients
    except ValueError:
        return False


def _the_day_before(plan: ServicePlan, rng: random.Random, say: Say) -> Visits:
    visits: Visits = {}
    for number, booking in enumerate(morning(rng), start=1001):
        pid = register(plan, number)
        vid = plan.book_visit(
            pid, provider=booking.provider, visit_type=booking.visit_type,
            start=booking.start, length=booking.length, by=DESK,
        )  # fmt: skip
        visits.setdefault(booking.provider, []).append((vid, pid, booking))
    count = sum(len(v) for v in visits.values())
    say(f"\nMonday 16:00  The desk books Tuesday: {len(visits)} providers, {count} visits.")
    say("       Dr. Patel's 8:50 is a 60-minute pre-op work-up, the longest of the morning;")
    say("       it is on the board a day ahead, so nobody is surprised when it runs long.")
    return visits


def _on_the_waitlist(plan: ServicePlan, say: Say) -> UUID:
    """A patient who would take a dilated exam with Dr. Patel on Tuesday, any time it frees up."""
    patient = register(plan, WAITING)
    wants = Wants(visit_type="dilated-exam", first_day=DAY.date(), last_day=DAY.date(),
                  provider=PATEL)  # fmt: skip
    plan.join_waitlist(patient, wants=wants, by=DESK)
    say("       One patient is on the waitlist for a dilated exam with Dr. Patel on Tuesday.")
    return patient


def _on_time(routine: Routine, visits: Visits, rng: random.Random) -> None:
    """Dr. Okafor and the visual-field room run on time; one of Dr. Okafor's patients is absent."""
    absent = rng.randrange(1, len(visits["dr-okafor"]))
    for provider, booked in visits.items():
        if provider == PATEL:
            continue
        queue = [(v, b.start, b.length) for n, (v, _, b) in enumerate(booked) if n != absent or
                 provider != "dr-okafor"]  # fmt: skip
        routine.run_queue(queue, at(8, 0))
    no_show, _, booking = visits["dr-okafor"][absent]
    routine.add(booking.start + _minutes(20), lambda: routine.plan.mark_no_show(no_show, by=DESK))
    first = visits[PATEL][0][0]
    routine.add(at(7, 50), lambda: routine.plan.check_in(first, by=DESK))


def _late_surgeon(  # noqa: PLR0913, PLR0917 (the story's cast)
    plan: ServicePlan,
    routine: Routine,
    visits: Visits,
    board: DayBoard,
    waiting: UUID,
    rng: random.Random,
    say: Say,
) -> None:
    routine.until(at(8, 0))
    say("\n08:00  Dr. Patel's surgery ran over: she will be 45 minutes late.")
    delay = plan.announce_delay(
        provider=PATEL, late_from=at(8, 0), minutes=45, reason="surgery ran over", by=DESK
    )
    _call_list(board, say)
    _send(plan, say)
    routine.until(at(9, 0))
    say("\n09:00  The estimate grows to 60 minutes.")
    plan.revise_delay(delay, minutes=60, by=DESK)
    _call_list(board, say)
    _send(plan, say)
    patel = visits[PATEL]
    routine.run_queue([(v, b.start, b.length) for v, _, b in patel[:3]], at(9, 0))
    routine.until(at(9, 5))
    _first_slot_with_a_mug(plan, routine, patel[3][0], patel[3][1], say)
    filled = _taken_by_text(plan, routine, waiting, say)
    routine.until(at(9, 20))
    afternoon = at(13, rng.choice([0, 30]))
    moved = plan.reschedule_visit(patel[4][0], start=afternoon, reason=OFFICE_REASON, by=DESK)
    say(f"09:20  The 10:10 patient would rather come back this afternoon, at {afternoon:%H:%M}.")
    say("       A visual field test is long: the new time is owed a preparation notice, but")
    say("       they had their text for today, so the desk tells them what to expect now.")
    _send(plan, say)
    rest = [(patel[5][0], patel[5][2].start, patel[5][2].length), (filled, at(9, 50), 20)]
    routine.run_queue([*rest, (moved, afternoon, patel[4][2].length)], at(10, 50))
    routine.until(at(11, 10))
    plan.resolve_delay(delay, by=DESK)
    say("\n11:10  The pre-op work-up and the dilated exam from the waitlist are done, and Dr.")
    say("       Patel has caught up: the 11:30 starts on time. The delay is resolved.")


def _call_list(board: DayBoard, say: Say) -> None:
    board.catch_up()
    (patel,) = board.day(DAY.date(), PATEL)
    slipping = [r for r in patel.rows if r.delay_minutes]
    here = len([r for r in slipping if not r.to_call])
    say(f"       {len(slipping)} visits slip. Already here, told at the desk: {here}.")
    say("       The desk's call list, earliest first:")
    for row in patel.call_list:
        booked, expected = f"{row.booked_start:%H:%M}", f"{row.expected_start:%H:%M}"
        say(f"         {row.phone}  booked {booked} -> about {expected} (+{row.delay_minutes} min)")


def _send(plan: ServicePlan, say: Say) -> None:
    """Run the delivery follower once and say what became of the notices owed."""
    tally = DeliveryWorker(plan).run_once()
    say(
        f"       Texts: {tally.delivered} sent, {tally.waiting} waiting (no texts before 9:00, "
        f"at most one a day), {tally.given_up} handed to the desk."
    )
    if tally.dropped:
        say(f"       {tally.dropped} texts dropped unsent: the time they named no longer holds.")


def _first_slot_with_a_mug(
    plan: ServicePlan, routine: Routine, visit: UUID, patient: UUID, say: Say
) -> None:
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), visit_id=visit,
        need="a visit that does not take the whole morning", by=DESK,
    )  # fmt: skip
    routine.later(2)
    plan.take_step(incident, "acknowledge", by=DESK)
    routine.later(3)
    plan.set_cause(incident, ProcessCause.WAIT, by=DESK)
    plan.determine_fault(incident, Fault.OFFICE, by=MANAGER)
    plan.move_to_first_slot(visit, incident_id=incident, reason=OFFICE_REASON, by=DESK)
    routine.later(5)
    mug = plan.propose_offering(
        incident, kind=OfferingKind.SWAG, value=Money("8.00"), item="mug", by=DESK
    )
    plan.approve_offering(mug, by=DESK, check=ALL_YES)  # within the desk's own $10 limit
    plan.issue_offering(mug, by=DESK)
    routine.later(2)
    plan.resolve_incident(incident, outcome="moved to the first slot tomorrow; mug sent", by=DESK)
    say("\n09:05  The 9:50 patient, upset at losing the morning, is heard first and takes")
    say("       tomorrow's first slot at 8:00, booked through the scheduler, with a clinic mug")
    say("       ($8.00) for the trouble: the office's fault, so a peace offering within the")
    say("       limits. Good for the patient, the practice, and hers to handle: the desk")
    say("       approves it herself (three yeses, within her $10 limit).")


def _taken_by_text(plan: ServicePlan, routine: Routine, patient: UUID, say: Say) -> UUID:
    """The 9:50 freed by the move is texted to the patient on the list, who answers yes."""
    [opening] = plan.open_openings()
    _send(plan, say)
    routine.later(1)
    plan.receive_reply(
        patient, channel=Channel.SMS, words="Yes please", reference="demo-reply-1", by=INBOUND
    )
    filled = plan.get_opening(opening.id).filled_with
    assert filled is not None  # noqa: S101 (the story's own check: nobody else was offered it)
    say(f"{routine.clock():%H:%M}  The 9:50 it freed goes to the waitlist at once: the patient")
    say('       waiting for a dilated exam is texted the offer, answers "Yes please", and is')
    say("       booked at 9:50 through the scheduler; the record keeps the offer, the reply and")
    say("       the booking. Dr. Patel will see them when she reaches that time.")
    _send(plan, say)
    return filled


def _insurer_calls(
    plan: ServicePlan, routine: Routine, patient: UUID, rng: random.Random, say: Say
) -> tuple[UUID, UUID]:
    routine.until(at(11, rng.choice([5, 10, 15])))
    say(f"\n{plan.clock():%H:%M}  A patient is upset: the insurer refused the claim for a visit.")
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.INSURANCE),
        need="get the visit covered as promised", by=DESK,
    )  # fmt: skip
    routine.later(3)
    plan.take_step(incident, "acknowledge", by=DESK)
    plan.take_step(incident, "say-what-we-will-do", by=DESK)
    call = plan.open_task(
        incident, kind=TaskKind.CALL_INSURER, owner="billing-sam", due=at(13, 0), by=DESK
    )
    say("       Acknowledged; billing will call the insurer on the patient's behalf by 13:00.")
    return incident, call


def _three_way_call(
    plan: ServicePlan, routine: Routine, errand: tuple[UUID, UUID], say: Say
) -> UUID:
    incident, call = errand
    routine.until(at(12, 50))
    plan.finish_task(incident, call, outcome="claim sent with an outdated member id", by=DESK)
    say(
        "\n12:50  The claim went out with an outdated member id; a three-way call is set for 14:30."
    )
    return plan.open_task(
        incident, kind=TaskKind.THREE_WAY_CALL, owner="billing-sam", due=at(15, 0), by=DESK
    )


def _insurer_solved(
    plan: ServicePlan, routine: Routine, errand: tuple[UUID, UUID], say: Say
) -> None:
    incident, three_way = errand
    routine.until(at(14, 30))
    plan.finish_task(incident, three_way, outcome="insurer reprocessed the claim", by=DESK)
    plan.set_cause(incident, ProcessCause.PAYER, by=DESK)
    plan.determine_fault(incident, Fault.PAYER, by=MANAGER)
    plan.resolve_incident(incident, outcome="claim reprocessed while on the call", by=DESK)
    say("\n14:30  On the three-way call the insurer reprocesses the claim: resolved, cause payer.")


def _balance_heard(
    plan: ServicePlan, routine: Routine, patient: UUID, say: Say
) -> tuple[UUID, UUID]:
    routine.until(at(12, 15))
    say("\n12:15  A patient at the desk is upset about a balance on their bill.")
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE),
        need="understand an unexpected balance", by=DESK,
    )  # fmt: skip
    routine.later(1)
    plan.take_step(incident, "acknowledge", by=DESK)
    task = plan.open_task(
        incident, kind=TaskKind.RESEARCH_BILL, owner="billing-sam", due=at(16, 0), by=DESK
    )
    say("       Acknowledged; billing researches the bill by 16:00.")
    return incident, task


def _balance_put_right(
    plan: ServicePlan, routine: Routine, errand: tuple[UUID, UUID], rng: random.Random, say: Say
) -> None:
    incident, task = errand
    routine.until(at(14, 0))
    plan.finish_task(incident, task, outcome="posted to the wrong visit; corrected", by=DESK)
    plan.set_cause(incident, ProcessCause.BILLING, by=DESK)
    plan.determine_fault(incident, Fault.OFFICE, by=MANAGER)
    value = Money(f"{rng.choice([10, 12, 15])}.00")
    card = plan.propose_offering(
        incident, kind=OfferingKind.RESTAURANT_GIFT_CARD, value=value, item="cafe-card", by=DESK
    )
    plan.approve_offering(card, by=MANAGER)
    plan.issue_offering(card, by=DESK)
    plan.resolve_incident(incident, outcome="balance corrected; patient thanked us", by=DESK)
    say("\n14:00  The charge was posted to the wrong visit: the office's fault. Corrected, with")
    say(f"       a ${value.amount} card for the cafe next door. Resolved, cause billing.")


def _call_back(plan: ServicePlan, routine: Routine, patient: UUID, say: Say) -> None:
    routine.until(at(15, 40))
    incident = plan.open_incident(
        patient, observation=Observation(Level.CALM, Topic.SCHEDULING),
        need="a clear confirmation of the next appointment", by=DESK,
    )  # fmt: skip
    routine.later(4)
    plan.take_step(incident, "acknowledge", by=DESK)
    plan.set_cause(incident, ProcessCause.COMMUNICATION, by=DESK)
    plan.open_task(
        incident, kind=TaskKind.CALL_BACK, owner="desk-ana", due=at(10, 0, days=1), by=DESK
    )
    say("\n15:40  A patient's reminder named the wrong day; the desk will call back by 10:00")
    say("       tomorrow. The incident stays open overnight, on the manager's list.")


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)
