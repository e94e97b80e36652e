"""Who acts: every command names a staff member and their role, and every event keeps it."""

from __future__ import annotations

import re

import attrs

from serviceplan.errors import InvalidInput

_ROLE = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")

FRONT_DESK = "front-desk"
TECHNICIAN = "technician"
PHYSICIAN = "physician"
MANAGER = "manager"
SYSTEM = "system"


def _role(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _ROLE.fullmatch(value):
        msg = f"role must be a short lower-case name like 'front-desk' (got {value!r})"
        raise InvalidInput(msg)


def _staff_id(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _STAFF_ID.fullmatch(value):
        raise InvalidInput(f"staff id must be a short code, not free text (got {value!r})")


@attrs.frozen
class Staff:
    """A staff member by id and role: front desk, technician, physician, manager, or a clinic's own.

    A feed or a timer acting on the clinic's behalf is staff too, with the role `system`.
    """

    id: str = attrs.field(validator=_staff_id)
    role: str = attrs.field(default=FRONT_DESK, validator=_role)
