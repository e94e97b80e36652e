"""A day at the front desk, command by command: visits booked, checked in, seen, cancelled, moved.

Hypothesis plays random sequences of desk commands, legal and not, by every role and by one nobody
configured. After every step each visit rebuilt from its stored events equals the one in memory
and the desk's own card of it (its length from the catalogue unless given, long visits flagged),
and each provider's day lists exactly the visits booked on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, invariant, multiple, rule
from props_day import DESK, STAFF, ClinicMachine, at, clinic_times

from serviceplan import (
    CancellationReason,
    Channel,
    ContactPoints,
    DelayChoice,
    PhoneNumber,
    ServicePlan,
    Staff,
    Visit,
    VisitStatus,
)
from serviceplan.domain.reasons import OFFICE_CODES, PATIENT_CODES
from serviceplan.errors import (
    InvalidInput,
    NotAllowedNow,
    PatientNotFound,
    ServicePlanError,
    VisitInPast,
    VisitNotFound,
)

PROVIDERS = st.sampled_from(["dr-patel", "dr-osei", "tech-room-2"])
LENGTHS = st.integers(min_value=5, max_value=120)
CATALOGUE_MINUTES = {"exam": 30, "follow-up": 20, "visual-field": 45, "cataract-preop": 120}
LONG_TESTING = {"visual-field", "cataract-preop"}
LONG_VISIT = 90
VISIT_TYPES = st.sampled_from([*CATALOGUE_MINUTES, "retina-photo"])  # the last is not listed
REASONS = st.sampled_from(sorted(PATIENT_CODES | OFFICE_CODES)).map(CancellationReason)
PENDING = {VisitStatus.BOOKED, VisitStatus.CHECKED_IN}
NAIVE_NINE = datetime(2026, 12, 1, 9, 0)  # a clock that names no zone


def _book(plan: ServicePlan, patient: UUID, **changes: object) -> None:
    booking: dict[str, Any] = {
        "provider": "dr-patel", "visit_type": "exam", "start": at(19), "length": 20, "by": DESK,
    }  # fmt: skip
    plan.book_visit(patient, **(booking | changes))


DESK_MISTAKES: dict[str, tuple[type[ServicePlanError], Callable[..., None]]] = {
    "check in with a clock that names no zone": (
        InvalidInput, lambda plan, visit, _: plan.check_in(visit, by=DESK, now=NAIVE_NINE)
    ),
    "cancel without naming the staff member": (
        InvalidInput,
        lambda plan, visit, _: plan.cancel_visit(visit, reason=CancellationReason("pat"), by="ana"),
    ),
    "cancel with a reason that is not a code": (
        InvalidInput, lambda plan, visit, _: plan.cancel_visit(visit, reason="pat", by=DESK)
    ),
    "move to a time that names no zone": (
        InvalidInput,
        lambda plan, visit, _: plan.reschedule_visit(
            visit, start=NAIVE_NINE, reason=CancellationReason("pat"), by=DESK
        ),
    ),
    "book a visit of no length": (
        InvalidInput, lambda plan, _, patient: _book(plan, patient, length=0)
    ),
    "book a visit longer than a day": (
        InvalidInput, lambda plan, _, patient: _book(plan, patient, length=24 * 60 + 1)
    ),
    "book with a provider's name, not a code": (
        InvalidInput, lambda plan, _, patient: _book(plan, patient, provider="Dr. Patel")
    ),
    "book for a patient nobody registered": (
        PatientNotFound, lambda plan, _, __: _book(plan, uuid4())
    ),
    "check in a visit nobody booked": (
        VisitNotFound, lambda plan, _, __: plan.check_in(uuid4(), by=DESK)
    ),
    "check in by the visit's number as text": (
        InvalidInput, lambda plan, visit, _: plan.check_in(str(visit), by=DESK)
    ),
    "book a type outside the catalogue without a length": (
        InvalidInput, lambda plan, _, patient: _book(plan, patient, visit_type="oct", length=None)
    ),
}  # fmt: skip
EVERY_COMMAND: dict[str, Callable[[ServicePlan, UUID, UUID, Staff], object]] = {
    "book": lambda plan, _, patient, by: _book(plan, patient, by=by),
    "check in": lambda plan, visit, _, by: plan.check_in(visit, by=by),
    "start": lambda plan, visit, _, by: plan.start_visit(visit, by=by),
    "complete": lambda plan, visit, _, by: plan.complete_visit(visit, by=by),
    "cancel": lambda plan, visit, _, by: plan.cancel_visit(
        visit, reason=CancellationReason("pat"), by=by
    ),
    "mark no-show": lambda plan, visit, _, by: plan.mark_no_show(visit, by=by),
    "reschedule": lambda plan, visit, _, by: plan.reschedule_visit(
        visit, start=at(19), reason=CancellationReason("pat"), by=by
    ),
    "record a choice": lambda plan, visit, _, by: plan.record_choice(
        visit, delay_id=uuid4(), choice=DelayChoice.WAIT, by=by
    ),
}


@attrs.define
class VisitCard:
    """The desk's own note of one visit: the plain model the record must match."""

    patient_id: UUID
    provider: str
    visit_type: str
    start: datetime
    length: int
    status: VisitStatus = VisitStatus.BOOKED
    cancellation: CancellationReason | None = None
    rescheduled_from: UUID | None = None
    rescheduled_to: UUID | None = None
    checked_in_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    flagged_long: bool = False

    @classmethod
    def of(cls, visit: Visit) -> VisitCard:
        """Read the card off a recorded visit."""
        card = {f.name: getattr(visit, f.name) for f in attrs.fields(cls)}
        return cls(**card | {"flagged_long": visit.flagged_long is not None})


class FrontDesk(ClinicMachine):
    """The desk books and moves visits while patients arrive, are seen, or do not come."""

    visits = Bundle("visits")

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[UUID, VisitCard] = {}
        self.patient = self.plan.register_patient(
            contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=DESK
        )

    @rule(
        target=visits, provider=PROVIDERS, visit_type=VISIT_TYPES, start=clinic_times(),
        length=st.none() | LENGTHS, by=STAFF,
    )  # fmt: skip
    def book(
        self, provider: str, visit_type: str, start: datetime, length: int | None, by: Staff
    ) -> object:
        """Book a visit, as long as its type takes unless told; long ones are flagged.

        A type outside the catalogue needs a length; a time already gone is refused.
        """
        book = {"provider": provider, "visit_type": visit_type, "start": start, "length": length}
        if length is None and visit_type not in CATALOGUE_MINUTES:
            with self.refused(InvalidInput):
                self.plan.book_visit(self.patient, **book, by=by)
            return multiple()
        if start < self.clock.now:
            with self.refused(VisitInPast):
                self.plan.book_visit(self.patient, **book, by=by)
            return multiple()
        visit_id = self.plan.book_visit(self.patient, **book, by=by)
        minutes = CATALOGUE_MINUTES[visit_type] if length is None else length
        card = VisitCard(self.patient, provider, visit_type, start, minutes)
        card.flagged_long = visit_type in LONG_TESTING or minutes >= LONG_VISIT
        self.cards[visit_id] = card
        return visit_id

    @rule(visit=visits, by=STAFF)
    def patient_arrives(self, visit: UUID, by: Staff) -> None:
        """Check in a booked visit; any other visit cannot be checked in."""
        card = self.cards[visit]
        if card.status is not VisitStatus.BOOKED:
            with self.refused(NotAllowedNow):
                self.plan.check_in(visit, by=by)
            return
        self.plan.check_in(visit, by=by)
        card.status, card.checked_in_at = VisitStatus.CHECKED_IN, self.clock.now

    @rule(visit=visits, by=STAFF)
    def provider_sees_the_patient(self, visit: UUID, by: Staff) -> None:
        """Start a visit the patient checked in for, and only such a visit."""
        card = self.cards[visit]
        if card.status is not VisitStatus.CHECKED_IN:
            with self.refused(NotAllowedNow):
                self.plan.start_visit(visit, by=by)
            return
        self.plan.start_visit(visit, by=by)
        card.status, card.started_at = VisitStatus.STARTED, self.clock.now

    @rule(visit=visits, by=STAFF)
    def visit_ends(self, visit: UUID, by: Staff) -> None:
        """Complete a started visit; a visit never started cannot be completed."""
        card = self.cards[visit]
        if card.status is not VisitStatus.STARTED:
            with self.refused(NotAllowedNow):
                self.plan.complete_visit(visit, by=by)
            return
        self.plan.complete_visit(visit, by=by)
        card.status, card.completed_at = VisitStatus.COMPLETED, self.clock.now

    @rule(visit=visits, reason=REASONS, by=STAFF)
    def cancel(self, visit: UUID, reason: CancellationReason, by: Staff) -> None:
        """Cancel a visit still to happen, with a coded reason."""
        card = self.cards[visit]
        if card.status not in PENDING:
            with self.refused(NotAllowedNow):
                self.plan.cancel_visit(visit, reason=reason, by=by)
            return
        self.plan.cancel_visit(visit, reason=reason, by=by)
        card.status, card.cancellation = VisitStatus.CANCELLED, reason

    @rule(target=visits, visit=visits, start=clinic_times(), reason=REASONS, to=PROVIDERS)
    def move(self, visit: UUID, start: datetime, reason: CancellationReason, to: str) -> object:
        """Move a pending visit to a later time (maybe another provider), linked both ways."""
        card = self.cards[visit]
        move = {"start": start, "reason": reason, "provider": to, "by": DESK}
        if start < self.clock.now:
            with self.refused(VisitInPast):
                self.plan.reschedule_visit(visit, **move)
            return multiple()
        if card.status not in PENDING:
            with self.refused(NotAllowedNow):
                self.plan.reschedule_visit(visit, **move)
            return multiple()
        new = self.plan.reschedule_visit(visit, **move)
        card.status, card.cancellation, card.rescheduled_to = VisitStatus.RESCHEDULED, reason, new
        self.cards[new] = VisitCard(
            card.patient_id, to, card.visit_type, start, card.length, rescheduled_from=visit,
            flagged_long=card.visit_type in LONG_TESTING or card.length >= LONG_VISIT,
        )  # fmt: skip  # the new visit is flagged long again, as when it was booked
        return new

    @rule(visit=visits, by=STAFF)
    def patient_does_not_come(self, visit: UUID, by: Staff) -> None:
        """Mark a booked visit as a no-show, once its time has come."""
        card = self.cards[visit]
        if card.status is not VisitStatus.BOOKED or self.clock.now < card.start:
            with self.refused(NotAllowedNow):
                self.plan.mark_no_show(visit, by=by)
            return
        self.plan.mark_no_show(visit, by=by)
        card.status = VisitStatus.NO_SHOW

    @rule(visit=visits, mistake=st.sampled_from(sorted(DESK_MISTAKES)))
    def a_mistake_at_the_desk(self, visit: UUID, mistake: str) -> None:
        """A command with bad input is refused whatever state the visit is in."""
        error, command = DESK_MISTAKES[mistake]
        with self.refused(error):
            command(self.plan, visit, self.patient)

    @rule(visit=visits, command=st.sampled_from(sorted(EVERY_COMMAND)))
    def a_role_nobody_configured(self, visit: UUID, command: str) -> None:
        self.refused_to_a_volunteer(
            lambda by: EVERY_COMMAND[command](self.plan, visit, self.patient, by)
        )

    @invariant()
    def every_visit_reads_as_the_desk_noted_it(self) -> None:
        for visit_id, card in self.cards.items():
            assert VisitCard.of(self.live(visit_id)) == card

    @invariant()
    def each_provider_day_lists_its_visits_in_booked_order(self) -> None:
        for provider in {c.provider for c in self.cards.values()}:
            booked = sorted(
                (c.start, str(v), v) for v, c in self.cards.items() if c.provider == provider
            )
            listed = self.plan.visits_of(provider, at(0).date())
            assert [v.id for v in listed] == [v for _, _, v in booked]


FrontDesk.TestCase.settings = settings(stateful_step_count=25)
TestFrontDesk = FrontDesk.TestCase
