"""The follower: a read model that catches up from the application's notification log.

It reads the log a page at a time (only the topics it handles) and records its position in the
same transaction as the page's writes. A handler marked `@on(Event, reads=paths)` is given the
event's originator id and the values at those paths of its stored state, read without the
mapper (`serviceplan.read.stored`), and queues its writes (`write`) so a page's rows go to SQLite
in batches; a handler marked `@on(Event)` is given the event decoded by the application's mapper.
Nothing is held in memory beyond one page, so a follower can rebuild from millions of events.
Polling works on every store, SQLite included.

A stored event a follower cannot trust stops the catch-up with a typed error naming its position
(`DamagedEvent`: not JSON, undecryptable, or missing a field its class records; `NewerEvent`:
written by a newer serviceplan), and nothing of its page is applied: never a silent gap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Concatenate, NamedTuple, ParamSpec, Protocol, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic, resolve_topic

from serviceplan.errors import DamagedEvent
from serviceplan.read.log import Log, Row
from serviceplan.read.stored import MISSING, Fields, fields
from serviceplan.read.together import catch_up_together
from serviceplan.read.views import Views
from serviceplan.read.writes import Key, Writes
from serviceplan.store.mapper import newer, recorded_fields

PAGE = 1000
Progress = Callable[[int, int], None]
"""Told `(position, last)` after each page, so a command line can draw a progress bar."""
F = TypeVar("F", bound=Callable[..., None])
S = TypeVar("S", bound="Follower")
P = ParamSpec("P")
R = TypeVar("R")
AT = "at._data_"
"""Where a stored event keeps its clinic time, for a model built as of a moment."""
VERSION = "class_version"


class Event(Protocol):
    """A decoded domain event as a handler sees it: ids plus the fields it was recorded with."""

    originator_id: UUID
    originator_version: int

    def __getattr__(self, name: str) -> Any: ...  # noqa: ANN401 (fields vary by event)


class Reader(NamedTuple):
    """How a follower reads one topic's stored states for a `reads=` handler."""

    fields: Fields
    """The paths read: the stored class version, `at` when timed, then the handler's."""
    version: int
    """The class's version: older states go through the mapper's upcasters, newer are refused."""
    timed: bool
    """Whether the value after the version is the clinic time `at`, for a model as of a moment."""


def on(*event_classes: type, reads: Sequence[str] | None = None) -> Callable[[F], F]:
    """Mark a follower method as the handler of the given event classes.

    Without `reads` the method is given the event decoded by the mapper. With `reads`, paths into
    the stored state (`"provider"`, `"at._data_"`...), it is given the originator id as text and
    the value at each path, in order, and writes with `Follower.write`.
    """
    topics = tuple(get_topic(cls) for cls in event_classes)

    def mark(method: F) -> F:
        method._serviceplan_topics = topics  # type: ignore[attr-defined]  # noqa: SLF001
        method._serviceplan_reads = None if reads is None else tuple(reads)  # type: ignore[attr-defined]  # noqa: SLF001
        return method

    return mark


def query(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Mark a read model's question: it is answered holding its views' lock, rows read whole.

    Threads of a web application share one read model and its SQLite connection; the lock keeps
    a question from reading a page of the log half applied, or from stepping through rows while
    another thread begins a transaction on the same connection.
    """

    @functools.wraps(method)
    def locked(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.views.lock:
            return method(self, *args, **kwargs)

    return locked


class Follower:
    """Base of every read model: its tables, its handlers, and how it catches up.

    Subclasses name themselves, declare their tables (name -> CREATE statement) and mark handler
    methods with `@on(Aggregate.Event)` or `@on(Aggregate.Event, reads=paths)`. Bump `schema`
    when the tables change: the follower then drops them and rebuilds from the start of the log.
    """

    name: ClassVar[str] = "follower"
    schema: ClassVar[int] = 1
    tables: ClassVar[Mapping[str, str]] = {}
    indexes: ClassVar[Sequence[str]] = ()
    handlers: ClassVar[Mapping[str, str]] = {}
    reading: ClassVar[Mapping[str, tuple[str, ...] | None]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:  # noqa: ANN401 (passed on as is)
        super().__init_subclass__(**kwargs)
        found: dict[str, str] = {}
        reading: dict[str, tuple[str, ...] | None] = {}
        for klass in reversed(cls.__mro__):
            for attribute, value in vars(klass).items():
                for topic in getattr(value, "_serviceplan_topics", ()):
                    found[topic] = attribute
                    reading[topic] = value._serviceplan_reads  # noqa: SLF001
        cls.handlers = found
        cls.reading = reading

    def __init__(
        self,
        plan: Application[UUID],
        views: Views | None = None,
        *,
        until: datetime | None = None,
        page: int = PAGE,
    ) -> None:
        self.plan = plan
        self.views = views if views is not None else Views()
        self.db = self.views.connection
        self.until = until
        self.page = page
        self.event_position = 0
        self.log = Log(plan)
        self.writes = Writes(self.db)
        self._bound: dict[str, Callable[..., None]] = {
            topic: getattr(self, attribute) for topic, attribute in self.handlers.items()
        }
        self.readers: dict[str, Reader] = {
            topic: self._reader(topic, paths)
            for topic, paths in self.reading.items()
            if paths is not None
        }
        self.views.follow(self.log.first_event())
        self.views.seal_for(plan)
        self.views.install(self.name, self.schema, self.tables, self.indexes)

    def _reader(self, topic: str, paths: tuple[str, ...]) -> Reader:
        cls = resolve_topic(topic)
        version = int(getattr(cls, VERSION, 1))
        first = (VERSION,) + ((AT,) if self.until is not None else ())
        required = frozenset(p for p in paths if p.partition(".")[0] in recorded_fields(cls))
        return Reader(fields(first + paths, required), version, bool(self.until))

    def local_day(self, moment: str) -> str:
        """Return the clinic day (ISO) of a stored moment, in the plan's zone if it has one."""
        zone = getattr(getattr(self.plan, "settings", None), "timezone", None)
        if zone is None:
            return moment[:10]
        return datetime.fromisoformat(moment).astimezone(zone).date().isoformat()

    def handles(self, topic: str) -> bool:
        """Say whether this follower reads events of `topic`."""
        return topic in self._bound

    @property
    def topics(self) -> tuple[str, ...]:
        """The event topics this follower reads from the log."""
        return tuple(self._bound)

    @property
    def position(self) -> int:
        """The id of the last notification applied."""
        return self.views.position(self.name)

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply every notification recorded since the last call; return how many applied."""
        return catch_up_together([self], progress)

    def write(self, statement: str, params: Sequence[object], *rows: Key) -> None:
        """Queue a write touching `rows` ((table, key) pairs; none: rows found by a condition).

        Queued writes are sent in batches before the page's position is recorded, in the same
        transaction, each row's writes in the order they were queued.
        """
        self.writes.add(statement, params, *rows)

    def seal(self, text: str | None) -> str | None:
        """Return a free-text value (what a person wrote) as the views keep it (`Views.seal`)."""
        return self.views.seal(text)

    def unseal(self, kept: str | None) -> str | None:
        """Return a free-text value kept by `seal`, in clear for the person who asked."""
        return self.views.unseal(kept)

    def write_now(self, statement: str, params: Sequence[object]) -> None:
        """Write at once (after the queued writes), for code that runs outside a catch-up too."""
        self.writes.flush()
        self.db.execute(statement, params)

    def routes(self) -> dict[str, Reader | None]:
        """Return how each topic is read: by a `reads=` handler's reader, or None (whole events)."""
        return {topic: self.readers.get(topic) for topic in self._bound}

    def take_stored(self, row: Row, state: bytes, reader: Reader) -> int:
        """Apply one stored event to its `reads=` handler unless it happened after `until`.

        An event that is not JSON, lacks a field its class records, or comes from a newer
        serviceplan raises `DamagedEvent` or `NewerEvent`, naming its position.
        """
        try:
            values = reader.fields(state)
        except (msgspec.DecodeError, UnicodeDecodeError, ValueError):
            raise DamagedEvent(_at(row), row[3], "is not valid JSON") from None
        stored = 1 if values[0] is None else values[0]
        if stored == reader.version and not reader.timed:  # the usual case, kept quick
            current: tuple[Any, ...] | None = values[1:]
        else:
            current = self._current(row, values, reader)
        if current is None:
            return 0
        if MISSING in current:
            paths = reader.fields.paths[len(values) - len(current) :]
            absent = [path for path, v in zip(paths, current, strict=True) if v is MISSING]
            reason = f"is incomplete: it has no {', '.join(absent)}"
            raise DamagedEvent(_at(row), row[3], reason)
        self.event_position = row[0]
        self._bound[row[3]](row[1], *current)
        return 1

    def _current(self, row: Row, values: Any, reader: Reader) -> tuple[Any, ...] | None:  # noqa: ANN401 (the values read)
        """Return the handler's values, upcast when stored by an older version; None if too late."""
        stored = 1 if values[0] is None or values[0] is MISSING else values[0]
        if stored != reader.version:
            if not isinstance(stored, int) or isinstance(stored, bool) or stored < 1:
                raise DamagedEvent(_at(row), row[3], "has a class version that is not a number")
            if stored > reader.version:
                raise newer(_at(row), row[3], stored, reader.version)
            values = reader.fields(self.log.current_state(row))
        values = values[1:]
        if reader.timed:
            at = values[0]
            if at is not None and at is not MISSING and datetime.fromisoformat(at) > self.until:  # type: ignore[operator]
                return None
            values = values[1:]
        return tuple(values)

    def take(self, notification: Notification, event: Event) -> int:
        """Apply one decoded event unless it happened after `until`; return 1 if applied."""
        if self.until is not None:
            at = vars(event).get("at")
            if at is not None and at > self.until:
                return 0
        self.writes.flush()
        self.event_position = notification.id
        self._bound[notification.topic](event)
        return 1

    @query
    def dump(self) -> dict[str, list[tuple[object, ...]]]:
        """Return every row of every table, sorted: two followers agree when their dumps do."""
        return {
            table: sorted(
                self.db.execute(f"SELECT * FROM {table}").fetchall(),  # noqa: S608 (our own names)
                key=repr,
            )
            for table in self.tables
        }


def _at(row: Row) -> str:
    return f"the event at position {row[0]}"


def stamp(moment: datetime | None) -> str | None:
    """Store a clinic time as ISO text, keeping the zone offset it was recorded with."""
    return None if moment is None else moment.isoformat()


def unstamp(text: str | None) -> datetime | None:
    """Read back a time stored by `stamp`."""
    return None if text is None else datetime.fromisoformat(text)
