"""The gift rules a peace offering must keep: at most so much an item, so much a patient a year.

DOMAIN.md (OIG policy statement, December 2016): $15 an item and $75 a patient in any 12 months
by default; a clinic may set its own, never above what its counsel allows.
"""

from __future__ import annotations

import attrs

from serviceplan.domain.money import Money
from serviceplan.errors import InvalidInput, OverItemLimit, OverYearlyLimit


def _money(_: object, attribute: attrs.Attribute[Money], value: object) -> None:
    if not isinstance(value, Money):
        raise InvalidInput(f"{attribute.name} must be Money")


@attrs.frozen
class OfferingLimits:
    """The retail value allowed per offering and per patient over 12 months."""

    per_item: Money = attrs.field(default=Money("15.00"), validator=_money)
    per_year: Money = attrs.field(default=Money("75.00"), validator=_money)

    def check(self, value: Money, yearly_total: Money) -> None:
        """Refuse `value` if it is over the item limit, or takes `yearly_total` over the year's."""
        if not isinstance(value, Money):
            raise InvalidInput("value must be Money")
        if self.per_item < value:
            raise OverItemLimit(f"{value} is over the per-item limit of {self.per_item}")
        total = yearly_total + value
        if self.per_year < total:
            msg = f"the patient's offerings would reach {total} in 12 months, over {self.per_year}"
            raise OverYearlyLimit(msg)
