"""A page's row writes, sent to SQLite in batches without changing what any row goes through.

Each write names the rows it touches (reads or changes), as `(table, key)` pairs. A write goes
one level after the last write that touched any of its rows, so within a level no two writes
share a row and their order does not matter: each level is sent as one `executemany` per
statement, levels in order. A write that names no rows (one that changes rows found by a
condition) is a barrier: everything before it is sent first, then it alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

Key = tuple[str, str]
"""A row a write touches: its table and its key."""


class Writes:
    """Row writes waiting to be sent to one database, in levels."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._levels: list[dict[str, list[Sequence[object]]]] = []
        self._last: dict[Key, int] = {}

    def add(self, statement: str, params: Sequence[object], *rows: Key) -> None:
        """Queue a write of the given rows; with no rows, send everything and then it."""
        if not rows:
            self.flush()
            self.db.execute(statement, params)
            return
        last = self._last
        if len(rows) == 1:
            level = last.get(rows[0], -1) + 1
            last[rows[0]] = level
        else:
            level = max(last.get(row, -1) for row in rows) + 1
            for row in rows:
                last[row] = level
        if level == len(self._levels):
            self._levels.append({})
        self._levels[level].setdefault(statement, []).append(params)

    def flush(self) -> None:
        """Send every queued write, level by level."""
        if not self._levels:
            return
        for level in self._levels:
            for statement, params in level.items():
                self.db.executemany(statement, params)
        self.clear()

    def clear(self) -> None:
        """Forget the queued writes (their transaction was rolled back)."""
        self._levels.clear()
        self._last.clear()
