from helpers import event_names
from serviceplan import IncidentStatus, Level, Observation, Topic
from serviceplan.domain import playbook


def test_an_upset_patient_hears_acknowledgement_and_what_we_will_do(plan, desk, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.BALANCE), need="a bill", by=desk
    )

    proposed = [p.step for p in plan.get_incident(incident).proposals]
    assert proposed == ["acknowledge", "say-what-we-will-do", "research-bill"]
    assert plan.get_incident(incident).status is IncidentStatus.OPEN


def test_an_agitated_patient_is_escalated_to_a_manager_at_once(plan, desk, patient):
    since = plan.event_count
    incident = plan.open_incident(
        patient, observation=Observation(Level.AGITATED, Topic.INSURANCE), need="a claim", by=desk
    )

    recorded = plan.get_incident(incident)
    assert recorded.status is IncidentStatus.ESCALATED
    assert recorded.proposals[-1].step == "escalate"
    assert event_names(plan, since) == ["Opened", "StepsProposed", "Escalated"]


def test_upset_twice_escalates(plan, desk, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="the wait", by=desk
    )
    plan.add_observation(incident, Observation(Level.UPSET, Topic.WAIT), by=desk)

    assert plan.get_incident(incident).status is IncidentStatus.ESCALATED


def test_a_calm_patient_needs_no_script(plan, desk, patient):
    since = plan.event_count
    plan.open_incident(
        patient, observation=Observation(Level.CALM, Topic.SCHEDULING), need="a new time", by=desk
    )
    assert event_names(plan, since) == ["Opened"]


def test_every_topic_has_a_script_that_labels_no_one():
    for topic in Topic:
        steps = playbook.next_steps([Observation(Level.UPSET, topic)])
        assert steps[0] == playbook.ACKNOWLEDGE
        assert len(steps) >= 2
        for proposal in steps:
            words = proposal.script.lower()
            assert not any(label in words for label in ("difficult", "angry", "rude", "hostile"))
