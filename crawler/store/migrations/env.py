"""Alembic environment: migrates the connection handed over by `crawler.store.migrate.migrate`."""

from __future__ import annotations

from alembic import context

from crawler.store.schema import VERSION_TABLE, metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the record store migrates through crawler.store.migrate.migrate(engine), not the alembic CLI")

# render_as_batch: SQLite cannot ALTER most things, so later migrations copy-and-move tables there.
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
