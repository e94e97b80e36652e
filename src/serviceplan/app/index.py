"""An index: a follower the desks ask questions of, caught up with the log before each answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from serviceplan.read.follower import Follower


class Index(Follower):
    """A follower whose questions are answered from everything recorded so far."""

    def _ask(self, query: str, params: Iterable[object]) -> list[tuple[Any, ...]]:
        """Catch up with the log, then answer `query` (one thread at a time)."""
        with self.views.lock:
            self.catch_up()
            return list(self.db.execute(query, tuple(params)))
