"""Read models take a few fields straight from stored events; what they read is what the events say.

The oracle is the application's mapper: each event decoded into its object, then written again
by the transcoder, must give every handler the same values as the stored bytes read directly.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest

from histories.clinic_day import ZONE, play
from serviceplan import FixedClock, ServicePlan, Settings, memory_store
from serviceplan.domain.visit import Visit
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, Recovery, catch_up_together, on
from serviceplan.store.config import compressed
from serviceplan.store.history import export_history, import_history
from serviceplan.store.keys import encrypted, new_cipher_key
from serviceplan.store.secrets import SEALED
from serviceplan.store.versions import upcaster
from stores import FILE_STORES
from waitlisted import PATIENT_ASKED, book_morning, free_the_950, join_list

FIELD_MODELS = (DayBoard, Recovery)
ALL_MODELS = (DayBoard, Recovery, OpenIncidents, AuditTrail)


def clinic_day(settings: dict[str, str], clock: FixedClock) -> ServicePlan:
    plan = ServicePlan(settings, clock=clock, settings=Settings(ZONE))
    play(plan, clock)
    return plan


def dumps(plan: ServicePlan, models=ALL_MODELS) -> dict[str, object]:
    """Every row of every model, with the free texts kept sealed opened again."""
    followers = [model(plan, page=7) for model in models]
    catch_up_together(followers)
    return {f.name: opened(f) for f in followers}


def opened(follower) -> dict[str, list[tuple[object, ...]]]:
    def row_opened(row: tuple[object, ...]) -> tuple[object, ...]:
        return tuple(follower.unseal(v) if is_sealed(v) else v for v in row)

    return {
        table: sorted(map(row_opened, rows), key=repr) for table, rows in follower.dump().items()
    }


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEALED)


def test_every_field_read_from_storage_is_what_the_mapper_decodes(plan, clock):
    play(plan, clock)
    read = set()
    for model in FIELD_MODELS:
        follower = model(plan)
        rows = follower.log.page(0, plan.event_count, plan.event_count, follower.topics)
        for row in rows:
            reader = follower.readers[row[3]]
            from_storage = reader.fields(follower.log.plain(row[4]))
            assert from_storage == reader.fields(follower.log.current_state(row)), row[3]
            read.add(row[3].rsplit(":", 1)[1])
    assert read > {"Visit.Booked", "Visit.Rescheduled", "Delay.Revised", "Offering.Issued"}


def test_the_openings_fields_read_from_storage_are_what_the_mapper_decodes(plan, desk, clock):
    morning = book_morning(plan, desk)
    waiting = join_list(plan, desk)
    opening = free_the_950(plan, desk, clock, morning)
    plan.decline_offer(opening, waiting[0], by=desk)
    plan.accept_offer(opening, waiting[1], by=desk)
    plan.accept_offer(opening, waiting[2], by=desk)  # too late
    plan.cancel_visit(morning[5], reason=PATIENT_ASKED, by=desk)
    [eleven_thirty] = plan.open_openings()
    plan.close_opening(eleven_thirty.id, why="kept free", by=desk)
    read = set()
    for model in FIELD_MODELS:
        follower = model(plan)
        rows = follower.log.page(0, plan.event_count, plan.event_count, follower.topics)
        for row in (r for r in rows if ":Opening." in r[3]):
            reader = follower.readers[row[3]]
            from_storage = reader.fields(follower.log.plain(row[4]))
            assert from_storage == reader.fields(follower.log.current_state(row)), row[3]
            read.add(row[3].rsplit(".", 1)[1])
    assert read == {"Opened", "OfferMade", "Declined", "Accepted", "Filled", "AnsweredGone",
                    "Closed"}  # fmt: skip


@pytest.mark.parametrize("store", FILE_STORES, indirect=True)
def test_an_encrypted_compressed_store_builds_the_models_a_plain_one_builds(store, clock):
    sealed = clinic_day(compressed(encrypted(store, new_cipher_key())), clock)
    out = io.StringIO()
    export_history(sealed, out)
    plain = ServicePlan(memory_store(), settings=Settings(ZONE))
    import_history(plain, io.StringIO(out.getvalue()))

    assert dumps(sealed) == dumps(plain)
    incidents = OpenIncidents(sealed)
    incidents.catch_up()
    kept = incidents.dump()
    assert any(is_sealed(v) for row in kept["inc_incidents"] for v in row)


def test_a_state_stored_by_an_older_version_is_read_through_its_upcaster(monkeypatch, clock):
    plan = clinic_day(memory_store(), clock)
    before = dumps(plan, [DayBoard])["board"]["board_visits"]
    monkeypatch.setattr(Visit.CheckedIn, "class_version", 2, raising=False)

    @upcaster(Visit.CheckedIn, 1)
    def _a_minute_later(state: dict[str, object]) -> None:
        state["at"] += timedelta(minutes=1)  # type: ignore[operator]

    after = dumps(plan, [DayBoard])["board"]["board_visits"]

    checked_in = [(b[10], a[10]) for b, a in zip(before, after, strict=True) if b[10]]
    assert checked_in
    for old, new in checked_in:
        assert datetime.fromisoformat(new) - datetime.fromisoformat(old) == timedelta(minutes=1)


class ChoosyBoard(DayBoard):
    """A board whose check-in handler wants the whole event, and notes a choice with it."""

    name = "choosy"

    @on(Visit.CheckedIn)
    def _checked_in(self, e):
        super()._checked_in(str(e.originator_id), e.at.isoformat())
        self.write_now(
            "UPDATE board_visits SET choice = 'waiting' WHERE visit_id = ?", (str(e.originator_id),)
        )


def test_a_handler_of_whole_events_takes_its_turn_among_handlers_of_fields(clock):
    plan = clinic_day(memory_store(), clock)
    board, choosy = DayBoard(plan, page=5), ChoosyBoard(plan, page=5)
    catch_up_together([board, choosy])

    plain, chosen = board.dump()["board_visits"], choosy.dump()["board_visits"]

    assert [row[:-1] for row in chosen] == [row[:-1] for row in plain]
    assert [row[-1] for row in chosen] == ["waiting" if row[10] else row[-1] for row in plain]
