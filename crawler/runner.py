"""Run crawls: map the configuration to Scrapy settings and run spiders in this process.

Every crawl started here, from whatever directory, uses the project's settings (`crawler.settings`) and never
opens a listening socket: Scrapy's telnet console and its remote-control HTTP endpoint (which runs Python code
sent to it) are switched off at the highest priority. Two watchers run beside the crawl:

* `ParentWatch`: a crawl started by ``jen run`` stops gracefully (like on SIGTERM) when the service is gone,
  e.g. after a SIGKILL, instead of crawling on with no one to account for it.
* `RedisWatch`: when Redis refuses writes for good (MISCONF from a full disk, OOM) the crawl stops with one
  clear message instead of retrying every write for minutes; its queue stays in Redis for the next run.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.config import Config, ConfigError, Source
from crawler.redaction import RedactingFilter, install_log_redaction
from crawler.redisconn import Keys

logger = logging.getLogger("jen.crawl")

SETTINGS_MODULE = "crawler.settings"
# Settings no command line, config or project may switch back on: they open listening sockets.
LOCKED_SETTINGS: dict[str, Any] = {"TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False}
# Setting names accepted by ``-s`` besides Scrapy's own and the project's JEN_*: scrapy-redis reads these.
_EXTRA_SETTING_PREFIXES = ("REDIS_", "SCHEDULER_", "DUPEFILTER_")
# Name parts of settings Scrapy reads with getfloat although their default is a whole number.
_READ_AS_FLOAT = ("DELAY", "TIMEOUT", "CONCURRENCY", "INTERVAL", "_SECS")


def project_settings() -> Any:
    """Scrapy's defaults + `crawler.settings`, whatever the current directory (no scrapy.cfg lookup)."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    return settings


def scrapy_settings(config: Config, redis_url: str | None, extra: dict[str, Any] | None = None) -> Any:
    """Project settings overridden by the configuration's plain values."""
    polite = config.politeness
    settings = project_settings()
    settings.setdict({
        "USER_AGENT": polite.user_agent,
        "ROBOTSTXT_OBEY": polite.obey_robots,
        "AUTOTHROTTLE_ENABLED": polite.autothrottle,
        "AUTOTHROTTLE_START_DELAY": polite.download_delay,
        "DOWNLOAD_DELAY": polite.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": polite.concurrent_requests_per_domain,
        "DOWNLOAD_TIMEOUT": polite.download_timeout,
        "DOWNLOAD_MAXSIZE": polite.download_maxsize,
        "DOWNLOAD_WARNSIZE": polite.download_maxsize // 4,
        "RETRY_TIMES": polite.retry_times,
        "JEN_REDIS_URL": redis_url,
        "JEN_KEY_PREFIX": config.redis.key_prefix,
        "JEN_DEDUPE": dict(config.dedupe),
        "JEN_DATABASE_URL": config.database_url,
        "JEN_DATA_DIR": str(config.data_dir),
        "JEN_DEAD_LETTERS_CAP": config.retention.dead_letters,
        "JEN_EVENTS_CAP": config.retention.events,
    }, priority="cmdline")
    if redis_url:
        settings.setdict(redis_queue_settings(Keys(config.redis.key_prefix), redis_url), priority="cmdline")
    if extra:
        settings.setdict(extra, priority="cmdline")
    settings.setdict(LOCKED_SETTINGS, priority=100)  # above "cmdline" (40): nothing turns them back on
    return settings


def check_extra_settings(extra: dict[str, str]) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs, each checked before any crawl starts; `ConfigError` names a bad one.

    A name must be a Scrapy setting, a project ``JEN_*`` setting or a scrapy-redis one, and its value must read
    as the kind of value the setting takes (``DOWNLOAD_DELAY=abc`` is refused here, not deep inside a crawl).
    """
    from scrapy.settings import Settings, default_settings

    from crawler.defaults import JenSettings

    probe = Settings(extra, priority="cmdline")
    jen_names = set(project_settings().attributes) | {n for n in dir(default_settings) if n.isupper()}
    for name, value in extra.items():
        if name in LOCKED_SETTINGS:
            raise ConfigError(f"-s {name}", value, "nothing: it opens a listening socket and stays off in every crawl")
        if name not in jen_names and not name.startswith(_EXTRA_SETTING_PREFIXES):
            raise ConfigError(f"-s {name}", value, "the name of a Scrapy or JEN_* setting (see crawler/defaults.py)")
        default = getattr(default_settings, name, None)
        getters = {bool: probe.getbool, int: probe.getint, float: probe.getfloat, dict: probe.getdict}
        kind = type(default)
        if kind is int and any(part in name for part in _READ_AS_FLOAT):
            kind = float  # an int default (DOWNLOAD_DELAY = 0) of a setting Scrapy reads as a number of seconds
        if kind in getters:
            try:
                getters[kind](name)
            except (TypeError, ValueError) as exc:
                expected = {bool: "true or false", int: "a whole number", float: "a number",
                            dict: "a JSON object"}[kind]
                raise ConfigError(f"-s {name}", value, expected) from exc
    JenSettings.of(probe)  # the JEN_* ones, checked by their own reader
    return extra


def redis_queue_settings(keys: Keys, redis_url: str) -> dict[str, Any]:
    """scrapy-redis: request queue, dupefilter and start URLs in Redis, persistent, JSON-encoded."""
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_PERSIST": True,  # an interrupted crawl resumes from its queue
        "SCHEDULER_QUEUE_CLASS": "crawler.queues.LeasedPriorityQueue",
        "SCHEDULER_SERIALIZER": "crawler.serializer",
        "SCHEDULER_QUEUE_KEY": keys.scheduler_queue_template(),
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter_template(),
        "DUPEFILTER_CLASS": "crawler.queues.ForgivingDupeFilter",
        "REDIS_START_URLS_KEY": keys.start_urls_template(),
    }


def spider_for(source: Source) -> tuple[type, dict[str, Any]]:
    """The spider class and its keyword arguments for one configured source."""
    if source.spider == "justearthnews":
        from crawler.spiders.justearthnews import JustEarthNewsSpider

        return JustEarthNewsSpider, {"base_url": source.base_url, "source_name": source.name,
                                     "allow_private": source.allow_private, "name": source.name,
                                     "allowed_domains": list(source.allowed_domains)}
    from crawler.spiders.outlet import OutletSpider

    return OutletSpider, {"source": source}


@dataclass
class CrawlOutcome:
    """What a crawl in this process left: each source's Scrapy stats, and why it was stopped early, if it was."""

    stats: dict[str, dict[str, Any]]
    stopped_because: str | None = None
    redis_refusal: str | None = None  # the Redis reply that stopped the crawl (MISCONF, OOM), if any


@dataclass
class CrawlHooks:
    """Optional parts of a crawl run by the CLI or the service (all off by default)."""

    parent_pid: int | None = None  # stop gracefully once this process (the service) is gone
    log_file: Path | None = None  # keep this run's log here, bounded
    log_max_bytes: int = 5 * 1024 * 1024
    log_to_stderr: bool = True  # also on stderr (a crawl in the foreground); a service's child logs only to file
    on_progress: Any = None  # callable(stats: dict[source, dict]) every `progress_interval` s, off the reactor
    progress_interval: float = 5.0
    redis_url: str | None = None  # watch this Redis for refusals that do not heal (MISCONF, OOM)
    # Called (off the reactor) with the refusal if the crawl has not stopped `REFUSAL_GRACE` s after being asked
    # to: its reactor is stuck in Redis calls that cannot succeed. It is expected to end the process.
    on_stuck: Any = None


def crawl_here(config: Config, source_names: list[str], redis_url: str | None,
               extra_settings: dict[str, Any] | None = None, only_queued: bool = False,
               hooks: CrawlHooks | None = None) -> CrawlOutcome:
    """Crawl the given sources in this process, concurrently; returns each crawl's Scrapy stats."""
    from scrapy.crawler import CrawlerProcess
    from twisted.internet import task

    hooks = hooks or CrawlHooks()
    limit_malloc_arenas()
    process = CrawlerProcess(scrapy_settings(config, redis_url, extra_settings))  # LOG_INSTALL_ROOT_HANDLER: on
    install_log_redaction()  # Scrapy logs its overridden settings, the Redis URL among them
    if hooks.log_file:
        keep_log(hooks.log_file, hooks.log_max_bytes, also_stderr=hooks.log_to_stderr)
    crawlers = {}
    for name in source_names:
        spider_cls, kwargs = spider_for(config.source(name))
        crawler = process.create_crawler(spider_cls)
        crawlers[name] = crawler
        process.crawl(crawler, only_queued=only_queued, **kwargs)
    outcome = CrawlOutcome(stats={})
    stop_once = threading.Lock()

    def stop(reason: str) -> None:
        """Stop every crawl gracefully, as on SIGTERM (called on the reactor thread)."""
        if not stop_once.acquire(blocking=False):
            return
        outcome.stopped_because = reason
        logger.error("%s: stopping the crawl gracefully; what is left stays queued for the next run", reason)
        process.stop()

    loops = []
    if hooks.parent_pid:
        watch = task.LoopingCall(_check_parent, hooks.parent_pid, stop)
        watch.start(1.0, now=False)
        loops.append(watch)
    watchers: list[threading.Thread] = []
    finished = threading.Event()
    if hooks.redis_url:
        watch_redis = RedisWatch(hooks.redis_url, Keys(config.redis.key_prefix), outcome, stop, finished,
                                 on_stuck=hooks.on_stuck)
        watchers.append(threading.Thread(target=watch_redis.run,
                                         name="jen-redis-watch", daemon=True))
    if hooks.on_progress:
        watchers.append(threading.Thread(target=_report_progress, name="jen-progress", daemon=True,
                                         args=(crawlers, hooks.on_progress, hooks.progress_interval, finished)))
    for thread in watchers:
        thread.start()
    try:
        process.start()
    finally:
        finished.set()
        for loop in loops:
            if loop.running:
                loop.stop()
    outcome.stats = {name: dict(crawler.stats.get_stats()) for name, crawler in crawlers.items()}
    return outcome


def _check_parent(parent_pid: int, stop: Any) -> None:
    if os.getppid() != parent_pid:
        stop(f"the service that started this crawl (pid {parent_pid}) is gone")


def _report_progress(crawlers: dict[str, Any], report: Any, interval: float, finished: threading.Event) -> None:
    while not finished.wait(interval):
        try:
            report({name: dict(c.stats.get_stats() or {}) for name, c in crawlers.items()})
        except Exception as exc:  # progress is informative: a failed report never disturbs the crawl
            logger.debug("progress report failed: %s", exc)


class RedisWatch:
    """Stops the crawl when Redis refuses writes with a reply that does not heal by waiting (MISCONF, OOM).

    It runs on its own thread with its own short-waiting client, so it notices even while the crawl's own
    Redis calls are busy retrying. A refusal must last `patience` seconds before the crawl is stopped: a
    moment of OOM during a big write is survived like any transient error.
    """

    REFUSALS = ("MISCONF", "OOM", "READONLY")
    REFUSAL_GRACE = 20.0  # seconds a crawl asked to stop gets before `on_stuck`

    def __init__(self, redis_url: str, keys: Keys, outcome: CrawlOutcome, stop: Any, finished: threading.Event,
                 interval: float = 2.0, patience: float = 10.0, on_stuck: Any = None) -> None:
        self.redis_url = redis_url
        # ``SET key 1 XX`` on a key that never exists: a write the server refuses like any other (MISCONF, OOM,
        # READONLY) and otherwise a no-op, so the probe leaves nothing in the keyspace.
        self.probe = f"{keys.prefix}:probe"
        self.outcome = outcome
        self.stop = stop
        self.finished = finished
        self.interval = interval
        self.patience = patience
        self.on_stuck = on_stuck

    def run(self) -> None:
        import redis
        from twisted.internet import reactor

        client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=3, socket_timeout=5)
        refused_since: float | None = None
        while not self.finished.wait(self.interval):
            try:
                client.set(self.probe, "1", xx=True)
                refused_since = None
            except redis.ResponseError as exc:
                kind = str(exc).split(" ", 1)[0]
                if kind not in self.REFUSALS:
                    continue
                refused_since = refused_since or time.monotonic()
                if time.monotonic() - refused_since >= self.patience:
                    self.outcome.redis_refusal = str(exc)
                    reactor.callFromThread(self.stop, f"Redis refuses writes ({str(exc)[:160]})")
                    # A reactor stuck retrying writes that cannot succeed never gets to stop: then give up.
                    if not self.finished.wait(self.REFUSAL_GRACE) and self.on_stuck:
                        self.on_stuck(str(exc))
                    return
            except redis.RedisError:
                refused_since = None  # away or busy: the crawl's own retries wait that out
        client.close()


def keep_log(path: Path, max_bytes: int, also_stderr: bool = True) -> None:
    """Write this process's log (redacted) to ``path``, at most about ``max_bytes`` (one rollover), and no longer
    to stderr unless ``also_stderr``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=max(4096, max_bytes // 2), backupCount=1,
                                                   encoding="utf-8")
    root = logging.getLogger()
    template = next((h for h in root.handlers if h.formatter), None)
    if template is not None:
        handler.setFormatter(template.formatter)
        handler.setLevel(template.level)
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    if template is not None and not also_stderr:
        root.removeHandler(template)


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Keep glibc from giving each worker thread its own malloc arena.

    The pipelines' worker threads build multi-megabyte strings (a hostile page's text, its JSON); with an arena
    per thread, memory freed in one is not reused by another and the crawl's peak RSS grows by a fifth
    (measured on the hostile corpus: about 590 MB instead of 500). Same as ``MALLOC_ARENA_MAX=2``; nothing
    happens on a C library without ``mallopt``.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name).mallopt(-8, arenas)  # M_ARENA_MAX
