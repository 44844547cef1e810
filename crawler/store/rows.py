"""Records in, table rows out: validation and the few repairs the store makes, with no database involved.

What the store does with awkward input (the same on PostgreSQL and SQLite):

- NUL characters are removed from every text (PostgreSQL text cannot hold them; they carry no text), and
  lone UTF-16 surrogates, which no UTF-8 database can store, become U+FFFD. All other characters are kept.
- Missing optional fields are stored as missing; only ``id``, ``source`` and ``url`` are required. A record
  without ``fetched_at`` counts as fetched when it is stored.
- A ``published`` value that is not an ISO 8601 time is kept as given in the record, and its timestamp column
  is left empty (so date-range searches do not find it). A naive time counts as UTC.
- Refused, with a `RecordRejected` naming the field: a record that is not a mapping, a missing or empty
  ``id``/``source``/``url``, a field of the wrong type, an ``http_status`` outside 0-999, a ``fetched_at``
  that is not an ISO 8601 time, a value that is not JSON (NaN, infinity, objects), an id over 1,024 bytes,
  and a record whose JSON exceeds the store's size limit (16 MiB by default; articles are rarely 100 kB).
  If the database itself refuses a record that passed these checks, that record alone is refused too.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from crawler.ids import record_id as address_id
from crawler.store.schema import KEY_BYTES, SOURCE_BYTES

DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024
FLAG_FIELDS = ("duplicate_of", "similarity", "containment", "cluster", "indexed", "dedupe_reason")
# Kept by the store itself and added to records read back; ignored when given.
STORE_FIELDS = ("stored_at", "updated_at")
_WORD = re.compile(r"\w+")


class RecordRejected(ValueError):
    """One record the store refused, and why (the other records of its batch are stored)."""

    def __init__(self, record_id: str | None, reason: str, record: Any = None) -> None:
        self.record_id, self.reason, self.record = record_id, reason, record
        super().__init__(f"record {record_id or '(no id)'} refused: {reason}")


def normalised_words(text: str) -> list[str]:
    """The words of a text for search: case-folded, accents removed (``Café`` and ``cafe`` match)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(plain)


def title_words(title: str | None) -> str:
    """The ``title_words`` column: distinct words, one space between and one at each end."""
    words = dict.fromkeys(normalised_words(title or ""))
    return f" {' '.join(words)} " if words else " "


def parse_time(value: str | datetime) -> datetime:
    """An ISO 8601 time (or a datetime) as an aware UTC datetime; naive times count as UTC."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value.strip())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _clean_text(text: str) -> str:
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: pair what pairs, replace the rest
            text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _clean(value: Any, path: str, record_id: str | None) -> Any:
    """A JSON-ready copy of ``value`` with texts repaired; refuses what JSON cannot hold."""
    if isinstance(value, str):
        return _clean_text(value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RecordRejected(record_id, f"{path} is {value}, which is not a JSON number")
        return value
    if isinstance(value, Mapping):
        cleaned = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise RecordRejected(record_id, f"{path} has a key {key!r} that is not text")
            cleaned[_clean_text(key)] = _clean(item, f"{path}.{key}" if path else key, record_id)
        return cleaned
    if isinstance(value, list | tuple):
        return [_clean(item, f"{path}[{index}]", record_id) for index, item in enumerate(value)]
    raise RecordRejected(record_id, f"{path} holds a {type(value).__name__}, which is not a JSON value")


def _text(record: Mapping[str, Any], name: str, record_id: str | None, *, required: bool = False,
          max_bytes: int | None = None) -> str | None:
    value = record.get(name)
    if value is None or (required and value == ""):
        if required:
            raise RecordRejected(record_id, f"{name} is missing or empty")
        return None
    if not isinstance(value, str):
        raise RecordRejected(record_id, f"{name} must be text, got {type(value).__name__}")
    if max_bytes is not None and len(value.encode("utf-8")) > max_bytes:
        raise RecordRejected(record_id, f"{name} is longer than {max_bytes} bytes")
    return value


def prepare_row(record: Any, now: datetime, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> dict[str, Any]:
    """The table row for one record (``stored_at`` and ``updated_at`` set to ``now``); raises `RecordRejected`."""
    if not isinstance(record, Mapping):
        raise RecordRejected(None, f"a record must be a mapping, got {type(record).__name__}", record)
    raw_id = record.get("id")
    record_id = raw_id if isinstance(raw_id, str) else None
    try:
        fields = {key: value for key, value in record.items()
                  if not (isinstance(key, str) and (key.startswith("_") or key in STORE_FIELDS))}
        clean = _clean(fields, "", record_id)
        row = _columns(clean, record_id, now)
        size = len(json.dumps(clean, ensure_ascii=False).encode("utf-8"))
        if size > max_record_bytes:
            raise RecordRejected(record_id, f"the record is {size:,} bytes of JSON, over the store's limit of "
                                            f"{max_record_bytes:,}")
    except RecordRejected as error:
        error.record = record
        raise
    row["record"] = clean
    return row


def _columns(clean: dict[str, Any], record_id: str | None, now: datetime) -> dict[str, Any]:
    row_id = _text(clean, "id", record_id, required=True, max_bytes=KEY_BYTES)
    title = _text(clean, "title", row_id)
    fetched_text = _text(clean, "fetched_at", row_id)
    try:
        fetched_at = parse_time(fetched_text) if fetched_text else now
    except (ValueError, OverflowError):
        raise RecordRejected(row_id, f"fetched_at {fetched_text!r} is not an ISO 8601 time") from None
    published = clean.get("published")
    try:
        published_at = parse_time(published) if isinstance(published, str) and published.strip() else None
    except (ValueError, OverflowError):  # the page's own claim: keep its text, leave the timestamp empty
        published_at = None
    http_status = clean.get("http_status")
    if http_status is not None and (isinstance(http_status, bool) or not isinstance(http_status, int)
                                    or not 0 <= http_status <= 999):
        raise RecordRejected(row_id, f"http_status must be an integer from 0 to 999, got {http_status!r}")
    return {
        "id": row_id,
        "source": _text(clean, "source", row_id, required=True, max_bytes=SOURCE_BYTES),
        "url": _text(clean, "url", row_id, required=True),
        "canonical_url": _text(clean, "canonical_url", row_id),
        "title": title,
        "title_words": title_words(title),
        "published": published_at,
        "fetched_at": fetched_at,
        "stored_at": now,
        "updated_at": now,
        "status": _text(clean, "status", row_id),
        "parser": _text(clean, "parser", row_id),
        "http_status": http_status,
        "duplicate_of": _text(clean, "duplicate_of", row_id, max_bytes=KEY_BYTES),
        "cluster": _text(clean, "cluster", row_id, max_bytes=KEY_BYTES),
    }


def alias_rows(row: Mapping[str, Any]) -> list[dict[str, str]]:
    """The `aliases` rows of a record row: the ids of the addresses it was fetched and redirected from."""
    record = row["record"]
    addresses = [row["url"], *(u for u in record.get("redirected_from") or () if isinstance(u, str))]
    names = {address_id(row["source"], address) for address in addresses} - {row["id"]}
    return [{"alias": name, "record_id": row["id"]} for name in sorted(names) if len(name.encode("utf-8")) <= KEY_BYTES]
