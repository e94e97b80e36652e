"""Record this version's demo day and property stories, and what every history shows.

    .venv/bin/python tests/histories/record_views.py

Run by hand, with the code of the version in the files' names, before that code changes. It
writes `<version>-demo-day.jsonl` (the demo's SQLite day, seed 1) and `<version>-stories.jsonl`
(one life of each path of the property stories, each told with its own seed so that no two
share a record) unless they are
there, then `<history>.views.json` for each clinic or demo day without one (the stories are told
straight to the domain, never through a clinic's plan: they prove that events load, not views).
Recorded files are never edited.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "properties")]

from clinic_day import ZONE  # noqa: E402
from record_schema import replayed  # noqa: E402
from views_of import shown_histories, views_of  # noqa: E402

from serviceplan import ServicePlan, Settings, memory_store, sqlite_store  # noqa: E402
from serviceplan.store.history import export_history  # noqa: E402

STORY_SEED = 20261204
STORY_STEP = 1000
STORY_TRIES = 50


def write_demo_day(target: Path) -> None:
    from serviceplan import demo  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.sqlite3"
        demo.run(db, say=lambda _: None).close()
        plan = ServicePlan(sqlite_store(db), settings=Settings(timezone=ZONE), entry_points=False)
        with target.open("w", encoding="utf8") as out:
            export_history(plan, out)
        plan.close()


def write_stories(target: Path) -> None:
    from clinic_stories import EVERY_PATH  # noqa: PLC0415

    random.seed(STORY_SEED)
    told: list[list[Any]] = []
    for number, (kind, path) in enumerate(EVERY_PATH):
        told.append(_told_apart(kind, path, STORY_SEED + number, told))
    plan = ServicePlan(memory_store(), settings=Settings(timezone=ZONE), entry_points=False)
    for events in told:
        plan.events.put(events)
    with target.open("w", encoding="utf8") as out:
        export_history(plan, out)


def _told_apart(kind: str, path: tuple[str, ...], seed: int, told: list[list[Any]]) -> list[Any]:
    """Tell a path's story with the first seed from `seed` on whose records no other story has.

    Records named after what they are about (a notice's key, a reply's reference) can meet
    across stories, and one store holds one record of a name.
    """
    from clinic_stories import told_once  # noqa: PLC0415

    taken = {event.originator_id for events in told for event in events}
    for tried in range(STORY_TRIES):
        events = told_once(kind, path, seed + tried * STORY_STEP)
        if not {event.originator_id for event in events} & taken:
            return events
    message = f"no seed from {seed} tells {kind} {path} apart from the other stories"
    raise SystemExit(message)


def main() -> int:
    now = f"v{version('clinic-serviceplan')}"
    for name, write in (
        (f"{now}-demo-day.jsonl", write_demo_day),
        (f"{now}-stories.jsonl", write_stories),
    ):
        if not (HERE / name).exists():
            write(HERE / name)
            sys.stdout.write(f"recorded: {name}\n")
    for history in shown_histories():
        views = history.with_suffix(".views.json")
        if views.exists():
            continue
        shown = views_of(replayed(history), history)
        views.write_text(json.dumps(shown, indent=1, sort_keys=True) + "\n", encoding="utf8")
        sys.stdout.write(f"recorded: {views.name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
