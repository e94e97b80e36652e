"""Commands and questions about peace offerings, held to the clinic's limits.

The limits are the patient's ledger's to keep (`Patient.enter_offering`, `OfferingLimits`). The
item itself is held, handed over and put back by the `OfferingStock` policy, after the record is
saved: no inventory is called inside a command.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from serviceplan.app.desk import Desk
from serviceplan.app.permissions import APPROVE_OVER_LIMIT, permitted
from serviceplan.domain.empowerment import EmpowermentCheck, empowered
from serviceplan.domain.incident import Incident
from serviceplan.domain.money import Money
from serviceplan.domain.offering import Offering, OfferingKind, OfferingStatus, StockStatus
from serviceplan.domain.patient import Patient
from serviceplan.domain.reasons import Fault
from serviceplan.domain.staff import Staff
from serviceplan.errors import (
    IncidentNotFound,
    InvalidInput,
    NotOfficeFault,
    NotPermitted,
    OfferingNotFound,
    OutOfStock,
    PatientNotFound,
)


class OfferingDesk(Desk):
    """Making amends: propose, approve, issue, or take an offering back."""

    @permitted("propose-offering")
    def propose_offering(  # noqa: PLR0913 (a proposal has this many facts)
        self,
        incident_id: UUID,
        *,
        kind: OfferingKind,
        value: Money,
        item: str,
        by: Staff,
        now: datetime | None = None,
    ) -> UUID:
        """Propose a peace offering for an incident the office caused, within the limits.

        An item the stock has none of is refused at once; one that runs out before it can be
        held is recorded as withdrawn by the stock policy, and `OutOfStock` says so.
        """
        at = self.plan.now(now)
        incident = self.plan.load(Incident, incident_id, IncidentNotFound)
        if incident.fault is not Fault.OFFICE:
            raise NotOfficeFault("an offering needs the office's fault determined on the incident")
        patient = self.plan.load(Patient, incident.patient_id, PatientNotFound)
        offering = Offering.propose(
            patient_id=patient.id, incident_id=incident.id, kind=kind, value=value, item=item,
            at=at, by=by,
        )  # fmt: skip
        patient.enter_offering(offering.id, value, at, self.settings.offering_limits)
        if offering.from_stock:
            self._check_stock(offering.item)
        self.plan.record(offering, patient)
        refused = self.get_offering(offering.id)
        if refused.stock is StockStatus.REFUSED:
            raise OutOfStock(f"{item} could not be held: {refused.stock_note}")
        return offering.id

    def get_offering(self, offering_id: UUID) -> Offering:
        """Return the offering as recorded now."""
        return self.plan.load(Offering, offering_id, OfferingNotFound)

    @permitted("approve-offering")
    def approve_offering(
        self,
        offering_id: UUID,
        *,
        by: Staff,
        check: EmpowermentCheck | None = None,
        now: datetime | None = None,
    ) -> None:
        """Approve an offering: a manager always, others with three yeses within their limit."""
        offering = self.get_offering(offering_id)
        policy = self.permissions.policy(by)
        if not policy.allows(APPROVE_OVER_LIMIT) and not (
            check is not None and empowered(check, offering.value, policy.limit)
        ):
            msg = f"approving {offering.value} needs a manager, or three yeses within the limit"
            raise NotPermitted(msg)
        offering.approve(check=check, at=self.plan.now(now), by=by)
        self.plan.record(offering)

    @permitted("issue-offering")
    def issue_offering(self, offering_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record that the patient received the offering; the stock policy hands the item over."""
        offering = self.get_offering(offering_id)
        offering.issue(at=self.plan.now(now), by=by)
        self.plan.record(offering)

    @permitted("decline-offering")
    def decline_offering(
        self, offering_id: UUID, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record that the patient declined; the ledger frees its value, the stock its item."""
        offering = self.get_offering(offering_id)
        at = self.plan.now(now)
        offering.decline(at=at, by=by)
        self.plan.record(offering, self._released(offering, at))

    @permitted("withdraw-offering")
    def withdraw_offering(
        self, offering_id: UUID, *, reason: str, by: Staff, now: datetime | None = None
    ) -> None:
        """Take back an offering not yet issued; the ledger frees its value, the stock its item."""
        offering = self.get_offering(offering_id)
        at = self.plan.now(now)
        offering.withdraw(reason=reason, at=at, by=by)
        self.plan.record(offering, self._released(offering, at))

    def _released(self, offering: Offering, at: datetime) -> Patient:
        patient = self.plan.load(Patient, offering.patient_id, PatientNotFound)
        if offering.status in {OfferingStatus.DECLINED, OfferingStatus.WITHDRAWN}:
            patient.release_offering(offering_id=offering.id, at=at)
        return patient

    def _check_stock(self, item: str) -> None:
        """Refuse an item the stock has none of, before anything is recorded."""
        stock = {s.code: s for s in self.plan.plugins.offering_stock()}
        if item not in stock:
            raise InvalidInput(f"no stock item {item!r}")
        if stock[item].available < 1:
            raise OutOfStock(f"no {item} left")
