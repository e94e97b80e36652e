"""Event classes' shapes and versions, so a history written years ago still loads.

An event class's shape is what its stored state holds: its fields with their types and, for every
value object a field can hold, that value object's fields in turn. Its fingerprint is a short hash
of the shape. `tests/histories/fingerprints.json` records one per event class and version: when
a class changes shape, its `class_version` goes up and an upcaster (registered with `upcaster`)
turns older stored states into the new shape as they are read. Enum members may be added, never
removed or changed, so enums are recorded by their values instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import pkgutil
import re
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any

import attrs
from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate
from eventsourcing.utils import get_topic

from serviceplan.store.transcodings import ENUMS, VALUE_OBJECTS

Upcast = Callable[[dict[str, Any]], None]
DOMAIN = "serviceplan.domain"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def aggregate_classes(package: str = DOMAIN) -> list[type[BaseAggregate[Any]]]:
    """Return the aggregate classes defined in `package`'s modules, by topic."""
    root = importlib.import_module(package)
    modules = [root] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}.")
    ]
    found = {
        cls
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type)
        and issubclass(cls, BaseAggregate)
        and cls.__module__ == module.__name__
    }
    return sorted(found, key=get_topic)


def event_classes(aggregates: Iterable[type[Any]] | None = None) -> list[type[Any]]:
    """Return the event classes the aggregates store (by default every domain aggregate's).

    Left out are base classes other events of the aggregate extend (`Event`) and the default
    `Created` class eventsourcing adds beside an aggregate's own creating event: neither is
    ever stored.
    """
    owners = aggregate_classes() if aggregates is None else aggregates
    return sorted((cls for owner in owners for cls in _stored_events(owner)), key=get_topic)


def _stored_events(owner: type[Any]) -> list[type[Any]]:
    found = [
        cls
        for cls in vars(owner).values()
        if isinstance(cls, type) and issubclass(cls, CanMutateAggregate)
    ]
    leaves = [cls for cls in found if not any(o is not cls and issubclass(o, cls) for o in found)]
    creating = [cls for cls in leaves if issubclass(cls, CanInitAggregate)]
    if len(creating) > 1:
        leaves = [cls for cls in leaves if cls.__name__ != "Created"]
    return leaves


def version_of(cls: type[Any]) -> int:
    """Return the class's version (1 unless it says otherwise)."""
    return int(getattr(cls, "class_version", 1))


def shape(event_class: type[Any]) -> dict[str, Any]:
    """Return the fields an event's stored state holds, with the value objects they reach."""
    fields = [[f.name, _type_text(f.type)] for f in dataclasses.fields(event_class)]
    return {"fields": fields, "values": _value_shapes(text for _, text in fields)}


def fingerprint(event_class: type[Any]) -> str:
    """Return a short, stable hash of the event class's shape."""
    text = json.dumps(shape(event_class), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf8")).hexdigest()[:16]


def fingerprints(classes: Iterable[type[Any]] | None = None) -> dict[str, dict[str, str]]:
    """Return `{topic: {version: fingerprint}}` for the event classes as they are now."""
    chosen = event_classes() if classes is None else classes
    return {get_topic(cls): {str(version_of(cls)): fingerprint(cls)} for cls in chosen}


def enum_values(enums: Iterable[type[Enum]] = ENUMS) -> dict[str, list[Any]]:
    """Return each stored enum's member values, which old events may hold."""
    return {get_topic(enum): sorted((m.value for m in enum), key=repr) for enum in enums}


def missing_upcasters(classes: Iterable[type[Any]]) -> list[str]:
    """Return the upcasters a versioned class needs but lacks (`Topic.upcast_v1_v2`...)."""
    return [
        f"{get_topic(cls)}.upcast_v{n}_v{n + 1}"
        for cls in classes
        for n in range(1, version_of(cls))
        if not callable(getattr(cls, f"upcast_v{n}_v{n + 1}", None))
    ]


def upcaster(cls: type[Any], from_version: int) -> Callable[[Upcast], Upcast]:
    """Register a function that turns a stored state of `from_version` into the next version's.

    `cls` is an event class (or an aggregate class, for its snapshots) whose `class_version`
    is already above `from_version`; the function changes the state dict in place.
    """
    if not 1 <= from_version < version_of(cls):
        msg = f"{cls.__qualname__} is at version {version_of(cls)}: no upcaster from {from_version}"
        raise ValueError(msg)

    def register(function: Upcast) -> Upcast:
        setattr(cls, f"upcast_v{from_version}_v{from_version + 1}", staticmethod(function))
        return function

    return register


def _type_text(annotation: object) -> str:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return " ".join((text or repr(annotation)).split())


def _value_shapes(annotations: Iterable[str]) -> dict[str, Any]:
    """Follow the names in the annotations to the value objects and enums they store."""
    known: dict[str, type[Any]] = {cls.__name__: cls for cls in (*VALUE_OBJECTS, *ENUMS)}
    shapes: dict[str, Any] = {}
    pending = [name for text in annotations for name in _NAME.findall(text)]
    while pending:
        name = pending.pop()
        cls = known.get(name)
        if cls is None or name in shapes:
            continue
        if issubclass(cls, Enum):
            shapes[name] = "enum"
            continue
        fields = [[f.name, _type_text(f.type)] for f in attrs.fields(cls)]
        shapes[name] = fields
        pending += [n for _, text in fields for n in _NAME.findall(text)]
    return shapes
