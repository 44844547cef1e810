"""The one place that knows database dialects: which URLs the store accepts, how engines are made, the SQLite
settings several crawler processes need, the migration lock, and the insert construct for upserts.

Everything else in the store is written once in portable SQLAlchemy Core.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from crawler.redaction import redact_url

SQLITE_FILE_NAME = "records.sqlite3"
# How long a SQLite writer waits for another process's write transaction before giving up. Crawler
# processes write small batches, so this is generous.
SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10
# Execution option asking for a write transaction: SQLite takes its write lock at BEGIN (BEGIN IMMEDIATE),
# so a writer waits for the busy timeout instead of failing when its read snapshot turns stale.
WRITE_OPTION = "jen_store_write"
# Key of the PostgreSQL advisory lock that serialises migrations of concurrent openers ("jen" in ASCII).
_MIGRATION_LOCK_KEY = 0x6A656E

INSERTS: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class StoreError(RuntimeError):
    """The record store cannot be opened or used; the message is one line saying what failed and what to do."""


def one_line(error: BaseException) -> str:
    """The first line of an error's text, passwords in URLs redacted."""
    message = str(getattr(error, "orig", None) or error).strip()
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return redact_url(lines[0] if lines else type(error).__name__)


def database_url(url: str | None, data_dir: str | os.PathLike[str]) -> URL:
    """The SQLAlchemy URL for ``database.url``: PostgreSQL through psycopg 3, or a SQLite file.

    ``None`` or ``""`` means the embedded default, ``<data_dir>/records.sqlite3``; ``postgresql://`` and
    ``postgres://`` use psycopg 3; ``sqlite:///path`` names another SQLite file.
    """
    if not url:
        directory = Path(data_dir)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the data directory {directory} for the record store: {one_line(error)}; "
                             "set data_dir to a writable directory") from error
        return URL.create("sqlite+pysqlite", database=str((directory / SQLITE_FILE_NAME).resolve()))
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(f"config key 'database.url': {redact_url(url)!r} is not a database URL; expected "
                         "postgresql://user@host:5432/dbname, or no value for the embedded SQLite file") from error
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if not parsed.database or parsed.database == ":memory:":
            raise StoreError("config key 'database.url': an in-memory SQLite database is neither shared between "
                             "processes nor kept; name a file (sqlite:///path/records.sqlite3) or leave it unset")
        return parsed.set(drivername="sqlite+pysqlite")
    raise StoreError(f"config key 'database.url': {redact_url(url)!r} is not supported; use postgresql://... "
                     "(psycopg 3) or leave it unset for the embedded SQLite file")


def describe(url: URL) -> str:
    """Where the store is, for messages: ``PostgreSQL at postgresql://user:***@host/db`` or ``SQLite file ...``."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"PostgreSQL at {redact_url(url.set(drivername='postgresql').render_as_string(hide_password=False))}"


def what_to_do(url: URL) -> str:
    """The operator's next step when the database cannot be reached or opened."""
    if url.get_backend_name() == "sqlite":
        return "check that data_dir is a writable directory and the file is a SQLite database"
    return ("check that PostgreSQL is running and reachable, that database.url names an existing database and user, "
            "and that the user may create tables there")


def make_engine(url: str | None, data_dir: str | os.PathLike[str] = "data") -> Engine:
    """An engine for ``database.url`` (see `database_url`); connects lazily."""
    return engine_for(database_url(url, data_dir))


def engine_for(url: URL) -> Engine:
    """An engine for a resolved URL, with the per-dialect settings the store relies on."""
    options: dict[str, Any] = {"pool_pre_ping": True, "json_serializer": _json_dumps}
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, **options)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args = {} if "connect_timeout" in url.query else {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS}
    return create_engine(url, connect_args=connect_args, pool_size=5, max_overflow=5, **options)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (see _sqlite_begin), so DDL is transactional and writers can lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        # WAL: readers never block the writer and the writer never blocks readers (several crawler processes).
        _use_wal(cursor)
        # In WAL mode NORMAL is safe against corruption; a power cut may lose the last transactions only.
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL (it stays so): done once, by the first opener. The switch needs the file to itself
    and SQLite does not wait for it as it waits for locks, so a process opening the store while another one
    writes it tries again until the busy timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_SECONDS
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def lock_for_migration(connection: Connection) -> None:
    """Serialise migrations of processes opening the store at once (inside the migration's transaction).

    SQLite's write transaction (BEGIN IMMEDIATE) already excludes other writers; PostgreSQL takes a
    transaction-scoped advisory lock, released at commit.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
