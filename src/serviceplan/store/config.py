"""Where events go when nothing is configured: a SQLite file in the user's data folder.

The standard eventsourcing variables (PERSISTENCE_MODULE, SQLITE_DBNAME, POSTGRES_*,
CIPHER_KEY, ...) still choose and tune the store; `SERVICEPLAN_DB` moves the default file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PERSISTENCE_MODULE = "PERSISTENCE_MODULE"
MEMORY = "eventsourcing.popo"
SQLITE = "eventsourcing.sqlite"
POSTGRES = "eventsourcing.postgres"
DB_ENV = "SERVICEPLAN_DB"


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
    path.parent.mkdir(parents=True, exist_ok=True)
    return {**env, PERSISTENCE_MODULE: SQLITE, "SQLITE_DBNAME": str(path)}


def memory_store() -> dict[str, str]:
    """Return settings for the in-memory store that unit tests use."""
    return {PERSISTENCE_MODULE: MEMORY}


def sqlite_store(path: str | os.PathLike[str]) -> dict[str, str]:
    """Return settings for a SQLite file store at `path`."""
    return {PERSISTENCE_MODULE: SQLITE, "SQLITE_DBNAME": str(path)}
