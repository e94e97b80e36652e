"""The Incident: a patient problem from the first sign to its resolution.

It records the patient's need and the process that failed, never a label on the patient.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from serviceplan.domain import checks
from serviceplan.domain.reasons import Fault, ProcessCause
from serviceplan.domain.signs import Level, Observation
from serviceplan.domain.task import Task, TaskKind
from serviceplan.errors import InvalidInput, NotAllowedNow, TaskNotFound

if TYPE_CHECKING:
    from serviceplan.domain.staff import Staff


class IncidentStatus(Enum):
    """Where an incident stands."""

    OPEN = "open"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


class Incident(Aggregate):
    """One patient problem and everything the clinic did about it."""

    @event("Opened")
    def __init__(  # noqa: PLR0913 (an opening has this many facts)
        self,
        *,
        patient_id: UUID,
        visit_id: UUID | None,
        observation: Observation,
        need: str,
        at: datetime,
        by: Staff,
    ) -> None:
        checks.an_id(patient_id, "patient id")
        if visit_id is not None:
            checks.an_id(visit_id, "visit id")
        _check_observation(observation)
        self.patient_id = patient_id
        self.visit_id = visit_id
        self.need = checks.text(need, "need", max_length=300)
        self.opened_at = checks.aware(at, "at")
        self.opened_by = checks.staff(by)
        self.observations: tuple[Observation, ...] = (observation,)
        self.cause: ProcessCause | None = None
        self.fault: Fault | None = None
        self.steps: tuple[str, ...] = ()
        self.tasks: tuple[Task, ...] = ()
        self.status = IncidentStatus.OPEN
        self.escalations = 0
        self.outcome: str | None = None
        self.resolved_at: datetime | None = None

    @property
    def level(self) -> Level:
        """How the patient seemed at the latest observation."""
        return self.observations[-1].level

    @property
    def is_resolved(self) -> bool:
        """Say whether the incident is closed."""
        return self.status is IncidentStatus.RESOLVED

    @event("ObservationAdded")
    def observe(self, observation: Observation, at: datetime, by: Staff) -> None:
        """Record another sign staff noticed."""
        self._check_open(at, by, "add an observation")
        _check_observation(observation)
        self.observations = (*self.observations, observation)

    @event("CauseSet")
    def set_cause(self, cause: ProcessCause, at: datetime, by: Staff) -> None:
        """Record which process failed the patient."""
        self._check_open(at, by, "set the cause")
        self.cause = checks.member(cause, ProcessCause, "cause")

    @event("StepTaken")
    def take_step(self, step: str, at: datetime, by: Staff) -> None:
        """Record a step staff took (acknowledged, explained, offered to research the bill...)."""
        self._check_open(at, by, "take a step")
        self.steps = (*self.steps, checks.code(step, "step"))

    @event("TaskOpened")
    def open_task(  # noqa: PLR0913 (a task has this many facts)
        self,
        *,
        task_id: UUID,
        kind: TaskKind,
        owner: str,
        due: datetime,
        at: datetime,
        by: Staff,
    ) -> None:
        """Give someone an errand for the patient, with a due time."""
        self._check_open(at, by, "open a task")
        checks.an_id(task_id, "task id")
        if self.task(task_id) is not None:
            raise InvalidInput(f"task {task_id} is already open on this incident")
        if checks.aware(due, "due") < at:
            raise InvalidInput("a task cannot be due before it is opened")
        kind = checks.member(kind, TaskKind, "task kind")
        task = Task(task_id, kind, checks.code(owner, "owner"), due)
        self.tasks = (*self.tasks, task)

    @event("TaskDone")
    def finish_task(self, task_id: UUID, outcome: str, at: datetime, by: Staff) -> None:
        """Record how an errand ended."""
        checks.aware(at, "at")
        checks.staff(by)
        task = self.task(task_id)
        if task is None:
            raise TaskNotFound(task_id)
        if task.is_done:
            raise NotAllowedNow("task", "done", "finish it again")
        done = task.finish(checks.text(outcome, "outcome", max_length=300), at)
        self.tasks = tuple(done if t.task_id == task_id else t for t in self.tasks)

    @event("FaultDetermined")
    def determine_fault(self, fault: Fault, at: datetime, by: Staff) -> None:
        """Record whose fault the problem was."""
        checks.aware(at, "at")
        checks.staff(by)
        self.fault = checks.member(fault, Fault, "fault")

    @event("Escalated")
    def escalate(self, reason: str, at: datetime, by: Staff) -> None:
        """Hand the incident to a manager."""
        self._check_open(at, by, "escalate")
        checks.text(reason, "reason", max_length=300)
        self.status = IncidentStatus.ESCALATED
        self.escalations += 1

    @event("Resolved")
    def resolve(self, outcome: str, at: datetime, by: Staff) -> None:
        """Close the incident with what came of it."""
        self._check_open(at, by, "resolve")
        self.outcome = checks.text(outcome, "outcome", max_length=300)
        self.status = IncidentStatus.RESOLVED
        self.resolved_at = at

    @event("Reopened")
    def reopen(self, reason: str, at: datetime, by: Staff) -> None:
        """Open a resolved incident again, keeping everything before."""
        checks.aware(at, "at")
        checks.staff(by)
        checks.text(reason, "reason", max_length=300)
        if self.status is not IncidentStatus.RESOLVED:
            raise NotAllowedNow("incident", self.status.value, "reopen")
        self.status = IncidentStatus.OPEN
        self.resolved_at = None

    def overdue_tasks(self, now: datetime) -> tuple[Task, ...]:
        """Return the errands past their due time and not done."""
        return tuple(t for t in self.tasks if not t.is_done and t.due < now)

    def task(self, task_id: UUID) -> Task | None:
        """Return the task with `task_id`, or None."""
        return next((t for t in self.tasks if t.task_id == task_id), None)

    def _check_open(self, at: datetime, by: Staff, command: str) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if self.status is IncidentStatus.RESOLVED:
            raise NotAllowedNow("incident", "resolved", command)


def _check_observation(observation: object) -> None:
    if not isinstance(observation, Observation):
        raise InvalidInput("observation must be an Observation")
