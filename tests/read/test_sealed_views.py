"""Read models beside an encrypted store keep what people wrote sealed, and show it with the key.

Given the clinic day in an encrypted store, when the incidents, the audit and the board are built
(beside a SQLite store, or in a views file of their own beside PostgreSQL), then no need, outcome
or reason is in the views' bytes, and each one is shown to a person who asks with the key.
"""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from histories.clinic_day import AGENT, ZONE, Day, play
from serviceplan import ServicePlan, Settings, memory_store
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, Views, catch_up_together
from serviceplan.store.history import export_history, import_history
from serviceplan.store.keys import encrypted, new_cipher_key
from stores import FILE_STORES

WRITTEN = [
    "understand an unexpected balance",
    f"{AGENT} at the insurer confirmed coverage",
    "patient asked for a manager",
    "bill corrected; patient thanked us",
    "surgery ran over",
    "a second letter arrived",
]
"""What people wrote on the clinic day: an incident's need, outcomes and reasons."""


def views_of(store: dict[str, str], folder: Path) -> Path:
    """The views file: the store's own for SQLite, one of its own beside PostgreSQL."""
    if store["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        return Path(store["SQLITE_DBNAME"])
    return folder / "views.sqlite3"


def built(plan: ServicePlan, views: Views) -> tuple[OpenIncidents, AuditTrail, DayBoard]:
    models = OpenIncidents(plan, views), AuditTrail(plan, views), DayBoard(plan, views)
    catch_up_together(list(models))
    return models


def file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def shown(models: tuple[OpenIncidents, AuditTrail, DayBoard], day: Day) -> str:
    """Everything the incidents, the audit and the board show a person about the day."""
    incidents, audit, board = models
    said = [repr(incidents.open())]
    said += [line.detail for line in audit.of_incident(day.incident)]
    said += [repr(b.delays) for b in board.day(board.days()[0])]
    return "\n".join(said)


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
@pytest.mark.parametrize("mode", ["encrypted", "plain"])
def test_the_views_hold_no_written_word_beside_an_encrypted_store(store, mode, clock, tmp_path):
    settings = encrypted(store, new_cipher_key()) if mode == "encrypted" else store
    path = views_of(store, tmp_path)
    plan = ServicePlan(settings, clock=clock, settings=Settings(ZONE), views=Views(path))
    day = play(plan, clock)
    models = built(plan, plan.views)
    raw = file_bytes(path)
    found = [text for text in WRITTEN if text.encode() in raw]
    assert found == ([] if mode == "encrypted" else WRITTEN)
    assert all(text in shown(models, day) for text in WRITTEN)
    plan.close()


def test_views_made_under_the_old_key_are_rebuilt_under_the_new_one(tmp_path, clock):
    old, new = new_cipher_key(), new_cipher_key()
    path = tmp_path / "views.sqlite3"
    first = ServicePlan(encrypted(memory_store(), old), clock=clock, settings=Settings(ZONE))
    day = play(first, clock)
    built(first, Views(path))
    history = io.StringIO()
    export_history(first, history)
    first.close()
    rotated = ServicePlan(encrypted(memory_store(), new), settings=Settings(ZONE))
    import_history(rotated, io.StringIO(history.getvalue()))
    views = Views(path)
    models = built(rotated, views)
    assert all(text in shown(models, day) for text in WRITTEN)
    assert views.position("incidents") == rotated.event_count
    rotated.close()


def test_views_an_earlier_serviceplan_kept_in_clear_are_rebuilt_sealed(tmp_path, clock):
    path = tmp_path / "views.sqlite3"
    plan = ServicePlan(
        encrypted(memory_store(), new_cipher_key()), clock=clock, settings=Settings(ZONE)
    )
    day = play(plan, clock)
    built(plan, Views(path))
    with closing(sqlite3.connect(path)) as db, db:  # as views made before the key was recorded
        db.execute("DROP TABLE serviceplan_views_key")
        db.execute("UPDATE inc_incidents SET need = ?", (WRITTEN[0],))

    models = built(plan, Views(path))

    assert all(text in shown(models, day) for text in WRITTEN)
    assert WRITTEN[0].encode() not in file_bytes(path)
    plan.close()
