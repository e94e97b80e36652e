"""`serviceplan export` and `serviceplan replay`: a store's whole history as JSON lines, and back.

`export` writes the file whole or not at all (readable by its owner only), ending with a trailer
that counts the events and carries a digest of the lines; an encrypted store's export is sealed
with its key (or a passphrase), and one in clear needs `--plain`, with a warning. `replay` checks
the whole file, the trailer included, before it creates anything: a file cut short or altered
is refused, and the new store is not even made. Then it imports the events into the fresh store
and rebuilds every read model beside it, so an auditor can ask "what did we know, and what did
we do, when?" of a copy.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
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
from serviceplan.errors import BadHistoryFile, BadKey, StoreNotEmpty
from serviceplan.read import AuditTrail, DayBoard, OpenIncidents, Recovery, Views
from serviceplan.store.encryption import store_key
from serviceplan.store.files import check_store_file, stored_events
from serviceplan.store.history import check_history, export_history, write_history
from serviceplan.store.keys import CIPHER_KEY, CIPHER_TOPIC, with_cipher_key
from serviceplan.store.replay import FORMAT
from serviceplan.store.sealed_history import SEALED_FORMAT, export_sealed, opened_history
from serviceplan.store.secrets import key_bytes

EXPORTS = (b'{"format":"' + FORMAT.encode() + b'"', b'{"format":"' + SEALED_FORMAT.encode() + b'"')
"""How an earlier export begins: only such a file (or an empty one) is written over."""
PASSPHRASE_FILE = click.option(
    "--passphrase-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="a file whose first line is the passphrase the export is sealed with",
)


@click.command(short_help="Write the store's whole history to a JSON-lines file.")
@db_option
@config_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@PASSPHRASE_FILE
@click.option("--plain", is_flag=True, help="write an encrypted store's history in clear (warned)")
def export(db: Path | None, file: Path, *, passphrase_file: Path | None, plain: bool) -> None:
    """Write every event of the store at --db to FILE, oldest first, one JSON object a line.

    The last line is a trailer with the number of events and a SHA-256 digest of the lines, so
    that `replay` can tell a whole file from one cut short or altered. The export of an
    encrypted store is sealed with the store's key, or with the passphrase in --passphrase-file
    (which a store in clear can use too); --plain writes it in clear. FILE is created readable
    by its owner only.
    """
    if plain and passphrase_file is not None:
        raise click.UsageError("give --plain or --passphrase-file, not both")
    passphrase = None if passphrase_file is None else read_passphrase(passphrase_file)
    plan = open_existing(db)
    try:
        key = None if plain or passphrase is not None else store_key(plan)
        if plain and store_key(plan) is not None:
            click.echo(
                f"Warning: {file} holds the encrypted store's history in clear: keep it as you"
                " keep the key, and delete it when done",
                err=True,
            )
        total = plan.event_count
        with progress_bar("exporting") as tell, written(file, "an export", EXPORTS) as out:
            counted = None if tell is None else lambda n: tell(n, total)
            if key is None and passphrase is None:
                count = export_history(plan, out, counted)
            else:
                count = export_sealed(plan, out, key=key, passphrase=passphrase, progress=counted)
    finally:
        plan.close()
    how = (
        ""
        if key is None and passphrase is None
        else ", sealed with the " + ("passphrase" if passphrase is not None else "store's key")
    )
    stdout().print(f"{count} events written to {file}{how}")


def read_passphrase(path: Path) -> str:
    """Return the first line of a passphrase file; an unreadable or empty one is refused."""
    try:
        lines = path.read_text(encoding="utf8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise BadKey(f"cannot read the passphrase file {path}: {type(error).__name__}") from None
    if not lines or not lines[0]:
        raise BadKey(f"the passphrase file {path} is empty")
    return lines[0]


def environment_key(configured: Mapping[str, str] | None = None) -> bytes | None:
    """Return the key the environment gives, else the configuration's store settings' one.

    The environment's is `CIPHER_KEY` or the key file; `configured` is the store's settings.
    """
    key = with_cipher_key({**(configured or {}), **os.environ}, "ServicePlan").get(CIPHER_KEY)
    return None if not key else key_bytes(key)


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
@PASSPHRASE_FILE
def replay(file: Path, db: Path, *, accept_version_1: bool, passphrase_file: Path | None) -> None:
    """Import FILE into the empty store at --db, then rebuild the board, incidents and report.

    The whole file is checked first, its trailer included: a bad, cut-short or altered file is
    refused with its line number and reason, and nothing is written, --db not even created. A
    sealed export is opened with the key in the environment (which the new store is encrypted
    with too, as with the configuration's key), or with the passphrase in --passphrase-file.
    The new store records the clinic's zone, from the configuration (--config).
    """
    passphrase = None if passphrase_file is None else read_passphrase(passphrase_file)
    config = current_config()
    keyed = {k: v for k, v in config.store_env().items() if k in (CIPHER_KEY, CIPHER_TOPIC)}
    key = environment_key(keyed)
    check_store_file(db)
    if stored_events(db):
        raise BadInputFile(f"{db}: a history can only be imported into an empty store")
    checker = ServicePlan(memory_store(), entry_points=False)
    try:
        with progress_bar("checking the history") as tell, file.open(encoding="utf8") as lines:
            events = check_history(
                checker.mapper,
                opened_history(lines, key=key, passphrase=passphrase),
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
    plan = ServicePlan.configured(config, env={**keyed, **sqlite_store(db)})
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
