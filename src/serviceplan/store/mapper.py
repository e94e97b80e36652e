"""Reading a stored event back, or refusing it: damaged data is an error, never a wrong answer.

`CheckedMapper` reads events as eventsourcing's mapper does (decrypt, decompress, decode,
upcast), and raises a typed error naming the event's place in the store instead of handing on
what it cannot trust: `DamagedEvent` for a state that is not JSON, cannot be decrypted, holds a
value the code refuses or lacks a field its class records; `NewerEvent` for an event written by
a newer serviceplan (a higher `class_version`, or a class this version does not know). Messages
name the place, the event class and the reason, never the event's content.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, Notification, StoredEvent, find_id_convertor
from eventsourcing.utils import resolve_topic

from serviceplan.errors import DamagedEvent, NewerEvent

OURS = "serviceplan."
IDENTITY = frozenset({"originator_id", "originator_version"})
VERSION = "class_version"


def where(stored: StoredEvent) -> str:
    """Name a stored event's place: its position in the log, else its aggregate and version."""
    if isinstance(stored, Notification):
        return f"the event at position {stored.id}"
    return f"event {stored.originator_version} of aggregate {stored.originator_id}"


def newer(at: str, topic: str, stored: int, current: int) -> NewerEvent:
    """Return the error for an event of a higher class version than this code knows."""
    reason = (
        f"was written by a newer serviceplan (event version {stored}; this one reads up to"
        f" {current}): upgrade serviceplan to read this store"
    )
    return NewerEvent(at, topic, reason)


_RECORDED: dict[type[Any], frozenset[str]] = {}


def recorded_fields(cls: type[Any]) -> frozenset[str]:
    """Return the fields a stored state of `cls` holds (its dataclass fields but the ids)."""
    found = _RECORDED.get(cls)
    if found is None:
        names = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else ()
        found = _RECORDED[cls] = frozenset(names) - IDENTITY
    return found


def event_class(at: str, topic: str) -> type[Any]:
    """Resolve an event's class, or refuse it: unknown to this serviceplan, or no class at all."""
    try:
        found = resolve_topic(topic)
    except Exception:  # noqa: BLE001 (any failure to find the class refuses the event)
        if topic.startswith(OURS):
            reason = "names an event class this serviceplan does not know (a newer serviceplan's?)"
            raise NewerEvent(at, topic, reason) from None
        raise DamagedEvent(at, topic, "names no event class this serviceplan knows") from None
    if not isinstance(found, type):
        raise DamagedEvent(at, topic, "names no event class")
    return found


def checked_version(at: str, topic: str, cls: type[Any], state: dict[str, Any]) -> int:
    """Take the stored class version out of `state`; refuse one that is newer or nonsense."""
    stored = state.pop(VERSION, 1)
    current = int(getattr(cls, VERSION, 1))
    if not isinstance(stored, int) or isinstance(stored, bool) or stored < 1:
        raise DamagedEvent(at, topic, "has a class version that is not a whole number")
    if stored > current:
        raise newer(at, topic, stored, current)
    return stored


class CheckedMapper(Mapper[UUID]):
    """eventsourcing's mapper, refusing what it cannot read faithfully with a typed error."""

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """Return the stored event as a domain event, upcast to its class's version."""
        at, topic = where(stored_event), stored_event.topic
        cls = event_class(at, topic)
        state = self._decoded(at, topic, stored_event.state)
        version = checked_version(at, topic, cls, state)
        current = int(getattr(cls, VERSION, 1))
        try:
            while version < current:
                getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
                version += 1
        except Exception as error:  # noqa: BLE001 (an old state the upcaster cannot take)
            reason = f"cannot be upcast to version {current} ({type(error).__name__})"
            raise DamagedEvent(at, topic, reason) from None
        missing = recorded_fields(cls) - state.keys()
        if missing:
            raise DamagedEvent(at, topic, f"is incomplete: it has no {', '.join(sorted(missing))}")
        kind = type(stored_event.originator_id)
        convert = find_id_convertor(cls, kind)  # type: ignore[arg-type]  # (lru_cache's Hashable)
        state["originator_id"] = convert(stored_event.originator_id)
        state["originator_version"] = stored_event.originator_version
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return cast("DomainEventProtocol[UUID]", event)

    def _decoded(self, at: str, topic: str, state: bytes) -> dict[str, Any]:
        """Return the stored state decrypted, decompressed and decoded into a dict."""
        if self.cipher is not None:
            try:
                state = self.cipher.decrypt(state)
            except Exception:  # noqa: BLE001 (a wrong key, or damage)
                reason = "cannot be decrypted (the key is not this store's, or it is damaged)"
                raise DamagedEvent(at, topic, reason) from None
        if self.compressor is not None:
            try:
                state = self.compressor.decompress(state)
            except Exception:  # noqa: BLE001
                raise DamagedEvent(at, topic, "cannot be decompressed") from None
        try:
            decoded = self.transcoder.decode(state)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise DamagedEvent(at, topic, "is not valid JSON") from None
        except Exception as error:  # noqa: BLE001 (a value object's check, a bad tag...)
            reason = f"holds a value this serviceplan cannot read ({type(error).__name__})"
            raise DamagedEvent(at, topic, reason) from None
        if not isinstance(decoded, dict):
            raise DamagedEvent(at, topic, "is not a JSON object")
        return decoded
