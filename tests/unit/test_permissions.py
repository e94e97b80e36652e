from helpers import refused
from serviceplan import Channel, Level, Money, Observation, ServicePlan, Settings, Staff, Topic
from serviceplan.app.permissions import Permissions, RolePolicy
from serviceplan.errors import InvalidInput, NotPermitted


def test_a_role_the_clinic_never_configured_may_do_nothing(plan, contact):
    volunteer = Staff("vol-kim", "volunteer")
    with refused(plan, NotPermitted, match="'volunteer' has no permissions configured"):
        plan.register_patient(contact=contact, preferred=Channel.SMS, by=volunteer)


def test_a_clinic_can_give_its_own_role_a_short_list(clock, contact):
    scribe = Staff("scr-1", "scribe")
    roles = {**Permissions().roles, "scribe": RolePolicy(may=frozenset({"register-patient"}))}
    plan = ServicePlan(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        clock=clock,
        settings=Settings(permissions=Permissions(roles)),
    )
    patient = plan.register_patient(contact=contact, preferred=Channel.SMS, by=scribe)
    with refused(plan, NotPermitted, match="scribe may not give-consent"):
        plan.give_consent(patient, Channel.SMS, by=scribe)


def test_only_a_manager_closes_an_escalated_incident(plan, desk, manager, patient):
    incident = plan.open_incident(
        patient, observation=Observation(Level.AGITATED, Topic.WAIT), need="a long wait", by=desk
    )
    with refused(plan, NotPermitted, match="close-escalated"):
        plan.resolve_incident(incident, outcome="apologised", by=desk)

    plan.resolve_incident(incident, outcome="manager apologised; next visit first slot", by=manager)
    assert plan.get_incident(incident).is_resolved


def test_roles_have_spending_limits_for_their_own_decisions():
    roles = Permissions().roles
    assert roles["front-desk"].limit == Money("10.00")
    assert roles["technician"].limit == Money("0")
    assert roles["manager"].allows("approve-over-limit")
    assert not roles["front-desk"].allows("approve-over-limit")


def test_a_command_without_a_staff_member_is_refused(plan):
    with refused(plan, InvalidInput, match="staff member"):
        plan.register_patient(contact=None, preferred=Channel.SMS, by=None)
