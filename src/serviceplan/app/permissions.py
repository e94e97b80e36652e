"""Who may do what: roles, what each may do, and how much each may spend on their own authority.

Every command names the staff member acting; a role without the permission gets `NotPermitted`
and nothing is recorded. The defaults are safe: only a manager approves what is above a person's
limit, decides a step that waited, or closes an escalated incident.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

import attrs

from serviceplan.domain.money import Money
from serviceplan.domain.staff import FRONT_DESK, MANAGER, PHYSICIAN, SYSTEM, TECHNICIAN, Staff
from serviceplan.errors import InvalidInput, NotPermitted

EVERYTHING = "*"
APPROVE_OVER_LIMIT = "approve-over-limit"
DECIDE_STEP = "decide-step"
CLOSE_ESCALATED = "close-escalated"
MANAGER_ONLY = frozenset({APPROVE_OVER_LIMIT, DECIDE_STEP, CLOSE_ESCALATED})


@attrs.frozen
class RolePolicy:
    """What one role may do (`may`, minus `never`) and its spending limit per decision."""

    limit: Money = Money("0")  # noqa: RUF009 (Money is frozen)
    may: frozenset[str] = frozenset({EVERYTHING})
    never: frozenset[str] = MANAGER_ONLY

    def allows(self, permission: str) -> bool:
        """Say whether this role may do `permission`."""
        return permission not in self.never and (EVERYTHING in self.may or permission in self.may)


DEFAULT_ROLES: Mapping[str, RolePolicy] = {
    MANAGER: RolePolicy(limit=Money("15.00"), never=frozenset()),
    PHYSICIAN: RolePolicy(limit=Money("15.00")),
    FRONT_DESK: RolePolicy(limit=Money("10.00")),
    TECHNICIAN: RolePolicy(),
    SYSTEM: RolePolicy(),
}


@attrs.frozen
class Permissions:
    """The clinic's roles; a role not listed may do nothing."""

    roles: Mapping[str, RolePolicy] = DEFAULT_ROLES

    def policy(self, by: object) -> RolePolicy:
        """Return the policy of the staff member's role, refusing unknown roles."""
        if not isinstance(by, Staff):
            raise InvalidInput("by must name the staff member acting (a Staff)")
        policy = self.roles.get(by.role)
        if policy is None:
            raise NotPermitted(f"role {by.role!r} has no permissions configured")
        return policy

    def require(self, by: object, permission: str) -> RolePolicy:
        """Return the role's policy if it allows `permission`, else raise `NotPermitted`."""
        policy = self.policy(by)
        if not policy.allows(permission):
            role = by.role if isinstance(by, Staff) else "?"
            raise NotPermitted(f"a {role} may not {permission.replace('_', ' ')}")
        return policy


class HasPermissions(Protocol):
    """An application that knows the clinic's permissions."""

    @property
    def permissions(self) -> Permissions:
        """The clinic's roles and what they may do."""
        ...


S = TypeVar("S", bound=HasPermissions)
P = ParamSpec("P")
R = TypeVar("R")


def permitted(
    permission: str,
) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """Check the `by=` staff member's role allows `permission` before the command runs."""

    def wrap(command: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        @functools.wraps(command)
        def checked(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
            by: Any = kwargs.get("by")
            self.permissions.require(by, permission)
            return command(self, *args, **kwargs)

        return checked

    return wrap
