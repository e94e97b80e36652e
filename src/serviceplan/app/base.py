"""The event-sourced application underneath every command: loading, saving, time and settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    ProcessRecorder,
    Transcoder,
    Transcoding,
)
from eventsourcing.utils import Environment

from serviceplan.app.clock import Clock, system_clock
from serviceplan.app.permissions import Permissions
from serviceplan.app.settings import Settings
from serviceplan.domain import checks
from serviceplan.domain.patient import Patient
from serviceplan.errors import ConcurrentUpdate, InvalidInput, NotFound
from serviceplan.plugins import Plugins, load_plugins
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
        if not isinstance(aggregate_id, UUID):
            raise InvalidInput(
                f"{missing.what} id must be a UUID, not {type(aggregate_id).__name__}"
            )
        try:
            found: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise missing(aggregate_id) from None
        if not isinstance(found, cls):
            raise missing(aggregate_id)
        return found

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
