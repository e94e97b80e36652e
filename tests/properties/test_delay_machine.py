"""A morning with a late provider: delays announced, revised and resolved while the day goes on.

Hypothesis plays random sequences: visits booked, seen or cancelled, delays announced, revised,
resolved, and mistakes. After every step each delay rebuilt from its stored events equals the one
in memory and the desk's note of it: provider, day, minutes, and the impact projected from the
visits still to happen at the time of the last estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import attrs
from clinic_day import DESK, STAFF, ClinicMachine, at, clinic_times
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, rule

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    Delay,
    Impact,
    PhoneNumber,
    ServicePlan,
    Staff,
)
from serviceplan.domain.cascade import QueuedVisit, project
from serviceplan.errors import (
    DelayAlreadyResolved,
    DelayNotFound,
    InvalidInput,
    ServicePlanError,
)

PROVIDERS = st.sampled_from(["dr-patel", "dr-osei"])
ESTIMATES = st.integers(min_value=1, max_value=24 * 60)
REVISIONS = st.integers(min_value=0, max_value=24 * 60)
REASONS = st.sampled_from(["back from surgery", "emergency add-on", "traffic"])
NAIVE_EIGHT = datetime(2026, 12, 1, 8, 0)  # a clock that names no zone
PATEL_MORNING = ((8, 0, 30), (8, 30, 20), (8, 50, 60), (9, 50, 20), (10, 10, 30), (11, 30, 15))


def _announce(plan: ServicePlan, **changes: object) -> None:
    announcement: dict[str, Any] = {
        "provider": "dr-patel", "late_from": at(8), "minutes": 20, "reason": "late", "by": DESK,
    }  # fmt: skip
    plan.announce_delay(**(announcement | changes))


MISTAKES: dict[str, tuple[type[ServicePlanError], Callable[[ServicePlan, UUID], object]]] = {
    "announce no delay at all": (InvalidInput, lambda plan, _: _announce(plan, minutes=0)),
    "announce a negative delay": (InvalidInput, lambda plan, _: _announce(plan, minutes=-5)),
    "announce more than a day late": (
        InvalidInput, lambda plan, _: _announce(plan, minutes=24 * 60 + 1)
    ),
    "announce from a time without a zone": (
        InvalidInput, lambda plan, _: _announce(plan, late_from=NAIVE_EIGHT)
    ),
    "announce without a reason": (InvalidInput, lambda plan, _: _announce(plan, reason="  ")),
    "announce with an essay for a reason": (
        InvalidInput, lambda plan, _: _announce(plan, reason="x" * 201)
    ),
    "announce for a provider's name": (
        InvalidInput, lambda plan, _: _announce(plan, provider="Dr. Patel")
    ),
    "revise to a negative delay": (
        InvalidInput, lambda plan, delay: plan.revise_delay(delay, minutes=-1, by=DESK)
    ),
    "revise to more than a day": (
        InvalidInput, lambda plan, delay: plan.revise_delay(delay, minutes=24 * 60 + 1, by=DESK)
    ),
    "revise a delay nobody announced": (
        DelayNotFound, lambda plan, _: plan.revise_delay(uuid4(), minutes=10, by=DESK)
    ),
    "resolve a delay nobody announced": (
        DelayNotFound, lambda plan, _: plan.resolve_delay(uuid4(), by=DESK)
    ),
}  # fmt: skip


@attrs.define
class Booking:
    """The desk's note of a visit as a delay sees it: whose, when, how long, still to happen."""

    patient_id: UUID
    provider: str
    start: datetime
    length: int
    pending: bool = True


@attrs.define
class DelayNote:
    """The desk's note of one delay: the plain model the record must match."""

    provider: str
    day: date
    late_from: datetime
    minutes: int
    impact: Impact
    announced_at: datetime
    resolved_at: datetime | None = None

    @classmethod
    def of(cls, delay: Delay) -> DelayNote:
        """Read the note off a recorded delay."""
        return cls(**{f.name: getattr(delay, f.name) for f in attrs.fields(cls)})


class LateMorning(ClinicMachine):
    """Providers run late while the desk books, sees and cancels visits."""

    visits = Bundle("visits")
    delays = Bundle("delays")

    def __init__(self) -> None:
        super().__init__()
        self.bookings: dict[UUID, Booking] = {}
        self.notes: dict[UUID, DelayNote] = {}
        self.patient = self.plan.register_patient(
            contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=DESK
        )

    @initialize(target=visits)
    def dr_patels_morning_is_booked(self) -> object:
        """The worked example's morning: six visits, a gap before the last."""
        booked = []
        for hour, minute, length in PATEL_MORNING:
            start = at(hour, minute)
            visit_id = self.plan.book_visit(
                self.patient, provider="dr-patel", visit_type="exam", start=start,
                length=length, by=DESK,
            )  # fmt: skip
            self.bookings[visit_id] = Booking(self.patient, "dr-patel", start, length)
            booked.append(visit_id)
        return multiple(*booked)

    def expected_impact(self, provider: str, late_from: datetime, minutes: int) -> Impact:
        """Project the delay over the provider's visits still to happen that day."""
        queue = [
            QueuedVisit(visit_id, b.patient_id, b.start, b.length)
            for visit_id, b in self.bookings.items()
            if b.pending and b.provider == provider and b.start.date() == late_from.date()
        ]
        return project(queue, late_from, minutes)

    @rule(target=visits, provider=PROVIDERS, start=clinic_times(), length=st.integers(5, 90))
    def book(self, provider: str, start: datetime, length: int) -> object:
        if start < self.clock.now:
            return multiple()
        visit_id = self.plan.book_visit(
            self.patient, provider=provider, visit_type="exam", start=start, length=length,
            by=DESK,
        )  # fmt: skip
        self.bookings[visit_id] = Booking(self.patient, provider, start, length)
        return visit_id

    @rule(visit=visits)
    def patient_is_seen(self, visit: UUID) -> None:
        """A seen visit is no longer in the queue a delay pushes back."""
        if self.bookings[visit].pending:
            self.plan.check_in(visit, by=DESK)
            self.plan.start_visit(visit, by=DESK)
            self.bookings[visit].pending = False

    @rule(visit=visits)
    def patient_cancels(self, visit: UUID) -> None:
        if self.bookings[visit].pending:
            self.plan.cancel_visit(visit, reason=CancellationReason("pat-crs"), by=DESK)
            self.bookings[visit].pending = False

    @rule(
        target=delays, provider=PROVIDERS, late_from=clinic_times(), minutes=ESTIMATES,
        reason=REASONS,
    )  # fmt: skip
    def provider_is_late(
        self, provider: str, late_from: datetime, minutes: int, reason: str
    ) -> UUID:
        delay_id = self.plan.announce_delay(
            provider=provider, late_from=late_from, minutes=minutes, reason=reason, by=DESK
        )
        impact = self.expected_impact(provider, late_from, minutes)
        self.notes[delay_id] = DelayNote(
            provider, late_from.date(), late_from, minutes, impact, self.clock.now
        )
        return delay_id

    @rule(delay=delays, minutes=REVISIONS, by=STAFF)
    def estimate_changes(self, delay: UUID, minutes: int, by: Staff) -> None:
        """Revise an open delay; the impact is projected again from the day as it is now."""
        note = self.notes[delay]
        if note.resolved_at is not None:
            with self.refused(DelayAlreadyResolved):
                self.plan.revise_delay(delay, minutes=minutes, by=by)
            return
        self.plan.revise_delay(delay, minutes=minutes, by=by)
        note.minutes = minutes
        note.impact = self.expected_impact(note.provider, note.late_from, minutes)

    @rule(delay=delays, by=STAFF)
    def provider_is_back_on_time(self, delay: UUID, by: Staff) -> None:
        note = self.notes[delay]
        if note.resolved_at is not None:
            with self.refused(DelayAlreadyResolved):
                self.plan.resolve_delay(delay, by=by)
            return
        self.plan.resolve_delay(delay, by=by)
        note.resolved_at = self.clock.now

    @rule(delay=delays, mistake=st.sampled_from(sorted(MISTAKES)))
    def a_mistake_about_a_delay(self, delay: UUID, mistake: str) -> None:
        """Impossible estimates, times without a zone and unknown delays are refused."""
        error, command = MISTAKES[mistake]
        with self.refused(error):
            command(self.plan, delay)

    @invariant()
    def every_delay_reads_as_the_desk_noted_it(self) -> None:
        for delay_id, note in self.notes.items():
            assert DelayNote.of(self.live(delay_id)) == note


LateMorning.TestCase.settings = settings(stateful_step_count=25)
TestLateMorning = LateMorning.TestCase
