"""What people see of a history: every day's board, the open incidents, the report, the trails.

Recorded beside each stored history (`<history>.views.json`) by `record_views.py` with the code
of that history's version, and compared with what the code of today shows after an import: an
upgrade must not change what a clinic sees of its past.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

from serviceplan import ServicePlan
from serviceplan.cli.jsonout import plain
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, Recovery, Views

HERE = Path(__file__).parent


def shown_histories() -> list[Path]:
    """Return the stored days a clinic's plan recorded, whose views are kept beside them."""
    return sorted([*HERE.glob("*-clinic-day.jsonl"), *HERE.glob("*-demo-day.jsonl")])


def created(path: Path, *creating: str) -> list[UUID]:
    """Return the ids of the aggregates a history creates with one of these events, in order."""
    found: list[UUID] = []
    with path.open(encoding="utf8") as lines:
        for record in map(json.loads, list(lines)[1:]):
            if "trailer" in record:
                continue
            name = record["topic"].rpartition(":")[2]
            if record["version"] == 1 and name in creating:
                found.append(UUID(record["aggregate_id"]))
    return found


def views_of(plan: ServicePlan, history: Path) -> dict[str, Any]:
    """Return what the board, the open incidents, the report and the audit trails show."""
    views = Views()
    board, incidents = DayBoard(plan, views), OpenIncidents(plan, views)
    recovery, trail = Recovery(plan, views), AuditTrail(plan, views)
    for model in (board, incidents, recovery, trail):
        model.catch_up()
    span = recovery.span()
    shown = {
        "board": {d.isoformat(): plain(board.day(d)) for d in board.days()},
        "incidents": plain(incidents.open()),
        "report": None if span is None else plain(recovery.report(*span)),
        "patients": {
            str(p): plain(trail.of_patient(p)) for p in created(history, "Patient.Registered")
        },
        "incident trails": {
            str(i): plain(trail.of_incident(i)) for i in created(history, "Incident.Opened")
        },
    }
    views.close()
    return json.loads(json.dumps(shown))
