"""What every command shares: opening the store, catching read models up, and the options.

A store is looked at before it is opened: a file of another application is refused and left
untouched, a file that does not exist is an empty store (never created by a command that only
shows), and a missing or wrong key is told at once, from what the store records of its own
encryption (`serviceplan.store.encryption`), before any event is read. What fails
underneath while opening (a server down, a database missing, a setting eventsourcing refuses)
becomes a typed error with the cause, for an exit code that tells it.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from eventsourcing.persistence import InfrastructureFactoryError, PersistenceError
from eventsourcing.utils import TopicError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from serviceplan import ServicePlan, memory_store, sqlite_store
from serviceplan.cli.failures import BadInputFile
from serviceplan.config import ClinicConfig, load_config
from serviceplan.errors import BadStoreSetting, ServicePlanError, StoreUnavailable
from serviceplan.read import Follower, Views, as_of, catch_up_together
from serviceplan.store.config import (
    COMPRESSOR_TOPIC,
    PERSISTENCE_MODULE,
    POSTGRES,
    SQLITE,
    default_db_path,
)
from serviceplan.store.files import check_store_file
from serviceplan.store.keys import CIPHER_KEY, CIPHER_TOPIC
from serviceplan.store.snapshots import SNAPSHOT_ENV

M = TypeVar("M", bound=Follower)
F = TypeVar("F", bound=Callable[..., Any])
MAX_DETAIL = 300
CONFIG_META = "serviceplan.config"
KEPT_WITH_DB = (CIPHER_KEY, CIPHER_TOPIC, COMPRESSOR_TOPIC, SNAPSHOT_ENV)
"""What a configured store keeps when `--db` names another file: its key, compression."""


class NoStore(BadInputFile):
    """A command that needs a store found none where it looked: bad usage, exit code 2."""


def db_option(command: F) -> F:
    """Add `--db PATH`: the SQLite file of events (default: $SERVICEPLAN_DB or the user's data)."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="SQLite file of events [default: $SERVICEPLAN_DB, else the user's data folder]",
    )(command)


def config_option(command: F) -> F:
    """Add `--config FILE`: the clinic's configuration (else $SERVICEPLAN_CONFIG, the default)."""

    def keep(ctx: click.Context, _: click.Parameter, value: Path | None) -> None:
        ctx.meta[CONFIG_META] = value

    return click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=keep,
        help="the clinic's configuration file [default: $SERVICEPLAN_CONFIG, else"
        " ~/.config/serviceplan/serviceplan.toml when it exists]",
    )(command)


def current_config() -> ClinicConfig:
    """Return the configuration the command was given (`--config`), or found, or none."""
    context = click.get_current_context(silent=True)
    given = None if context is None else context.meta.get(CONFIG_META)
    return load_config(given)


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


def open_plan(db: Path | None, views: Views | None = None) -> ServicePlan:
    """Open the store at `db`, else the configuration's, else the environment's or the default.

    A SQLite file that does not exist yet is an empty store, left uncreated. `views` keeps the
    plan's indexes elsewhere than beside the store (in memory, for a command that must write
    nothing).
    """
    config = current_config()
    return _open(config, *store_for(db, config), db, views)


def open_existing(db: Path | None, views: Views | None = None) -> ServicePlan:
    """Open the store to work on: a SQLite file that exists, or a server's (PostgreSQL)."""
    config = current_config()
    env, path = store_for(db, config)
    if path is not None and not path.exists():
        raise NoStore(f"no store at {path}")
    return _open(config, env, path, db, views)


def _open(
    config: ClinicConfig,
    env: dict[str, str],
    path: Path | None,
    db: Path | None,
    views: Views | None,
) -> ServicePlan:
    """Open the plan on the store chosen (read once: a key may come from a command)."""
    if db is not None:
        config = config.without_views()
    if path is not None:
        check_store_file(path)
        if not path.exists():
            return ServicePlan.configured(config, env=memory_store(), views=views)
    return _opened(lambda: ServicePlan.configured(config, env=env, views=views), path, env)


def store_for(db: Path | None, config: ClinicConfig) -> tuple[dict[str, str], Path | None]:
    """Return the store's settings and its SQLite file, if it is one: `--db`, else configured.

    `--db` keeps the configured key and compression; with neither, the environment's store
    (eventsourcing's variables) or the default file.
    """
    named = config.store_env()
    kept = {k: v for k, v in named.items() if k in KEPT_WITH_DB}
    if db is not None:
        return {**kept, **sqlite_store(db)}, db
    if named.get(PERSISTENCE_MODULE):
        return named, _sqlite_file(named)
    if os.environ.get(PERSISTENCE_MODULE):
        return kept, _sqlite_file(os.environ)
    path = default_db_path()
    return {**kept, **sqlite_store(path)}, path


def _sqlite_file(env: Mapping[str, str]) -> Path | None:
    """Return the SQLite file the settings name as the store, if they name one."""
    name = env.get("SQLITE_DBNAME", "")
    if env.get(PERSISTENCE_MODULE) != SQLITE or not name or name.startswith("file:"):
        return None
    return None if ":memory:" in name else Path(name)


def _opened(
    make: Callable[[], ServicePlan], path: Path | None, env: Mapping[str, str]
) -> ServicePlan:
    """Open a plan with `make`; what fails underneath becomes a typed error with its cause."""
    try:
        plan = make()
    except ServicePlanError:
        raise
    except InfrastructureFactoryError as error:
        raise BadStoreSetting(f"the store cannot be set up: {_detail(error)}") from None
    except PersistenceError as error:
        settings = {**os.environ, **env}
        where = f"{path}" if path is not None else _server(settings)
        cause = _detail(error) if path is not None else _postgres_cause(settings) or _detail(error)
        _let_go(error)
        raise StoreUnavailable(f"the store at {where} cannot be opened: {cause}") from None
    except (OSError, ValueError, TopicError) as error:  # a setting eventsourcing cannot use
        raise BadStoreSetting(f"the store's settings cannot be used: {_detail(error)}") from None
    return plan


def _let_go(error: BaseException) -> None:
    """Let go of a half-made application now, in this thread.

    Its connection pool then closes here, not later in one of the pool's own threads (where
    closing it fails with "cannot join current thread").
    """
    error.__traceback__ = None
    gc.collect()


def _server(env: Mapping[str, str]) -> str:
    """Name the PostgreSQL database the settings point at (no password)."""
    host, port = env.get("POSTGRES_HOST", "?"), env.get("POSTGRES_PORT", "5432")
    return f"{host}:{port}, database {env.get('POSTGRES_DBNAME', '?')}"


def _postgres_cause(env: Mapping[str, str]) -> str | None:
    """Ask the PostgreSQL server the settings name why it refuses (the pool hides it)."""
    if env.get(PERSISTENCE_MODULE) != POSTGRES:
        return None
    try:
        import psycopg  # noqa: PLC0415 (the postgres extra, imported only when it is in use)

        connection = psycopg.connect(
            host=env.get("POSTGRES_HOST", ""), port=env.get("POSTGRES_PORT", "5432"),
            dbname=env.get("POSTGRES_DBNAME", ""), user=env.get("POSTGRES_USER", ""),
            password=env.get("POSTGRES_PASSWORD", ""),
            connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT") or 5),
        )  # fmt: skip
    except Exception as error:  # noqa: BLE001 (whatever the server says is the cause)
        return _detail(error)
    connection.close()
    return None


def _detail(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:MAX_DETAIL]


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
    return Views() if moment is not None else read_models_of(plan)


def read_models_of(plan: ServicePlan) -> Views:
    """Return where the plan's read models live: the configured file, else beside the store."""
    path = None if plan.config is None else plan.config.views_path
    return Views(path) if path is not None else Views.beside(plan)


def catch_up(followers: Sequence[Follower]) -> None:
    """Catch the followers up together, with a progress bar on a terminal."""
    with progress_bar("reading the log") as tell:
        catch_up_together(followers, tell)


def caught_up(plan: ServicePlan, model: type[M], moment: datetime | None = None) -> M:
    """Return the read model caught up with the log (or built fresh as of `moment`)."""
    with progress_bar(f"reading the log into {model.name}") as tell:
        if moment is not None:
            return as_of(plan, model, moment, progress=tell)
        built = model(plan, read_models_of(plan))
        built.catch_up(tell)
        return built
