"""Commands and queries about incidents: signs, causes, steps, errands, fault and outcome."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID, uuid4

from serviceplan.app.desk import Desk
from serviceplan.app.permissions import CLOSE_ESCALATED, DECIDE_STEP, permitted
from serviceplan.domain import deadlines, playbook
from serviceplan.domain.empowerment import EmpowermentCheck, empowered
from serviceplan.domain.incident import Incident, IncidentStatus
from serviceplan.domain.money import Money
from serviceplan.domain.patient import Patient
from serviceplan.domain.playbook import Proposal
from serviceplan.domain.reasons import Fault, ProcessCause
from serviceplan.domain.signs import Observation
from serviceplan.domain.staff import Staff
from serviceplan.domain.task import TaskKind
from serviceplan.domain.visit import Visit
from serviceplan.errors import IncidentNotFound, PatientNotFound, VisitNotFound


class IncidentDesk(Desk):
    """A patient's problem: signs, causes, steps, errands, fault and outcome."""

    @permitted("open-incident")
    def open_incident(  # noqa: PLR0913 (an opening has this many facts)
        self,
        patient_id: UUID,
        *,
        observation: Observation,
        need: str,
        by: Staff,
        visit_id: UUID | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Open an incident from a first sign, with the patient's need in plain words."""
        self.plan.exists(Patient, patient_id, PatientNotFound)
        if visit_id is not None:
            self.plan.exists(Visit, visit_id, VisitNotFound)
        at, settings = self.plan.now(now), self.settings
        incident = Incident.open(
            patient_id=patient_id, visit_id=visit_id, observation=observation, need=need,
            acknowledge_by=deadlines.acknowledge_by(
                at, settings.timezone, settings.close_of_business, settings.calendar
            ),
            respond_by=deadlines.respond_by(at, settings.respond_within_days), at=at, by=by,
        )  # fmt: skip
        self._follow_playbook(incident, at, by)
        self.plan.record(incident)
        return incident.id

    def get_incident(self, incident_id: UUID) -> Incident:
        """Return the incident as recorded now."""
        return self.plan.load(Incident, incident_id, IncidentNotFound)

    @permitted("add-observation")
    def add_observation(
        self,
        incident_id: UUID,
        observation: Observation,
        *,
        by: Staff,
        now: datetime | None = None,
    ) -> None:
        """Record another sign on an open incident."""
        incident = self.get_incident(incident_id)
        at = self.plan.now(now)
        incident.observe(observation=observation, at=at, by=by)
        self._follow_playbook(incident, at, by)
        self.plan.record(incident)

    @permitted("set-cause")
    def set_cause(
        self, incident_id: UUID, cause: ProcessCause, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record the process that failed."""
        incident = self.get_incident(incident_id)
        incident.set_cause(cause=cause, at=self.plan.now(now), by=by)
        self.plan.record(incident)

    @permitted("take-step")
    def take_step(  # noqa: PLR0913 (a step has this many facts)
        self,
        incident_id: UUID,
        step: str,
        *,
        by: Staff,
        check: EmpowermentCheck | None = None,
        cost: Money | None = None,
        now: datetime | None = None,
    ) -> UUID:
        """Record a step and return its id.

        With an empowerment check, a step that is not all yes, or costs more than the person's
        limit, waits for a manager.
        """
        incident = self.get_incident(incident_id)
        at, step_id = self.plan.now(now), uuid4()
        if check is not None and not empowered(check, cost, self.permissions.policy(by).limit):
            incident.hold_step(step_id=step_id, step=step, check=check, at=at, by=by)
        else:
            incident.take_step(step_id=step_id, step=step, check=check, at=at, by=by)
        self.plan.record(incident)
        return step_id

    @permitted(DECIDE_STEP)
    def decide_step(
        self,
        incident_id: UUID,
        step_id: UUID,
        *,
        approved: bool,
        by: Staff,
        now: datetime | None = None,
    ) -> None:
        """Record a manager's yes or no to a step that waited for one."""
        incident = self.get_incident(incident_id)
        incident.decide_step(step_id=step_id, approved=approved, at=self.plan.now(now), by=by)
        self.plan.record(incident)

    @permitted("open-task")
    def open_task(  # noqa: PLR0913 (a task has this many facts)
        self,
        incident_id: UUID,
        *,
        kind: TaskKind,
        owner: str,
        due: datetime,
        by: Staff,
        now: datetime | None = None,
    ) -> UUID:
        """Give `owner` an errand for the patient, due at `due`; returns the task id."""
        incident = self.get_incident(incident_id)
        task_id = uuid4()
        incident.open_task(
            task_id=task_id, kind=kind, owner=owner, due=due, at=self.plan.now(now), by=by
        )
        self.plan.record(incident)
        return task_id

    @permitted("finish-task")
    def finish_task(
        self,
        incident_id: UUID,
        task_id: UUID,
        *,
        outcome: str,
        by: Staff,
        now: datetime | None = None,
    ) -> None:
        """Record how an errand ended."""
        incident = self.get_incident(incident_id)
        incident.finish_task(task_id=task_id, outcome=outcome, at=self.plan.now(now), by=by)
        self.plan.record(incident)

    @permitted("determine-fault")
    def determine_fault(
        self, incident_id: UUID, fault: Fault, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record whose fault the problem was."""
        incident = self.get_incident(incident_id)
        incident.determine_fault(fault=fault, at=self.plan.now(now), by=by)
        self.plan.record(incident)

    @permitted("escalate")
    def escalate(
        self, incident_id: UUID, *, reason: str, by: Staff, now: datetime | None = None
    ) -> None:
        """Hand the incident to a manager."""
        incident = self.get_incident(incident_id)
        incident.escalate(reason=reason, at=self.plan.now(now), by=by)
        self.plan.record(incident)

    @permitted("resolve-incident")
    def resolve_incident(
        self, incident_id: UUID, *, outcome: str, by: Staff, now: datetime | None = None
    ) -> None:
        """Close the incident with its outcome."""
        incident = self.get_incident(incident_id)
        if incident.was_escalated:
            self.permissions.require(by, CLOSE_ESCALATED)
        incident.resolve(outcome=outcome, at=self.plan.now(now), by=by)
        self.plan.record(incident)

    @permitted("reopen-incident")
    def reopen_incident(
        self, incident_id: UUID, *, reason: str, by: Staff, now: datetime | None = None
    ) -> None:
        """Open a resolved incident again."""
        incident = self.get_incident(incident_id)
        incident.reopen(reason=reason, at=self.plan.now(now), by=by)
        self.plan.record(incident)

    def _follow_playbook(self, incident: Incident, at: datetime, by: Staff) -> None:
        """Record the playbook's proposals for the latest sign, escalating when signs run high."""
        proposals = _once_each(self.plan.plugins.incident_steps(incident))
        if proposals:
            incident.propose_steps(proposals=proposals, at=at, by=by)
        if incident.status is IncidentStatus.OPEN and playbook.should_escalate(
            incident.observations
        ):
            incident.escalate(reason=f"playbook: patient {incident.level.value}", at=at, by=by)


def _once_each(proposals: Iterable[Proposal]) -> tuple[Proposal, ...]:
    """Keep the first proposal of each step, in the order the playbooks gave them."""
    seen: dict[str, Proposal] = {}
    for proposal in proposals:
        seen.setdefault(proposal.step, proposal)
    return tuple(seen.values())
