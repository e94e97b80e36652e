"""`serviceplan export` and `serviceplan replay`: a store's whole history as JSON lines, and back.

`export` writes the file whole or not at all (readable by its owner only), ending with a trailer
that counts the events and carries a digest of the lines. `replay` checks the whole file, the
trailer included, before it creates anything: a file cut short or altered is refused, and the
new store is not even made. Then it imports the events into the fresh store and rebuilds every
read model beside it, so an auditor can ask "what did we know, and what did we do, when?" of a
copy.
"""

from __future__ import annotations

from pathlib import Path

import click

from serviceplan import ServicePlan, memory_store, sqlite_store
from serviceplan.cli.failures import BadInputFile
from serviceplan.cli.output import written
from serviceplan.cli.session import (
    catch_up,
    config_option,
    current_config,
    db_option,
    open_existing,
    progress_bar,
    stdout,
)
from serviceplan.errors import BadHistoryFile, StoreNotEmpty
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, Recovery, Views
from serviceplan.store.files import check_store_file, stored_events
from serviceplan.store.history import check_history, export_history, write_history
from serviceplan.store.replay import FORMAT

EXPORTS = (b'{"format":"' + FORMAT.encode() + b'"',)
"""How an earlier export begins: only such a file (or an empty one) is written over."""


@click.command(short_help="Write the store's whole history to a JSON-lines file.")
@db_option
@config_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export(db: Path | None, file: Path) -> None:
    """Write every event of the store at --db to FILE, oldest first, one JSON object a line.

    The last line is a trailer with the number of events and a SHA-256 digest of the lines, so
    that `replay` can tell a whole file from one cut short or altered. FILE holds patients'
    data in clear: it is created readable by its owner only.
    """
    plan = open_existing(db)
    try:
        total = plan.event_count
        with progress_bar("exporting") as tell, written(file, "an export", EXPORTS) as out:
            count = export_history(plan, out, None if tell is None else lambda n: tell(n, total))
    finally:
        plan.close()
    stdout().print(f"{count} events written to {file}")


@click.command(short_help="Import an exported history into a fresh store and rebuild the views.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="the new SQLite file to replay into (it must not hold events yet)",
)
@config_option
@click.option(
    "--accept-version-1",
    is_flag=True,
    help="take an export of format version 1, which has no trailer to prove it whole, as it is",
)
def replay(file: Path, db: Path, *, accept_version_1: bool) -> None:
    """Import FILE into the empty store at --db, then rebuild the board, incidents and report.

    The whole file is checked first, its trailer included: a bad, cut-short or altered file is
    refused with its line number and reason, and nothing is written, --db not even created.
    The new store records the clinic's zone, from the configuration (--config).
    """
    check_store_file(db)
    if stored_events(db):
        raise BadInputFile(f"{db}: a history can only be imported into an empty store")
    checker = ServicePlan(memory_store(), entry_points=False)
    try:
        with progress_bar("checking the history") as tell, file.open(encoding="utf8") as lines:
            events = check_history(
                checker.mapper,
                lines,
                None if tell is None else lambda n: tell(n, 0),
                accept_version_1=accept_version_1,
            )
    except BadHistoryFile as bad:
        msg = f"{file}, line {bad.line}: {bad.reason} (nothing was imported)"
        raise BadInputFile(msg) from None
    except (UnicodeDecodeError, OSError) as error:
        msg = f"{file} is not a history file (not UTF-8 text: {type(error).__name__})"
        raise BadInputFile(msg) from None
    finally:
        checker.close()
    plan = ServicePlan.configured(current_config(), env=sqlite_store(db))
    try:
        count = write_history(plan, events)
    except StoreNotEmpty as full:
        plan.close()
        raise BadInputFile(f"{db}: {full}") from None
    views = Views.beside(plan)
    catch_up([model(plan, views) for model in (DayBoard, OpenIncidents, Recovery, AuditTrail)])
    views.close()
    plan.close()
    stdout().print(f"{count} events replayed into {db}; the read models are rebuilt beside them")
