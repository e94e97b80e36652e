"""The event-sourced application underneath every command: loading, saving and the store.

`Base` knows how aggregates are found and saved; it knows no command. The commands live in the
desks (`serviceplan.app.desk`), composed into `ServicePlan`. A store is opened only with the
encryption it records (`serviceplan.store.encryption`), checked before anything is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, ProcessRecorder, Transcoder, Transcoding
from eventsourcing.utils import Environment, resolve_topic

from serviceplan.app.clock import Clock, system_clock
from serviceplan.domain import checks
from serviceplan.domain.notice_day import NoticeDay
from serviceplan.domain.patient import Patient
from serviceplan.errors import InvalidInput, NotFound
from serviceplan.store.bulk import events_of
from serviceplan.store.config import configure
from serviceplan.store.encryption import check_encryption
from serviceplan.store.snapshots import snapshot_interval
from serviceplan.store.transcodings import ExactJSONTranscoder, all_transcodings

A = TypeVar("A", bound=Aggregate)
SNAPSHOTTED: tuple[type[Aggregate], ...] = (Patient, NoticeDay)
"""The aggregates serviceplan snapshots (patients), or snapshotted once (version 0.1's days)."""


class Base(Application[UUID]):
    """How aggregates are found, times checked and changes saved, on the configured store."""

    name = "ServicePlan"
    recorder: ProcessRecorder

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Clock = system_clock,
        transcodings: tuple[Transcoding, ...] = (),
    ) -> None:
        self.clock = clock
        self._extra_transcodings = transcodings
        super().__init__(dict(env) if env is not None else None)
        try:
            check_encryption(self)
        except BaseException:
            Application.close(self)  # the store only: nothing else is open yet
            raise
        if self.snapshots is not None and (interval := snapshot_interval(self.env)):
            # eventsourcing reads the intervals from the application when it saves; each
            # application keeps its own, as configured (SERVICEPLAN_SNAPSHOT_INTERVAL).
            self.snapshotting_intervals = {Patient: interval}  # type: ignore[misc]

    def construct_recorder(self) -> ProcessRecorder:
        """Use a process recorder: a follower saves its position with the events it records."""
        return self.factory.process_recorder()

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """Complete the settings: default SQLite file store, key file, snapshots."""
        environment = super().construct_env(name, env)
        return Environment(name, configure(dict(environment), name))

    def construct_transcoder(self) -> Transcoder:
        """Use the exact JSON transcoder, with every serviceplan value registered."""
        transcoder = ExactJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Register eventsourcing's own transcodings, then serviceplan's and a clinic's."""
        super().register_transcodings(transcoder)
        for transcoding in all_transcodings(self._extra_transcodings):
            transcoder.register(transcoding)

    def now(self, now: datetime | None = None) -> datetime:
        """Return the command's time: the one given, or the clock's."""
        return checks.aware(self.clock() if now is None else now, "now")

    def load(self, cls: type[A], aggregate_id: object, missing: type[NotFound]) -> A:
        """Return the aggregate of type `cls`, or raise `missing` with the id."""
        checked = checked_id(aggregate_id, missing)
        found = self.find(checked, snapshots=snapshotted(cls))
        if not isinstance(found, cls):
            raise missing(checked)
        return found

    def find(self, aggregate_id: UUID, *, snapshots: bool = True) -> object | None:
        """Return the aggregate with this id, whatever its type, or None if there is none.

        With `snapshots=False` the snapshot store is not asked (one query fewer) and every event
        is replayed: a snapshot is a cache of the same events, so the aggregate is the same.
        """
        if not snapshots and self.repository.cache is None:
            replayed: object = replay(None, self.events.get(aggregate_id))
            return replayed
        try:
            found: object = self.repository.get(aggregate_id, projector_func=replay)
        except AggregateNotFoundError:
            return None
        return found

    def load_many(
        self,
        cls: type[A],
        ids: Sequence[UUID],
        missing: type[NotFound],
        *,
        present_only: bool = False,
    ) -> list[A]:
        """Return the aggregates of type `cls` with these ids, in order, read in one query.

        An id with nothing recorded raises `missing`, or is left out if `present_only`.
        Snapshots are not read: they are a cache of the same events, which are all replayed.
        """
        if not ids:
            return []
        stored = events_of(self.recorder, [checked_id(i, missing) for i in ids])
        found: list[A] = []
        for aggregate_id in ids:
            if present_only and not stored[aggregate_id]:
                continue
            aggregate = replay(None, map(self.mapper.to_domain_event, stored[aggregate_id]))
            if not isinstance(aggregate, cls):
                raise missing(aggregate_id)
            found.append(aggregate)
        return found

    def recorded(self, aggregate_id: UUID) -> bool:
        """Say whether anything was recorded under this id (reads one stored event at most)."""
        return bool(self.recorder.select_events(aggregate_id, lte=1))

    def exists(self, cls: type[Aggregate], aggregate_id: object, missing: type[NotFound]) -> None:
        """Raise `missing` unless a `cls` with this id was recorded; reads its first event only.

        An aggregate's first event names the class it creates, which is what replaying its
        whole history would have checked.
        """
        checked = checked_id(aggregate_id, missing)
        first = next(self.events.get(checked, lte=1), None)
        topic = getattr(first, "originator_topic", None)
        if not isinstance(topic, str) or not issubclass(resolve_topic(topic), cls):
            raise missing(checked)

    @property
    def event_count(self) -> int:
        """How many events the store holds (the position of the last one)."""
        return self.recorder.max_notification_id() or 0


def snapshotted(cls: type[Aggregate]) -> bool:
    """Say whether an aggregate of type `cls` may have been snapshotted by serviceplan.

    Loading any other kind (a visit, a delay, a notice's record) skips the snapshot store.
    """
    return any(issubclass(kind, cls) or issubclass(cls, kind) for kind in SNAPSHOTTED)


def checked_id(aggregate_id: object, missing: type[NotFound]) -> UUID:
    """Return the id if it is a UUID; anything else is bad input, named for what was sought."""
    if not isinstance(aggregate_id, UUID):
        raise InvalidInput(f"{missing.what} id must be a UUID, not {type(aggregate_id).__name__}")
    return aggregate_id


def replay(aggregate: Any, events: Iterable[Any]) -> Any:  # noqa: ANN401 (any aggregate)
    """Apply the events to the aggregate in turn, as eventsourcing's projector does.

    eventsourcing's own asserts a runtime-checkable Protocol on every event, which costs more
    than applying most of ours (Python 3.11); every event here is one of our aggregates' own.
    """
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate
