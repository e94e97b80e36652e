"""Cancellations and no-shows reach the scheduler with their cause, once they are recorded.

The scheduler policy tells it right after the command (inline) and records what it answered;
a scheduler that refuses or fails does not undo what the desk recorded.
"""

import pytest

from helpers import at, event_names
from serviceplan import CancellationReason, Fault, VisitStatus, hookimpl
from serviceplan.domain.reasons import ENTERED_IN_ERROR, UNKNOWN
from serviceplan.errors import InvalidInput, SlotUnavailable


class Frontdesk:
    """A scheduler that remembers what it was told, and can be told to refuse."""

    def __init__(self):
        self.told = []
        self.refuse = False

    @hookimpl
    def serviceplan_cancel_booking(self, booking, reason):
        if self.refuse:
            raise SlotUnavailable("the scheduler is closed for changes")
        self.told.append(("cancel", booking.visit_id, reason))
        return True

    @hookimpl
    def serviceplan_no_show_booking(self, booking):
        if self.refuse:
            raise SlotUnavailable("the scheduler is closed for changes")
        self.told.append(("no-show", booking.visit_id, None))
        return True


@pytest.fixture
def scheduler(plan):
    frontdesk = Frontdesk()
    with plan.plugins.registered(frontdesk, "frontdesk"):
        yield frontdesk


@pytest.fixture
def visit(plan, desk, patient):
    return plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(10), by=desk)


@pytest.mark.parametrize(
    ("code", "fault"),
    [
        ("pat-cpp", Fault.PATIENT),
        ("prov-hosp", Fault.OFFICE),
        ("oth-err", Fault.OFFICE),
        (ENTERED_IN_ERROR, Fault.NONE),
        (UNKNOWN, None),
    ],
)
def test_each_cause_says_whose_fault_it_was(code, fault):
    reason = CancellationReason(code)

    assert reason.fault is fault
    assert reason.office_caused is (fault is Fault.OFFICE)


def test_a_code_nobody_defined_is_still_refused():
    with pytest.raises(InvalidInput, match="'unknown' or 'entered-in-error'"):
        CancellationReason("whatever")


@pytest.mark.parametrize("code", [UNKNOWN, ENTERED_IN_ERROR])
def test_a_visit_cancelled_for_an_unknown_cause_or_in_error_is_nobodys_fault_on_record(
    plan, desk, visit, code
):
    plan.cancel_visit(visit, reason=CancellationReason(code), by=desk)

    cancelled = plan.get_visit(visit)
    assert cancelled.status is VisitStatus.CANCELLED
    assert not cancelled.office_caused_change


def test_a_cancellation_tells_the_scheduler_its_reason(plan, desk, visit, scheduler):
    plan.cancel_visit(visit, reason=CancellationReason("pat-cpp"), by=desk)

    assert scheduler.told == [("cancel", visit, CancellationReason("pat-cpp"))]


def test_a_no_show_tells_the_scheduler(plan, clock, desk, visit, scheduler):
    clock.set(at(10, 20))

    plan.mark_no_show(visit, by=desk)

    assert scheduler.told == [("no-show", visit, None)]
    assert plan.get_visit(visit).status is VisitStatus.NO_SHOW


def test_a_scheduler_that_refuses_is_on_the_record_beside_the_change(
    plan, clock, desk, patient, visit, scheduler
):
    other = plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(10), by=desk)
    scheduler.refuse = True
    clock.set(at(10, 20))
    since = plan.event_count

    plan.cancel_visit(visit, reason=CancellationReason("pat-cpp"), by=desk)
    plan.mark_no_show(other, by=desk)

    assert event_names(plan, since) == ["Cancelled", "SchedulerTold", "NoShow", "SchedulerTold"]
    told = [e for e in plan.events.get(visit) if type(e).__name__ == "SchedulerTold"]
    assert [(e.change, e.answered) for e in told] == [("cancelled", False)]
    assert plan.get_visit(visit).status is VisitStatus.CANCELLED
    assert plan.get_visit(other).change_to_tell is None


def test_the_scheduler_hears_of_each_change_once(plan, desk, visit, scheduler):
    plan.cancel_visit(visit, reason=CancellationReason("pat-cpp"), by=desk)
    plan.follow()
    plan.follow()

    assert scheduler.told == [("cancel", visit, CancellationReason("pat-cpp"))]
    assert plan.get_visit(visit).scheduler_told == ("cancelled",)


def test_a_visit_the_scheduler_never_held_is_still_recorded(plan, clock, desk, patient):
    """The built-in template week holds only what went through it: it answers False, not no."""
    booked = [
        plan.book_visit(patient, provider="dr-patel", visit_type="exam", start=at(h), by=desk)
        for h in (9, 11)
    ]
    clock.set(at(11, 30))

    plan.cancel_visit(booked[0], reason=CancellationReason("prov"), by=desk)
    plan.mark_no_show(booked[1], by=desk)

    assert [plan.get_visit(v).status for v in booked] == [
        VisitStatus.CANCELLED,
        VisitStatus.NO_SHOW,
    ]


def test_a_move_gives_up_the_old_time_with_the_moves_reason(plan, desk, visit, scheduler):
    plan.move_visit(visit, start=at(14), reason=CancellationReason("prov-pers"), by=desk)

    assert scheduler.told == [("cancel", visit, CancellationReason("prov-pers"))]
