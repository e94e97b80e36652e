"""Every event of every record survives store and load unchanged, as readable JSON.

Events come from short generated lives of each record (`clinic_stories`); each goes through the
application's own mapper, to a stored event and back, and must come back exactly as it was. An
event class no story tells, or a value type that reaches an event without a registered
transcoding, fails here, by name. The notice outcomes are also recorded for real, by the delivery
worker driving a small scripted channel, and read back from the store.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import hypothesis
import pytest
from clinic_stories import ANY_STORY, EVERY_PATH, story, told_once
from clinic_values import assert_exactly
from eventsourcing.domain import Aggregate
from hypothesis import given, settings
from hypothesis import strategies as st

import serviceplan.domain
from serviceplan import (
    Channel,
    ContactPoints,
    FixedClock,
    NoticeKind,
    PhoneNumber,
    Receipt,
    ServicePlan,
    Settings,
    Staff,
    hookimpl,
    memory_store,
)
from serviceplan.delivery import DeliveryWorker
from serviceplan.plugins import Envelope, RegisterChannel

PLAN = ServicePlan(memory_store())
WRITTEN_AS_JSON = (str, int, float, bool, type(None))
CLINIC = ZoneInfo("America/New_York")
DESK = Staff("desk-ana", "front-desk")
PASSES = 8
"""A guard's failure names what is missing; shrinking a whole set of stories would take minutes."""


def every_aggregate() -> set[type[Aggregate]]:
    """Every aggregate class the domain defines, found by importing each of its modules."""
    for module in pkgutil.iter_modules(serviceplan.domain.__path__, "serviceplan.domain."):
        importlib.import_module(module.name)
    found, todo = set(), list(Aggregate.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("serviceplan."):
            found.add(cls)
    return found


def every_event_class() -> set[type[Any]]:
    """Every event an aggregate can record: its event classes that no other one extends.

    eventsourcing also defines a default `Created` beside the one `@event` names on `__init__`
    ("Booked", "Registered"...); an aggregate with its own never records the default.
    """
    found = set()
    for aggregate in every_aggregate():
        events = [c for c in vars(aggregate).values() if isinstance(c, type)]
        events = [c for c in events if issubclass(c, Aggregate.Event)]
        leaves = {c for c in events if not any(o is not c and issubclass(o, c) for o in events)}
        if len({c for c in leaves if issubclass(c, Aggregate.Created)}) > 1:
            leaves.discard(aggregate.Created)
        found |= leaves
    return found


def unregistered(value: object) -> Iterator[type[Any]]:
    """Yield each type inside `value` that the application's transcoder cannot write."""
    if isinstance(value, WRITTEN_AS_JSON):
        return
    if type(value) not in PLAN.mapper.transcoder.types:
        yield type(value)
        return
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from unregistered(getattr(value, field.name))
    elif isinstance(value, tuple | frozenset):
        for item in value:
            yield from unregistered(item)


@given(ANY_STORY)
def test_every_event_loads_back_exactly_as_it_was_stored(events: list[Any]) -> None:
    for event in events:
        stored = PLAN.mapper.to_stored_event(event)
        assert isinstance(json.loads(stored.state), dict), "stored state is not readable JSON"
        loaded = PLAN.mapper.to_domain_event(stored)
        assert loaded == event
        assert_exactly(loaded, event)


def test_the_stories_tell_every_event_of_every_record() -> None:
    told = {type(event) for kind, path in EVERY_PATH for event in told_once(kind, path)}
    missing = sorted(f"{c.__qualname__}" for c in every_event_class() - told)
    assert not missing, f"no story tells these events; add a path to clinic_stories: {missing}"


@pytest.mark.parametrize(("kind", "path"), EVERY_PATH)
@settings(max_examples=10)
@given(data=st.data())
def test_every_value_in_every_event_has_a_registered_transcoding(
    kind: str, path: tuple[str, ...], data: st.DataObject
) -> None:
    for event in data.draw(story(kind, path)):
        for field in dataclasses.fields(event):
            missing = sorted({t.__qualname__ for t in unregistered(getattr(event, field.name))})
            assert not missing, (
                f"{type(event).__qualname__}.{field.name} holds {missing}: register a transcoding "
                "in serviceplan.store.transcodings (VALUE_OBJECTS or ENUMS)"
            )


def test_the_domain_defines_the_records_the_stories_tell() -> None:
    names = {cls.__name__ for cls in every_aggregate()}
    assert names == {
        "Patient", "Visit", "ProviderDay", "Delay", "Incident", "Offering", "NoticeDay",
        "NoticeRecord", "WaitlistEntry", "Opening", "Reply",
    }  # fmt: skip


class ScriptedGateway:
    """An SMS channel that answers as its script says: a receipt (True) or a failure (False)."""

    def __init__(self, answers: list[bool]) -> None:
        self.answers = iter(answers)

    @hookimpl
    def serviceplan_channels(self, register: RegisterChannel) -> None:
        register(Channel.SMS)

    @hookimpl
    def serviceplan_deliver_notice(self, envelope: Envelope, key: str) -> Receipt:
        if next(self.answers, True):
            return Receipt(key=key, via="scripted", reference=f"sms-{len(envelope.text)}")
        raise ConnectionError("gateway unreachable")


@settings(max_examples=20)
@given(
    answers=st.lists(st.booleans(), max_size=6),
    minutes=st.integers(min_value=0, max_value=24 * 60 - 1),
    stop_before=st.none() | st.integers(min_value=0, max_value=PASSES - 1),
)
def test_what_the_delivery_worker_records_loads_back_exactly(
    answers: list[bool], minutes: int, stop_before: int | None
) -> None:
    """Deliveries, failures, retries (after a failure, or for quiet hours) and giving up."""
    clock = FixedClock(datetime(2026, 12, 1, tzinfo=CLINIC) + timedelta(minutes=minutes))
    plan = ServicePlan(
        memory_store(), clock=clock, settings=Settings(timezone=CLINIC),
        plugins=[ScriptedGateway(answers)], entry_points=False,
    )  # fmt: skip
    patient = plan.register_patient(
        contact=ContactPoints(PhoneNumber("+15555550100")), preferred=Channel.SMS, by=DESK
    )
    plan.give_consent(patient, Channel.SMS, by=DESK)
    when = clock.now + timedelta(days=3)
    key = plan.request_notice(patient, kind=NoticeKind.DELAY, when=when, by=DESK)
    worker = DeliveryWorker(plan)
    for attempt in range(PASSES):
        if attempt == stop_before:
            plan.opt_out(patient, Channel.SMS, by=DESK)
        worker.run_once()
        record = plan.get_notice(key)
        if not record.is_owed:
            break
        clock.set(max(clock.now, record.due))
    for stored in plan.recorder.select_notifications(start=1, limit=1000):
        event = plan.mapper.to_domain_event(stored)
        again = plan.mapper.to_stored_event(event)
        assert again.state == stored.state, "a stored event is not written back the same"
        assert_exactly(plan.mapper.to_domain_event(again), event)
        hypothesis.event(type(event).__qualname__)
