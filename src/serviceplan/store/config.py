"""Where events go and how they are kept: the store, its key, compression and snapshots.

With nothing configured, events go to a SQLite file (WAL mode) in the user's data folder; the
standard eventsourcing variables (PERSISTENCE_MODULE, SQLITE_DBNAME, POSTGRES_*, CIPHER_KEY,
COMPRESSOR_TOPIC, ...) choose and tune the store. serviceplan adds three of its own:
`SERVICEPLAN_DB` moves the default file, `SERVICEPLAN_CIPHER_KEY_FILE` reads the key from a file,
`SERVICEPLAN_SNAPSHOT_INTERVAL` sets how often a patient is snapshotted. See docs/operations.md.

A SQLite store's file is created readable by its owner only, and a `PERSISTENCE_MODULE` that
names no module is refused (`BadStoreSetting`) before anything is opened.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from eventsourcing.utils import Environment, TopicError, resolve_topic

from serviceplan.errors import BadStoreSetting
from serviceplan.store.files import private_file, private_folder
from serviceplan.store.keys import with_cipher_key
from serviceplan.store.snapshots import with_snapshots

PERSISTENCE_MODULE = "PERSISTENCE_MODULE"
MEMORY = "eventsourcing.popo"
SQLITE = "eventsourcing.sqlite"
POSTGRES = "eventsourcing.postgres"
DB_ENV = "SERVICEPLAN_DB"
COMPRESSOR_TOPIC = "COMPRESSOR_TOPIC"
ZLIB = "eventsourcing.compressor:ZlibCompressor"
MAPPER_TOPIC = "MAPPER_TOPIC"
CHECKED_MAPPER = "serviceplan.store.mapper:CheckedMapper"
STORE_MODULES = (SQLITE, POSTGRES, MEMORY)


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """Return the SQLite file used when no store is configured.

    `$SERVICEPLAN_DB` if set, else `$XDG_DATA_HOME/serviceplan/serviceplan.sqlite3`
    (`~/.local/share/serviceplan/serviceplan.sqlite3` when XDG_DATA_HOME is unset).
    """
    env = os.environ if environ is None else environ
    if env.get(DB_ENV):
        return Path(env[DB_ENV]).expanduser()
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "serviceplan" / "serviceplan.sqlite3"


def with_default_store(env: dict[str, str], name: str) -> dict[str, str]:
    """Fill in the SQLite file store when `env` names no persistence module."""
    prefixed = f"{name.upper()}_{PERSISTENCE_MODULE}"
    if env.get(prefixed) or env.get(PERSISTENCE_MODULE):
        return env
    if env.get("SQLITE_DBNAME"):
        return {**env, PERSISTENCE_MODULE: SQLITE}
    path = default_db_path(env)
    private_folder(path.parent)
    return {**env, PERSISTENCE_MODULE: SQLITE, "SQLITE_DBNAME": str(path)}


def configure(env: dict[str, str], name: str) -> dict[str, str]:
    """Complete an application's settings: default store, key from a key file, snapshots.

    Stored events are read by serviceplan's checked mapper (`serviceplan.store.mapper`), which
    refuses a damaged event or one from a newer version, unless `MAPPER_TOPIC` names another.
    """
    env = with_default_store(env, name)
    _check_store_module(env, name)
    _create_private_file(env, name)
    if not Environment(name, env).get(MAPPER_TOPIC):
        env = {**env, MAPPER_TOPIC: CHECKED_MAPPER}
    return with_snapshots(with_cipher_key(env, name), name)


def _check_store_module(env: dict[str, str], name: str) -> None:
    module = Environment(name, env).get(PERSISTENCE_MODULE) or MEMORY
    try:
        resolve_topic(module)
    except (TopicError, ImportError, ValueError):
        known = ", ".join(STORE_MODULES)
        msg = f"{PERSISTENCE_MODULE} {module!r} names no store module (serviceplan uses {known})"
        raise BadStoreSetting(msg) from None


def _create_private_file(env: dict[str, str], name: str) -> None:
    """Create a SQLite store's file before SQLite does, so that it is the owner's only."""
    lookup = Environment(name, env)
    if lookup.get(PERSISTENCE_MODULE) != SQLITE:
        return
    dbname = lookup.get("SQLITE_DBNAME") or ""
    if not dbname or ":memory:" in dbname or dbname.startswith("file:"):
        return
    try:
        private_file(Path(dbname))
    except OSError:
        return  # a missing folder, say: SQLite says so when it opens the store


def memory_store() -> dict[str, str]:
    """Return settings for the in-memory store that unit tests use."""
    return {PERSISTENCE_MODULE: MEMORY}


def sqlite_store(path: str | os.PathLike[str]) -> dict[str, str]:
    """Return settings for a SQLite file store at `path` (eventsourcing puts it in WAL mode)."""
    return {PERSISTENCE_MODULE: SQLITE, "SQLITE_DBNAME": str(path)}


def postgres_store(  # noqa: PLR0913 (a connection has this many parts)
    dbname: str,
    *,
    host: str = "127.0.0.1",
    port: int = 5432,
    user: str = "postgres",
    password: str = "",
    schema: str = "",
) -> dict[str, str]:
    """Return settings for a PostgreSQL store: the standard `POSTGRES_*` variables, filled in."""
    return {
        PERSISTENCE_MODULE: POSTGRES,
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": user,
        "POSTGRES_PASSWORD": password,
        "POSTGRES_SCHEMA": schema,
    }


def compressed(env: Mapping[str, str]) -> dict[str, str]:
    """Return `env` with zlib compression of every stored event and snapshot."""
    return {**env, COMPRESSOR_TOPIC: ZLIB}
