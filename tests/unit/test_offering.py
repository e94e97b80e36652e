from datetime import timedelta
from uuid import uuid4

import pytest

from helpers import refused
from serviceplan import (
    Fault,
    Level,
    Money,
    Observation,
    OfferingKind,
    OfferingStatus,
    Topic,
    offering_kind,
)
from serviceplan.errors import (
    CashLikeOffering,
    ChargeWaiverRefused,
    InvalidInput,
    NotAllowedNow,
    NotOfficeFault,
    OfferingNotFound,
    OverItemLimit,
    OverYearlyLimit,
)


def open_incident(plan, desk, patient, fault=Fault.OFFICE):
    incident = plan.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="a long wait", by=desk
    )
    if fault is not None:
        plan.determine_fault(incident, fault, by=desk)
    return incident


@pytest.fixture
def office_fault(plan, desk, patient):
    """An incident the office caused: a long wait nobody explained."""
    return open_incident(plan, desk, patient)


def propose(plan, desk, incident, value="8.00", kind=OfferingKind.SWAG):
    return plan.propose_offering(incident, kind=kind, value=Money(value), item="mug", by=desk)


def test_an_offering_runs_from_proposal_to_issue(plan, desk, manager, patient, office_fault):
    offering = propose(plan, desk, office_fault)
    plan.approve_offering(offering, by=manager)
    plan.issue_offering(offering, by=desk)

    issued = plan.get_offering(offering)
    assert issued.status is OfferingStatus.ISSUED
    assert issued.approved_by == manager
    assert (issued.patient_id, issued.incident_id) == (patient, office_fault)
    assert plan.get_patient(patient).offerings_total(plan.clock()) == Money("8.00")


def test_an_offering_needs_the_offices_fault(plan, desk, patient):
    for fault in (None, Fault.PATIENT, Fault.PAYER, Fault.NONE):
        incident = open_incident(plan, desk, patient, fault)
        with refused(plan, NotOfficeFault):
            propose(plan, desk, incident)


def test_an_offering_over_fifteen_dollars_is_refused(plan, desk, office_fault):
    with refused(plan, OverItemLimit, match="per-item limit of 15.00 USD"):
        propose(plan, desk, office_fault, value="15.01")


def test_a_patients_offerings_stay_within_75_dollars_a_year(plan, desk, clock, office_fault):
    for _ in range(5):
        propose(plan, desk, office_fault, value="15.00")
    with refused(plan, OverYearlyLimit, match="75.00 USD"):
        propose(plan, desk, office_fault, value="0.01")

    clock.advance(timedelta(days=366).total_seconds() / 60)
    propose(plan, desk, office_fault, value="15.00")


def test_a_declined_offering_frees_its_value_on_the_ledger(plan, desk, patient, office_fault):
    for _ in range(5):
        last = propose(plan, desk, office_fault, value="15.00")
    plan.decline_offering(last, by=desk)

    assert plan.get_offering(last).status is OfferingStatus.DECLINED
    assert plan.get_patient(patient).offerings_total(plan.clock()) == Money("60.00")
    propose(plan, desk, office_fault, value="15.00")


def test_a_withdrawn_offering_frees_its_value_too(plan, desk, manager, patient, office_fault):
    offering = propose(plan, desk, office_fault)
    plan.approve_offering(offering, by=manager)
    plan.withdraw_offering(offering, reason="out of mugs", by=manager)

    assert not plan.get_offering(offering).holds_ledger
    assert plan.get_patient(patient).offerings_total(plan.clock()) == Money.zero()


def test_an_offering_must_be_approved_before_it_is_issued(plan, desk, office_fault):
    offering = propose(plan, desk, office_fault)
    with refused(plan, NotAllowedNow, match="cannot issue: the offering is proposed"):
        plan.issue_offering(offering, by=desk)


def test_an_issued_offering_cannot_be_withdrawn_or_declined(plan, desk, manager, office_fault):
    offering = propose(plan, desk, office_fault)
    plan.approve_offering(offering, by=manager)
    plan.issue_offering(offering, by=desk)
    with refused(plan, NotAllowedNow):
        plan.withdraw_offering(offering, reason="changed our mind", by=manager)
    with refused(plan, NotAllowedNow):
        plan.decline_offering(offering, by=desk)


@pytest.mark.parametrize("name", ["cash", "general-gift-card", "visa-gift-card", "prepaid-card"])
def test_cash_and_cash_equivalents_are_never_offerings(name):
    with pytest.raises(CashLikeOffering):
        offering_kind(name)


@pytest.mark.parametrize("name", ["waiver", "write-off", "copay-waiver"])
def test_waiving_a_charge_is_never_an_offering(name):
    with pytest.raises(ChargeWaiverRefused):
        offering_kind(name)


def test_offering_kinds_are_read_by_name():
    assert offering_kind("restaurant-gift-card") is OfferingKind.RESTAURANT_GIFT_CARD
    with pytest.raises(InvalidInput, match="unknown offering kind"):
        offering_kind("spa-day")


def test_an_offering_kind_given_as_text_is_refused(plan, desk, office_fault):
    with refused(plan, InvalidInput, match="OfferingKind"):
        plan.propose_offering(office_fault, kind="swag", value=Money("5"), item="mug", by=desk)


def test_an_offering_value_must_be_money(plan, desk, office_fault):
    with refused(plan, InvalidInput, match="Money"):
        plan.propose_offering(office_fault, kind=OfferingKind.SWAG, value=5, item="mug", by=desk)


def test_an_unknown_offering_is_reported(plan, desk):
    with refused(plan, OfferingNotFound):
        plan.approve_offering(uuid4(), by=desk)
