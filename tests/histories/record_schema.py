"""Record this version's stored history and schema; run by hand when event classes change.

    .venv/bin/python tests/histories/record_schema.py

It writes `<version>-clinic-day.jsonl` (the clinic day exported) unless a history of this
version is there already, then adds new event classes, versions and enum members to
`fingerprints.json`. It refuses a break (a shape changed without a version bump, a class or an
enum member gone) and an event class that no stored history holds. Recorded files are never
edited: they must load, unchanged, in every later version.
"""

from __future__ import annotations

import json
import os
import sys
from importlib.metadata import version
from pathlib import Path

from clinic_day import ZONE, at, play

from serviceplan import FixedClock, Patient, ServicePlan, Settings, memory_store
from serviceplan.plugins import STAND_INS
from serviceplan.store.history import export_history, import_history
from serviceplan.store.schema import compare, merged, schema

HERE = Path(__file__).parent
os.environ[STAND_INS] = "1"  # the day moves a visit through the demo's template week, as tests do
FINGERPRINTS = HERE / "fingerprints.json"


def histories() -> list[Path]:
    """Return the stored histories, oldest version first."""
    return sorted(HERE.glob("*.jsonl"))


def replayed(path: Path) -> ServicePlan:
    """Return an in-memory plan holding the history at `path` (older ones have no trailer)."""
    plan = ServicePlan(memory_store(), settings=Settings(timezone=ZONE))
    with path.open(encoding="utf8") as lines:
        import_history(plan, lines, accept_version_1=True)
    return plan


def events(path: Path) -> list[dict[str, object]]:
    """Return the event records of a history file: every line but the header and the trailer."""
    with path.open(encoding="utf8") as lines:
        records = [json.loads(line) for n, line in enumerate(lines) if n]
    return [record for record in records if "trailer" not in record]


def topics(path: Path) -> set[str]:
    """Return the event classes a history holds."""
    return {str(record["topic"]) for record in events(path)}


def patients(plan: ServicePlan) -> list[Patient]:
    """Return every patient in the plan, loaded from its events."""
    ids = {n.originator_id for n in plan.recorder.select_notifications(1, plan.event_count)}
    found = [plan.repository.get(i) for i in sorted(ids)]
    return [p for p in found if isinstance(p, Patient)]


def current_schema() -> dict[str, object]:
    """Return the schema of the code as it is, with the patients of every stored history."""
    return schema(p for path in histories() for p in patients(replayed(path)))


def write_history() -> None:
    name = f"v{version('clinic-serviceplan')}-clinic-day.jsonl"
    if (HERE / name).exists():
        return
    clock = FixedClock(at(7))
    plan = ServicePlan(memory_store(), clock=clock, settings=Settings(timezone=ZONE))
    play(plan, clock)
    with (HERE / name).open("w", encoding="utf8") as out:
        export_history(plan, out)


def main() -> int:
    write_history()
    recorded = json.loads(FINGERPRINTS.read_text(encoding="utf8")) if FINGERPRINTS.exists() else {}
    current = current_schema()
    additions, breaks = compare(recorded, current)
    stored = set().union(*(topics(path) for path in histories()))
    unsampled = sorted(set(current["events"]) - stored)  # type: ignore[call-overload]
    for problem in breaks + [f"events: no stored history holds {t}" for t in unsampled]:
        sys.stderr.write(f"refused: {problem}\n")
    if breaks or unsampled:
        return 1
    FINGERPRINTS.write_text(json.dumps(merged(recorded, current), indent=2) + "\n", "utf8")
    sys.stdout.write("".join(f"recorded: {a}\n" for a in additions))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
