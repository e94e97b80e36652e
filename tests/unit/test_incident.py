from datetime import timedelta
from uuid import uuid4

import pytest

from helpers import at, event_names, refused
from serviceplan import Fault, IncidentStatus, Level, Observation, ProcessCause, TaskKind, Topic
from serviceplan.errors import (
    IncidentNotFound,
    InvalidInput,
    NotAllowedNow,
    TaskNotFound,
    VisitNotFound,
)

UPSET_ABOUT_A_BALANCE = Observation(Level.UPSET, Topic.BALANCE)


@pytest.fixture
def incident(plan, desk, patient):
    """A patient upset about a balance at the desk."""
    return plan.open_incident(
        patient, observation=UPSET_ABOUT_A_BALANCE, need="understand a balance", by=desk
    )


def test_an_incident_opens_from_a_first_sign_with_the_patients_need(plan, incident, patient):
    opened = plan.get_incident(incident)
    assert opened.patient_id == patient
    assert opened.level is Level.UPSET
    assert opened.need == "understand a balance"
    assert opened.status is IncidentStatus.OPEN


def test_an_incident_can_be_tied_to_a_known_visit_only(plan, desk, patient):
    with refused(plan, VisitNotFound):
        plan.open_incident(
            patient, observation=UPSET_ABOUT_A_BALANCE, need="a bill", by=desk, visit_id=uuid4()
        )


def test_signs_that_run_higher_are_recorded_in_order(plan, desk, incident):
    plan.add_observation(incident, Observation(Level.AGITATED, Topic.BALANCE), by=desk)
    assert [o.level for o in plan.get_incident(incident).observations] == [
        Level.UPSET,
        Level.AGITATED,
    ]


def test_the_record_holds_the_process_cause_and_the_steps_taken(plan, desk, incident):
    since = plan.event_count
    plan.take_step(incident, "acknowledge", by=desk)
    plan.take_step(incident, "research-the-bill", by=desk)
    plan.set_cause(incident, ProcessCause.BILLING, by=desk)
    plan.determine_fault(incident, Fault.OFFICE, by=desk)

    recorded = plan.get_incident(incident)
    assert recorded.step_codes == ("acknowledge", "research-the-bill")
    assert recorded.cause is ProcessCause.BILLING
    assert recorded.fault is Fault.OFFICE
    assert event_names(plan, since) == ["StepTaken", "StepTaken", "CauseSet", "FaultDetermined"]


def test_a_cause_must_be_a_process_not_a_label(plan, desk, incident):
    with refused(plan, InvalidInput, match="ProcessCause"):
        plan.set_cause(incident, "difficult patient", by=desk)


def test_an_errand_has_an_owner_a_due_time_and_an_outcome(plan, desk, clock, incident):
    task_id = plan.open_task(
        incident, kind=TaskKind.CALL_INSURER, owner="billing-sam", due=at(16), by=desk
    )
    clock.set(at(15))
    plan.finish_task(incident, task_id, outcome="insurer reprocessed the claim", by=desk)

    task = plan.get_incident(incident).task(task_id)
    assert task.kind is TaskKind.CALL_INSURER
    assert task.owner == "billing-sam"
    assert task.outcome == "insurer reprocessed the claim"
    assert task.done_at == at(15)


def test_an_errand_past_its_due_time_is_overdue_until_done(plan, desk, incident):
    task_id = plan.open_task(
        incident, kind=TaskKind.RESEARCH_BILL, owner="billing-sam", due=at(9), by=desk
    )
    recorded = plan.get_incident(incident)
    assert recorded.overdue_tasks(at(8)) == ()
    assert [t.task_id for t in recorded.overdue_tasks(at(10))] == [task_id]


def test_an_errand_cannot_be_due_before_it_is_opened(plan, desk, incident):
    with refused(plan, InvalidInput, match="due before"):
        plan.open_task(
            incident, kind=TaskKind.RESEARCH_BILL, owner="billing-sam", due=at(6), by=desk
        )


def test_an_errand_is_finished_once(plan, desk, incident):
    task_id = plan.open_task(
        incident, kind=TaskKind.THREE_WAY_CALL, owner="desk-ana", due=at(12), by=desk
    )
    plan.finish_task(incident, task_id, outcome="claim resubmitted", by=desk)
    with refused(plan, NotAllowedNow, match="task is done"):
        plan.finish_task(incident, task_id, outcome="again", by=desk)
    with refused(plan, TaskNotFound):
        plan.finish_task(incident, uuid4(), outcome="nothing", by=desk)


def test_an_escalated_incident_is_resolved_then_reopened(plan, desk, manager, clock, incident):
    since = plan.event_count
    plan.escalate(incident, reason="agitated at the desk", by=desk)
    assert plan.get_incident(incident).status is IncidentStatus.ESCALATED
    clock.advance(30)
    plan.resolve_incident(incident, outcome="balance explained", by=manager)
    resolved = plan.get_incident(incident)
    assert resolved.is_resolved
    assert resolved.resolved_at == at(7, 30)

    plan.reopen_incident(incident, reason="a second bill arrived", by=desk)

    assert plan.get_incident(incident).status is IncidentStatus.OPEN
    assert event_names(plan, since) == ["Escalated", "Resolved", "Reopened"]


def test_a_resolved_incident_takes_no_new_steps(plan, desk, incident):
    plan.resolve_incident(incident, outcome="explained", by=desk)
    with refused(plan, NotAllowedNow, match="incident is resolved"):
        plan.take_step(incident, "acknowledge", by=desk)
    with refused(plan, NotAllowedNow, match="incident is resolved"):
        plan.add_observation(incident, UPSET_ABOUT_A_BALANCE, by=desk)


def test_only_a_resolved_incident_can_be_reopened(plan, desk, incident):
    with refused(plan, NotAllowedNow, match="cannot reopen: the incident is open"):
        plan.reopen_incident(incident, reason="again", by=desk)


def test_an_incident_needs_a_need_in_plain_words(plan, desk, patient):
    with refused(plan, InvalidInput, match="need"):
        plan.open_incident(patient, observation=UPSET_ABOUT_A_BALANCE, need="", by=desk)
    with refused(plan, InvalidInput, match="longer than"):
        plan.open_incident(patient, observation=UPSET_ABOUT_A_BALANCE, need="x" * 301, by=desk)


def test_an_unknown_incident_is_reported(plan, desk):
    with refused(plan, IncidentNotFound):
        plan.escalate(uuid4(), reason="x", by=desk)


def test_a_step_in_a_later_week_is_fine(plan, desk, clock, incident):
    clock.advance(timedelta(days=8).total_seconds() / 60)
    plan.take_step(incident, "follow-up-call", by=desk)
    assert plan.get_incident(incident).step_codes == ("follow-up-call",)
