"""The moment every page of the docs is written at: the evening of the demo day.

Transcripts and examples run with the system clock held here, so what a page shows (a task
"due 12-02 10:00", not yet overdue) is what the code prints on any day it runs, this year or
the next. `make test` also runs these tests with the clock a year ahead to prove it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

DOCS_MOMENT = datetime(2026, 12, 1, 17, 45, tzinfo=ZoneInfo("America/New_York"))


@contextmanager
def at_docs_moment() -> Iterator[None]:
    """Hold the system clock at `DOCS_MOMENT` (it ticks on from there, as a clock does)."""
    with time_machine.travel(DOCS_MOMENT, tick=True):
        yield
