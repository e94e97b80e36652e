"""A morning with a late provider: delays announced, revised and resolved while the day goes on.

Hypothesis plays random sequences: visits booked, patients arriving, seen or cancelling, delays
announced, revised, resolved, patients answering them, and mistakes, by every role and by one
nobody configured. After every step each delay rebuilt from its stored events equals the one in
memory and the desk's note of it: provider, day, minutes, and the impact projected from the
visits still to happen at the time of the last estimate (patients already checked in for an
earlier time wait too); each visit keeps the patient's answers; each provider's day lists its
open delays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, rule
from props_day import DAY, DESK, STAFF, ClinicMachine, at, clinic_times

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    Delay,
    DelayChoice,
    Impact,
    PhoneNumber,
    ServicePlan,
    Staff,
)
from serviceplan.domain.cascade import QueuedVisit, project
from serviceplan.domain.visit import LEAVES_QUEUE
from serviceplan.errors import (
    DelayAlreadyResolved,
    DelayNotFound,
    InvalidInput,
    NotAllowedNow,
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
EVERY_COMMAND: dict[str, Callable[[ServicePlan, UUID, UUID, Staff], object]] = {
    "announce": lambda plan, _, __, by: _announce(plan, by=by),
    "revise": lambda plan, delay, _, by: plan.revise_delay(delay, minutes=5, by=by),
    "resolve": lambda plan, delay, _, by: plan.resolve_delay(delay, by=by),
    "record a choice": lambda plan, delay, visit, by: plan.record_choice(
        visit, delay_id=delay, choice=DelayChoice.WAIT, by=by
    ),
}


@attrs.define
class Booking:
    """The desk's note of a visit as a delay sees it: whose, when, how long, still to happen."""

    patient_id: UUID
    provider: str
    start: datetime
    length: int
    pending: bool = True
    arrived: bool = False
    seen: bool = False
    choices: tuple[tuple[UUID, DelayChoice], ...] = ()

    @property
    def left(self) -> bool:
        """Gone from a delayed queue by the patient's latest answer."""
        return bool(self.choices) and self.choices[-1][1] in LEAVES_QUEUE

    @property
    def in_queue(self) -> bool:
        """Still to happen, and not gone from a delayed queue by the patient's latest answer."""
        return self.pending and not self.left


@attrs.define
class DelayNote:
    """The desk's note of one delay: the plain model the record must match."""

    provider: str
    day: date
    late_from: datetime
    minutes: int
    reason: str
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

    def expected_impact(
        self,
        provider: str,
        late_from: datetime,
        minutes: int,
        seen: Sequence[tuple[QueuedVisit, datetime]] = (),
    ) -> Impact:
        """Project the delay over the provider's visits still to happen that day."""
        queue = [
            QueuedVisit(visit_id, b.patient_id, b.start, b.length, arrived=b.arrived)
            for visit_id, b in self.bookings.items()
            if b.in_queue and b.provider == provider and b.start.date() == late_from.date()
        ]
        return project(queue, late_from, minutes, seen=seen)

    def queue_changed(self, visit: UUID) -> None:
        """A patient left or rejoined the queue: every open delay of that day is projected again."""
        booking = self.bookings[visit]
        for note in self.notes.values():
            if (note.provider, note.day) == (booking.provider, booking.start.date()) and (
                note.resolved_at is None
            ):
                note.impact = self.impact_again(note)

    def impact_again(self, note: DelayNote) -> Impact:
        """The queue projected again: a visit already started keeps its time and its slip."""
        before = {slip.visit_id: slip for slip in note.impact.slips}
        served = [
            (visit_id, b) for visit_id, b in self.bookings.items()
            if b.seen and not b.left and (b.provider, b.start.date()) == (note.provider, note.day)
            and (b.start >= note.late_from or visit_id in before)
        ]  # fmt: skip
        started = [
            (
                QueuedVisit(visit_id, b.patient_id, b.start, b.length, arrived=True),
                before[visit_id].projected_start if visit_id in before else b.start,
            )
            for visit_id, b in served
        ]
        waiting = self.expected_impact(note.provider, note.late_from, note.minutes, started)
        kept = [before[visit_id] for visit_id, _ in served if visit_id in before]
        slips = [*waiting.slips, *kept]
        return Impact(sorted(slips, key=lambda s: (s.booked_start, str(s.visit_id))))

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
    def patient_arrives(self, visit: UUID) -> None:
        """A patient checked in waits in the queue, even for a time before the delay's start."""
        booking = self.bookings[visit]
        if not booking.pending or booking.arrived:
            with self.refused(NotAllowedNow):
                self.plan.check_in(visit, by=DESK)
            return
        self.plan.check_in(visit, by=DESK)
        booking.arrived = True

    @rule(visit=visits)
    def patient_is_seen(self, visit: UUID) -> None:
        """A seen visit is no longer in the queue a delay pushes back."""
        booking = self.bookings[visit]
        if booking.pending:
            if not booking.arrived:
                self.plan.check_in(visit, by=DESK)
            self.plan.start_visit(visit, by=DESK)
            booking.pending = False
            booking.seen = True

    @rule(visit=visits)
    def patient_cancels(self, visit: UUID) -> None:
        if self.bookings[visit].pending:
            self.plan.cancel_visit(visit, reason=CancellationReason("pat-crs"), by=DESK)
            self.bookings[visit].pending = False
            self.queue_changed(visit)

    @initialize(target=delays, late_from=clinic_times(), minutes=ESTIMATES)
    def dr_patel_is_late(self, late_from: datetime, minutes: int) -> UUID:
        """Every morning played here has a delay to revise, resolve and answer."""
        return self.provider_is_late("dr-patel", late_from, minutes, "back from surgery")

    @rule(
        target=delays, provider=PROVIDERS, late_from=clinic_times(), minutes=ESTIMATES,
        reason=REASONS,
    )  # fmt: skip
    def another_delay(self, provider: str, late_from: datetime, minutes: int, reason: str) -> UUID:
        return self.provider_is_late(provider, late_from, minutes, reason)

    def provider_is_late(
        self, provider: str, late_from: datetime, minutes: int, reason: str
    ) -> UUID:
        """Announce a delay; its impact is projected over the day as it stands."""
        delay_id = self.plan.announce_delay(
            provider=provider, late_from=late_from, minutes=minutes, reason=reason, by=DESK
        )
        impact = self.expected_impact(provider, late_from, minutes)
        self.notes[delay_id] = DelayNote(
            provider, late_from.date(), late_from, minutes, reason, impact, self.clock.now
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

    @rule(visit=visits, delay=delays, choice=st.sampled_from(DelayChoice), by=STAFF)
    def patient_answers(self, visit: UUID, delay: UUID, choice: DelayChoice, by: Staff) -> None:
        """A patient still to be seen tells us what they will do; the latest answer counts.

        Only a delay of the visit's own provider and day can be answered.
        """
        booking, note = self.bookings[visit], self.notes[delay]
        if (note.provider, note.day) != (booking.provider, booking.start.date()):
            with self.refused(InvalidInput):
                self.plan.record_choice(visit, delay_id=delay, choice=choice, by=by)
            return
        if not booking.pending:
            with self.refused(NotAllowedNow):
                self.plan.record_choice(visit, delay_id=delay, choice=choice, by=by)
            return
        self.plan.record_choice(visit, delay_id=delay, choice=choice, by=by)
        booking.choices = (*booking.choices, (delay, choice))
        self.queue_changed(visit)

    @rule(provider=PROVIDERS)
    def the_desk_looks_for_signs(self, provider: str) -> None:
        """Looking for signs records nothing; with a delay already open it proposes none."""
        before = self.plan.event_count
        sign = self.plan.detect_delay(provider, by=DESK)
        assert self.plan.event_count == before
        if self.open_delays(provider):
            assert sign is None

    @rule(delay=delays, visit=visits, command=st.sampled_from(sorted(EVERY_COMMAND)))
    def a_role_nobody_configured(self, delay: UUID, visit: UUID, command: str) -> None:
        self.refused_to_a_volunteer(lambda by: EVERY_COMMAND[command](self.plan, delay, visit, by))

    @rule(delay=delays, mistake=st.sampled_from(sorted(MISTAKES)))
    def a_mistake_about_a_delay(self, delay: UUID, mistake: str) -> None:
        """Impossible estimates, times without a zone and unknown delays are refused."""
        error, command = MISTAKES[mistake]
        with self.refused(error):
            command(self.plan, delay)

    def open_delays(self, provider: str) -> list[UUID]:
        """The provider's delays on the day not yet resolved, in the order announced."""
        return [
            delay_id for delay_id, note in self.notes.items()
            if note.provider == provider and note.day == DAY and note.resolved_at is None
        ]  # fmt: skip

    @invariant()
    def every_delay_reads_as_the_desk_noted_it(self) -> None:
        for delay_id, note in self.notes.items():
            assert DelayNote.of(self.live(delay_id)) == note

    @invariant()
    def every_visit_keeps_the_patients_answers(self) -> None:
        for visit_id, booking in self.bookings.items():
            visit = self.live(visit_id)
            assert visit.choices == booking.choices
            for delay_id in {d for d, _ in booking.choices}:
                latest = [c for d, c in booking.choices if d == delay_id][-1]
                assert visit.choice_for(delay_id) is latest

    @invariant()
    def each_providers_day_lists_its_open_delays(self) -> None:
        for provider in ("dr-patel", "dr-osei"):
            listed = [d.id for d in self.plan.open_delays(provider, DAY)]
            assert listed == self.open_delays(provider)


LateMorning.TestCase.settings = settings(stateful_step_count=35)
TestLateMorning = LateMorning.TestCase
