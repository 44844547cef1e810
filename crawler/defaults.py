"""Every ``JEN_*`` Scrapy setting: its default and what it does, written down once.

`crawler/settings.py` loads these defaults into the project settings, and every component reads its values
through `JenSettings.of(settings)`, a typed, validated snapshot, so no read site repeats a default. ``jen crawl``
and ``jen run`` set them from the YAML configuration (`crawler.runner.scrapy_settings`); on the command line
they are ``-s NAME=VALUE`` like any Scrapy setting.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from crawler.config import ConfigError

# Optional settings whose default is None, and the kind of value they take when set.
_KIND_OF_OPTIONAL = {"allow_private": bool, "dedupe": dict}
_EXPECTED = {bool: "true or false", int: "a whole number", float: "a number", dict: "a mapping (JSON object)",
             str: "a string"}


@dataclass(frozen=True)
class JenSettings:
    """The project's own crawl settings; each field is the Scrapy setting ``JEN_<FIELD NAME IN CAPITALS>``."""

    # Redis for the request queue, dupefilter, start URLs, dedup index and stored records. None: no Redis at all
    # (a plain `scrapy crawl justearthnews -O file.jsonl` then works with Scrapy's own scheduler, in memory).
    redis_url: str | None = None
    # Prefix of every Redis key (crawler.redisconn.Keys), so deployments and tests can share one server.
    key_prefix: str = "jen"
    # YAML configuration file for `scrapy crawl outlet -a source=NAME` (None: JEN_CONFIG or config/settings.yaml).
    config: str | None = None
    # Where the justearthnews spider starts; the replica is e.g. http://127.0.0.1:8800.
    base_url: str = "https://justearthnews.com"
    # Follow links to other articles found on article pages (sidebars, "also read"), not only listings.
    follow_article_links: bool = True
    # How many listing pages deep to follow pagination per section (0 = no limit).
    max_listing_pages: int = 50
    # May the justearthnews spider fetch private or loopback addresses? None: only when base_url is one.
    allow_private: bool | None = None
    # The id of the crawl run this process works for (set by `jen crawl`/`jen run`; None: a new one).
    run_id: str | None = None
    # A one-line progress report on stderr (jen crawl --here), every this many seconds.
    progress: bool = False
    progress_interval: float = 2.0
    # How long a process with an empty queue waits for other processes of the same crawl before closing.
    idle_wait_seconds: float = 300.0
    # How long a popped request stays leased to its process; a process that dies gives it back after this.
    queue_lease_seconds: float = 300.0
    # How long Redis calls wait out a Redis restart or failover before giving up.
    redis_retry_seconds: float = 120.0
    # Skip article pages stored less than this many seconds ago (manual triggers always fetch), and stop walking
    # a listing's pagination at a page that holds only stored articles; sitemap <lastmod> says when to refetch.
    skip_stored: bool = True
    refetch_after: float = 7 * 86400.0
    # The record store: a database URL (None: the embedded SQLite file <data_dir>/records.sqlite3).
    database_url: str | None = None
    data_dir: str = "data"
    # Records and failures go to Redis and the database in batches of up to this many items: those that
    # arrive while the previous batch is being worked (crawler.batching).
    batch_size: int = 100
    # Caps (config `retention:`): distinct dead letters kept, entries of the stream of recent events.
    dead_letters_cap: int = 10_000
    events_cap: int = 10_000
    # Flag syndicated copies (dedupe/); `dedupe` is the `dedupe:` config section (dedupe.DedupeParams fields).
    dedupe_enabled: bool = True
    dedupe: dict[str, Any] | None = None

    @classmethod
    def of(cls, settings: Any) -> JenSettings:
        """Read every JEN_* setting from Scrapy settings (defaults where unset), typed; a value of the wrong kind
        raises `ConfigError` naming the setting."""
        getters = {bool: settings.getbool, int: settings.getint, float: settings.getfloat, dict: settings.getdict,
                   str: settings.get}
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = setting_name(f.name)
            if settings.get(name) is None:
                continue
            kind = _KIND_OF_OPTIONAL.get(f.name) or (type(f.default) if f.default is not None else str)
            try:
                values[f.name] = getters[kind](name)
            except (TypeError, ValueError) as exc:
                raise ConfigError(name, settings.get(name), _EXPECTED[kind]) from exc
        return cls(**values)


def setting_name(field_name: str) -> str:
    return f"JEN_{field_name.upper()}"


def scrapy_defaults() -> dict[str, Any]:
    """``{"JEN_REDIS_URL": None, ...}``: the defaults as Scrapy settings (crawler/settings.py loads them)."""
    return {setting_name(f.name): f.default for f in fields(JenSettings)}
