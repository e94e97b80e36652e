"""Commands and queries about incidents: signs, causes, steps, errands, fault and outcome."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from serviceplan.app.base import Base
from serviceplan.domain.incident import Incident
from serviceplan.domain.patient import Patient
from serviceplan.domain.reasons import Fault, ProcessCause
from serviceplan.domain.signs import Observation
from serviceplan.domain.staff import Staff
from serviceplan.domain.task import TaskKind
from serviceplan.domain.visit import Visit
from serviceplan.errors import IncidentNotFound, PatientNotFound, VisitNotFound


class Incidents(Base):
    """The incident commands of `ServicePlan`."""

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
        self._load(Patient, patient_id, PatientNotFound)
        if visit_id is not None:
            self._load(Visit, visit_id, VisitNotFound)
        incident = Incident(
            patient_id=patient_id, visit_id=visit_id, observation=observation, need=need,
            at=self._now(now), by=by,
        )  # fmt: skip
        self._save(incident)
        return incident.id

    def get_incident(self, incident_id: UUID) -> Incident:
        """Return the incident as recorded now."""
        return self._load(Incident, incident_id, IncidentNotFound)

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
        incident.observe(observation=observation, at=self._now(now), by=by)
        self._save(incident)

    def set_cause(
        self, incident_id: UUID, cause: ProcessCause, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record the process that failed."""
        incident = self.get_incident(incident_id)
        incident.set_cause(cause=cause, at=self._now(now), by=by)
        self._save(incident)

    def take_step(
        self, incident_id: UUID, step: str, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record a step staff took."""
        incident = self.get_incident(incident_id)
        incident.take_step(step=step, at=self._now(now), by=by)
        self._save(incident)

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
            task_id=task_id, kind=kind, owner=owner, due=due, at=self._now(now), by=by
        )
        self._save(incident)
        return task_id

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
        incident.finish_task(task_id=task_id, outcome=outcome, at=self._now(now), by=by)
        self._save(incident)

    def determine_fault(
        self, incident_id: UUID, fault: Fault, *, by: Staff, now: datetime | None = None
    ) -> None:
        """Record whose fault the problem was."""
        incident = self.get_incident(incident_id)
        incident.determine_fault(fault=fault, at=self._now(now), by=by)
        self._save(incident)

    def escalate(
        self, incident_id: UUID, *, reason: str, by: Staff, now: datetime | None = None
    ) -> None:
        """Hand the incident to a manager."""
        incident = self.get_incident(incident_id)
        incident.escalate(reason=reason, at=self._now(now), by=by)
        self._save(incident)

    def resolve_incident(
        self, incident_id: UUID, *, outcome: str, by: Staff, now: datetime | None = None
    ) -> None:
        """Close the incident with its outcome."""
        incident = self.get_incident(incident_id)
        incident.resolve(outcome=outcome, at=self._now(now), by=by)
        self._save(incident)

    def reopen_incident(
        self, incident_id: UUID, *, reason: str, by: Staff, now: datetime | None = None
    ) -> None:
        """Open a resolved incident again."""
        incident = self.get_incident(incident_id)
        incident.reopen(reason=reason, at=self._now(now), by=by)
        self._save(incident)
