"""`serviceplan deliver` and `serviceplan follow`: the followers, each as a process of its own.

Each makes a pass over the event log every few seconds until it is stopped (Ctrl-C, or SIGTERM
from a service manager), finishing the pass under way; `--once` makes one pass and exits.
Several `deliver` on one store take turns through its delivery lease. They print counts only,
never whom a notice was for.

A failed pass is logged with its reason on stderr and tried again after a pause that doubles
(up to `--max-wait`); after `--give-up-after` failed passes in a row the command exits with code
7, so that its supervisor sees it. Neither starts while an installed plugin failed to load
(exit code 5): fix it, or disable it by name.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from serviceplan import Channel, ServicePlan
from serviceplan.cli.failures import BadInputFile
from serviceplan.cli.session import (
    config_option,
    db_option,
    open_existing,
    read_models_of,
    stdout,
)
from serviceplan.delivery import DeliveryWorker, Tally
from serviceplan.errors import BrokenPlugins, StoreUnavailable
from serviceplan.passes import Pacing, pass_after_pass
from serviceplan.plugins import DISABLE
from serviceplan.read import AuditTrail, DayBoard, Follower, OpenIncidents, Recovery, Views
from serviceplan.read.together import catch_up_together
from serviceplan.read.views import MEMORY

MODELS = (DayBoard, OpenIncidents, Recovery, AuditTrail)
DAY_SECONDS = 86_400.0
"""The longest pause there is between passes."""
log = logging.getLogger("serviceplan.cli")
F = TypeVar("F", bound=Callable[..., Any])


class NoViews(BadInputFile):
    """A follower of a store that is not a SQLite file needs a views file: exit code 2."""


def every_option(default: float) -> Callable[[F], F]:
    """Return `--every SECONDS`, the pause between two passes."""
    return click.option(
        "--every",
        type=click.FloatRange(min=0.05, max=DAY_SECONDS),
        default=default,
        show_default=True,
        help="seconds between two passes over the log",
    )


def once_option() -> Callable[[F], F]:
    """Return `--once`: make one pass and exit."""
    return click.option("--once", is_flag=True, help="make one pass and exit")


def pacing_options(command: F) -> F:
    """Add `--give-up-after PASSES` and `--max-wait SECONDS`: what failed passes do."""
    command = click.option(
        "--max-wait",
        type=click.FloatRange(min=0.05, max=DAY_SECONDS),
        default=300.0,
        show_default=True,
        help="the longest pause between failed passes, in seconds",
    )(command)
    return click.option(
        "--give-up-after",
        type=click.IntRange(min=0),
        default=10,
        show_default=True,
        envvar="SERVICEPLAN_GIVE_UP_AFTER",
        show_envvar=True,
        help="exit with code 7 after this many failed passes in a row (0: never)",
    )(command)


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


def refuse_broken_plugins(plan: ServicePlan, command: str) -> None:
    """Refuse to start a follower while an installed, enabled plugin failed to load."""
    broken = plan.plugins.manager.broken
    if not broken:
        return
    plan.close()
    names = ", ".join(f"{name} ({reason})" for name, reason in sorted(broken.items()))
    msg = (
        f"{command} will not start while a plugin failed to load: {names}; fix it, or disable"
        f" it with {DISABLE}={','.join(sorted(broken))}"
    )
    raise BrokenPlugins(msg)


def warn_of_missing_channels(plan: ServicePlan) -> None:
    """Say on stderr which channels no plugin delivers on: their notices go to the desk."""
    covered = {channel for channels in plan.plugins.channels().values() for channel in channels}
    missing = sorted(channel.value for channel in Channel if channel not in covered)
    if missing:
        log.warning(
            "no channel installed for %s: those notices go to the desk's call list",
            ", ".join(missing),
        )


@click.command(short_help="Deliver the notices owed, pass after pass, until stopped.")
@db_option
@config_option
@every_option(30.0)
@once_option()
@pacing_options
def deliver(
    db: Path | None,
    every: float,
    once: bool,  # noqa: FBT001 (a click flag)
    give_up_after: int,
    max_wait: float,
) -> None:
    """Send what the clinic owes its patients through the installed channels.

    Runs until stopped, a pass every --every seconds; prints what each pass did when it did
    something. Run it beside the clinic's software, on any machine that reaches the store.
    """
    plan = open_existing(db)
    refuse_broken_plugins(plan, "deliver")
    warn_of_missing_channels(plan)
    worker = DeliveryWorker(plan)
    out = stdout()
    if once:
        try:
            out.print(said(worker.run_once()))
        finally:
            worker.close()
            plan.close()
        return

    def told(tally: Tally) -> None:
        if tally != Tally():
            out.print(said(tally))

    out.print(f"delivering, a pass every {every:g} s; stop with Ctrl-C")
    stop = stopped_by_signals()
    try:
        worker.run(
            stop, every=every, after_pass=told, give_up_after=give_up_after, max_wait=max_wait
        )
    finally:
        plan.close()
    out.print("stopped")


@click.command(short_help="Keep the read models caught up, pass after pass, until stopped.")
@db_option
@config_option
@click.option(
    "--views",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file for the read models [default: [views] path of the configuration, else the"
    " store's own SQLite file]",
)
@every_option(5.0)
@once_option()
@pacing_options
def follow(  # noqa: PLR0913, PLR0917 (click passes one argument per option)
    db: Path | None,
    views: Path | None,
    every: float,
    once: bool,  # noqa: FBT001 (a click flag)
    give_up_after: int,
    max_wait: float,
) -> None:
    """Catch the board, open incidents, recovery report and audit trail up with the log.

    Runs until stopped, a pass every --every seconds; the other commands then find the read
    models ready. A store that is not a SQLite file (PostgreSQL) needs --views.
    """
    plan = open_existing(db)
    refuse_broken_plugins(plan, "follow")
    try:
        kept = Views(views) if views is not None else read_models_of(plan)
    except StoreUnavailable as unusable:  # a folder that is not there, say
        plan.close()
        raise NoViews(str(unusable)) from None
    if kept.path == MEMORY:
        plan.close()
        raise NoViews("the store is not a SQLite file: give --views FILE for the read models")
    models = [model(plan, kept) for model in MODELS]
    out = stdout()
    try:
        applied = catch_up_together(models)
        out.print(f"{applied} events applied; the read models are at {models[0].position}")
        if not once:
            out.print(f"following, a pass every {every:g} s; stop with Ctrl-C")
            pacing = Pacing(every, give_up_after, max_wait)
            keep_up(models, stopped_by_signals(), pacing, out.print)
            out.print("stopped")
    finally:
        kept.close()
        plan.close()


def keep_up(
    models: Sequence[Follower],
    stop: threading.Event,
    pacing: Pacing,
    say: Callable[[str], None],
) -> None:
    """Catch the models up each pass until `stop`, pacing failed passes as `pacing` says."""

    def told(applied: int) -> None:
        if applied:
            say(f"{applied} events applied; the read models are at {models[0].position}")

    pass_after_pass(
        lambda: catch_up_together(models),
        stop,
        pacing,
        name="read models",
        after_pass=told,
        wait_first=True,
    )
