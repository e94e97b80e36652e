"""A clinic's plan has no pretend channel, scheduler or stock room: nothing succeeds in silence.

The console channel, the template-week scheduler and the stock room keep what they are told in
memory and send nothing. Only the demo and the tests choose them; a clinic's plan without a
channel hands its notices to the desk, and asks a scheduler or inventory it lacks in vain.
"""

from __future__ import annotations

import logging

import pytest

from helpers import CLINIC_ZONE, at, refused
from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    Fault,
    FixedClock,
    Level,
    Money,
    NoticeKind,
    NoticeStatus,
    Observation,
    OfferingKind,
    PhoneNumber,
    ServicePlan,
    Settings,
    Topic,
    memory_store,
    with_stand_ins,
)
from serviceplan.delivery import DeliveryWorker, Tally
from serviceplan.errors import NoPlugin
from serviceplan.plugins import DISABLE, STAND_INS
from serviceplan.read import DayBoard

CLINIC = {**memory_store(), STAND_INS: ""}
"""A clinic's settings: the tests' environment chooses the stand-ins, a clinic does not."""


@pytest.fixture
def clinic(clock: FixedClock) -> ServicePlan:
    return ServicePlan(CLINIC, clock=clock, settings=Settings(CLINIC_ZONE), entry_points=False)


@pytest.fixture
def texted(clinic, desk):
    """A patient who takes texts, with a visit at 10:00."""
    patient = clinic.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=desk
    )
    clinic.give_consent(patient, Channel.SMS, by=desk)
    visit = clinic.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(10), by=desk
    )
    return patient, visit


def names(plan: ServicePlan) -> set[str]:
    return {name for name, _ in plan.plugins.manager.list_name_plugin()}


def test_a_clinics_plan_keeps_the_playbook_and_the_notes_and_no_stand_in(clinic):
    assert names(clinic) == {"serviceplan.playbook", "serviceplan.preparation"}
    assert clinic.plugins.preparation("exam", "en") is not None
    assert clinic.plugins.channels() == {}


def test_the_demo_and_the_tests_choose_the_stand_ins(clock):
    plan = ServicePlan(with_stand_ins(memory_store()), clock=clock, entry_points=False)
    assert {"serviceplan.console", "serviceplan.template-week", "serviceplan.stockroom"} <= names(
        plan
    )
    assert plan.plugins.deliverers(Channel.SMS) == ["serviceplan.console"]


def test_a_notice_no_channel_can_send_goes_to_the_desk_at_once_and_is_never_delivered(
    clinic, texted, desk
):
    patient, visit = texted
    key = clinic.request_notice(patient, kind=NoticeKind.HEADS_UP, visit_id=visit, by=desk)

    assert DeliveryWorker(clinic).run_once(at(9, 30)) == Tally(given_up=1)

    record = clinic.get_notice(key)
    assert record.status is NoticeStatus.GIVEN_UP
    assert record.note == "no channel installed for sms"
    assert record.receipt is None
    board = DayBoard(clinic)
    board.catch_up()
    [row] = board.day(at(10).date())[0].rows
    assert (row.notices.delivered, row.to_call) == (0, True)


def test_moving_a_visit_without_a_scheduler_is_refused_and_records_nothing(clinic, texted, desk):
    _, visit = texted
    with refused(clinic, NoPlugin, "serviceplan_book_slot"):
        clinic.move_visit(visit, start=at(14), reason=CancellationReason("prov-hosp"), by=desk)
    with pytest.raises(NoPlugin):
        clinic.first_slot_of_morning("dr-patel", at(8).date())


def test_an_offering_from_stock_without_an_inventory_is_refused_and_records_nothing(
    clinic, texted, desk
):
    patient, _ = texted
    incident = clinic.open_incident(
        patient, observation=Observation(Level.UPSET, Topic.WAIT), need="a long wait", by=desk
    )
    clinic.determine_fault(incident, Fault.OFFICE, by=desk)
    with refused(clinic, NoPlugin, "serviceplan_offering_stock"):
        clinic.propose_offering(
            incident, kind=OfferingKind.SWAG, value=Money("8.00"), item="mug", by=desk
        )


def test_a_disabled_name_that_matches_no_plugin_is_reported(caplog):
    with caplog.at_level(logging.WARNING, logger="serviceplan.plugins"):
        plan = ServicePlan({**CLINIC, DISABLE: "serviceplan.console, smss"}, entry_points=False)
    assert plan.plugins.manager.unknown_disabled == {"smss"}
    assert caplog.messages[-1].startswith("SERVICEPLAN_DISABLE_PLUGINS names no plugin: smss (")
