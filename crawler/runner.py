"""Run crawls: map the configuration to Scrapy settings and run spiders in this process."""

from __future__ import annotations

import contextlib
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.config import Config, Source
from crawler.redaction import install_log_redaction
from crawler.redisconn import Keys
from crawler.spiders.justearthnews import JustEarthNewsSpider
from crawler.spiders.outlet import OutletSpider


def scrapy_settings(config: Config, redis_url: str | None, extra: dict[str, Any] | None = None) -> Settings:
    """Project settings overridden by the configuration's plain values."""
    polite = config.politeness
    settings = get_project_settings()
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
    return settings


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
        return JustEarthNewsSpider, {"base_url": source.base_url, "source_name": source.name,
                                     "allow_private": source.allow_private, "name": source.name,
                                     "allowed_domains": list(source.allowed_domains)}
    return OutletSpider, {"source": source}


def crawl_here(config: Config, source_names: list[str], redis_url: str | None,
               extra_settings: dict[str, Any] | None = None, only_queued: bool = False) -> dict[str, dict[str, Any]]:
    """Crawl the given sources in this process, concurrently; returns each crawl's Scrapy stats."""
    limit_malloc_arenas()
    process = CrawlerProcess(scrapy_settings(config, redis_url, extra_settings), install_root_handler=True)
    install_log_redaction()  # Scrapy logs its overridden settings, the Redis URL among them
    crawlers = {}
    for name in source_names:
        spider_cls, kwargs = spider_for(config.source(name))
        crawler = process.create_crawler(spider_cls)
        crawlers[name] = crawler
        process.crawl(crawler, only_queued=only_queued, **kwargs)
    process.start()
    return {name: dict(crawler.stats.get_stats()) for name, crawler in crawlers.items()}


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
