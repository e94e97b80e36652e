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
from serviceplan.domain.empowerment import EmpowermentCheck
from serviceplan.domain.playbook import Proposal
from serviceplan.domain.reasons import Fault, ProcessCause
from serviceplan.domain.signs import Level, Observation
from serviceplan.domain.step import Step, StepStatus
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
        acknowledge_by: datetime,
        respond_by: datetime,
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
        self.acknowledge_by = checks.aware(acknowledge_by, "acknowledge by")
        self.respond_by = checks.aware(respond_by, "respond by")
        self.acknowledged_at: datetime | None = None
        self.steps: tuple[Step, ...] = ()
        self.proposals: tuple[Proposal, ...] = ()
        self.tasks: tuple[Task, ...] = ()
        self.status = IncidentStatus.OPEN
        self.escalations = 0
        self.was_escalated = False
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

    @event("StepsProposed")
    def propose_steps(self, proposals: tuple[Proposal, ...], at: datetime, by: Staff) -> None:
        """Record what the playbook recommended after the latest sign."""
        self._check_open(at, by, "propose steps")
        if not all(isinstance(p, Proposal) for p in proposals):
            raise InvalidInput("proposals must be playbook Proposals")
        self.proposals = tuple(proposals)

    @event("StepTaken")
    def take_step(
        self, step_id: UUID, step: str, check: EmpowermentCheck | None, at: datetime, by: Staff
    ) -> None:
        """Record a step staff took (acknowledged, explained, offered to research the bill...)."""
        self._add_step(
            step_id=step_id, code=step, check=check, at=at, by=by, status=StepStatus.TAKEN
        )
        if self.acknowledged_at is None:
            self.acknowledged_at = at

    @event("StepAwaitingApproval")
    def hold_step(
        self, step_id: UUID, step: str, check: EmpowermentCheck | None, at: datetime, by: Staff
    ) -> None:
        """Record a step that waits for a manager (a no among the answers, or over a limit)."""
        self._add_step(
            step_id=step_id, code=step, check=check, at=at, by=by,
            status=StepStatus.AWAITING_APPROVAL,
        )  # fmt: skip

    @event("StepDecided")
    def decide_step(self, step_id: UUID, approved: bool, at: datetime, by: Staff) -> None:  # noqa: FBT001
        """Record a manager's yes or no to a step that waited."""
        self._check_open(at, by, "decide a step")
        held = self.step(step_id)
        if held is None or held.status is not StepStatus.AWAITING_APPROVAL:
            raise NotAllowedNow("step", "not waiting for approval", "decide it")
        decided = held.decide(StepStatus.APPROVED if approved else StepStatus.DECLINED, by)
        self.steps = tuple(decided if s.step_id == step_id else s for s in self.steps)
        if approved and self.acknowledged_at is None:
            self.acknowledged_at = at

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
        self.was_escalated = True

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

    @property
    def step_codes(self) -> tuple[str, ...]:
        """The steps that went ahead, in order."""
        return tuple(s.code for s in self.steps if s.went_ahead)

    def step(self, step_id: UUID) -> Step | None:
        """Return the step with `step_id`, or None."""
        return next((s for s in self.steps if s.step_id == step_id), None)

    def is_overdue(self, now: datetime) -> bool:
        """Say whether the incident missed its acknowledgement or response deadline."""
        if self.is_resolved:
            return False
        unacknowledged = self.acknowledged_at is None and now > self.acknowledge_by
        return unacknowledged or now > self.respond_by

    def overdue_tasks(self, now: datetime) -> tuple[Task, ...]:
        """Return the errands past their due time and not done."""
        return tuple(t for t in self.tasks if not t.is_done and t.due < now)

    def task(self, task_id: UUID) -> Task | None:
        """Return the task with `task_id`, or None."""
        return next((t for t in self.tasks if t.task_id == task_id), None)

    def _add_step(  # noqa: PLR0913 (a step has this many facts)
        self,
        *,
        step_id: UUID,
        code: str,
        check: EmpowermentCheck | None,
        at: datetime,
        by: Staff,
        status: StepStatus,
    ) -> None:
        self._check_open(at, by, "take a step")
        checks.an_id(step_id, "step id")
        if check is not None and not isinstance(check, EmpowermentCheck):
            raise InvalidInput("check must be an EmpowermentCheck")
        if self.step(step_id) is not None:
            raise InvalidInput(f"step {step_id} is already on this incident")
        step = Step(step_id, checks.code(code, "step"), by, at, check, status)
        self.steps = (*self.steps, step)

    def _check_open(self, at: datetime, by: Staff, command: str) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if self.status is IncidentStatus.RESOLVED:
            raise NotAllowedNow("incident", "resolved", command)


def _check_observation(observation: object) -> None:
    if not isinstance(observation, Observation):
        raise InvalidInput("observation must be an Observation")
