"""Dr. Patel's morning with a waitlist, for the tests of what the board and report show of it.

Each visit is its own patient's; four patients wait for a follow-up that day, in the order they
joined. At 7:30 the 9:50 follow-up is cancelled and offered to the first three (a 15-minute
window, OfferRules' defaults).
"""

from __future__ import annotations

from uuid import UUID

from helpers import DAY, at
from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    FixedClock,
    PhoneNumber,
    ServicePlan,
    Staff,
    Wants,
)

MORNING = [
    (8, 0, "exam"), (8, 30, "follow-up"), (8, 50, "dilated-exam"), (9, 50, "follow-up"),
    (10, 10, "exam"), (11, 30, "follow-up"),
]  # fmt: skip
FOLLOW_UP = Wants(visit_type="follow-up", first_day=DAY, last_day=DAY, provider="dr-patel")
PATIENT_ASKED = CancellationReason("pat")


def texted(plan: ServicePlan, desk: Staff, number: int) -> UUID:
    """A patient of their own, who consented to texts."""
    contact = ContactPoints(PhoneNumber(f"+1555555{number:04d}"))
    patient = plan.register_patient(contact=contact, preferred=Channel.SMS, by=desk)
    plan.give_consent(patient, Channel.SMS, by=desk)
    return patient


def book_morning(plan: ServicePlan, desk: Staff) -> list[UUID]:
    """Book Dr. Patel's morning, one patient a visit; return the visits in booked order."""
    return [
        plan.book_visit(
            texted(plan, desk, n), provider="dr-patel", visit_type=kind, start=at(h, m), by=desk
        )
        for n, (h, m, kind) in enumerate(MORNING)
    ]


def join_list(plan: ServicePlan, desk: Staff, count: int = 4) -> list[UUID]:
    """Put `count` patients on the list for a follow-up with Dr. Patel today; return entries."""
    return [
        plan.join_waitlist(texted(plan, desk, 100 + n), wants=FOLLOW_UP, by=desk)
        for n in range(count)
    ]


def free_the_950(plan: ServicePlan, desk: Staff, clock: FixedClock, morning: list[UUID]) -> UUID:
    """Cancel the 9:50 at 7:30: it is offered to the first three on the list; return it."""
    clock.set(at(7, 30))
    plan.cancel_visit(morning[3], reason=PATIENT_ASKED, by=desk)
    [opening] = plan.open_openings()
    return opening.id
