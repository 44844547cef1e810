"""`RecordStore`: clean article records in PostgreSQL or an embedded SQLite file, through SQLAlchemy Core."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from crawler.store.engine import (
    INSERTS,
    WRITE_OPTION,
    StoreError,
    database_url,
    describe,
    engine_for,
    one_line,
    what_to_do,
)
from crawler.store.migrate import migrate
from crawler.store.rows import (
    DEFAULT_MAX_RECORD_BYTES,
    FLAG_FIELDS,
    RecordRejected,
    alias_rows,
    normalised_words,
    parse_time,
    prepare_row,
)
from crawler.store.schema import KEY_BYTES, aliases, records

log = logging.getLogger(__name__)

# Ids per IN (...) list: far below SQLite's bound-parameter limit, few round trips for a few hundred ids.
ID_CHUNK = 500
# Columns an upsert replaces; ``stored_at`` keeps the time the article was first stored.
_REPLACED = tuple(column.name for column in records.columns if column.name not in ("id", "stored_at"))


class RecordsRejected(ValueError):
    """Raised by `RecordStore.upsert` without ``on_reject`` after the batch's valid records were stored."""

    def __init__(self, rejected: list[RecordRejected], stored: int) -> None:
        self.rejected, self.stored = rejected, stored
        reasons = "; ".join(str(error) for error in rejected[:3]) + ("; ..." if len(rejected) > 3 else "")
        super().__init__(f"{len(rejected)} record(s) refused, {stored} stored: {reasons}")


def _now() -> datetime:
    return datetime.now(UTC)


def _time_bound(name: str, value: str | datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except (ValueError, OverflowError, AttributeError):
        raise ValueError(f"{name} must be an ISO 8601 time or a datetime, got {value!r}") from None


def _chunks(ids: Iterable[str], size: int) -> Iterator[list[str]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def _record_out(record: dict[str, Any], stored_at: datetime, updated_at: datetime) -> dict[str, Any]:
    return record | {"stored_at": stored_at.isoformat(), "updated_at": updated_at.isoformat()}


_OUT = (records.c.record, records.c.stored_at, records.c.updated_at)


class RecordStore:
    """Clean article records, one per id, in a relational database.

    Records go in and come out as plain dicts (the record as given, texts repaired as `crawler.store.rows`
    documents, plus ``stored_at``/``updated_at`` in ISO 8601 UTC). Made by `open` (which migrates the schema),
    or handed an `Engine` from `make_engine` (it sets up SQLite's WAL, busy timeout and write locking) whose
    database `migrate` has brought up to date. Safe to share between threads; several processes may use the
    same database at once.
    """

    def __init__(self, engine: Engine, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> None:
        self.engine = engine
        self.max_record_bytes = max_record_bytes
        self.where = describe(engine.url)

    @classmethod
    def open(cls, url: str | None, data_dir: str | os.PathLike[str] = "data",
             max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> RecordStore:
        """The store at ``database.url`` (None: ``<data_dir>/records.sqlite3``), its schema migrated.

        Raises `StoreError` (one line: what failed, what to do, no password) when the database cannot be
        reached, opened or migrated.
        """
        resolved = database_url(url, data_dir)
        engine = engine_for(resolved)
        try:
            migrate(engine)
        except StoreError:
            engine.dispose()
            raise
        except (DBAPIError, OSError, CommandError) as error:
            engine.dispose()
            raise StoreError(f"cannot open the record store ({describe(resolved)}): {one_line(error)}; "
                             f"{what_to_do(resolved)}") from error
        return cls(engine, max_record_bytes)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------------------------

    def upsert(self, batch: Iterable[Mapping[str, Any]],
               on_reject: Callable[[RecordRejected], None] | None = None) -> int:
        """Store records, keyed by id, in one transaction; return how many were stored.

        Storing an id again replaces its record (``stored_at`` stays the first time); within a batch the last
        record of an id wins. Records the store refuses (see `crawler.store.rows`) do not stop the others: each
        is handed to ``on_reject`` after the batch is committed, or, without ``on_reject``, `RecordsRejected`
        is raised after the batch is committed.
        """
        now = _now()
        rows: dict[str, dict[str, Any]] = {}
        rejected: list[RecordRejected] = []
        for record in batch:
            try:
                row = prepare_row(record, now, self.max_record_bytes)
            except RecordRejected as error:
                rejected.append(error)
                continue
            rows[row["id"]] = row
        # Sorted by id: concurrent writers lock rows in the same order, so they cannot deadlock.
        ordered = [rows[key] for key in sorted(rows)]
        stored = self._write_rows(ordered, rejected) if ordered else 0
        if rejected:
            if on_reject is None:
                raise RecordsRejected(rejected, stored)
            for error in rejected:
                on_reject(error)
        return stored

    def _upsert(self, connection: Connection, rows: list[dict[str, Any]]) -> None:
        # One statement, executed for many rows (SQLAlchemy batches them into multi-row INSERTs).
        statement = INSERTS[self.engine.dialect.name](records)
        statement = statement.on_conflict_do_update(
            index_elements=[records.c.id], set_={name: statement.excluded[name] for name in _REPLACED})
        connection.execute(statement, rows)
        self._upsert_aliases(connection, [alias for row in rows for alias in alias_rows(row)])

    def _upsert_aliases(self, connection: Connection, names: list[dict[str, str]]) -> None:
        if not names:
            return
        statement = INSERTS[self.engine.dialect.name](aliases)
        statement = statement.on_conflict_do_update(index_elements=[aliases.c.alias],
                                                    set_={"record_id": statement.excluded.record_id})
        connection.execute(statement, sorted(names, key=lambda n: n["alias"]))

    def add_aliases(self, names: Mapping[str, str]) -> None:
        """Let each alias (the id of another address, `crawler.ids.record_id`) answer for a record id: an old
        address found redirecting to a page already stored, say."""
        rows = [{"alias": alias, "record_id": record_id} for alias, record_id in names.items()
                if alias != record_id and max(len(alias.encode()), len(record_id.encode())) <= KEY_BYTES]
        with self._guard("store aliases"), self._writing() as connection:
            self._upsert_aliases(connection, rows)

    def _write_rows(self, rows: list[dict[str, Any]], rejected: list[RecordRejected]) -> int:
        try:
            with self._guard("store records"), self._writing() as connection:
                self._upsert(connection, rows)
            return len(rows)
        except (DataError, IntegrityError):
            pass  # the database refused something validation let through: find which record, store the rest
        stored = 0
        for row in rows:
            try:
                with self._guard("store a record"), self._writing() as connection:
                    self._upsert(connection, [row])
                stored += 1
            except (DataError, IntegrityError) as error:
                log.warning("record %s refused by the database: %s", row["id"], one_line(error))
                rejected.append(RecordRejected(row["id"], f"the database refused it: {one_line(error)}", row["record"]))
        return stored

    def update_flags(self, updates: Mapping[str, Mapping[str, Any]]) -> int:
        """Change the copy flags (``duplicate_of``, ``similarity``, ...) of stored records, in one transaction.

        ``updates`` maps an id to the flags to set; ids not stored are skipped. Returns how many records
        changed. Each record is locked while it is read and rewritten, so concurrent updates do not lose flags.
        A flag value the store refuses raises `RecordRejected` and changes nothing.
        """
        for record_id, flags in updates.items():
            unknown = set(flags) - set(FLAG_FIELDS)
            if unknown:
                raise ValueError(f"update_flags for {record_id}: {sorted(unknown)} are not copy flags "
                                 f"(expected some of {', '.join(FLAG_FIELDS)})")
        now = _now()
        changed = 0
        with self._guard("update copy flags"), self._writing() as connection:
            for record_id in sorted(updates):
                current = connection.execute(select(records.c.record).where(records.c.id == record_id)
                                             .with_for_update()).scalar_one_or_none()
                if current is None:
                    continue
                row = prepare_row(current | dict(updates[record_id]), now, self.max_record_bytes)
                values = {name: row[name] for name in _REPLACED if name != "fetched_at"}
                connection.execute(update(records).where(records.c.id == record_id).values(values))
                changed += 1
        return changed

    # -- reading --------------------------------------------------------------------------------------------

    def get(self, record_id: str) -> dict[str, Any] | None:
        """The stored record with this id, or None."""
        return self.get_many([record_id]).get(record_id)

    def get_many(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored records among ``ids``, by id (ids not stored are absent)."""
        found: dict[str, dict[str, Any]] = {}
        with self._guard("read records"), self.engine.connect() as connection:
            for chunk in _chunks(ids, ID_CHUNK):
                query = select(records.c.id, *_OUT).where(records.c.id.in_(chunk))
                for row in connection.execute(query):
                    found[row.id] = _record_out(row.record, row.stored_at, row.updated_at)
        return found

    def fetched_at(self, ids: Iterable[str]) -> dict[str, datetime]:
        """When each stored id among ``ids`` was fetched (aware UTC datetimes); ids not stored are absent."""
        found: dict[str, datetime] = {}
        with self._guard("read fetch times"), self.engine.connect() as connection:
            for chunk in _chunks(ids, ID_CHUNK):
                query = select(records.c.id, records.c.fetched_at).where(records.c.id.in_(chunk))
                found.update((row.id, row.fetched_at) for row in connection.execute(query))
        return found

    def stored_fetch_times(self, ids: Iterable[str]) -> dict[str, datetime]:
        """For each of ``ids`` (ids computed from addresses with `crawler.ids.record_id`) that a stored record
        answers to, by its own id or as an alias (another address it was fetched or redirected from): when that
        record was fetched."""
        found: dict[str, datetime] = {}
        with self._guard("read fetch times"), self.engine.connect() as connection:
            for chunk in _chunks(ids, ID_CHUNK):
                own = select(records.c.id.label("name"), records.c.fetched_at).where(records.c.id.in_(chunk))
                other = (select(aliases.c.alias.label("name"), records.c.fetched_at)
                         .join(records, records.c.id == aliases.c.record_id).where(aliases.c.alias.in_(chunk)))
                found.update((row.name, row.fetched_at) for row in connection.execute(own.union_all(other)))
        return found

    def iter_records(self, source: str | None = None, ids: Iterable[str] | None = None,
                     batch_size: int = 500) -> Iterator[dict[str, Any]]:
        """Every stored record (of ``source``, among ``ids``), in id order, ``batch_size`` at a time.

        Each batch is one short query that starts after the last id seen, so memory stays constant and no
        transaction stays open between batches; records stored meanwhile appear if their id is still ahead.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        base = select(records.c.id, *_OUT).order_by(records.c.id)
        if source is not None:
            base = base.where(records.c.source == source)
        if ids is not None:
            for chunk in _chunks(ids, min(batch_size, ID_CHUNK)):
                yield from self._batch(base.where(records.c.id.in_(chunk)))
            return
        last: str | None = None
        while True:
            query = base.limit(batch_size) if last is None else base.where(records.c.id > last).limit(batch_size)
            batch = self._batch(query)
            if not batch:
                return
            yield from batch
            last = batch[-1]["id"]

    def _batch(self, query: Any) -> list[dict[str, Any]]:
        with self._guard("read records"), self.engine.connect() as connection:
            return [_record_out(row.record, row.stored_at, row.updated_at) for row in connection.execute(query)]

    def search(self, text: str | None = None, source: str | None = None,
               published_from: str | datetime | None = None, published_to: str | datetime | None = None,
               limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Records whose title holds every word of ``text`` (whole words; case and accents ignored), of
        ``source``, published in ``[published_from, published_to)``; newest first, undated last, then by id.

        Times are ISO 8601 text or datetimes, naive ones in UTC. A ``text`` without words matches every title.
        """
        if not 1 <= limit <= 1000:
            raise ValueError(f"limit must be between 1 and 1000, got {limit}")
        if offset < 0:
            raise ValueError(f"offset must not be negative, got {offset}")
        query = select(*_OUT)
        for word in normalised_words(text or ""):
            query = query.where(records.c.title_words.contains(f" {word} ", autoescape=True))
        if source is not None:
            query = query.where(records.c.source == source)
        if (start := _time_bound("published_from", published_from)) is not None:
            query = query.where(records.c.published >= start)
        if (end := _time_bound("published_to", published_to)) is not None:
            query = query.where(records.c.published < end)
        query = query.order_by(records.c.published.desc().nulls_last(), records.c.id).limit(limit).offset(offset)
        with self._guard("search records"), self.engine.connect() as connection:
            return [_record_out(row.record, row.stored_at, row.updated_at) for row in connection.execute(query)]

    def count(self, source: str | None = None) -> int:
        """How many records are stored (of ``source``)."""
        query = select(func.count()).select_from(records)
        if source is not None:
            query = query.where(records.c.source == source)
        with self._guard("count records"), self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def count_flagged(self) -> int:
        """How many records were flagged as syndicated copies when they were stored."""
        query = select(func.count()).select_from(records).where(records.c.duplicate_of.is_not(None))
        with self._guard("count records"), self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def counts_by_source(self) -> dict[str, int]:
        """How many records each source has, by source name."""
        query = select(records.c.source, func.count()).group_by(records.c.source).order_by(records.c.source)
        with self._guard("count records"), self.engine.connect() as connection:
            return {source: int(number) for source, number in connection.execute(query)}

    # -- plumbing -------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A connection in a write transaction, committed on success."""
        with self.engine.connect().execution_options(**{WRITE_OPTION: True}) as connection, connection.begin():
            yield connection

    @contextlib.contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Database trouble (unreachable, locked, gone) as a one-line `StoreError`; bad data passes through."""
        try:
            yield
        except (DataError, IntegrityError):
            raise
        except DBAPIError as error:
            raise StoreError(f"record store ({self.where}) could not {action}: {one_line(error)}; "
                             f"{what_to_do(self.engine.url)}") from error


_SHARED: dict[tuple[str | None, str], RecordStore] = {}
_SHARED_LOCK = threading.Lock()


def shared_store(url: str | None, data_dir: str | os.PathLike[str] = "data") -> RecordStore:
    """The process's store for ``database.url`` (opened, and migrated, on first use): one connection pool per
    process, shared by every component, as `crawler.redisconn.redis_client` does for Redis."""
    key = (url, str(Path(data_dir).resolve()))
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = RecordStore.open(url, data_dir)
        return _SHARED[key]
