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

MAX_REASON = 300


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
FROM_STOCK = frozenset(OfferingKind) - {OfferingKind.FIRST_MORNING_SLOT}
"""Kinds that come out of the office's stock (the inventory hook); a morning slot does not."""


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


class StockStatus(Enum):
    """Where the offering's item stands in the office's stock (the inventory follower's work)."""

    NONE = "none"
    """Not from stock, or not asked for yet."""
    HELD = "held"
    REFUSED = "refused"
    ISSUED = "issued"
    ISSUE_FAILED = "issue-failed"
    RELEASED = "released"


OUTSTANDING = frozenset({OfferingStatus.PROPOSED, OfferingStatus.APPROVED})


class Offering(Aggregate):
    """A peace offering's life: proposed, approved, issued; or declined, or withdrawn.

    Its own aggregate because its status moves one way, and the stock it holds follows it: an
    item is held for a proposal, handed over when issued, put back when it is not.
    """

    class Proposed(Aggregate.Created):
        patient_id: UUID
        incident_id: UUID
        kind: OfferingKind
        value: Money
        item: str
        at: datetime
        by: Staff

    class Approved(Aggregate.Event):
        check: EmpowermentCheck | None
        at: datetime
        by: Staff

    class Issued(Aggregate.Event):
        at: datetime
        by: Staff

    class Declined(Aggregate.Event):
        at: datetime
        by: Staff

    class Withdrawn(Aggregate.Event):
        reason: str
        at: datetime
        by: Staff

    class StockHeld(Aggregate.Event):
        reference: str
        at: datetime
        by: Staff

    class StockRefused(Aggregate.Event):
        why: str
        at: datetime
        by: Staff

    class StockIssued(Aggregate.Event):
        at: datetime
        by: Staff

    class StockIssueFailed(Aggregate.Event):
        why: str
        at: datetime
        by: Staff

    class StockReleased(Aggregate.Event):
        released: bool
        at: datetime
        by: Staff

    @event(Proposed)
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
        self.patient_id = patient_id
        self.incident_id = incident_id
        self.kind = kind
        self.value = value
        self.item = item
        self.proposed_at = at
        self.proposed_by = by
        self.status = OfferingStatus.PROPOSED
        self.approved_by: Staff | None = None
        self.approval_check: EmpowermentCheck | None = None
        self.stock = StockStatus.NONE
        self.stock_note: str | None = None

    @classmethod
    def propose(  # noqa: PLR0913 (a proposal has this many facts)
        cls,
        *,
        patient_id: UUID,
        incident_id: UUID,
        kind: OfferingKind,
        value: Money,
        item: str,
        at: datetime,
        by: Staff,
    ) -> Offering:
        """Propose an offering of `item`; the limits are the ledger's to check (`Patient`)."""
        checks.an_id(patient_id, "patient id")
        checks.an_id(incident_id, "incident id")
        checks.member(kind, OfferingKind, "kind")
        if not isinstance(value, Money):
            raise InvalidInput("value must be Money")
        return cls(
            patient_id=patient_id, incident_id=incident_id, kind=kind, value=value,
            item=checks.code(item, "item"), at=checks.aware(at, "at"), by=checks.staff(by),
        )  # fmt: skip

    @property
    def from_stock(self) -> bool:
        """Say whether the item comes out of the office's stock."""
        return self.kind in FROM_STOCK

    def approve(self, check: EmpowermentCheck | None, at: datetime, by: Staff) -> None:
        """Record a manager's approval, or an empowered person's with their three answers."""
        self._check(at, by, "approve", OfferingStatus.PROPOSED)
        if check is not None and not isinstance(check, EmpowermentCheck):
            raise InvalidInput("check must be an EmpowermentCheck")
        self._approved(check=check, at=at, by=by)

    @event(Approved)
    def _approved(self, check: EmpowermentCheck | None, at: datetime, by: Staff) -> None:
        del at
        self.status = OfferingStatus.APPROVED
        self.approved_by = by
        self.approval_check = check

    def issue(self, at: datetime, by: Staff) -> None:
        """Record that the patient received the offering."""
        self._check(at, by, "issue", OfferingStatus.APPROVED)
        self._issued(at=at, by=by)

    @event(Issued)
    def _issued(self, at: datetime, by: Staff) -> None:
        del at, by
        self.status = OfferingStatus.ISSUED

    def decline(self, at: datetime, by: Staff) -> None:
        """Record that the patient said no thank you."""
        self._check(at, by, "decline", *OUTSTANDING)
        self._declined(at=at, by=by)

    @event(Declined)
    def _declined(self, at: datetime, by: Staff) -> None:
        del at, by
        self.status = OfferingStatus.DECLINED

    def withdraw(self, reason: str, at: datetime, by: Staff) -> None:
        """Record that the office took the offering back before it was issued."""
        reason = checks.text(reason, "reason", max_length=MAX_REASON)
        self._check(at, by, "withdraw", *OUTSTANDING)
        self._withdrawn(reason=reason, at=at, by=by)

    @event(Withdrawn)
    def _withdrawn(self, reason: str, at: datetime, by: Staff) -> None:
        del reason, at, by
        self.status = OfferingStatus.WITHDRAWN

    def hold_stock(self, reference: str, at: datetime, by: Staff) -> None:
        """Record the hold the inventory keeps for the item."""
        self._check_stock(at, by, "hold its stock", StockStatus.NONE)
        reference = checks.text(reference, "reference", max_length=MAX_REASON)
        self._stock_held(reference=reference, at=at, by=by)

    @event(StockHeld)
    def _stock_held(self, reference: str, at: datetime, by: Staff) -> None:
        del at, by
        self.stock = StockStatus.HELD
        self.stock_note = reference

    def refuse_stock(self, why: str, at: datetime, by: Staff) -> None:
        """Record that the inventory could not hold the item (none left, say)."""
        self._check_stock(at, by, "refuse its stock", StockStatus.NONE)
        self._stock_refused(why=checks.text(why, "why", max_length=MAX_REASON), at=at, by=by)

    @event(StockRefused)
    def _stock_refused(self, why: str, at: datetime, by: Staff) -> None:
        del at, by
        self.stock = StockStatus.REFUSED
        self.stock_note = why

    def record_stock_issued(self, at: datetime, by: Staff) -> None:
        """Record that the item left the stock with the patient."""
        self._check_stock(at, by, "issue its stock", StockStatus.HELD)
        self._stock_issued(at=at, by=by)

    @event(StockIssued)
    def _stock_issued(self, at: datetime, by: Staff) -> None:
        del at, by
        self.stock = StockStatus.ISSUED

    def record_stock_issue_failed(self, why: str, at: datetime, by: Staff) -> None:
        """Record that the inventory would not hand the item over; the desk sorts it out."""
        self._check_stock(at, by, "issue its stock", StockStatus.HELD, StockStatus.NONE)
        why = checks.text(why, "why", max_length=MAX_REASON)
        self._stock_issue_failed(why=why, at=at, by=by)

    @event(StockIssueFailed)
    def _stock_issue_failed(self, why: str, at: datetime, by: Staff) -> None:
        del at, by
        self.stock = StockStatus.ISSUE_FAILED
        self.stock_note = why

    def release_stock(self, released: bool, at: datetime, by: Staff) -> None:  # noqa: FBT001
        """Record that the held item went back to the stock (`released`: the inventory had it)."""
        self._check_stock(at, by, "release its stock", StockStatus.HELD, StockStatus.NONE)
        self._stock_released(released=bool(released), at=at, by=by)

    @event(StockReleased)
    def _stock_released(self, released: bool, at: datetime, by: Staff) -> None:  # noqa: FBT001
        del released, at, by
        self.stock = StockStatus.RELEASED

    @property
    def holds_ledger(self) -> bool:
        """Say whether the offering counts against the patient's yearly limit."""
        return self.status not in {OfferingStatus.DECLINED, OfferingStatus.WITHDRAWN}

    def _check(self, at: datetime, by: Staff, command: str, *allowed: OfferingStatus) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if self.status not in allowed:
            raise NotAllowedNow("offering", self.status.value, command)

    def _check_stock(self, at: datetime, by: Staff, command: str, *allowed: StockStatus) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if not self.from_stock or self.stock not in allowed:
            raise NotAllowedNow("offering's stock", self.stock.value, command)
