"""Act without waiting for permission: the three questions a staff member answers first.

Good for the patient? Good for the practice? Can I take care of it for the team? Three yeses and
a cost within the person's limit let the step go ahead; anything else waits for a manager.
"""

from __future__ import annotations

import attrs

from serviceplan.domain.money import Money
from serviceplan.errors import InvalidInput


def _a_bool(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidInput(f"{attribute.name} must be answered yes (True) or no (False)")


@attrs.frozen
class EmpowermentCheck:
    """The three answers, as the staff member gave them."""

    good_for_patient: bool = attrs.field(validator=_a_bool)
    good_for_practice: bool = attrs.field(validator=_a_bool)
    can_take_care_of_it: bool = attrs.field(validator=_a_bool)

    @property
    def all_yes(self) -> bool:
        """Say whether all three answers are yes."""
        return self.good_for_patient and self.good_for_practice and self.can_take_care_of_it


def empowered(check: object, cost: object, limit: Money) -> bool:
    """Say whether someone may go ahead on their own: three yeses, and a cost within `limit`."""
    if not isinstance(check, EmpowermentCheck):
        raise InvalidInput("check must be an EmpowermentCheck")
    if cost is not None and not isinstance(cost, Money):
        raise InvalidInput("cost must be Money")
    return check.all_yes and (cost is None or cost <= limit)
