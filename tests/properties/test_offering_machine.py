"""Peace offerings over a year: proposed, approved, issued, declined, withdrawn, held to limits.

Hypothesis plays random sequences over months: incidents opened, fault determined, offerings
proposed within or beyond the limits ($15 an item, $75 a patient in 12 months, only for the
office's fault), approved by a manager or by staff with three yeses within their own limit, and
taken through their lives, by every role and by one nobody configured. After every step each
offering and each patient rebuilt from stored events equals the one in memory and the manager's
ledger kept beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, rule
from props_day import (
    ANSWERS,
    DESK,
    MANAGER,
    OWN_LIMIT,
    STAFF,
    ClinicMachine,
    at,
    is_manager,
)

from serviceplan import (
    Channel,
    ContactPoints,
    Fault,
    Level,
    Money,
    Observation,
    Offering,
    OfferingKind,
    OfferingStatus,
    ServicePlan,
    Staff,
    Topic,
)
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.patient import LedgerEntry
from serviceplan.errors import (
    InvalidInput,
    NotAllowedNow,
    NotOfficeFault,
    NotPermitted,
    OfferingNotFound,
    OfferingRefused,
    OverItemLimit,
    OverYearlyLimit,
    ServicePlanError,
)

ITEM_LIMIT, YEARLY_LIMIT, YEAR = Money("15.00"), Money("75.00"), timedelta(days=365)
CENTS = st.sampled_from([1, 500, 999, 1000, 1001, 1499, 1500, 1501, 0]) | st.integers(0, 2500)
VALUES = CENTS.map(lambda cents: Money(Decimal(cents).scaleb(-2)))
KINDS = st.sampled_from(OfferingKind)
ITEMS = st.sampled_from(["cafe-card-10", "mug", "lunch-voucher", "first-slot"])
WAIT = Observation(Level.UPSET, Topic.WAIT)
NAIVE_NOON = datetime(2026, 12, 1, 12, 0)  # a clock that names no zone

PROPOSAL_MISTAKES: dict[str, dict[str, object]] = {
    "a gift card in euros": {"value": Money("5", "EUR")},
    "a value as a plain number": {"value": 10},
    "cash, by name": {"kind": "cash"},
    "swag, by name instead of the kind": {"kind": "swag"},
    "an item described in prose": {"item": "a nice mug"},
}
OFFERING_MISTAKES: dict[str, tuple[type[ServicePlanError], Callable[[ServicePlan, UUID], None]]] = {
    "withdraw without a reason": (
        InvalidInput, lambda plan, offering: plan.withdraw_offering(offering, reason=" ", by=DESK)
    ),
    "approve by a clock that names no zone": (
        InvalidInput,
        lambda plan, offering: plan.approve_offering(offering, by=MANAGER, now=NAIVE_NOON),
    ),
    "issue an offering nobody proposed": (
        OfferingNotFound, lambda plan, _: plan.issue_offering(uuid4(), by=DESK)
    ),
}  # fmt: skip


EVERY_COMMAND: dict[str, Callable[[ServicePlan, UUID, UUID, Staff], object]] = {
    "propose": lambda plan, incident, _, by: plan.propose_offering(
        incident, kind=OfferingKind.SWAG, value=Money("1.00"), item="mug", by=by
    ),
    "approve": lambda plan, _, offering, by: plan.approve_offering(offering, by=by),
    "issue": lambda plan, _, offering, by: plan.issue_offering(offering, by=by),
    "decline": lambda plan, _, offering, by: plan.decline_offering(offering, by=by),
    "withdraw": lambda plan, _, offering, by: plan.withdraw_offering(
        offering, reason="stock ran out", by=by
    ),
}


@attrs.define
class OfferingCard:
    """The manager's card for one offering: the plain model the record must match."""

    patient_id: UUID
    incident_id: UUID
    kind: OfferingKind
    value: Money
    item: str
    proposed_at: datetime
    proposed_by: Staff
    status: OfferingStatus = OfferingStatus.PROPOSED
    approved_by: Staff | None = None
    approval_check: EmpowermentCheck | None = None

    @classmethod
    def of(cls, offering: Offering) -> OfferingCard:
        """Read the card off a recorded offering."""
        return cls(**{f.name: getattr(offering, f.name) for f in attrs.fields(cls)})


class YearOfAmends(ClinicMachine):
    """A manager makes amends for the office's faults, within the limits, over many months."""

    incidents = Bundle("incidents")
    offerings = Bundle("offerings")

    def __init__(self) -> None:
        super().__init__()
        self.patients = [
            self.plan.register_patient(contact=ContactPoints(), preferred=Channel.PORTAL, by=DESK)
            for _ in range(2)
        ]
        self.faults: dict[UUID, tuple[UUID, Fault | None]] = {}
        self.cards: dict[UUID, OfferingCard] = {}
        self.ledgers: dict[UUID, dict[UUID, LedgerEntry]] = {p: {} for p in self.patients}

    @initialize(target=incidents)
    def the_office_kept_both_patients_waiting(self) -> object:
        """Each patient has an incident the office caused: amends are possible from the start."""
        incidents = []
        for patient in self.patients:
            incident = self.plan.open_incident(
                patient, observation=WAIT, need="a long wait", by=DESK
            )
            self.plan.determine_fault(incident, Fault.OFFICE, by=MANAGER)
            self.faults[incident] = (patient, Fault.OFFICE)
            incidents.append(incident)
        return multiple(*incidents)

    def yearly_total(self, patient: UUID) -> Money:
        """What the patient was offered, still held, over the 12 months before now."""
        since = self.clock.now - YEAR
        held = [e.value for e in self.ledgers[patient].values() if e.at > since]
        return sum(held, Money.zero())

    def expected_refusal(self, incident: UUID, value: Money) -> type[OfferingRefused] | None:
        """Say which rule a proposal breaks, in the order the plan checks them."""
        patient, fault = self.faults[incident]
        if fault is not Fault.OFFICE:
            return NotOfficeFault
        if value > ITEM_LIMIT:
            return OverItemLimit
        if self.yearly_total(patient) + value > YEARLY_LIMIT:
            return OverYearlyLimit
        return None

    @rule(target=incidents, which=st.sampled_from([0, 1]))
    def patient_is_upset(self, which: int) -> UUID:
        patient = self.patients[which]
        incident = self.plan.open_incident(patient, observation=WAIT, need="a long wait", by=DESK)
        self.faults[incident] = (patient, None)
        return incident

    @rule(incident=incidents, fault=st.sampled_from(Fault) | st.just(Fault.OFFICE))
    def manager_determines_fault(self, incident: UUID, fault: Fault) -> None:
        self.plan.determine_fault(incident, fault, by=MANAGER)
        self.faults[incident] = (self.faults[incident][0], fault)

    @rule(target=offerings, incident=incidents, kind=KINDS, value=VALUES, item=ITEMS, by=STAFF)
    def propose(
        self, incident: UUID, kind: OfferingKind, value: Money, item: str, by: Staff
    ) -> object:
        """Propose an offering; it goes on the patient's ledger if every rule allows it."""
        proposal = {"kind": kind, "value": value, "item": item, "by": by}
        refusal = self.expected_refusal(incident, value)
        if refusal is not None:
            with self.refused(refusal):
                self.plan.propose_offering(incident, **proposal)
            return multiple()
        offering = self.plan.propose_offering(incident, **proposal)
        patient = self.faults[incident][0]
        now = self.clock.now
        self.cards[offering] = OfferingCard(patient, incident, kind, value, item, now, by)
        self.ledgers[patient][offering] = LedgerEntry(offering, value, now)
        return offering

    @rule(offering=offerings, by=STAFF, check=st.none() | ANSWERS)
    def someone_approves(self, offering: UUID, by: Staff, check: EmpowermentCheck | None) -> None:
        """A manager always may; anyone else only with three yeses and a value within their limit.

        Who may approve is checked before whether the offering still waits for approval.
        """
        card = self.cards[offering]
        empowered = check is not None and check.all_yes and card.value <= OWN_LIMIT[by.role]
        refusal = (
            NotPermitted if not (is_manager(by) or empowered)
            else NotAllowedNow if card.status is not OfferingStatus.PROPOSED
            else None
        )  # fmt: skip
        if refusal is not None:
            with self.refused(refusal):
                self.plan.approve_offering(offering, by=by, check=check)
            return
        self.plan.approve_offering(offering, by=by, check=check)
        card.status, card.approved_by, card.approval_check = OfferingStatus.APPROVED, by, check

    @rule(offering=offerings)
    def patient_receives_it(self, offering: UUID) -> None:
        card = self.cards[offering]
        if card.status is not OfferingStatus.APPROVED:
            with self.refused(NotAllowedNow):
                self.plan.issue_offering(offering, by=DESK)
            return
        self.plan.issue_offering(offering, by=DESK)
        card.status = OfferingStatus.ISSUED

    @rule(offering=offerings, patient_says_no=st.booleans())
    def it_never_reaches_the_patient(self, offering: UUID, *, patient_says_no: bool) -> None:
        """Declined or withdrawn before it is issued; the ledger frees its value."""
        card = self.cards[offering]
        if patient_says_no:
            status, command = OfferingStatus.DECLINED, self.plan.decline_offering
        else:
            status = OfferingStatus.WITHDRAWN

            def command(offering_id: UUID, *, by: Staff) -> None:
                self.plan.withdraw_offering(offering_id, reason="stock ran out", by=by)

        if card.status not in {OfferingStatus.PROPOSED, OfferingStatus.APPROVED}:
            with self.refused(NotAllowedNow):
                command(offering, by=MANAGER)
            return
        command(offering, by=MANAGER)
        card.status = status
        del self.ledgers[card.patient_id][offering]

    @rule(incident=incidents, mistake=st.sampled_from(sorted(PROPOSAL_MISTAKES)))
    def a_mistaken_proposal(self, incident: UUID, mistake: str) -> None:
        """Bad input is refused; the office's fault and the limits are checked before it."""
        changes = PROPOSAL_MISTAKES[mistake]
        proposal = {"kind": OfferingKind.SWAG, "value": Money("1.00"), "item": "mug"} | changes
        refusal = self.expected_refusal(incident, Money("1.00"))
        if refusal is not NotOfficeFault and "value" in changes:
            refusal = InvalidInput
        with self.refused(refusal or InvalidInput):
            self.plan.propose_offering(incident, **proposal, by=DESK)

    @rule(incident=incidents, offering=offerings, command=st.sampled_from(sorted(EVERY_COMMAND)))
    def a_role_nobody_configured(self, incident: UUID, offering: UUID, command: str) -> None:
        self.refused_to_a_volunteer(
            lambda by: EVERY_COMMAND[command](self.plan, incident, offering, by)
        )

    @rule(offering=offerings, mistake=st.sampled_from(sorted(OFFERING_MISTAKES)))
    def a_mistake_about_an_offering(self, offering: UUID, mistake: str) -> None:
        error, command = OFFERING_MISTAKES[mistake]
        with self.refused(error):
            command(self.plan, offering)

    @rule(months=st.integers(min_value=1, max_value=13))
    def months_pass(self, months: int) -> None:
        """Time enough for old offerings to fall out of the 12-month window (three years in all)."""
        self.advance_until(months * 30 * 24 * 60, at(7) + 3 * YEAR)

    @invariant()
    def every_offering_reads_as_the_manager_carded_it(self) -> None:
        for offering_id, card in self.cards.items():
            assert OfferingCard.of(self.live(offering_id)) == card

    @invariant()
    def every_ledger_holds_what_was_offered_and_not_given_back(self) -> None:
        for patient_id, ledger in self.ledgers.items():
            patient = self.live(patient_id)
            assert patient.ledger == tuple(ledger.values())
            assert patient.offerings_total(self.clock.now) == self.yearly_total(patient_id)
            assert self.yearly_total(patient_id) <= YEARLY_LIMIT


YearOfAmends.TestCase.settings = settings(stateful_step_count=40)
TestYearOfAmends = YearOfAmends.TestCase
