"""Errands the office runs for a patient: research a bill, call the insurer, a three-way call."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import attrs


class TaskKind(Enum):
    """The kinds of red tape the office untangles for the patient."""

    RESEARCH_BILL = "research-bill"
    CALL_INSURER = "call-insurer"
    THREE_WAY_CALL = "three-way-call"
    CALL_BACK = "call-back"


@attrs.frozen
class Task:
    """One errand with an owner, a due time and, once done, an outcome."""

    task_id: UUID
    kind: TaskKind
    owner: str
    due: datetime
    outcome: str | None = None
    done_at: datetime | None = None

    @property
    def is_done(self) -> bool:
        """Say whether the errand has an outcome."""
        return self.done_at is not None

    def finish(self, outcome: str, at: datetime) -> Task:
        """Return this task, done with `outcome` at `at`."""
        return attrs.evolve(self, outcome=outcome, done_at=at)
