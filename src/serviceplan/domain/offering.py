"""The Offering: one small peace offering to one patient for one incident the office caused."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.money import Money
from serviceplan.errors import CashLikeOffering, ChargeWaiverRefused, InvalidInput, NotAllowedNow

if TYPE_CHECKING:
    from serviceplan.domain.staff import Staff


class OfferingKind(Enum):
    """What the office may give; none of these is cash or a cash equivalent."""

    RESTAURANT_GIFT_CARD = "restaurant-gift-card"
    STORE_GIFT_CARD = "store-gift-card"
    SWAG = "swag"
    LUNCH = "lunch"
    FIRST_MORNING_SLOT = "first-morning-slot"


CASH_LIKE = frozenset(
    {"cash", "check", "general-gift-card", "prepaid-card", "visa-gift-card", "cash-equivalent"}
)
CHARGE_WAIVERS = frozenset({"waiver", "write-off", "copay-waiver", "discount", "refund"})


def offering_kind(name: str) -> OfferingKind:
    """Read an offering kind by name, refusing cash-like kinds and charge waivers by name."""
    if name in CASH_LIKE:
        raise CashLikeOffering(f"{name} is cash or a cash equivalent: never a peace offering")
    if name in CHARGE_WAIVERS:
        raise ChargeWaiverRefused(f"a {name} of a charge is never a peace offering")
    try:
        return OfferingKind(name)
    except ValueError:
        choices = ", ".join(k.value for k in OfferingKind)
        raise InvalidInput(f"unknown offering kind {name!r}; one of: {choices}") from None


class OfferingStatus(Enum):
    """Where an offering stands."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    ISSUED = "issued"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OUTSTANDING = frozenset({OfferingStatus.PROPOSED, OfferingStatus.APPROVED})


class Offering(Aggregate):
    """A peace offering's life: proposed, approved, issued; or declined, or withdrawn."""

    @event("Proposed")
    def __init__(  # noqa: PLR0913 (a proposal has this many facts)
        self,
        *,
        patient_id: UUID,
        incident_id: UUID,
        kind: OfferingKind,
        value: Money,
        item: str,
        at: datetime,
        by: Staff,
    ) -> None:
        checks.an_id(patient_id, "patient id")
        checks.an_id(incident_id, "incident id")
        checks.member(kind, OfferingKind, "kind")
        if not isinstance(value, Money):
            raise InvalidInput("value must be Money")
        self.patient_id = patient_id
        self.incident_id = incident_id
        self.kind = kind
        self.value = value
        self.item = checks.code(item, "item")
        self.proposed_at = checks.aware(at, "at")
        self.proposed_by = checks.staff(by)
        self.status = OfferingStatus.PROPOSED
        self.approved_by: Staff | None = None
        self.approval_check: EmpowermentCheck | None = None

    @event("Approved")
    def approve(self, check: EmpowermentCheck | None, at: datetime, by: Staff) -> None:
        """Record a manager's approval, or an empowered person's with their three answers."""
        self._check(at, by, "approve", OfferingStatus.PROPOSED)
        if check is not None and not isinstance(check, EmpowermentCheck):
            raise InvalidInput("check must be an EmpowermentCheck")
        self.status = OfferingStatus.APPROVED
        self.approved_by = by
        self.approval_check = check

    @event("Issued")
    def issue(self, at: datetime, by: Staff) -> None:
        """Record that the patient received the offering."""
        self._check(at, by, "issue", OfferingStatus.APPROVED)
        self.status = OfferingStatus.ISSUED

    @event("Declined")
    def decline(self, at: datetime, by: Staff) -> None:
        """Record that the patient said no thank you."""
        self._check(at, by, "decline", *OUTSTANDING)
        self.status = OfferingStatus.DECLINED

    @event("Withdrawn")
    def withdraw(self, reason: str, at: datetime, by: Staff) -> None:
        """Record that the office took the offering back before it was issued."""
        checks.text(reason, "reason", max_length=300)
        self._check(at, by, "withdraw", *OUTSTANDING)
        self.status = OfferingStatus.WITHDRAWN

    @property
    def holds_ledger(self) -> bool:
        """Say whether the offering counts against the patient's yearly limit."""
        return self.status not in {OfferingStatus.DECLINED, OfferingStatus.WITHDRAWN}

    def _check(self, at: datetime, by: Staff, command: str, *allowed: OfferingStatus) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if self.status not in allowed:
            raise NotAllowedNow("offering", self.status.value, command)
