"""A bare eventsourcing baseline for any serviceplan run: the same events, in the same saves.

A workload whose events are many kinds of many aggregates (an opening, its offers, the notices
they owe) is compared with a bare application that writes, for each transaction serviceplan
made, one event per serviceplan event, each padded to the same stored size, and saves them in
one transaction: an aggregate new in serviceplan is created, one that existed is loaded from
its history first. What is left out is everything serviceplan decides: the checks, the index
look-ups, the policies choosing who is offered what (and the positions they keep).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent

from bench.harness import Took, stopwatch
from serviceplan import ServicePlan
from serviceplan.store.config import memory_store

Group = list[StoredEvent]
"""The stored events of one transaction."""


class BareRecord(Aggregate):
    """Any aggregate, reduced to its padding: one kind of event to create it, one to change it."""

    @event("Created")
    def __init__(self, pad: str) -> None:
        self.pad = pad

    @event("Happened")
    def happened(self, pad: str) -> None:
        """Record that something happened to it."""
        self.pad = pad


class SameEvents(Application[UUID]):
    """The baseline application: load, change, save; one transaction per serviceplan one."""

    name = "SameEvents"


@contextmanager
def captured(plan: ServicePlan) -> Iterator[Callable[[], list[Group]]]:
    """Keep every transaction the plan writes in the block; yield a way to take what was kept.

    Each call of the yielded function returns the transactions since the last call.
    """
    recorder = plan.recorder
    kept: list[Group] = []
    insert = recorder.insert_events

    def keeping(stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:  # noqa: ANN401 (the recorder's own keywords)
        kept.append(list(stored_events))
        return insert(stored_events, **kwargs)

    def take() -> list[Group]:
        found = kept[:]
        kept.clear()
        return found

    recorder.insert_events = keeping  # type: ignore[method-assign]
    try:
        yield take
    finally:
        del recorder.insert_events  # the class's own method again


class Baseline:
    """Writes serviceplan's transactions again through `SameEvents`, timed one piece at a time."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.app = SameEvents(dict(env))
        self.ids: dict[UUID, UUID] = {}
        self.created, self.happened = self._unpadded()

    def prepare(self, pieces: Sequence[Sequence[Group]]) -> None:
        """Write, untimed, the history of every aggregate the pieces change but did not create.

        Each gets as many events before the first one in the pieces as serviceplan had.
        """
        seen: set[UUID] = set()
        for groups in pieces:
            for group in groups:
                for stored in group:
                    oid = _uuid(stored.originator_id)
                    if oid in seen:
                        continue
                    seen.add(oid)
                    if stored.originator_version == 1:
                        continue
                    record = BareRecord("")
                    for _ in range(stored.originator_version - 2):
                        record.happened("")
                    self.app.save(record)
                    self.ids[oid] = record.id

    def write(self, groups: Sequence[Group]) -> Took:
        """Write one piece's transactions; return what that took."""
        with stopwatch() as took:
            for group in groups:
                self._save(group)
        return took

    def close(self) -> None:
        """Close the baseline's store."""
        self.app.close()

    def _save(self, group: Group) -> None:
        touched: dict[UUID, BareRecord] = {}
        for stored in group:
            oid = _uuid(stored.originator_id)
            if stored.originator_version == 1:
                record = BareRecord(self._pad(stored, self.created))
                self.ids[oid] = record.id
                touched[oid] = record
                continue
            record = touched.get(oid) or self.app.repository.get(self.ids[oid])
            record.happened(self._pad(stored, self.happened))
            touched[oid] = record
        self.app.save(*touched.values())

    @staticmethod
    def _pad(stored: StoredEvent, unpadded: int) -> str:
        return "x" * max(0, len(stored.state) - unpadded)

    @staticmethod
    def _unpadded() -> tuple[int, int]:
        """Return the stored size of each bare event with no padding."""
        app = SameEvents(memory_store())
        record = BareRecord("")
        record.happened("")
        app.save(record)
        created, happened = app.notification_log.select(start=1, limit=2)
        app.close()
        return len(created.state), len(happened.state)


def _uuid(value: Any) -> UUID:  # noqa: ANN401 (an originator id as the recorder hands it)
    return value if isinstance(value, UUID) else UUID(str(value))
