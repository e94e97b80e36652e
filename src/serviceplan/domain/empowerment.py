"""Act without waiting for permission: the three questions a staff member answers first.

Good for the patient? Good for the practice? Can I take care of it for the team? Three yeses and
a cost within the person's limit let the step go ahead; anything else waits for a manager.
"""

from __future__ import annotations

import attrs


def _a_bool(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    from serviceplan.errors import InvalidInput  # noqa: PLC0415 (keeps this module tiny)

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
