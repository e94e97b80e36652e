"""A desk: the commands and questions of one play or one record, composed into `ServicePlan`.

Each desk is small and holds no state of its own: it loads what a command needs from the plan,
lets the domain check and record it, and saves. Rules that are pure live in the domain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from serviceplan.app.permissions import Permissions
    from serviceplan.app.plan import Plan
    from serviceplan.app.settings import Settings


class Desk:
    """Base of the desks: the plan they work on, its settings and permissions."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    @property
    def settings(self) -> Settings:
        """The clinic's settings."""
        return self.plan.settings

    @property
    def permissions(self) -> Permissions:
        """The clinic's roles and what each may do (read by `@permitted`)."""
        return self.plan.permissions
