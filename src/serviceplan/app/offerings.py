"""Commands and queries about peace offerings, held to the clinic's limits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from uuid import UUID

from serviceplan.app.incidents import Incidents
from serviceplan.app.permissions import APPROVE_OVER_LIMIT, permitted
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.money import Money
from serviceplan.domain.offering import Offering, OfferingKind
from serviceplan.domain.patient import Patient
from serviceplan.domain.reasons import Fault
from serviceplan.domain.staff import Staff
from serviceplan.errors import (
    InvalidInput,
    NotOfficeFault,
    NotPermitted,
    OfferingNotFound,
    OverItemLimit,
    OverYearlyLimit,
    PatientNotFound,
)

FROM_STOCK = frozenset(OfferingKind) - {OfferingKind.FIRST_MORNING_SLOT}
"""Kinds that come out of the office's stock (the inventory hook); a morning slot does not."""


class Offerings(Incidents):
    """The offering commands of `ServicePlan`."""

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
        """Propose a peace offering for an incident the office caused, within the limits."""
        at = self._now(now)
        incident = self.get_incident(incident_id)
        if incident.fault is not Fault.OFFICE:
            raise NotOfficeFault("an offering needs the office's fault determined on the incident")
        patient = self._load(Patient, incident.patient_id, PatientNotFound)
        self._check_limits(patient, value, at)
        offering = Offering(
            patient_id=patient.id, incident_id=incident.id, kind=kind, value=value, item=item,
            at=at, by=by,
        )  # fmt: skip
        patient.enter_offering(offering_id=offering.id, value=value, at=at)
        with self._stock_held(offering):
            self._save(offering, patient)
        return offering.id

    def get_offering(self, offering_id: UUID) -> Offering:
        """Return the offering as recorded now."""
        return self._load(Offering, offering_id, OfferingNotFound)

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
            self._empowered(by, check, offering.value) if check is not None else False
        ):
            msg = f"approving {offering.value} needs a manager, or three yeses within the limit"
            raise NotPermitted(msg)
        offering.approve(check=check, at=self._now(now), by=by)
        self._save(offering)

    @permitted("issue-offering")
    def issue_offering(self, offering_id: UUID, *, by: Staff, now: datetime | None = None) -> None:
        """Record that the patient received the offering."""
        offering = self.get_offering(offering_id)
        offering.issue(at=self._now(now), by=by)
        if offering.kind in FROM_STOCK:
            self.plugins.issue_stock(offering.id)
        self._save(offering)

    @permitted("decline-offering")
    def decline_offering(
        self, offering_id: UUID, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record that the patient declined; the ledger frees its value."""
        offering = self.get_offering(offering_id)
        at = self._now(now)
        offering.decline(at=at, by=by)
        self._save(offering, self._released(offering, at))

    @permitted("withdraw-offering")
    def withdraw_offering(
        self, offering_id: UUID, *, reason: str, by: Staff, now: datetime | None = None
    ) -> None:
        """Take back an offering not yet issued; the ledger frees its value."""
        offering = self.get_offering(offering_id)
        at = self._now(now)
        offering.withdraw(reason=reason, at=at, by=by)
        self._save(offering, self._released(offering, at))

    @contextmanager
    def _stock_held(self, offering: Offering) -> Iterator[None]:
        """Hold the offering's item in the inventory; put it back if the record is not saved."""
        if offering.kind not in FROM_STOCK:
            yield
            return
        self.plugins.reserve_stock(offering.item, offering.id)
        try:
            yield
        except BaseException:
            self.plugins.release_stock(offering.id)
            raise

    def _released(self, offering: Offering, at: datetime) -> Patient:
        patient = self._load(Patient, offering.patient_id, PatientNotFound)
        patient.release_offering(offering_id=offering.id, at=at)
        if offering.kind in FROM_STOCK:
            self.plugins.release_stock(offering.id)
        return patient

    def _check_limits(self, patient: Patient, value: Money, at: datetime) -> None:
        if not isinstance(value, Money):
            raise InvalidInput("value must be Money")
        item_limit = self.settings.offering_item_limit
        if item_limit < value:
            raise OverItemLimit(f"{value} is over the per-item limit of {item_limit}")
        yearly_limit = self.settings.offering_yearly_limit
        total = patient.offerings_total(at, value.currency) + value
        if yearly_limit < total:
            msg = f"the patient's offerings would reach {total} in 12 months, over {yearly_limit}"
            raise OverYearlyLimit(msg)
