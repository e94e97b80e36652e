"""Several followers caught up in one pass over the log, each event read and decoded once.

Rebuilding the board, the incidents and the report together costs little more than rebuilding
one of them: the log is read once, and each follower still commits its rows and its position in
one transaction of its own views. A follower caught up alone is this pass with one follower.

Each page of the log is read before the views' write transaction begins, never inside it: views
kept in the store's own SQLite file would otherwise hold the file's write lock while waiting for
a connection to read the store, which a writer of the same process may be queued for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from serviceplan.read.follower import Follower, Progress
    from serviceplan.read.log import Row


def catch_up_together(followers: Sequence[Follower], progress: Progress | None = None) -> int:
    """Catch the followers of one plan up; return how many events they applied in all."""
    if not followers:
        return 0
    if any(f.plan is not followers[0].plan for f in followers):
        raise ValueError("followers caught up together must follow the same application")
    last = followers[0].log.last()
    applied = 0
    while True:
        positions = _positions(followers)
        if min(positions) >= last:
            return applied
        rows, reached = _read(followers, positions, last)
        with _transactions(followers):
            if _positions(followers) != positions:
                continue  # another process caught them up meanwhile: read on from there
            applied += _apply(followers, positions, rows)
            for follower, position in zip(followers, positions, strict=True):
                follower.views.set_position(follower.name, max(position, reached))
        if progress is not None:
            progress(reached, last)


def _positions(followers: Sequence[Follower]) -> list[int]:
    return [f.views.position(f.name) for f in followers]


@contextmanager
def _transactions(followers: Sequence[Follower]) -> Iterator[None]:
    """Open one write transaction on each distinct views database; forget unsent writes on error."""
    with ExitStack() as stack:
        for views in {id(f.views): f.views for f in followers}.values():
            stack.enter_context(views.transaction())
        try:
            yield
        except BaseException:
            for follower in followers:
                follower.writes.clear()
            raise


def _read(followers: Sequence[Follower], positions: list[int], last: int) -> tuple[list[Row], int]:
    """Read the next page of the log; return its rows and the position it reaches."""
    size = max(f.page for f in followers)
    topics = sorted({topic for f in followers for topic in f.topics})
    rows = followers[0].log.page(min(positions), size, last, topics)
    return rows, (rows[-1][0] if len(rows) == size else last)


def _apply(followers: Sequence[Follower], positions: list[int], rows: list[Row]) -> int:
    """Apply a page to every follower still behind it; return how many events applied."""
    log = followers[0].log
    plan = [(f, after, f.routes()) for f, after in zip(followers, positions, strict=True)]
    applied = 0
    for row in rows:
        position, topic = row[0], row[3]
        event: Any = None
        state: bytes | None = None
        for follower, after, routes in plan:
            if position <= after or topic not in routes:
                continue
            reader = routes[topic]
            if reader is not None:
                if state is None:
                    state = log.plain(row[4])
                applied += follower.take_stored(row, state, reader)
            else:
                if event is None:
                    event = log.event(row)
                applied += follower.take(log.notification(row), event)
    for follower in followers:
        follower.writes.flush()
    return applied
