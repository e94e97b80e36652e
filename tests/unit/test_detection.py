import pytest

from helpers import DAY, at
from serviceplan import ServicePlan, Settings, memory_store
from serviceplan.domain.detection import DelaySign


@pytest.fixture
def morning(plan, desk, patient):
    return [
        plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(h), by=desk)
        for h in (8, 9, 10)
    ]


@pytest.mark.usefixtures("morning")
def test_a_first_visit_not_started_ten_minutes_after_its_time_is_a_sign(plan, desk, clock):
    clock.set(at(8, 5))
    assert plan.detect_delay("dr-patel", by=desk) is None

    clock.set(at(8, 12))
    sign = plan.detect_delay("dr-patel", by=desk)

    assert sign == DelaySign(
        "dr-patel", at(8), 15, "the first visit has not started 12 minutes after its time"
    )
    assert plan.open_delays("dr-patel", DAY) == []  # proposed, not announced


def test_a_visit_running_past_its_length_is_a_sign(plan, desk, clock, morning):
    clock.set(at(8))
    plan.check_in(morning[0], by=desk)
    plan.start_visit(morning[0], by=desk)
    clock.set(at(8, 41))

    sign = plan.detect_delay("dr-patel", by=desk)

    assert sign.late_from == at(8, 41)
    assert sign.minutes == 15
    assert "11 minutes over" in sign.why


def test_a_day_on_time_shows_no_sign(plan, desk, clock, morning):
    clock.set(at(8))
    plan.check_in(morning[0], by=desk)
    plan.start_visit(morning[0], by=desk)
    clock.set(at(8, 35))
    assert plan.detect_delay("dr-patel", by=desk) is None
    assert plan.detect_delay("dr-lee", by=desk) is None


def test_a_clinic_can_have_detected_delays_announced_at_once(clock, desk, contact):
    from serviceplan import Channel  # noqa: PLC0415

    plan = ServicePlan(
        memory_store(),
        clock=clock,
        settings=Settings(timezone=at(8).tzinfo, announce_detected_delays=True),
    )
    patient = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    first = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(8), by=desk)
    plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(8, 30), by=desk)
    clock.set(at(8, 20))

    plan.detect_delay("dr-patel", by=desk)

    [delay] = plan.open_delays("dr-patel", DAY)
    assert delay.reason.startswith("detected:")
    assert delay.impact.for_visit(first).projected_start == at(8, 20)
    assert plan.detect_delay("dr-patel", by=desk) is None  # already announced
