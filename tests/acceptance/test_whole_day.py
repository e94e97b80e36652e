"""One whole clinic day that uses all seven plays, told in order."""

from datetime import timedelta

from helpers import at
from serviceplan import (
    CancellationReason,
    Channel,
    Fault,
    IncidentStatus,
    Level,
    Money,
    NoticeKind,
    Observation,
    OfferingKind,
    OfferingStatus,
    ProcessCause,
    TaskKind,
    Topic,
    VisitStatus,
)
from serviceplan.delivery import DeliveryWorker
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.testing import expect

ALL_YES = EmpowermentCheck(good_for_patient=True, good_for_practice=True, can_take_care_of_it=True)


def test_a_whole_day_with_all_seven_plays(plan, clock, desk, manager, patient, scenario):
    # The day before: the morning is booked, a long pre-op work-up among it (play 2).
    clock.set(at(7) - timedelta(hours=16))
    morning = [
        plan.book_visit(patient, provider="dr-patel", visit_type=kind, start=at(h, m), by=desk)
        for h, m, kind in [(8, 0, "exam"), (8, 30, "follow-up"), (8, 50, "cataract-preop"),
                           (10, 50, "follow-up")]
    ]  # fmt: skip
    assert plan.get_visit(morning[2]).flagged_long == "long testing"
    worker = DeliveryWorker(plan)
    assert worker.run_once().delivered == 1  # what to expect from the work-up, the day before

    # 8:00: the surgeon is back late; the cascade and the notices in one go (play 1).
    clock.set(at(8))
    plan.check_in(morning[0], by=desk)
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
    )
    waiting, to_call = plan.desk_lists(delay)
    assert [line.visit_id for line in waiting] == [morning[0]]
    assert [line.visit_id for line in to_call] == morning[1:]  # the work-up pushes 10:50 too
    assert all(line.messaged for line in to_call)

    # 9:05: the 10:50 patient's morning is lost to the office's delay: first slot and a mug (6, 7).
    clock.set(at(9, 5))
    upset = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="not to lose a morning",
        visit_id=morning[3], by=desk,
    )  # fmt: skip
    plan.take_step(upset, "acknowledge", by=desk)
    plan.set_cause(upset, ProcessCause.WAIT, by=desk)
    plan.determine_fault(upset, Fault.OFFICE, by=manager)
    moved = plan.move_to_first_slot(
        morning[3], incident_id=upset, reason=CancellationReason("prov-hosp"), by=desk
    )
    mug = plan.propose_offering(
        upset, kind=OfferingKind.SWAG, value=Money("8.00"), item="mug", by=desk
    )
    scenario.when(lambda plan: plan.approve_offering(mug, by=desk, check=ALL_YES)).then(
        expect("Approved", check=ALL_YES, by=desk)
    )
    plan.issue_offering(mug, by=desk)
    assert plan.get_visit(moved).start == at(8) + timedelta(days=1)
    assert plan.get_offering(mug).status is OfferingStatus.ISSUED

    # 11:00: a patient upset about a balance is heard, with the playbook's script (plays 3, 4).
    clock.set(at(11))
    balance = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE),
        need="understand an unexpected balance", by=desk,
    )  # fmt: skip
    assert [p.step for p in plan.get_incident(balance).proposals][:2] == [
        "acknowledge", "say-what-we-will-do",
    ]  # fmt: skip
    plan.take_step(balance, "acknowledge", by=desk)

    # The insurer refused the claim: a three-way call solves it (play 5).
    call = plan.open_task(
        balance, kind=TaskKind.THREE_WAY_CALL, owner="billing-sam", due=at(15), by=desk
    )
    clock.set(at(14, 30))
    plan.finish_task(balance, call, outcome="insurer reprocessed the claim", by=desk)
    plan.set_cause(balance, ProcessCause.PAYER, by=desk)
    plan.resolve_incident(balance, outcome="claim paid; balance cleared", by=desk)
    assert plan.get_incident(balance).status is IncidentStatus.RESOLVED
    assert not plan.get_incident(balance).is_overdue(at(17, 30))

    # The day's notices went out within the rules, and the record tells all of it.
    clock.set(at(17, 30))
    worker.run_once()
    kinds = {r.notice.kind for r in plan.notices_of(patient)}
    assert {NoticeKind.PREPARATION, NoticeKind.DELAY} <= kinds
    assert plan.get_patient(patient).can_reach(Channel.SMS)
    assert plan.get_visit(morning[3]).status is VisitStatus.RESCHEDULED
    assert plan.get_patient(patient).offerings_total(at(17, 30)) == Money("8.00")
