"""Peace offerings and the office's stock: hold the item, hand it over, or put it back.

Whenever an offering from stock is proposed, this policy holds its item in the inventory (the
inventory hook) and records the hold; an inventory that has none left is recorded as the stock
refused, and the offering is withdrawn and its value taken off the patient's yearly ledger.
Whenever one is issued, the item is handed over; declined or withdrawn, it is put back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from serviceplan.app.policies.base import FOLLOWER, Policy
from serviceplan.app.policies.moves import why_not
from serviceplan.domain.offering import Offering, OfferingStatus, StockStatus
from serviceplan.domain.patient import Patient
from serviceplan.errors import OfferingNotFound, PatientNotFound

OUT_OF_STOCK = "withdrawn: the item could not be held"


class OfferingStock(Policy):
    """Keeps the inventory in step with each offering from stock."""

    name = "offering-stock"
    follows = (Offering.Proposed, Offering.Issued, Offering.Declined, Offering.Withdrawn)

    def act(self, event: Any, now: datetime) -> list[Any]:  # noqa: ANN401 (one of `follows`)
        """Hold, hand over or put back the offering's item, as its event calls for."""
        offering = self.plan.load(Offering, event.originator_id, OfferingNotFound)
        if not offering.from_stock:
            return []
        if isinstance(event, Offering.Proposed):
            return self._hold(offering, now)
        if isinstance(event, Offering.Issued):
            return self._issue(offering, now)
        return self._put_back(offering, now)

    def _hold(self, offering: Offering, now: datetime) -> list[Any]:
        if offering.stock is not StockStatus.NONE:
            return []
        try:
            reference = self.plan.plugins.reserve_stock(offering.item, offering.id)
        except Exception as error:  # noqa: BLE001 (a refusal is the offering's recorded outcome)
            offering.refuse_stock(why_not(error), now, FOLLOWER)
            if offering.status not in {OfferingStatus.PROPOSED, OfferingStatus.APPROVED}:
                return [offering]
            offering.withdraw(OUT_OF_STOCK, now, FOLLOWER)
            patient = self.plan.load(Patient, offering.patient_id, PatientNotFound)
            patient.release_offering(offering.id, now)
            return [offering, patient]
        offering.hold_stock(reference, now, FOLLOWER)
        return [offering]

    def _issue(self, offering: Offering, now: datetime) -> list[Any]:
        if offering.stock is not StockStatus.HELD:
            return []
        try:
            self.plan.plugins.issue_stock(offering.id)
        except Exception as error:  # noqa: BLE001 (recorded for the desk)
            offering.record_stock_issue_failed(why_not(error), now, FOLLOWER)
        else:
            offering.record_stock_issued(now, FOLLOWER)
        return [offering]

    def _put_back(self, offering: Offering, now: datetime) -> list[Any]:
        if offering.stock is not StockStatus.HELD:
            return []
        try:
            released = self.plan.plugins.release_stock(offering.id)
        except Exception:  # noqa: BLE001 (recorded as not released: the desk puts it back)
            released = False
        offering.release_stock(released, now, FOLLOWER)
        return [offering]
