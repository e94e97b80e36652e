"""What every command shares: opening the store, catching read models up, options, exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from serviceplan import ServicePlan, memory_store, sqlite_store
from serviceplan.read import Follower, Views, as_of, catch_up_together
from serviceplan.store.config import PERSISTENCE_MODULE, default_db_path

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
SQLITE_HEADER = b"SQLite format 3\x00"
M = TypeVar("M", bound=Follower)
F = TypeVar("F", bound=Callable[..., Any])


class BadStore(click.ClickException):
    """The file given as a store is not a SQLite database: bad input, exit code 2."""

    exit_code = EXIT_USAGE


def db_option(command: F) -> F:
    """Add `--db PATH`: the SQLite file of events (default: $SERVICEPLAN_DB or the user's data)."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="SQLite file of events [default: $SERVICEPLAN_DB, else the user's data folder]",
    )(command)


def json_option(command: F) -> F:
    """Add `--json`: print JSON for a program to read instead of tables."""
    return click.option("--json", "as_json", is_flag=True, help="print JSON instead of tables")(
        command
    )


def as_of_option(command: F) -> F:
    """Add `--as-of MOMENT`: build the read model as it stood at a past moment."""
    return click.option(
        "--as-of",
        "moment",
        type=click.DateTime(["%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M%z"]),
        default=None,
        help="show it as it stood at this moment, e.g. 2026-12-01T09:00-05:00",
    )(command)


def open_plan(db: Path | None) -> ServicePlan:
    """Open the store at `db`; a file that does not exist yet is an empty store, left uncreated."""
    if db is None and os.environ.get(PERSISTENCE_MODULE):
        return ServicePlan()
    path = db if db is not None else default_db_path()
    if not path.exists():
        return ServicePlan(memory_store())
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        msg = f"{path} is not a serviceplan store (not a SQLite database)"
        raise BadStore(msg)
    return ServicePlan(sqlite_store(path))


def stdout() -> Console:
    """Return the console for results: 100 columns wide when piped, so tables stay readable."""
    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(width=100 if piped else None, highlight=False)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """Yield a progress callback drawing a bar on a terminal, or None when stderr is piped."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(),
        console=Console(stderr=True), transient=True,
    )  # fmt: skip
    with bar:
        task = bar.add_task(label, total=None)

        def tell(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tell


def views_for(plan: ServicePlan, moment: datetime | None) -> Views:
    """Return the views beside the store, or fresh ones in memory to build as of a moment."""
    return Views() if moment is not None else Views.beside(plan)


def catch_up(followers: Sequence[Follower]) -> None:
    """Catch the followers up together, with a progress bar on a terminal."""
    with progress_bar("reading the log") as tell:
        catch_up_together(followers, tell)


def caught_up(plan: ServicePlan, model: type[M], moment: datetime | None = None) -> M:
    """Return the read model caught up with the log (or built fresh as of `moment`)."""
    with progress_bar(f"reading the log into {model.name}") as tell:
        if moment is not None:
            return as_of(plan, model, moment, progress=tell)
        built = model(plan, Views.beside(plan))
        built.catch_up(tell)
        return built
