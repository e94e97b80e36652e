"""`serviceplan deliver` and `serviceplan follow`: the followers, each as a process of its own.

Each makes a pass over the event log every few seconds until it is stopped (Ctrl-C, or SIGTERM
from a service manager), finishing the pass under way; `--once` makes one pass and exits.
Several `deliver` on one store take turns through its delivery lease. They print counts only,
never whom a notice was for.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from serviceplan import ServicePlan
from serviceplan.cli.session import EXIT_USAGE, db_option, open_plan, stdout
from serviceplan.delivery import DeliveryWorker, Tally
from serviceplan.read import AuditTrail, DayBoard, Follower, OpenIncidents, Recovery, Views
from serviceplan.read.together import catch_up_together
from serviceplan.read.views import MEMORY
from serviceplan.store.config import PERSISTENCE_MODULE, default_db_path

MODELS = (DayBoard, OpenIncidents, Recovery, AuditTrail)
log = logging.getLogger("serviceplan.read")
F = TypeVar("F", bound=Callable[..., Any])


class NoStore(click.ClickException):
    """A follower needs a store that exists (or views it can keep): bad usage, exit code 2."""

    exit_code = EXIT_USAGE


def every_option(default: float) -> Callable[[F], F]:
    """Return `--every SECONDS`, the pause between two passes."""
    return click.option(
        "--every",
        type=click.FloatRange(min=0.05),
        default=default,
        show_default=True,
        help="seconds between two passes over the log",
    )


def once_option() -> Callable[[F], F]:
    """Return `--once`: make one pass and exit."""
    return click.option("--once", is_flag=True, help="make one pass and exit")


def open_store(db: Path | None) -> ServicePlan:
    """Open the store to follow: the environment's (PostgreSQL), or a SQLite file that exists."""
    if db is None and os.environ.get(PERSISTENCE_MODULE):
        return open_plan(None)
    path = db if db is not None else default_db_path()
    if not path.exists():
        raise NoStore(f"no store at {path}")
    return open_plan(path)


def stopped_by_signals() -> threading.Event:
    """Return an event set by Ctrl-C or SIGTERM, so the pass under way can finish first."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    return stop


def said(tally: Tally) -> str:
    """Describe a delivery pass in counts."""
    return (
        f"{tally.delivered} delivered, {tally.failed} failed tries, {tally.waiting} waiting,"
        f" {tally.given_up} handed to the desk, {tally.dropped} dropped"
    )


@click.command(short_help="Deliver the notices owed, pass after pass, until stopped.")
@db_option
@every_option(30.0)
@once_option()
def deliver(db: Path | None, every: float, once: bool) -> None:  # noqa: FBT001 (a click flag)
    """Send what the clinic owes its patients through the installed channels.

    Runs until stopped, a pass every --every seconds; prints what each pass did when it did
    something. Run it beside the clinic's software, on any machine that reaches the store.
    """
    worker = DeliveryWorker(open_store(db))
    out = stdout()
    if once:
        out.print(said(worker.run_once()))
        worker.close()
        return

    def told(tally: Tally) -> None:
        if tally != Tally():
            out.print(said(tally))

    out.print(f"delivering, a pass every {every:g} s; stop with Ctrl-C")
    worker.run(stopped_by_signals(), every=every, after_pass=told)
    out.print("stopped")


@click.command(short_help="Keep the read models caught up, pass after pass, until stopped.")
@db_option
@click.option(
    "--views",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file for the read models [default: the store's own SQLite file]",
)
@every_option(5.0)
@once_option()
def follow(db: Path | None, views: Path | None, every: float, once: bool) -> None:  # noqa: FBT001
    """Catch the board, open incidents, recovery report and audit trail up with the log.

    Runs until stopped, a pass every --every seconds; the other commands then find the read
    models ready. A store that is not a SQLite file (PostgreSQL) needs --views.
    """
    plan = open_store(db)
    kept = Views(views) if views is not None else Views.beside(plan)
    if kept.path == MEMORY:
        plan.close()
        raise NoStore("the store is not a SQLite file: give --views FILE for the read models")
    models = [model(plan, kept) for model in MODELS]
    out = stdout()
    applied = catch_up_together(models)
    out.print(f"{applied} events applied; the read models are at {models[0].position}")
    if not once:
        out.print(f"following, a pass every {every:g} s; stop with Ctrl-C")
        keep_up(models, stopped_by_signals(), every, out.print)
        out.print("stopped")
    kept.close()


def keep_up(
    models: Sequence[Follower], stop: threading.Event, every: float, say: Callable[[str], None]
) -> None:
    """Catch the models up every `every` seconds until `stop`; a failed pass is logged."""
    while not stop.wait(every):
        try:
            applied = catch_up_together(models)
        except Exception:
            log.exception("a read-model pass failed; the next one starts where it stopped")
            continue
        if applied:
            say(f"{applied} events applied; the read models are at {models[0].position}")
