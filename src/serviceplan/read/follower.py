"""The follower: a read model that catches up from the application's notification log.

It reads the log a page at a time (only the topics it handles), decodes each event with the
application's own mapper, dispatches on the event's topic, and records its position in the same
transaction as the page's writes. Nothing is held in memory beyond one page, so a follower can
rebuild from millions of events. Polling works on every store, SQLite included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from serviceplan.read.views import Views

PAGE = 1000
Progress = Callable[[int, int], None]
"""Told `(position, last)` after each page, so a command line can draw a progress bar."""
F = TypeVar("F", bound=Callable[..., None])


class Event(Protocol):
    """A decoded domain event as a handler sees it: ids plus the fields it was recorded with."""

    originator_id: UUID
    originator_version: int

    def __getattr__(self, name: str) -> Any: ...  # noqa: ANN401 (fields vary by event)


def on(*event_classes: type) -> Callable[[F], F]:
    """Mark a follower method as the handler of the given event classes."""
    topics = tuple(get_topic(cls) for cls in event_classes)

    def mark(method: F) -> F:
        method._serviceplan_topics = topics  # type: ignore[attr-defined]  # noqa: SLF001
        return method

    return mark


class Follower:
    """Base of every read model: its tables, its handlers, and how it catches up.

    Subclasses name themselves, declare their tables (name -> CREATE statement) and mark handler
    methods with `@on(Aggregate.Event)`. Bump `schema` when the tables change: the follower then
    drops them and rebuilds from the start of the log.
    """

    name: ClassVar[str] = "follower"
    schema: ClassVar[int] = 1
    tables: ClassVar[Mapping[str, str]] = {}
    indexes: ClassVar[Sequence[str]] = ()
    handlers: ClassVar[Mapping[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:  # noqa: ANN401 (passed on as is)
        super().__init_subclass__(**kwargs)
        found: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attribute, value in vars(klass).items():
                for topic in getattr(value, "_serviceplan_topics", ()):
                    found[topic] = attribute
        cls.handlers = found

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
        self._to_event = plan.mapper.to_domain_event
        self._bound: dict[str, Callable[[Event], None]] = {
            topic: getattr(self, attribute) for topic, attribute in self.handlers.items()
        }
        self.views.install(self.name, self.schema, self.tables, self.indexes)

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
        recorder = self.plan.recorder
        last = recorder.max_notification_id() or 0
        applied = 0
        while True:
            with self.views.transaction():
                start = self.views.position(self.name)
                if start >= last:
                    return applied
                page = recorder.select_notifications(
                    start, self.page, stop=last, topics=self.topics, inclusive_of_start=False
                )
                for notification in page:
                    applied += self._apply(notification)
                reached = page[-1].id if len(page) == self.page else last
                self.views.set_position(self.name, reached)
            if progress is not None:
                progress(reached, last)

    def _apply(self, notification: Notification) -> int:
        return self.take(notification, cast("Event", self._to_event(notification)))

    def take(self, notification: Notification, event: Event) -> int:
        """Apply one decoded event unless it happened after `until`; return 1 if applied."""
        if self.until is not None:
            at = vars(event).get("at")
            if at is not None and at > self.until:
                return 0
        self.event_position = notification.id
        self._bound[notification.topic](event)
        return 1

    def dump(self) -> dict[str, list[tuple[object, ...]]]:
        """Return every row of every table, sorted: two followers agree when their dumps do."""
        return {
            table: sorted(
                self.db.execute(f"SELECT * FROM {table}").fetchall(),  # noqa: S608 (our own names)
                key=repr,
            )
            for table in self.tables
        }


def stamp(moment: datetime | None) -> str | None:
    """Store a clinic time as ISO text, keeping the zone offset it was recorded with."""
    return None if moment is None else moment.isoformat()


def unstamp(text: str | None) -> datetime | None:
    """Read back a time stored by `stamp`."""
    return None if text is None else datetime.fromisoformat(text)
