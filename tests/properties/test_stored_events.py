"""Every event of every record survives store and load unchanged, as readable JSON.

Events come from short generated lives of each record (`clinic_stories`); each goes through the
application's own mapper, to a stored event and back, and must come back exactly as it was. A
value type that reaches an event without a registered transcoding fails here, by name.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
from collections.abc import Iterator
from typing import Any

import attrs
from clinic_stories import ANY_STORY, EVERY_STORY
from clinic_values import assert_exactly
from eventsourcing.domain import Aggregate
from hypothesis import given, settings

import serviceplan.domain
from serviceplan import ServicePlan, memory_store

PLAN = ServicePlan(memory_store())
WRITTEN_AS_JSON = (str, int, float, bool, type(None))


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


@settings(max_examples=10)
@given(EVERY_STORY)
def test_the_stories_tell_every_event_of_every_record(stories: tuple[list[Any], ...]) -> None:
    told = {type(event) for events in stories for event in events}
    missing = sorted(f"{c.__qualname__}" for c in every_event_class() - told)
    assert not missing, f"no story tells these events; add a path to clinic_stories: {missing}"


@settings(max_examples=10)
@given(EVERY_STORY)
def test_every_value_in_every_event_has_a_registered_transcoding(
    stories: tuple[list[Any], ...],
) -> None:
    for event in (event for events in stories for event in events):
        for field in dataclasses.fields(event):
            missing = sorted({t.__qualname__ for t in unregistered(getattr(event, field.name))})
            assert not missing, (
                f"{type(event).__qualname__}.{field.name} holds {missing}: register a transcoding "
                "in serviceplan.store.transcodings (VALUE_OBJECTS or ENUMS)"
            )


def test_the_domain_defines_the_records_the_stories_tell() -> None:
    names = {cls.__name__ for cls in every_aggregate()}
    assert names == {"Patient", "Visit", "ProviderDay", "Delay", "Incident", "Offering"}
