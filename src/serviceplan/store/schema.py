"""The recorded schema of stored data, and how the current code compares with it.

`tests/histories/fingerprints.json` holds it: a fingerprint per event class and version, the
values of every stored enum, and a fingerprint per snapshotted aggregate and version. Additions
are recorded as they come; a break (a shape changed without a version bump, a class or an enum
member gone) means histories already written would no longer load as they did.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.utils import get_topic

from serviceplan.store.versions import enum_values, fingerprints, version_of


def state_fingerprint(aggregate: object) -> str:
    """Return a short hash of an aggregate's attribute names: what its snapshots hold."""
    text = json.dumps(sorted(vars(aggregate)), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf8")).hexdigest()[:16]


def schema(aggregates: Iterable[object] = ()) -> dict[str, Any]:
    """Return the shapes stored data depends on: events, enums, and snapshotted aggregates."""
    snapshots: dict[str, dict[str, str]] = {}
    for aggregate in aggregates:
        cls = type(aggregate)
        snapshots[get_topic(cls)] = {str(version_of(cls)): state_fingerprint(aggregate)}
    return {"events": fingerprints(), "enums": enum_values(), "snapshots": snapshots}


def compare(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Compare a recorded schema with the current one: return (additions, breaks).

    Additions (a new class, a new version, a new enum member) are recorded as they come.
    Breaks (a shape changed without a version bump, a class or member gone) are bugs: old
    histories would no longer load as they did.
    """
    additions: list[str] = []
    breaks: list[str] = []
    for part in ("events", "snapshots"):
        old, new = recorded.get(part, {}), current.get(part, {})
        for topic, versions in new.items():
            for version, print_ in versions.items():
                known = old.get(topic, {}).get(version)
                if known is None:
                    additions.append(f"{part}: {topic} version {version} is new")
                elif known != print_:
                    breaks.append(f"{part}: {topic} changed shape without a version bump")
        if part == "events":
            breaks += [f"events: {topic} is gone" for topic in old if topic not in new]
    old_enums, new_enums = recorded.get("enums", {}), current.get("enums", {})
    for topic, values in old_enums.items():
        breaks += [
            f"enums: {topic} lost {v!r}" for v in values if v not in new_enums.get(topic, [])
        ]
    for topic, values in new_enums.items():
        added = [v for v in values if v not in old_enums.get(topic, [])]
        additions += [f"enums: {topic} gained {v!r}" for v in added]
    return additions, breaks


def merged(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """Return the recorded schema with the current one's additions; breaks are refused."""
    _, breaks = compare(recorded, current)
    if breaks:
        raise ValueError("; ".join(breaks))
    result: dict[str, Any] = {}
    for part in ("events", "snapshots"):
        combined = {t: dict(v) for t, v in recorded.get(part, {}).items()}
        for topic, versions in current.get(part, {}).items():
            combined.setdefault(topic, {}).update(versions)
        result[part] = dict(sorted(combined.items()))
    enums = {t: list(v) for t, v in recorded.get("enums", {}).items()}
    for topic, values in current.get("enums", {}).items():
        enums[topic] = sorted({*enums.get(topic, []), *values}, key=repr)
    result["enums"] = dict(sorted(enums.items()))
    return result
