"""Open incidents: what each patient problem is about, who owes what by when, what is overdue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs

from serviceplan.domain.incident import Incident, IncidentStatus
from serviceplan.read.follower import Event, Follower, on, query, stamp, unstamp

RESPOND_WITHIN = timedelta(days=7)
"""The grievance clock: about seven days to answer (DOMAIN.md)."""


@attrs.frozen
class OpenTask:
    """An errand on an incident, with its owner and due time."""

    task_id: str
    kind: str
    owner: str
    due: datetime
    outcome: str | None = None
    done_at: datetime | None = None

    def is_overdue(self, now: datetime) -> bool:
        """Say whether the errand is past due and not done."""
        return self.done_at is None and self.due < now


@attrs.frozen
class OpenIncident:
    """One incident not yet resolved, as the manager's list shows it."""

    incident_id: str
    patient_id: str
    opened_at: datetime
    need: str
    topic: str
    level: str
    status: str
    cause: str | None = None
    fault: str | None = None
    escalations: int = 0
    tasks: tuple[OpenTask, ...] = ()
    respond_within: timedelta = RESPOND_WITHIN
    acknowledge_by: datetime | None = None
    """Close of business on the day it opened (the next business day's after hours)."""
    acknowledged_at: datetime | None = None
    """When the first step went ahead, if one has."""
    respond_by: datetime | None = None
    """When the patient is owed an answer, as the incident recorded it."""

    @property
    def deadline(self) -> datetime:
        """When the patient is owed an answer."""
        return self.respond_by or self.opened_at + self.respond_within

    def is_overdue(self, now: datetime) -> bool:
        """Say whether the incident missed its acknowledgement or its answer, as `Incident` does."""
        unacknowledged = (
            self.acknowledged_at is None
            and self.acknowledge_by is not None
            and now > self.acknowledge_by
        )
        return unacknowledged or now > self.deadline

    def overdue_tasks(self, now: datetime) -> tuple[OpenTask, ...]:
        """Return the errands past due."""
        return tuple(t for t in self.tasks if t.is_overdue(now))


class OpenIncidents(Follower):
    """Every incident not yet resolved, with its tasks; resolved ones stay for a reopening."""

    name = "incidents"
    schema = 2
    tables = {  # noqa: RUF012 (read-only class data)
        "inc_incidents": """CREATE TABLE IF NOT EXISTS inc_incidents (
            incident_id TEXT PRIMARY KEY, patient_id TEXT, opened_at TEXT, need TEXT,
            topic TEXT, level TEXT, status TEXT, cause TEXT, fault TEXT,
            escalations INTEGER DEFAULT 0, acknowledge_by TEXT, acknowledged_at TEXT,
            respond_by TEXT)""",
        "inc_tasks": """CREATE TABLE IF NOT EXISTS inc_tasks (
            task_id TEXT PRIMARY KEY, incident_id TEXT, kind TEXT, owner TEXT, due TEXT,
            outcome TEXT, done_at TEXT)""",
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS inc_incidents_by_status ON inc_incidents (status)",
        "CREATE INDEX IF NOT EXISTS inc_tasks_by_incident ON inc_tasks (incident_id)",
    )

    @on(Incident.Opened)
    def _opened(self, e: Event) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO inc_incidents (incident_id, patient_id, opened_at, need, topic,"
            " level, status, acknowledge_by, respond_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id), str(e.patient_id), stamp(e.at), self.seal(e.need),
                e.observation.topic.value, e.observation.level.value, IncidentStatus.OPEN.value,
                stamp(e.acknowledge_by), stamp(e.respond_by),
            ),
        )  # fmt: skip

    @on(Incident.StepTaken)
    def _step_taken(self, e: Event) -> None:
        self._acknowledged(e)

    @on(Incident.StepDecided)
    def _step_decided(self, e: Event) -> None:
        if e.approved:
            self._acknowledged(e)

    def _acknowledged(self, e: Event) -> None:
        self.db.execute(
            "UPDATE inc_incidents SET acknowledged_at = COALESCE(acknowledged_at, ?)"
            " WHERE incident_id = ?",
            (stamp(e.at), str(e.originator_id)),
        )

    @on(Incident.ObservationAdded)
    def _observed(self, e: Event) -> None:
        self._set(e, topic=e.observation.topic.value, level=e.observation.level.value)

    @on(Incident.CauseSet)
    def _cause(self, e: Event) -> None:
        self._set(e, cause=e.cause.value)

    @on(Incident.FaultDetermined)
    def _fault(self, e: Event) -> None:
        self._set(e, fault=e.fault.value)

    @on(Incident.Escalated)
    def _escalated(self, e: Event) -> None:
        self.db.execute(
            "UPDATE inc_incidents SET status = ?, escalations = escalations + 1"
            " WHERE incident_id = ?",
            (IncidentStatus.ESCALATED.value, str(e.originator_id)),
        )

    @on(Incident.Resolved)
    def _resolved(self, e: Event) -> None:
        self._set(e, status=IncidentStatus.RESOLVED.value)

    @on(Incident.Reopened)
    def _reopened(self, e: Event) -> None:
        self._set(e, status=IncidentStatus.OPEN.value)

    @on(Incident.TaskOpened)
    def _task_opened(self, e: Event) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO inc_tasks (task_id, incident_id, kind, owner, due)"
            " VALUES (?, ?, ?, ?, ?)",
            (str(e.task_id), str(e.originator_id), e.kind.value, e.owner, stamp(e.due)),
        )

    @on(Incident.TaskDone)
    def _task_done(self, e: Event) -> None:
        self.db.execute(
            "UPDATE inc_tasks SET outcome = ?, done_at = ? WHERE task_id = ?",
            (self.seal(e.outcome), stamp(e.at), str(e.task_id)),
        )

    def _set(self, e: Event, **values: str) -> None:
        columns = ", ".join(f"{name} = ?" for name in values)
        self.db.execute(
            f"UPDATE inc_incidents SET {columns} WHERE incident_id = ?",  # noqa: S608 (our names)
            (*values.values(), str(e.originator_id)),
        )

    @query
    def open(self, respond_within: timedelta = RESPOND_WITHIN) -> list[OpenIncident]:
        """Return the incidents not yet resolved, oldest first, each with its tasks."""
        cursor = self.db.execute(
            "SELECT * FROM inc_incidents WHERE status != ? ORDER BY opened_at, incident_id",
            (IncidentStatus.RESOLVED.value,),
        )
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
        return [self._incident(row, respond_within) for row in rows]

    def _incident(self, row: dict[str, Any], respond_within: timedelta) -> OpenIncident:
        tasks = tuple(
            OpenTask(
                t[0], t[2], t[3], datetime.fromisoformat(t[4]), self.unseal(t[5]), unstamp(t[6])
            )
            for t in self.db.execute(
                "SELECT * FROM inc_tasks WHERE incident_id = ? ORDER BY due, task_id",
                (row["incident_id"],),
            )
        )
        return OpenIncident(
            incident_id=row["incident_id"], patient_id=row["patient_id"],
            opened_at=datetime.fromisoformat(row["opened_at"]), need=self.unseal(row["need"]) or "",
            topic=row["topic"], level=row["level"], status=row["status"], cause=row["cause"],
            fault=row["fault"], escalations=row["escalations"], tasks=tasks,
            respond_within=respond_within, acknowledge_by=unstamp(row["acknowledge_by"]),
            acknowledged_at=unstamp(row["acknowledged_at"]), respond_by=unstamp(row["respond_by"]),
        )  # fmt: skip
