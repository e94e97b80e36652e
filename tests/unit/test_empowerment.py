import pytest

from helpers import event_names, refused
from serviceplan import Fault, Level, Money, Observation, OfferingKind, OfferingStatus, Topic
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.step import StepStatus
from serviceplan.errors import InvalidInput, NotAllowedNow, NotPermitted

YES = EmpowermentCheck(good_for_patient=True, good_for_practice=True, can_take_care_of_it=True)
NOT_FOR_THE_PRACTICE = EmpowermentCheck(True, False, True)  # noqa: FBT003


@pytest.fixture
def incident(plan, desk, patient):
    """A patient upset about a long wait the office caused."""
    opened = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="a long wait", by=desk
    )
    plan.determine_fault(opened, Fault.OFFICE, by=desk)
    return opened


def test_three_yeses_within_the_limit_let_the_desk_go_ahead(plan, desk, incident):
    step = plan.take_step(incident, "lunch-voucher", by=desk, check=YES, cost=Money("9.00"))

    taken = plan.get_incident(incident).step(step)
    assert taken.status is StepStatus.TAKEN
    assert taken.check == YES
    assert taken.by == desk


def test_a_no_among_the_answers_waits_for_a_manager(plan, desk, manager, incident):
    step = plan.take_step(incident, "free-parking", by=desk, check=NOT_FOR_THE_PRACTICE)
    assert plan.get_incident(incident).step(step).status is StepStatus.AWAITING_APPROVAL
    assert "free-parking" not in plan.get_incident(incident).step_codes

    plan.decide_step(incident, step, approved=True, by=manager)

    decided = plan.get_incident(incident).step(step)
    assert decided.status is StepStatus.APPROVED
    assert decided.decided_by == manager
    assert event_names(plan)[-2:] == ["StepAwaitingApproval", "StepDecided"]


def test_a_cost_over_the_persons_limit_waits_for_a_manager(plan, desk, manager, incident):
    step = plan.take_step(incident, "gift-card", by=desk, check=YES, cost=Money("12.00"))
    assert plan.get_incident(incident).step(step).status is StepStatus.AWAITING_APPROVAL

    plan.decide_step(incident, step, approved=False, by=manager)
    assert plan.get_incident(incident).step(step).status is StepStatus.DECLINED


def test_only_a_manager_decides_a_step_that_waited(plan, desk, incident):
    step = plan.take_step(incident, "free-parking", by=desk, check=NOT_FOR_THE_PRACTICE)
    with refused(plan, NotPermitted):
        plan.decide_step(incident, step, approved=True, by=desk)


def test_a_step_is_decided_once(plan, desk, manager, incident):
    step = plan.take_step(incident, "acknowledge", by=desk)
    with refused(plan, NotAllowedNow, match="not waiting for approval"):
        plan.decide_step(incident, step, approved=True, by=manager)


def test_the_answers_must_be_yes_or_no():
    with pytest.raises(InvalidInput, match="yes"):
        EmpowermentCheck("yes", True, True)  # type: ignore[arg-type]  # noqa: FBT003


def test_the_desk_approves_a_small_offering_with_three_yeses(plan, desk, incident):
    offering = plan.propose_offering(
        incident, kind=OfferingKind.SWAG, value=Money("8.00"), item="mug", by=desk
    )
    plan.approve_offering(offering, by=desk, check=YES)

    approved = plan.get_offering(offering)
    assert approved.status is OfferingStatus.APPROVED
    assert approved.approval_check == YES


def test_over_the_desks_limit_an_offering_needs_a_manager(plan, desk, manager, incident):
    offering = plan.propose_offering(
        incident, kind=OfferingKind.RESTAURANT_GIFT_CARD, value=Money("15.00"), item="cafe-card",
        by=desk,
    )  # fmt: skip
    with refused(plan, NotPermitted, match="needs a manager"):
        plan.approve_offering(offering, by=desk, check=YES)
    with refused(plan, NotPermitted):
        plan.approve_offering(offering, by=desk)

    plan.approve_offering(offering, by=manager)
    assert plan.get_offering(offering).approved_by == manager
