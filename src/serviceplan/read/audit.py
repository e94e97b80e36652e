"""The audit trail: who did what, when, for one patient or one incident.

Every event of a patient, a visit, an incident, an offering or a notice becomes one line, with
the staff member and role who acted. Events added to those aggregates later join the trail on
their own.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import partial
from typing import Any, ClassVar
from uuid import UUID

import attrs
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.utils import get_topic

from serviceplan.domain.incident import Incident
from serviceplan.domain.money import Money
from serviceplan.domain.notice import Notice
from serviceplan.domain.notice_record import NoticeRecord
from serviceplan.domain.offering import Offering
from serviceplan.domain.patient import Patient
from serviceplan.domain.signs import Observation
from serviceplan.domain.visit import Visit
from serviceplan.read.follower import Event, Follower, query, stamp, unstamp

AUDITED = (Patient, Visit, Incident, Offering, NoticeRecord)
SAID_AS: dict[type, str] = {NoticeRecord: "Notice"}
"""Records the trail names otherwise than their class: a notice's record is the notice."""
_BASES = frozenset({"Event", "Created"})
_QUIET = frozenset(
    {"originator_id", "originator_version", "originator_topic", "timestamp", "at", "by", "contact"}
)


@attrs.frozen
class AuditLine:
    """One thing someone did: when, who, on which record, what, with which details."""

    position: int
    at: datetime | None
    by: str | None
    role: str | None
    record: str
    record_id: str
    what: str
    detail: str


def _topics_of(aggregate: type) -> dict[str, str]:
    """Return {topic: 'Record.Event'} for every event class an aggregate defines."""
    found = {}
    for name, value in vars(aggregate).items():
        is_event = isinstance(value, type) and issubclass(value, CanMutateAggregate)
        if is_event and name not in _BASES:
            found[get_topic(value)] = f"{SAID_AS.get(aggregate, aggregate.__name__)}.{name}"
    return found


def _words(name: str) -> str:
    """Turn 'TaskOpened' into 'task opened'."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()


def _value(value: object) -> str | None:
    """Say a field's value briefly, or None to leave it out of the detail."""
    result: str | None
    if isinstance(value, Enum):
        result = str(value.value)
    elif isinstance(value, Money):
        result = str(value)
    elif isinstance(value, Observation):
        result = f"{value.level.value} about {value.topic.value}"
    elif isinstance(value, datetime):
        result = value.isoformat(timespec="minutes")
    elif isinstance(value, str | int) and not isinstance(value, bool):
        result = str(value)
    else:
        result = None
    return result


def describe(fields: dict[str, Any]) -> str:
    """Render an event's own fields as `name=value` pairs; ids, contacts and times stay out."""
    said = ((name, _value(value)) for name, value in fields.items() if name not in _QUIET)
    return " ".join(f"{name}={text}" for name, text in said if text is not None)


class AuditTrail(Follower):
    """Who did what, when, filed under the patient and the incident it concerns."""

    name = "audit"
    schema = 2
    tables = {  # noqa: RUF012 (read-only class data)
        "audit_lines": """CREATE TABLE IF NOT EXISTS audit_lines (
            position INTEGER PRIMARY KEY, at TEXT, by_id TEXT, role TEXT, patient_id TEXT,
            incident_id TEXT, record TEXT, record_id TEXT, what TEXT, detail TEXT)""",
        "audit_links": """CREATE TABLE IF NOT EXISTS audit_links (
            record_id TEXT PRIMARY KEY, patient_id TEXT, incident_id TEXT)""",
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS audit_by_patient ON audit_lines (patient_id)",
        "CREATE INDEX IF NOT EXISTS audit_by_incident ON audit_lines (incident_id)",
    )
    names: ClassVar[dict[str, str]] = {
        topic: name for aggregate in AUDITED for topic, name in _topics_of(aggregate).items()
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 (as Follower)
        super().__init__(*args, **kwargs)
        self._bound = {topic: partial(self._line, name) for topic, name in self.names.items()}

    def _line(self, name: str, e: Event) -> None:
        record, what = name.split(".")
        record_id = str(e.originator_id)
        patient_id, incident_id = self._link(record, record_id, vars(e))
        by = vars(e).get("by")
        self.db.execute(
            "INSERT OR REPLACE INTO audit_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.event_position, stamp(vars(e).get("at")), by and by.id, by and by.role,
                patient_id, incident_id, record, record_id, _words(what),
                self.seal(describe(vars(e))),
            ),
        )  # fmt: skip

    def _link(self, record: str, record_id: str, fields: dict[str, Any]) -> tuple[str, str | None]:
        """Return the patient and incident a record belongs to, learning them on first sight."""
        if record == "Patient":
            return record_id, None
        if isinstance(fields.get("notice"), Notice):
            fields = {"patient_id": fields["notice"].patient_id}
        if "patient_id" in fields:
            incident = fields.get("incident_id") or (record_id if record == "Incident" else None)
            link = (str(fields["patient_id"]), None if incident is None else str(incident))
            self.db.execute(
                "INSERT OR REPLACE INTO audit_links VALUES (?, ?, ?)", (record_id, *link)
            )
            return link
        row = self.db.execute(
            "SELECT patient_id, incident_id FROM audit_links WHERE record_id = ?", (record_id,)
        ).fetchone()
        return (row[0], row[1]) if row else ("", None)

    @query
    def of_patient(self, patient_id: UUID | str) -> list[AuditLine]:
        """Return everything done for one patient, in the order it was recorded."""
        return self._lines("patient_id", str(patient_id))

    @query
    def of_incident(self, incident_id: UUID | str) -> list[AuditLine]:
        """Return everything done about one incident (its offerings too), in order."""
        return self._lines("incident_id", str(incident_id))

    @query
    def ids_starting(self, column: str, prefix: str) -> list[str]:
        """Return the patient or incident ids (`column`) on the trail that start with `prefix`."""
        if column not in {"patient_id", "incident_id"}:
            msg = f"no such column on the trail: {column}"
            raise ValueError(msg)
        query = f"SELECT DISTINCT {column} FROM audit_lines WHERE {column} LIKE ? ORDER BY 1"  # noqa: S608
        return [r[0] for r in self.db.execute(query, (f"{prefix}%",))]

    def _lines(self, column: str, value: str) -> list[AuditLine]:
        query = "SELECT position, at, by_id, role, record, record_id, what, detail FROM audit_lines"
        cursor = self.db.execute(f"{query} WHERE {column} = ? ORDER BY position", (value,))
        return [
            AuditLine(r[0], unstamp(r[1]), r[2], r[3], r[4], r[5], r[6], self.unseal(r[7]) or "")
            for r in cursor
        ]
