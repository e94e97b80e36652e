"""One scenario per play, told as the clinic's day."""

import pytest

from helpers import at
from serviceplan import (
    Fault,
    Level,
    Money,
    Observation,
    OfferingKind,
    ProcessCause,
    TaskKind,
    Topic,
)
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.visit import DelayChoice
from serviceplan.errors import NotOfficeFault, NotPermitted, OverItemLimit
from serviceplan.testing import expect

YES = EmpowermentCheck(good_for_patient=True, good_for_practice=True, can_take_care_of_it=True)


def test_play_1_a_surgeon_back_late_pushes_back_five_visits(scenario, desk, morning):
    """Given Dr. Patel's morning, when she is 45 minutes late, then five visits slip 45."""
    scenario.when(
        lambda plan: plan.announce_delay(
            provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
        )
    ).then(
        expect("Announced", minutes=45, late_from=at(8)),
        # the patient consented to texts: each slipped visit is owed one, by the delay's policy
        *[expect("NoticeRecord.Requested", by=desk)] * 5,
    )

    impact = scenario.new_events[0].impact
    assert [s.visit_id for s in impact.slips] == morning[:5]
    assert impact.for_visit(morning[5]) is None


def test_play_1_a_patient_already_here_hears_it_at_the_desk_not_by_text(
    scenario, plan, desk, clock, morning
):
    """Given the 8:00 patient checked in, when Dr. Patel is late, then four texts, not five."""
    clock.set(at(7, 50))
    plan.check_in(morning[0], by=desk)
    scenario.when(
        lambda plan: plan.announce_delay(
            provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
        )
    ).then(
        expect("Announced", minutes=45),
        *["NoticeRecord.Requested"] * 4,
    )

    waiting, to_call = plan.desk_lists(scenario.result)
    assert [line.visit_id for line in waiting] == morning[:1]
    assert [line.visit_id for line in to_call] == morning[1:5]
    assert not waiting[0].messaged


def test_play_1_a_patient_not_yet_arrived_chooses_to_come_later(scenario, plan, desk, morning):
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(8), minutes=45, reason="surgery ran over", by=desk
    )
    scenario.when(
        lambda plan: plan.record_choice(
            morning[3], delay_id=delay, choice=DelayChoice.COME_LATER, by=desk
        )
    ).then(
        expect("ChoiceRecorded", choice=DelayChoice.COME_LATER, delay_id=delay),
        # the queue without them: the 10:10 visit moves up 20 minutes, and its patient hears it
        expect("Reprojected", visit_id=morning[3]),
        expect("NoticeRecord.Requested"),
    )
    slip = plan.get_delay(delay).impact.for_visit(morning[4])
    assert slip is not None
    assert slip.projected_start == at(10, 35)
    assert plan.get_delay(delay).impact.for_visit(morning[3]) is None


def test_play_1_a_late_first_visit_is_noticed_without_being_told(
    scenario, plan, desk, clock, morning
):
    clock.set(at(8, 15))
    scenario.when(lambda plan: plan.detect_delay("dr-patel", by=desk)).then()
    assert scenario.result.late_from == at(8)
    assert scenario.result.minutes == 15
    assert plan.get_visit(morning[0]).is_pending


def test_play_2_a_long_pre_op_work_up_is_flagged_when_booked(scenario, desk, patient):
    scenario.when(
        lambda plan: plan.book_visit(
            patient, provider="dr-patel", visit_type="cataract-preop", start=at(13), by=desk
        )
    ).then(
        expect("Booked", length=120),
        expect("FlaggedLong", why="long testing"),
        "NoticeRecord.Requested",  # what to expect, the day before (here: at once, it is today)
    )


def test_play_3_an_upset_patient_gets_a_script_then_a_manager(scenario, plan, desk, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE), need="a balance", by=desk
    )
    scenario.when(
        lambda plan: plan.add_observation(
            incident, Observation(Level.UPSET, Topic.BALANCE), by=desk
        )
    ).then(
        "ObservationAdded", "StepsProposed", expect("Escalated", reason="playbook: patient upset")
    )


def test_play_4_the_record_names_a_process_not_a_person(scenario, plan, desk, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="an hour's wait", by=desk
    )
    scenario.when(lambda plan: plan.set_cause(incident, ProcessCause.COMMUNICATION, by=desk)).then(
        expect("CauseSet", cause=ProcessCause.COMMUNICATION)
    )
    recorded = plan.get_incident(incident)
    assert recorded.need == "an hour's wait"
    assert not hasattr(recorded, "label")


def test_play_5_an_insurer_problem_solved_on_a_three_way_call(scenario, plan, desk, clock, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.INSURANCE), need="a claim", by=desk
    )
    call = plan.open_task(
        incident, kind=TaskKind.THREE_WAY_CALL, owner="billing-sam", due=at(15), by=desk
    )
    clock.set(at(14))
    scenario.when(
        lambda plan: plan.finish_task(
            incident, call, outcome="insurer reprocessed the claim on the call", by=desk
        )
    ).then(expect("TaskDone", task_id=call))
    assert plan.get_incident(incident).overdue_tasks(at(16)) == ()


def test_play_6_amends_only_for_the_offices_fault_and_within_limits(scenario, plan, desk, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="a long wait", by=desk
    )

    def mug(plan, value="8.00"):
        return plan.propose_offering(
            incident, kind=OfferingKind.SWAG, value=Money(value), item="mug", by=desk
        )

    scenario.when(mug).then_refused(NotOfficeFault)
    plan.determine_fault(incident, Fault.OFFICE, by=desk)
    scenario.when(lambda plan: mug(plan, "20.00")).then_refused(OverItemLimit)
    scenario.when(mug).then(
        expect("Proposed", value=Money("8.00")),
        "OfferingEntered",
        "StockHeld",  # the stock policy holds a mug for it, once the proposal is recorded
    )


def test_play_7_the_desk_acts_on_three_yeses_within_its_limit(scenario, plan, desk, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="a long wait", by=desk
    )
    scenario.when(
        lambda plan: plan.take_step(incident, "lunch", by=desk, check=YES, cost=Money("9.00"))
    ).then(expect("StepTaken", check=YES, by=desk))
    scenario.when(
        lambda plan: plan.decide_step(incident, scenario.result, approved=True, by=desk)
    ).then_refused(NotPermitted)


def test_a_history_from_another_store_replays_into_a_scenario(plan, desk, patient):
    visit = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk)
    history = [plan.events.get(agg) for agg in (visit,)]
    from serviceplan import ServicePlan, memory_store  # noqa: PLC0415
    from serviceplan.testing import Scenario  # noqa: PLC0415

    fresh = ServicePlan(memory_store(), clock=plan.clock, settings=plan.settings)
    replay = Scenario(fresh).given(*history)
    replay.when(lambda p: p.check_in(visit, by=desk)).then("CheckedIn")
    assert fresh.get_visit(visit).checked_in_at == plan.clock()


def test_a_scenario_says_what_it_expected_when_it_fails(scenario, desk, patient):
    scenario.when(
        lambda plan: plan.book_visit(
            patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk
        )
    )
    with pytest.raises(AssertionError, match="expected Cancelled, got Booked"):
        scenario.then("Cancelled")
    with pytest.raises(AssertionError, match=r"expected \['Booked', 'Booked'\], recorded"):
        scenario.then("Booked", "Booked")
    with pytest.raises(AssertionError, match="length: expected 45, got 30"):
        scenario.then(expect("Visit.Booked", length=45))
    with pytest.raises(AssertionError, match="expected NotPermitted"):
        scenario.then_refused(NotPermitted)


def test_a_refusal_that_is_not_one_is_reported(scenario, desk, patient):
    scenario.when(lambda plan: plan.take_step(patient, "x", by=desk))
    with pytest.raises(AssertionError, match="command was refused"):
        scenario.then("StepTaken")
    with pytest.raises(AssertionError, match="expected 'nothing' in"):
        scenario.then_refused(Exception, match="nothing")
