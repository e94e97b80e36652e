from uuid import uuid4

from helpers import at, refused
from serviceplan import CancellationReason
from serviceplan.domain.visit import DelayChoice
from serviceplan.errors import DelayNotFound, InvalidInput, NotAllowedNow


def late(plan, desk, provider="dr-patel"):
    return plan.announce_delay(
        provider=provider, late_from=at(8), minutes=45, reason="surgery", by=desk
    )


def test_a_patients_answer_to_a_delay_is_recorded(plan, desk, patient):
    visit = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk)
    delay = late(plan, desk)

    plan.record_choice(visit, delay_id=delay, choice=DelayChoice.COME_LATER, by=desk)
    plan.record_choice(visit, delay_id=delay, choice=DelayChoice.WAIT, by=desk)

    recorded = plan.get_visit(visit)
    assert recorded.choice_for(delay) is DelayChoice.WAIT
    assert recorded.choice_for(uuid4()) is None


def test_an_answer_for_a_cancelled_visit_is_refused(plan, desk, patient):
    visit = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk)
    delay = late(plan, desk)
    plan.cancel_visit(visit, reason=CancellationReason("pat-fb"), by=desk)
    with refused(plan, NotAllowedNow):
        plan.record_choice(visit, delay_id=delay, choice=DelayChoice.WAIT, by=desk)
    with refused(plan, InvalidInput):
        plan.record_choice(visit, delay_id=delay, choice="wait", by=desk)


def test_an_answer_must_be_to_a_delay_of_the_visits_provider_and_day(plan, desk, patient):
    visit = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(9), by=desk)
    elsewhere = late(plan, desk, provider="dr-okafor")
    with refused(plan, DelayNotFound):
        plan.record_choice(visit, delay_id=uuid4(), choice=DelayChoice.WAIT, by=desk)
    with refused(plan, InvalidInput):
        plan.record_choice(visit, delay_id=elsewhere, choice=DelayChoice.WAIT, by=desk)
    with refused(plan, InvalidInput):
        plan.record_choice(visit, delay_id="a delay", choice=DelayChoice.WAIT, by=desk)


def test_patients_already_waiting_are_pushed_back_too(plan, desk, patient):
    early = plan.book_visit(
        patient, provider="dr-patel", visit_type="exam", start=at(7, 30), by=desk
    )
    plan.check_in(early, by=desk)
    delay = plan.announce_delay(
        provider="dr-patel", late_from=at(7, 45), minutes=30, reason="traffic", by=desk
    )
    assert plan.get_delay(delay).impact.for_visit(early).projected_start == at(8, 15)
