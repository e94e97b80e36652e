"""What every desk and follower of one clinic shares: the store, settings, plugins and indexes.

A command records what the clinic decided; what follows from it (notices a delay owes, a move
the scheduler must make, an item taken from stock) is done by the followers in
`serviceplan.app.policies`, each once per event, each with its position saved beside what it
records. Right after a command records an event a follower acts on, the plan runs the followers
in the same process (`inline`); the delivery worker runs them too, so nothing waits on a process
that stopped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError, Tracking, Transcoding
from eventsourcing.utils import get_topic

from serviceplan.app.base import Base
from serviceplan.app.clock import Clock, system_clock
from serviceplan.app.notice_index import NoticeIndex
from serviceplan.app.permissions import Permissions
from serviceplan.app.reply_index import ReplyIndex
from serviceplan.app.schedule import ScheduleIndex
from serviceplan.app.settings import Settings
from serviceplan.app.waitlist_index import WaitlistIndex
from serviceplan.app.zone import settled_zone
from serviceplan.config import ClinicConfig
from serviceplan.domain import checks
from serviceplan.errors import ConcurrentUpdate
from serviceplan.plugins import Plugins, load_plugins
from serviceplan.read.views import Views

log = logging.getLogger("serviceplan.following")


class Plan(Base):
    """One clinic's store, with its settings, plugins, indexes and followers."""

    def __init__(  # noqa: PLR0913 (each is an independent, optional part of the set-up)
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Clock = system_clock,
        settings: Settings | None = None,
        transcodings: tuple[Transcoding, ...] = (),
        plugins: Iterable[object] = (),
        entry_points: bool = True,
        views: Views | None = None,
        inline: bool = True,
    ) -> None:
        self.settings = settings or Settings()
        super().__init__(env, clock=clock, transcodings=transcodings)
        try:
            self.settings = settled_zone(self, self.settings)
        except BaseException:
            super().close()
            raise
        self.config: ClinicConfig | None = None
        """The clinic's configuration, when the plan was opened from one (`from_config`)."""
        self.plugins: Plugins = load_plugins(
            self.env,
            zone=self.settings.timezone,
            catalogue=self.settings.catalogue,
            extra=plugins,
            entry_points=entry_points,
        )
        """This application's own plugins (built-ins, installed, then `plugins`), typed."""
        self.views = views if views is not None else Views.beside(self)
        """Where the indexes keep their tables: beside a SQLite store, else in memory."""
        zone = self.settings.timezone
        self.schedule = ScheduleIndex(self, self.views, zone)
        self.notice_index = NoticeIndex(self, self.views, zone)
        self.waitlist = WaitlistIndex(self, self.views)
        self.replies = ReplyIndex(self, self.views)
        self.inline = inline
        """Run the followers right after a command records what they act on."""
        self.followers: list[Any] = []
        self._following = threading.RLock()

    @property
    def permissions(self) -> Permissions:
        """The clinic's roles and what each may do."""
        return self.settings.permissions

    def day_of(self, moment: datetime) -> date:
        """Return the clinic day a moment falls on, in the clinic's zone."""
        return checks.aware(moment, "moment").astimezone(self.settings.timezone).date()

    def record(self, *aggregates: Any, follow: bool = True) -> None:  # noqa: ANN401 (aggregates of any kind)
        """Save the aggregates' new events in one transaction, then run the policies they call.

        A policy that fails here is logged and tried again at its next run (the delivery
        worker's, at the latest): what the command recorded stands. `follow=False` leaves the
        policies to the caller (a policy already following, say).
        """
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        processing.collect_events(*aggregates)
        self._recorded(processing)
        topics = {get_topic(type(e)) for e in processing.events}
        if follow and self.inline and any(topics & f.topics for f in self.followers):
            self.follow()

    def record_following(self, tracking: Tracking, *aggregates: Any) -> None:  # noqa: ANN401
        """Save what a follower recorded for one event, with its position, in one transaction."""
        self._recorded(ProcessingEvent(tracking=tracking), *aggregates)

    def _recorded(self, processing: ProcessingEvent[UUID], *aggregates: Any) -> None:  # noqa: ANN401
        processing.collect_events(*aggregates)
        try:
            recordings = self._record(processing)
        except IntegrityError as error:
            msg = "someone else changed the same record first; reload and try again"
            raise ConcurrentUpdate(msg) from error
        self._take_snapshots(processing)
        self._notify(recordings)

    def follow(self, now: datetime | None = None) -> int:
        """Let every follower act on what was recorded since it last did; return how many acts.

        Followers run one at a time per plan, again and again until none finds anything new
        (one's outcome may be another's cause).
        """
        at = self.now(now)
        total = 0
        with self._following:
            while acted := sum(self._catch_up(f, at) for f in self.followers):
                total += acted
        return total

    @staticmethod
    def _catch_up(follower: Any, at: datetime) -> int:  # noqa: ANN401 (a policy)
        """Let one follower catch up; one that fails is logged, and the others go on."""
        try:
            acted: int = follower.catch_up(at)
        except Exception:
            log.exception("the %s policy failed; it will be tried again", follower.name)
            return 0
        return acted

    def close(self) -> None:
        """Close the indexes' database and the store."""
        self.views.close()
        super().close()
