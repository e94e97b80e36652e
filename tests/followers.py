"""A harness for followers of the event log that run as processes of their own, on PostgreSQL.

A follower (notice delivery, a read model) reads ServicePlan's event log and writes what it makes
together with a tracking record, in one transaction, so after a crash it resumes just after the
last event it finished. `FollowerProcess` runs any follower entry point (`"module:function"`,
importable from `tests/`) as its own Python process with the store's settings, kills it without
warning (SIGKILL) and starts it again; `wait_until` polls for what the test expects, and
`wait_while_running` too, failing at once with a follower's traceback if it stopped.

`run_ledger` is the follower this module brings: `Ledger` writes one row per event, keyed by
aggregate id and version, with the event's tracking record. A key written twice is a primary key
violation, which stops the follower, so a ledger that completes proves each event was handled
exactly once. Notice delivery and read models can be tested the same way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg.sql import SQL, Identifier

from serviceplan import ServicePlan

TESTS = Path(__file__).parent
LEDGER_TABLE = "event_ledger"
RUN = (
    "import importlib, sys; m, f = sys.argv[1].split(':'); getattr(importlib.import_module(m), f)()"
)


class FollowerProcess:
    """One follower, run as its own process with the store settings it is given."""

    def __init__(self, target: str, settings: Mapping[str, str]) -> None:
        self.target = target
        self.settings = dict(settings)
        self.process: subprocess.Popen[bytes] | None = None
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (kept open for the process's life)

    def start(self) -> None:
        """Start the follower (it finds its place from its tracking records)."""
        path = os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])
        env = {**os.environ, **self.settings, "PYTHONPATH": path}
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and entry point)
            [sys.executable, "-c", RUN, self.target], env=env, stderr=self.stderr
        )

    @property
    def alive(self) -> bool:
        """Say whether the process is running."""
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Kill the process at once, as a power cut would: no clean-up, no last commit."""
        if self.process is not None:
            if self.alive:
                self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def close(self) -> None:
        """Kill the process and let go of its stderr file."""
        self.kill()
        self.stderr.close()

    def restart(self) -> None:
        """Kill the process if it runs, and start it again."""
        self.kill()
        self.start()

    def errors(self) -> str:
        """Return what the follower wrote to stderr so far (a traceback, when it stopped)."""
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")


def wait_until(condition: Callable[[], bool], timeout: float = 60, every: float = 0.05) -> None:
    """Poll `condition` until it holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} seconds")
        time.sleep(every)


def wait_while_running(
    condition: Callable[[], bool], processes: Iterable[FollowerProcess], timeout: float = 60
) -> None:
    """Poll `condition` while the processes run; on a stop or a timeout, fail with their stderr."""
    running = list(processes)
    deadline = time.monotonic() + timeout
    while not condition():
        for process in running:
            assert process.alive, f"{process.target} stopped:\n{process.errors()}"
        if time.monotonic() > deadline:
            said = "\n".join(f"{p.target}:\n{p.errors()}" for p in running)
            raise AssertionError(f"still not true after {timeout} seconds\n{said}")
        time.sleep(0.05)


class EventLedger(PostgresTrackingRecorder):
    """A stand-in read model: one row per event, by key, beside the tracking table."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        table = Identifier(self.datastore.schema, LEDGER_TABLE)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (key text PRIMARY KEY, notification_id bigint)"
            ).format(table)
        )
        self.insert = SQL("INSERT INTO {} VALUES (%s, %s)").format(table)

    def record(self, key: str, tracking: Tracking) -> None:
        """Write the event's row and its tracking record in one transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            self._insert_tracking(cursor, tracking)
            cursor.execute(self.insert, (key, tracking.notification_id))


class Ledger(Projection[EventLedger]):
    """Writes every ServicePlan event into the ledger, slowly if `LEDGER_DELAY` says so."""

    delay = float(os.environ.get("LEDGER_DELAY", "0"))

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        time.sleep(self.delay)
        key = f"{domain_event.originator_id}/{domain_event.originator_version}"
        self.view.record(key, tracking)


def run_ledger() -> None:
    """Follow ServicePlan's events into the ledger until killed."""
    with ProjectionRunner(
        application_class=ServicePlan, projection_class=Ledger, view_class=EventLedger
    ) as runner:
        runner.run_forever()
