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

MAX_TEXT = 300


class IncidentStatus(Enum):
    """Where an incident stands."""

    OPEN = "open"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


class Incident(Aggregate):
    """One patient problem and everything the clinic did about it.

    Its own aggregate because its steps, errands and status answer to one another: nothing is
    added to a resolved incident, a step decided waits first, an errand is finished once.
    """

    class Opened(Aggregate.Created):
        patient_id: UUID
        visit_id: UUID | None
        observation: Observation
        need: str
        acknowledge_by: datetime
        respond_by: datetime
        at: datetime
        by: Staff

    class ObservationAdded(Aggregate.Event):
        observation: Observation
        at: datetime
        by: Staff

    class CauseSet(Aggregate.Event):
        cause: ProcessCause
        at: datetime
        by: Staff

    class StepsProposed(Aggregate.Event):
        proposals: tuple[Proposal, ...]
        at: datetime
        by: Staff

    class StepTaken(Aggregate.Event):
        step_id: UUID
        step: str
        check: EmpowermentCheck | None
        at: datetime
        by: Staff

    class StepAwaitingApproval(Aggregate.Event):
        step_id: UUID
        step: str
        check: EmpowermentCheck | None
        at: datetime
        by: Staff

    class StepDecided(Aggregate.Event):
        step_id: UUID
        approved: bool
        at: datetime
        by: Staff

    class TaskOpened(Aggregate.Event):
        task_id: UUID
        kind: TaskKind
        owner: str
        due: datetime
        at: datetime
        by: Staff

    class TaskDone(Aggregate.Event):
        task_id: UUID
        outcome: str
        at: datetime
        by: Staff

    class FaultDetermined(Aggregate.Event):
        fault: Fault
        at: datetime
        by: Staff

    class Escalated(Aggregate.Event):
        reason: str
        at: datetime
        by: Staff

    class Resolved(Aggregate.Event):
        outcome: str
        at: datetime
        by: Staff

    class Reopened(Aggregate.Event):
        reason: str
        at: datetime
        by: Staff

    @event(Opened)
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
        self.patient_id = patient_id
        self.visit_id = visit_id
        self.need = need
        self.opened_at = at
        self.opened_by = by
        self.observations: tuple[Observation, ...] = (observation,)
        self.cause: ProcessCause | None = None
        self.fault: Fault | None = None
        self.acknowledge_by = acknowledge_by
        self.respond_by = respond_by
        self.acknowledged_at: datetime | None = None
        self.steps: tuple[Step, ...] = ()
        self.proposals: tuple[Proposal, ...] = ()
        self.tasks: tuple[Task, ...] = ()
        self.status = IncidentStatus.OPEN
        self.escalations = 0
        self.was_escalated = False
        self.outcome: str | None = None
        self.resolved_at: datetime | None = None

    @classmethod
    def open(  # noqa: PLR0913 (an opening has this many facts)
        cls,
        *,
        patient_id: UUID,
        visit_id: UUID | None,
        observation: Observation,
        need: str,
        acknowledge_by: datetime,
        respond_by: datetime,
        at: datetime,
        by: Staff,
    ) -> Incident:
        """Open an incident from its first sign, with the patient's need and its deadlines."""
        checks.an_id(patient_id, "patient id")
        if visit_id is not None:
            checks.an_id(visit_id, "visit id")
        _check_observation(observation)
        return cls(
            patient_id=patient_id, visit_id=visit_id, observation=observation,
            need=checks.text(need, "need", max_length=MAX_TEXT),
            acknowledge_by=checks.aware(acknowledge_by, "acknowledge by"),
            respond_by=checks.aware(respond_by, "respond by"), at=checks.aware(at, "at"),
            by=checks.staff(by),
        )  # fmt: skip

    @property
    def level(self) -> Level:
        """How the patient seemed at the latest observation."""
        return self.observations[-1].level

    @property
    def is_resolved(self) -> bool:
        """Say whether the incident is closed."""
        return self.status is IncidentStatus.RESOLVED

    def observe(self, observation: Observation, at: datetime, by: Staff) -> None:
        """Record another sign staff noticed."""
        self._check_open(at, by, "add an observation")
        _check_observation(observation)
        self._observation_added(observation=observation, at=at, by=by)

    @event(ObservationAdded)
    def _observation_added(self, observation: Observation, at: datetime, by: Staff) -> None:
        del at, by
        self.observations = (*self.observations, observation)

    def set_cause(self, cause: ProcessCause, at: datetime, by: Staff) -> None:
        """Record which process failed the patient."""
        self._check_open(at, by, "set the cause")
        self._cause_set(cause=checks.member(cause, ProcessCause, "cause"), at=at, by=by)

    @event(CauseSet)
    def _cause_set(self, cause: ProcessCause, at: datetime, by: Staff) -> None:
        del at, by
        self.cause = cause

    def propose_steps(self, proposals: tuple[Proposal, ...], at: datetime, by: Staff) -> None:
        """Record what the playbook recommended after the latest sign."""
        self._check_open(at, by, "propose steps")
        if not all(isinstance(p, Proposal) for p in proposals):
            raise InvalidInput("proposals must be playbook Proposals")
        self._steps_proposed(proposals=tuple(proposals), at=at, by=by)

    @event(StepsProposed)
    def _steps_proposed(self, proposals: tuple[Proposal, ...], at: datetime, by: Staff) -> None:
        del at, by
        self.proposals = proposals

    def take_step(
        self, step_id: UUID, step: str, check: EmpowermentCheck | None, at: datetime, by: Staff
    ) -> None:
        """Record a step staff took (acknowledged, explained, offered to research the bill...)."""
        self._check_step(step_id, step, check, at, by)
        self._step_taken(step_id=step_id, step=step, check=check, at=at, by=by)

    @event(StepTaken)
    def _step_taken(
        self, step_id: UUID, step: str, check: EmpowermentCheck | None, at: datetime, by: Staff
    ) -> None:
        self.steps = (*self.steps, Step(step_id, step, by, at, check, StepStatus.TAKEN))
        if self.acknowledged_at is None:
            self.acknowledged_at = at

    def hold_step(
        self, step_id: UUID, step: str, check: EmpowermentCheck | None, at: datetime, by: Staff
    ) -> None:
        """Record a step that waits for a manager (a no among the answers, or over a limit)."""
        self._check_step(step_id, step, check, at, by)
        self._step_held(step_id=step_id, step=step, check=check, at=at, by=by)

    @event(StepAwaitingApproval)
    def _step_held(
        self, step_id: UUID, step: str, check: EmpowermentCheck | None, at: datetime, by: Staff
    ) -> None:
        held = Step(step_id, step, by, at, check, StepStatus.AWAITING_APPROVAL)
        self.steps = (*self.steps, held)

    def decide_step(self, step_id: UUID, approved: bool, at: datetime, by: Staff) -> None:  # noqa: FBT001
        """Record a manager's yes or no to a step that waited."""
        self._check_open(at, by, "decide a step")
        held = self.step(step_id)
        if held is None or held.status is not StepStatus.AWAITING_APPROVAL:
            raise NotAllowedNow("step", "not waiting for approval", "decide it")
        if not isinstance(approved, bool):
            raise InvalidInput("approved must be True or False")
        self._step_decided(step_id=step_id, approved=approved, at=at, by=by)

    @event(StepDecided)
    def _step_decided(self, step_id: UUID, approved: bool, at: datetime, by: Staff) -> None:  # noqa: FBT001
        status = StepStatus.APPROVED if approved else StepStatus.DECLINED
        self.steps = tuple(s.decide(status, by) if s.step_id == step_id else s for s in self.steps)
        if approved and self.acknowledged_at is None:
            self.acknowledged_at = at

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
        self._task_opened(
            task_id=task_id, kind=checks.member(kind, TaskKind, "task kind"),
            owner=checks.code(owner, "owner"), due=due, at=at, by=by,
        )  # fmt: skip

    @event(TaskOpened)
    def _task_opened(  # noqa: PLR0913 (a task has this many facts)
        self,
        *,
        task_id: UUID,
        kind: TaskKind,
        owner: str,
        due: datetime,
        at: datetime,
        by: Staff,
    ) -> None:
        del at, by
        self.tasks = (*self.tasks, Task(task_id, kind, owner, due))

    def finish_task(self, task_id: UUID, outcome: str, at: datetime, by: Staff) -> None:
        """Record how an errand ended."""
        checks.aware(at, "at")
        checks.staff(by)
        task = self.task(task_id)
        if task is None:
            raise TaskNotFound(task_id)
        if task.is_done:
            raise NotAllowedNow("task", "done", "finish it again")
        self._task_done(
            task_id=task_id, outcome=checks.text(outcome, "outcome", max_length=MAX_TEXT),
            at=at, by=by,
        )  # fmt: skip

    @event(TaskDone)
    def _task_done(self, task_id: UUID, outcome: str, at: datetime, by: Staff) -> None:
        del by
        self.tasks = tuple(t.finish(outcome, at) if t.task_id == task_id else t for t in self.tasks)

    def determine_fault(self, fault: Fault, at: datetime, by: Staff) -> None:
        """Record whose fault the problem was."""
        checks.aware(at, "at")
        checks.staff(by)
        self._fault_determined(fault=checks.member(fault, Fault, "fault"), at=at, by=by)

    @event(FaultDetermined)
    def _fault_determined(self, fault: Fault, at: datetime, by: Staff) -> None:
        del at, by
        self.fault = fault

    def escalate(self, reason: str, at: datetime, by: Staff) -> None:
        """Hand the incident to a manager."""
        self._check_open(at, by, "escalate")
        self._escalated(reason=checks.text(reason, "reason", max_length=MAX_TEXT), at=at, by=by)

    @event(Escalated)
    def _escalated(self, reason: str, at: datetime, by: Staff) -> None:
        del reason, at, by
        self.status = IncidentStatus.ESCALATED
        self.escalations += 1
        self.was_escalated = True

    def resolve(self, outcome: str, at: datetime, by: Staff) -> None:
        """Close the incident with what came of it."""
        self._check_open(at, by, "resolve")
        self._resolved(outcome=checks.text(outcome, "outcome", max_length=MAX_TEXT), at=at, by=by)

    @event(Resolved)
    def _resolved(self, outcome: str, at: datetime, by: Staff) -> None:
        del by
        self.outcome = outcome
        self.status = IncidentStatus.RESOLVED
        self.resolved_at = at

    def reopen(self, reason: str, at: datetime, by: Staff) -> None:
        """Open a resolved incident again, keeping everything before."""
        checks.aware(at, "at")
        checks.staff(by)
        checks.text(reason, "reason", max_length=MAX_TEXT)
        if self.status is not IncidentStatus.RESOLVED:
            raise NotAllowedNow("incident", self.status.value, "reopen")
        self._reopened(reason=reason.strip(), at=at, by=by)

    @event(Reopened)
    def _reopened(self, reason: str, at: datetime, by: Staff) -> None:
        del reason, at, by
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

    def _check_step(
        self, step_id: UUID, code: str, check: EmpowermentCheck | None, at: datetime, by: Staff
    ) -> None:
        self._check_open(at, by, "take a step")
        checks.an_id(step_id, "step id")
        checks.code(code, "step")
        if check is not None and not isinstance(check, EmpowermentCheck):
            raise InvalidInput("check must be an EmpowermentCheck")
        if self.step(step_id) is not None:
            raise InvalidInput(f"step {step_id} is already on this incident")

    def _check_open(self, at: datetime, by: Staff, command: str) -> None:
        checks.aware(at, "at")
        checks.staff(by)
        if self.status is IncidentStatus.RESOLVED:
            raise NotAllowedNow("incident", "resolved", command)


def _check_observation(observation: object) -> None:
    if not isinstance(observation, Observation):
        raise InvalidInput("observation must be an Observation")
