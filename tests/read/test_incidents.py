"""Open incidents: the manager's list of problems still open, their errands, and what is late."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from helpers import at
from serviceplan import Fault, Level, Observation, ProcessCause, TaskKind, Topic
from serviceplan.read import OpenIncidents


@pytest.fixture
def incident(plan, desk, patient):
    """A patient upset about a balance at 9:00; billing owes research by 11:00."""
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE),
        need="understand an unexpected balance", by=desk, now=at(9),
    )  # fmt: skip
    plan.open_task(
        incident, kind=TaskKind.RESEARCH_BILL, owner="billing-sam", due=at(11), by=desk, now=at(9)
    )
    return incident


@pytest.fixture
def listed(plan):
    found = OpenIncidents(plan)

    def now_open():
        found.catch_up()
        return found.open()

    return now_open


def test_an_opened_incident_is_listed_with_its_errand(incident, listed):
    (found,) = listed()

    assert found.incident_id == str(incident)
    assert (found.topic, found.level, found.status) == ("balance", "upset", "open")
    assert found.need == "understand an unexpected balance"
    assert [(t.kind, t.owner, t.due) for t in found.tasks] == [
        ("research-bill", "billing-sam", at(11))
    ]
    assert found.deadline == at(9) + timedelta(days=7)


def test_an_errand_past_due_is_overdue_until_done(plan, desk, incident, listed):
    (found,) = listed()
    assert [t.kind for t in found.overdue_tasks(at(12))] == ["research-bill"]
    assert found.overdue_tasks(at(10)) == ()

    task_id = found.tasks[0].task_id
    plan.finish_task(incident, UUID(task_id), outcome="charge corrected", by=desk, now=at(12))
    (found,) = listed()

    assert found.overdue_tasks(at(13)) == ()
    assert found.tasks[0].outcome == "charge corrected"
    assert found.tasks[0].done_at == at(12)


def test_signs_cause_fault_and_escalation_show_on_the_list(plan, desk, manager, incident, listed):
    plan.add_observation(incident, Observation(Level.AGITATED, Topic.WAIT), by=desk)
    plan.set_cause(incident, ProcessCause.BILLING, by=desk)
    plan.escalate(incident, reason="running high", by=desk)
    plan.determine_fault(incident, Fault.OFFICE, by=manager)

    (found,) = listed()

    assert (found.topic, found.level, found.cause) == ("wait", "agitated", "billing")
    # the playbook escalated the agitated patient at once; the desk escalated again
    assert (found.status, found.escalations, found.fault) == ("escalated", 2, "office")


def test_a_resolved_incident_leaves_the_list_and_a_reopened_one_returns(
    plan, desk, incident, listed
):
    plan.resolve_incident(incident, outcome="explained", by=desk)
    assert listed() == []

    plan.reopen_incident(incident, reason="the patient called again", by=desk)
    (found,) = listed()

    assert found.status == "open"
    assert len(found.tasks) == 1


def test_an_incident_nobody_acknowledged_is_overdue_after_close_of_business(plan, incident, listed):
    """The list agrees with the incident itself: no word by 17:00 is overdue already."""
    (found,) = listed()
    recorded = plan.get_incident(incident)

    for moment in (at(16, 59), at(17, 1), at(9) + timedelta(days=6), at(9) + timedelta(days=8)):
        assert found.is_overdue(moment) == recorded.is_overdue(moment), moment
    assert not found.is_overdue(at(16, 59))
    assert found.is_overdue(at(17, 1))
    assert found.acknowledge_by == at(17)


def test_an_acknowledged_incident_is_overdue_only_past_its_answer(plan, desk, incident, listed):
    plan.take_step(incident, "acknowledge", by=desk, now=at(9, 5))
    (found,) = listed()

    assert found.acknowledged_at == at(9, 5)
    assert not found.is_overdue(at(9) + timedelta(days=6))
    assert found.is_overdue(at(9) + timedelta(days=8))
    assert str(incident) == found.incident_id
