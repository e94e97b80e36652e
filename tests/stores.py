"""The stores application-level tests run on: memory, a SQLite file and PostgreSQL.

Every test that uses the `plan` fixture (or `store`) runs once per store. PostgreSQL tests carry
the `postgres` marker and share one database made for this test session (other suites use the
same server at the same time), emptied before each test; it is dropped when the session ends.
Without a server they are skipped, except under `CI=true`, where they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from serviceplan import memory_store, sqlite_store
from serviceplan.store.config import postgres_store

STORES = [
    pytest.param("memory"),
    pytest.param("sqlite"),
    pytest.param("postgres", marks=pytest.mark.postgres),
]
FILE_STORES = STORES[1:]


class PostgresServer:
    """The PostgreSQL server named by the standard POSTGRES_* variables (else 127.0.0.1)."""

    def __init__(self) -> None:
        self.host = os.environ.get("POSTGRES_HOST", "127.0.0.1")
        self.port = int(os.environ.get("POSTGRES_PORT", "5432"))
        self.user = os.environ.get("POSTGRES_USER", "postgres")
        self.password = os.environ.get("POSTGRES_PASSWORD", "")

    def connect(self, dbname: str) -> psycopg.Connection[tuple[object, ...]]:
        """Open an autocommit connection to `dbname`."""
        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, password=self.password,
            dbname=dbname, autocommit=True, connect_timeout=5,
        )  # fmt: skip

    def store(self, dbname: str, **extra: str) -> dict[str, str]:
        """Return application settings for `dbname`, with a small connection pool."""
        settings = postgres_store(
            dbname, host=self.host, port=self.port, user=self.user, password=self.password
        )
        return {**settings, "POSTGRES_POOL_SIZE": "2", **extra}


class SessionDatabase:
    """A database of this test session's own on the shared server."""

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.name = f"serviceplan_test_{os.getpid()}_{secrets.token_hex(4)}"

    def create(self) -> None:
        """Create the database (connecting to the `postgres` maintenance database)."""
        with self.server.connect("postgres") as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        """Drop the database, closing whatever connections are left."""
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        with self.server.connect("postgres") as conn:
            conn.execute(statement.format(sql.Identifier(self.name)))

    def empty(self) -> None:
        """Drop every table, so the next application starts on a new store.

        Dropping, not truncating: eventsourcing's tracking table keeps a migration row that a
        truncation would lose, and the next start would then try to migrate it again.
        """
        with self.server.connect(self.name) as conn:
            if rows := self._tables(conn):
                tables = sql.SQL(", ").join(sql.Identifier(s, t) for s, t in rows)
                conn.execute(sql.SQL("DROP TABLE {} CASCADE").format(tables))

    @staticmethod
    def _tables(conn: psycopg.Connection[tuple[object, ...]]) -> list[tuple[str, str]]:
        rows = conn.execute(
            "SELECT schemaname, tablename FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        return [(str(s), str(t)) for s, t in rows]

    def raw_bytes(self) -> bytes:
        """Return every value of every table, as bytes."""
        chunks: list[bytes] = []
        with self.server.connect(self.name) as conn:
            for schema, table in self._tables(conn):
                query = sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, table))
                for row in conn.execute(query):
                    chunks += [v if isinstance(v, bytes) else str(v).encode() for v in row]
        return b"\n".join(chunks)

    def store(self, **extra: str) -> dict[str, str]:
        """Return application settings for this database."""
        return self.server.store(self.name, **extra)


def open_session_database() -> Iterator[SessionDatabase]:
    """Create the session's database; skip (fail under CI=true) when there is no server."""
    database = SessionDatabase(PostgresServer())
    try:
        database.create()
    except psycopg.OperationalError as error:
        reason = f"no PostgreSQL server at {database.server.host}:{database.server.port}: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield database
    finally:
        database.drop()


def store_settings(kind: str, request: pytest.FixtureRequest, folder: Path) -> dict[str, str]:
    """Return settings for a clean store of `kind` for one test."""
    if kind == "memory":
        return memory_store()
    if kind == "sqlite":
        return sqlite_store(folder / "serviceplan.sqlite3")
    database: SessionDatabase = request.getfixturevalue("postgres_database")
    database.empty()
    return database.store()


def raw_bytes(store: dict[str, str], request: pytest.FixtureRequest) -> bytes:
    """Return everything a file store holds, as bytes: a SQLite file with its WAL, or every
    value of every PostgreSQL table (bytea as stored, other values as text)."""
    if store.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        path = Path(store["SQLITE_DBNAME"])
        return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))
    database: SessionDatabase = request.getfixturevalue("postgres_database")
    return database.raw_bytes()
