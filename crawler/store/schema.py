"""The store's tables, declared once; the migrations in ``migrations/versions`` create exactly these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.types import TypeDecorator

# Ids sort by code point on both backends: SQLite compares text bytewise; PostgreSQL would use the
# database's locale (en_US sorts "a" with "A"), so its id columns use the "C" collation.
KEY_BYTES = 1024  # ids are indexed; a PostgreSQL btree entry must stay under ~2700 bytes
SOURCE_BYTES = 255


def _key(length: int) -> String:
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored in UTC and always read back timezone-aware in UTC.

    PostgreSQL keeps ``timestamptz``; SQLite keeps ISO text without an offset, so values are converted to
    UTC before they are written, which also makes text comparisons on SQLite compare instants.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_N_name)s", "pk": "pk_%(table_name)s"})

# Prefixed names: the store may share a database (or schema) with other applications.
VERSION_TABLE = "jen_alembic_version"

records = Table(
    "jen_records",
    metadata,
    Column("id", _key(KEY_BYTES), primary_key=True),
    Column("source", _key(SOURCE_BYTES), nullable=False),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text),
    Column("title", Text),
    # The title's words, normalised (see rows.title_words), space-separated with a space at each end:
    # portable whole-word search with LIKE, the same on both backends.
    Column("title_words", Text, nullable=False),
    Column("published", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("stored_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("status", Text),
    Column("parser", Text),
    Column("http_status", Integer),
    Column("duplicate_of", _key(KEY_BYTES)),
    Column("cluster", _key(KEY_BYTES)),

    # The whole record as stored (published as its original ISO text, copy flags included).
    Column("record", JSON, nullable=False),
    Index(None, "source", "id"),
    Index(None, "published"),
    Index(None, "duplicate_of"),
)

# Other addresses of a record (migration 0002): the id `crawler.ids.record_id` gives for the address fetched and
# for those it was redirected from, when it differs from the record's own id.
aliases = Table(
    "jen_record_aliases",
    metadata,
    Column("alias", _key(KEY_BYTES), primary_key=True),
    Column("record_id", _key(KEY_BYTES), nullable=False),
    Index(None, "record_id"),
)
