"""The checked mapper reads a stored event faithfully, or refuses it naming its place and class.

Each case hands the mapper one stored event as a damaged store would hold it; none is read as a
wrong answer, and no message quotes the event's content.
"""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
from eventsourcing.persistence import Notification, StoredEvent

from serviceplan import ServicePlan, compressed, memory_store
from serviceplan.domain.visit import Visit
from serviceplan.errors import DamagedEvent, NewerEvent
from serviceplan.store.mapper import CheckedMapper
from serviceplan.store.versions import upcaster

BOOKED = "serviceplan.domain.visit:Visit.Booked"


@pytest.fixture
def mapper() -> CheckedMapper:
    plan = ServicePlan(memory_store(), entry_points=False)
    assert isinstance(plan.mapper, CheckedMapper)
    return plan.mapper


def stored(topic: str, state: bytes, position: int | None = 12) -> StoredEvent:
    aggregate = uuid4()
    if position is None:
        return StoredEvent(aggregate, 1, topic, state)
    return Notification(id=position, originator_id=aggregate, originator_version=1,
                        topic=topic, state=state)  # fmt: skip


@pytest.mark.parametrize(
    ("topic", "state", "error", "reason"),
    [
        ("clinicx.events:Opened", b"{}", DamagedEvent, "names no event class this serviceplan"),
        ("serviceplan.store.mapper:where", b"{}", DamagedEvent, "names no event class"),
        (BOOKED, b"[1, 2]", DamagedEvent, "is not a JSON object"),
        (BOOKED, b'{"class_version": "two"}', DamagedEvent, "class version that is not a whole"),
        (BOOKED, b'{"class_version": 3}', NewerEvent, "written by a newer serviceplan"),
        (BOOKED, b'{"at": {"_type_": "no-such-tag", "_data_": 1}}', DamagedEvent, "cannot read"),
        (BOOKED, b"\xff\xfe", DamagedEvent, "is not valid JSON"),
    ],
)
def test_a_stored_event_that_cannot_be_trusted_is_refused_by_place_and_class(
    mapper, topic, state, error, reason
):
    with pytest.raises(error, match=reason) as refused:
        mapper.to_domain_event(stored(topic, state))
    assert str(refused.value).startswith("the event at position 12 (")


def test_without_a_position_the_event_is_named_by_its_aggregate_and_version(mapper):
    event = stored(BOOKED, b"{}", position=None)
    with pytest.raises(DamagedEvent) as refused:
        mapper.to_domain_event(event)
    assert str(refused.value).startswith(
        f"event 1 of aggregate {event.originator_id} (Visit.Booked) is incomplete: it has no "
    )


def test_an_old_state_its_upcaster_cannot_take_is_damage(mapper, monkeypatch):
    monkeypatch.setattr(Visit.Booked, "class_version", 2, raising=False)

    @upcaster(Visit.Booked, 1)
    def _needs_a_provider(state: dict[str, object]) -> None:
        state["provider"] = state["provider"].upper()  # type: ignore[attr-defined]

    monkeypatch.setattr(Visit.Booked, "upcast_v1_v2", staticmethod(_needs_a_provider))
    with pytest.raises(DamagedEvent, match=r"cannot be upcast to version 2 \(KeyError\)"):
        mapper.to_domain_event(stored(BOOKED, b"{}"))


def test_a_compressed_event_that_does_not_decompress_is_damage():
    plan = ServicePlan(compressed(memory_store()), entry_points=False)
    with pytest.raises(DamagedEvent, match="cannot be decompressed"):
        plan.mapper.to_domain_event(stored(BOOKED, json.dumps({}).encode()))
