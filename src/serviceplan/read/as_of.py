"""Read models as of a past moment: replay the log, leaving out what happened after it.

Events carry the clinic time `at` of the command that recorded them; a model built as of a
moment applies only the events at or before it (and the few structural ones that carry no time).
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import Application

from serviceplan.domain import checks
from serviceplan.read.follower import Follower, Progress
from serviceplan.read.views import Views

M = TypeVar("M", bound=Follower)


def as_of(
    plan: Application[UUID],
    model: type[M],
    moment: datetime,
    *,
    views: Views | None = None,
    progress: Progress | None = None,
) -> M:
    """Build `model` fresh (in memory unless `views` is given) as it stood at `moment`."""
    built = model(
        plan, views if views is not None else Views(), until=checks.aware(moment, "as of")
    )
    built.catch_up(progress)
    return built
