"""Scrapy extensions: the crawl-run marker shared by crawler processes, and a progress line."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task, threads

from crawler.defaults import JenSettings
from crawler.queues import REDIS_UNAVAILABLE, LeaseKeeper
from crawler.redisconn import RETRIED, Keys, redis_client

REDIS_RETRY_STAT = "jen/redis_retries"  # Redis commands this process had to repeat (an outage, a busy server)


class CrawlRun:
    """Marks a crawl of one spider as in progress in Redis, shared by every process working on it.

    The first process of a run clears the dupefilter, so each run re-discovers what is new (and the
    dupefilter cannot grow forever); later processes join the run. The marker is refreshed while any
    process works and expires 30 s after they all stop; when a run finishes with an empty queue, the
    marker and dupefilter are removed. The request queue itself always survives, so a later run (whether
    or not its dupefilter was cleared) carries on with what an interrupted one left queued; articles
    already stored are skipped, so a cleared dupefilter costs only re-fetched listings.
    """

    MARKER_TTL = 30

    def __init__(self, crawler: Crawler, client: Any, keys: Keys, run_id: str | None) -> None:
        self.crawler = crawler
        self.client = client
        self.keys = keys
        self.run_id = run_id
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRun:
        settings = JenSettings.of(crawler.settings)
        if not settings.redis_url:
            raise NotConfigured
        return cls(crawler, redis_client(settings.redis_url), Keys(settings.key_prefix), settings.run_id)

    def spider_opened(self, spider: Spider) -> None:
        marker = self.keys.run_marker(spider.name)
        run_id = self.run_id or f"run-{int(time.time())}"
        first = self.client.set(marker, run_id, nx=True, ex=self.MARKER_TTL)
        if first:
            self.client.delete(self.keys.dupefilter(spider.name))
            spider.logger.info("new crawl run %s (dupefilter cleared)", run_id)
        else:
            spider.logger.info("joining crawl run %s", self.client.get(marker))
        self.crawler.stats.set_value("jen/joined_run", not first)
        self.loop = task.LoopingCall(self._refresh, marker)
        self.loop.start(self.MARKER_TTL / 3, now=False)

    def _refresh(self, marker: str) -> Any:
        # In a thread: the client waits out a Redis outage, and the reactor must not wait with it.
        return threads.deferToThread(self.client.expire, marker, self.MARKER_TTL).addErrback(
            lambda failure: self.crawler.spider.logger.warning("could not refresh run marker: %s", failure.value))

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        name = spider.name
        # Every acknowledgement must be in Redis before the queue is judged empty (unless Redis is gone for good).
        if (keeper := LeaseKeeper.of(self.crawler)) and reason != REDIS_UNAVAILABLE:
            await keeper.closed()
        self.crawler.stats.set_value(REDIS_RETRY_STAT, sum(RETRIED.values()))
        if reason != "finished":
            return  # interrupted: keep queue, dupefilter and marker (it expires) for the resume
        try:
            queued = self.client.zcard(self.keys.requests(name))
            pending = queued + self.client.zcard(self.keys.inflight_deadlines(name))
            if pending == 0:
                self.client.delete(self.keys.run_marker(name), self.keys.dupefilter(name))
        except Exception as exc:
            spider.logger.warning("could not close crawl run: %s", exc)


class ProgressLine:
    """A one-line progress report on stderr every few seconds (``JEN_PROGRESS=True``)."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        settings = JenSettings.of(crawler.settings)
        if not settings.progress:
            raise NotConfigured
        return cls(crawler, settings.progress_interval)

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(self.interval, now=False)

    def report(self, spider: Spider, final: bool = False) -> None:
        stats = self.crawler.stats
        failures = sum(v for k, v in (stats.get_stats() or {}).items() if k.startswith("jen/failures/"))
        line = (f"[{spider.name}] {time.monotonic() - self.started:5.0f}s  "
                f"pages {stats.get_value('response_received_count', 0)}  "
                f"articles {stats.get_value('item_scraped_count', 0) - failures}  failures {failures}")
        end = "\n" if final or not sys.stderr.isatty() else "\r"
        sys.stderr.write(line + end)
        sys.stderr.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.report(spider, final=True)
