"""Steps staff take on an incident, some on their own authority, some after a manager's yes."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import attrs

from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.staff import Staff


class StepStatus(Enum):
    """Whether a step went ahead or waits for a manager."""

    TAKEN = "taken"
    AWAITING_APPROVAL = "awaiting-approval"
    APPROVED = "approved"
    DECLINED = "declined"


@attrs.frozen
class Step:
    """One step: what, who, when, the empowerment answers if any, and where it stands."""

    step_id: UUID
    code: str
    by: Staff
    at: datetime
    check: EmpowermentCheck | None
    status: StepStatus
    decided_by: Staff | None = None

    @property
    def went_ahead(self) -> bool:
        """Say whether the step happened (on its own or once approved)."""
        return self.status in {StepStatus.TAKEN, StepStatus.APPROVED}

    def decide(self, status: StepStatus, by: Staff) -> Step:
        """Return this step approved or declined by `by`."""
        return attrs.evolve(self, status=status, decided_by=by)
