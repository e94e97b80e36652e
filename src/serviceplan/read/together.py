"""Several followers caught up in one pass over the log, each event read and decoded once.

Rebuilding the board, the incidents and the report together costs little more than rebuilding
one of them: the log is read once, and each follower still commits its rows and its position in
one transaction of its own views.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import cast

from serviceplan.read.follower import Event, Follower, Progress


def catch_up_together(followers: Sequence[Follower], progress: Progress | None = None) -> int:
    """Catch the followers of one plan up; return how many events they applied in all."""
    if not followers:
        return 0
    if any(f.plan is not followers[0].plan for f in followers):
        raise ValueError("followers caught up together must follow the same application")
    last = followers[0].plan.recorder.max_notification_id() or 0
    applied = 0
    while True:
        with _transactions(followers):
            positions = [f.views.position(f.name) for f in followers]
            if min(positions) >= last:
                return applied
            reached, count = _page(followers, positions, last)
            applied += count
            for follower, position in zip(followers, positions, strict=True):
                follower.views.set_position(follower.name, max(position, reached))
        if progress is not None:
            progress(reached, last)


@contextmanager
def _transactions(followers: Sequence[Follower]) -> Iterator[None]:
    """Open one write transaction on each distinct views database."""
    with ExitStack() as stack:
        for views in {id(f.views): f.views for f in followers}.values():
            stack.enter_context(views.transaction())
        yield


def _page(followers: Sequence[Follower], positions: list[int], last: int) -> tuple[int, int]:
    """Apply the next page to every follower still behind it; return (reached, applied)."""
    plan = followers[0].plan
    size = max(f.page for f in followers)
    topics = sorted({topic for f in followers for topic in f.topics})
    page = plan.recorder.select_notifications(
        min(positions), size, stop=last, topics=topics, inclusive_of_start=False
    )
    applied = 0
    for notification in page:
        event: Event | None = None
        for follower, position in zip(followers, positions, strict=True):
            if notification.id > position and follower.handles(notification.topic):
                if event is None:
                    event = cast("Event", plan.mapper.to_domain_event(notification))
                applied += follower.take(notification, event)
    return (page[-1].id if len(page) == size else last), applied
