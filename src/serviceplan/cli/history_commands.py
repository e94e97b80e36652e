"""`serviceplan export` and `serviceplan replay`: a store's whole history as JSON lines, and back.

`replay` imports an exported history into a fresh store and rebuilds every read model beside it,
so an auditor can ask "what did we know, and what did we do, when?" of a copy.
"""

from __future__ import annotations

from pathlib import Path

import click

from serviceplan import ServicePlan, sqlite_store
from serviceplan.cli.session import EXIT_USAGE, catch_up, db_option, open_plan, progress_bar, stdout
from serviceplan.errors import BadHistoryFile, StoreNotEmpty
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, Recovery, Views
from serviceplan.store.history import export_history, import_history


class BadInputFile(click.ClickException):
    """A history file that cannot be replayed: bad input, exit code 2, nothing applied."""

    exit_code = EXIT_USAGE


@click.command(short_help="Write the store's whole history to a JSON-lines file.")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export(db: Path | None, file: Path) -> None:
    """Write every event of the store at --db to FILE, oldest first, one JSON object a line."""
    plan = open_plan(db)
    total = plan.event_count
    with progress_bar("exporting") as tell, file.open("w", encoding="utf8") as out:
        count = export_history(plan, out, None if tell is None else lambda n: tell(n, total))
    stdout().print(f"{count} events written to {file}")


@click.command(short_help="Import an exported history into a fresh store and rebuild the views.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="the new SQLite file to replay into (it must not hold events yet)",
)
def replay(file: Path, db: Path) -> None:
    """Import FILE into the empty store at --db, then rebuild the board, incidents and report.

    A bad file is refused with its line number and reason, and nothing of it is applied.
    """
    plan = ServicePlan(sqlite_store(db))
    try:
        with progress_bar("checking the history") as tell, file.open(encoding="utf8") as lines:
            count = import_history(plan, lines, None if tell is None else lambda n: tell(n, 0))
    except BadHistoryFile as bad:
        msg = f"{file}, line {bad.line}: {bad.reason} (nothing was imported)"
        raise BadInputFile(msg) from None
    except StoreNotEmpty as full:
        raise BadInputFile(f"{db}: {full}") from None
    views = Views.beside(plan)
    catch_up([model(plan, views) for model in (DayBoard, OpenIncidents, Recovery, AuditTrail)])
    stdout().print(f"{count} events replayed into {db}; the read models are rebuilt beside them")
