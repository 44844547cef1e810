"""Schema migrations, run programmatically with Alembic; the scripts ship inside the package.

`migrate` brings a database to the newest revision. Opening the store calls it, so several processes
may run it at once: a database already at the newest revision is only read (no lock); otherwise the
upgrade runs in one transaction under a migration lock (see `engine.lock_for_migration`), and whoever
comes second finds the work done.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from crawler.store.engine import WRITE_OPTION, StoreError, lock_for_migration
from crawler.store.schema import VERSION_TABLE

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the bundled scripts; env.py migrates ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision this code knows."""
    head = _scripts().get_current_head()
    assert head is not None, "no migration scripts found"
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None: never migrated)."""
    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def migrate(engine: Engine) -> str:
    """Bring the database to the newest revision (idempotent, safe for concurrent callers); return it."""
    head = head_revision()
    with engine.connect() as connection:
        current = current_revision(connection)
        connection.rollback()
    if current == head:
        return head
    _check_known(current)
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection, connection.begin():
        lock_for_migration(connection)
        command.upgrade(alembic_config(connection), "head")
    return head


def _check_known(revision: str | None) -> None:
    if revision is None:
        return
    if revision not in {script.revision for script in _scripts().walk_revisions()}:
        raise StoreError(f"the record store's schema is at revision {revision!r}, which this version of jen does "
                         "not know (a newer jen migrated it); upgrade jen, or point database.url elsewhere")
