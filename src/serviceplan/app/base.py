"""The event-sourced application underneath every command: loading, saving, time and settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    ProcessRecorder,
    Transcoder,
    Transcoding,
)
from eventsourcing.utils import Environment, resolve_topic

from serviceplan.app.clock import Clock, system_clock
from serviceplan.app.permissions import Permissions
from serviceplan.app.settings import Settings
from serviceplan.domain import checks
from serviceplan.domain.notice_day import NoticeDay
from serviceplan.domain.patient import Patient
from serviceplan.errors import ConcurrentUpdate, InvalidInput, NotFound
from serviceplan.plugins import Plugins, load_plugins
from serviceplan.store.bulk import events_of
from serviceplan.store.config import configure
from serviceplan.store.snapshots import snapshot_interval
from serviceplan.store.transcodings import ExactJSONTranscoder, all_transcodings

A = TypeVar("A", bound=Aggregate)


class Base(Application[UUID]):
    """Shared machinery of `ServicePlan`: how aggregates are found, times checked, changes saved."""

    name = "ServicePlan"
    recorder: ProcessRecorder

    def __init__(  # noqa: PLR0913 (each is an independent, optional part of the set-up)
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Clock = system_clock,
        settings: Settings | None = None,
        transcodings: tuple[Transcoding, ...] = (),
        plugins: Iterable[object] = (),
        entry_points: bool = True,
    ) -> None:
        self.clock = clock
        self.settings = settings or Settings()
        self._extra_transcodings = transcodings
        super().__init__(dict(env) if env is not None else None)
        interval = snapshot_interval(self.env)
        self._snapshot_every = interval if self.snapshots is not None else 0
        if self.snapshots is not None and interval:
            # eventsourcing reads the intervals from the application when it saves; each
            # application keeps its own, as configured (SERVICEPLAN_SNAPSHOT_INTERVAL).
            self.snapshotting_intervals = {Patient: interval}  # type: ignore[misc]
        self.plugins: Plugins = load_plugins(
            self.env,
            zone=self.settings.timezone,
            catalogue=self.settings.catalogue,
            extra=plugins,
            entry_points=entry_points,
        )
        """This application's own plugins (built-ins, installed, then `plugins`), typed."""

    def construct_recorder(self) -> ProcessRecorder:
        """Use a process recorder: a follower (delivery) saves its position with its events."""
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

    @property
    def permissions(self) -> Permissions:
        """The clinic's roles and what each may do."""
        return self.settings.permissions

    def _now(self, now: datetime | None) -> datetime:
        """Return the command's time: the one given, or the clock's."""
        return checks.aware(self.clock() if now is None else now, "now")

    def _load(self, cls: type[A], aggregate_id: object, missing: type[NotFound]) -> A:
        """Return the aggregate of type `cls`, or raise `missing` with the id."""
        checked = _checked_id(aggregate_id, missing)
        found = self._get(checked)
        if not isinstance(found, cls):
            raise missing(checked)
        return found

    def _get(self, aggregate_id: UUID) -> object | None:
        """Return the aggregate with this id, whatever its type, or None if there is none."""
        try:
            found: object = self.repository.get(aggregate_id, projector_func=replay)
        except AggregateNotFoundError:
            return None
        return found

    def _load_many(self, cls: type[A], ids: Sequence[UUID], missing: type[NotFound]) -> list[A]:
        """Return the aggregates of type `cls` with these ids, in order, read in one query.

        Snapshots are not read: they are a cache of the same events, which are all replayed.
        """
        stored = events_of(self.recorder, [_checked_id(i, missing) for i in ids])
        found: list[A] = []
        for aggregate_id in ids:
            aggregate = replay(None, map(self.mapper.to_domain_event, stored[aggregate_id]))
            if not isinstance(aggregate, cls):
                raise missing(aggregate_id)
            found.append(aggregate)
        return found

    def _recorded(self, aggregate_id: UUID) -> bool:
        """Say whether anything was recorded under this id (reads one stored event at most)."""
        return bool(self.recorder.select_events(aggregate_id, lte=1))

    def _exists(self, cls: type[Aggregate], aggregate_id: object, missing: type[NotFound]) -> None:
        """Raise `missing` unless a `cls` with this id was recorded; reads its first event only.

        An aggregate's first event names the class it creates, which is what replaying its
        whole history would have checked.
        """
        checked = _checked_id(aggregate_id, missing)
        first = next(self.events.get(checked, lte=1), None)
        topic = getattr(first, "originator_topic", None)
        if not isinstance(topic, str) or not issubclass(resolve_topic(topic), cls):
            raise missing(checked)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Snapshot patients as eventsourcing does, and a day's notice list once per save.

        A cascade lists thousands of notices on the day in one save; eventsourcing would replay
        the day for each multiple of the interval it passes. One snapshot of the day as it now
        stands, taken when the save passed a multiple, keeps the next load cheap.
        """
        super()._take_snapshots(processing_event)
        every = self._snapshot_every
        if not every or self.snapshots is None:
            return
        for aggregate_id, aggregate in processing_event.aggregates.items():
            if not isinstance(aggregate, NoticeDay):
                continue
            versions = [
                e.originator_version
                for e in processing_event.events
                if e.originator_id == aggregate_id
            ]
            if versions and (min(versions) - 1) // every != max(versions) // every:
                taker = getattr(type(aggregate), "Snapshot", self.snapshot_class) or Snapshot
                self.snapshots.put([taker.take(aggregate)])

    def _save(self, *aggregates: Any) -> None:  # noqa: ANN401 (aggregates of any kind)
        """Save the aggregates' new events in one transaction; a lost race becomes typed."""
        try:
            self.save(*aggregates)
        except IntegrityError as error:
            msg = "someone else changed the same record first; reload and try again"
            raise ConcurrentUpdate(msg) from error

    @property
    def event_count(self) -> int:
        """How many events the store holds (the position of the last one)."""
        return self.recorder.max_notification_id() or 0


def _checked_id(aggregate_id: object, missing: type[NotFound]) -> UUID:
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
