"""Downloader and spider middlewares.

* `SafetyMiddleware` refuses requests outside a source's allowed hosts, non-HTTP schemes and private or
  loopback addresses (unless the source allows them), on every hop, redirects included.
* `SkipStoredMiddleware` (a spider middleware) drops requests for pages already stored, listing pages past
  the last one with anything new and sitemaps that have not changed, so scheduled crawls fetch only what is new;
  manual triggers (``meta["force"]``) always fetch.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

from crawler.defaults import JenSettings
from crawler.ids import record_id
from crawler.redisconn import Keys, redis_client
from crawler.store import RecordStore, shared_store

logger = logging.getLogger(__name__)
CHECK_CHUNK = 500  # links checked against the record store per query


@lru_cache(maxsize=1024)
def _resolved_addresses(host: str) -> tuple[str, ...]:
    try:
        return tuple({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError):
        return ()


def refusal_reason(url: str, allowed_domains: Iterable[str], allow_private: bool) -> str | None:
    """Why ``url`` must not be fetched for a source, or None if it may be."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme or 'none'!r} is not http or https"
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return "no host"
    domains = [d.lower() for d in allowed_domains]
    if not any(host == d or host.endswith("." + d) for d in domains):
        return f"host {host} is outside the allowed domains ({', '.join(domains)})"
    if not allow_private:
        try:
            addresses: tuple[str, ...] = (str(ipaddress.ip_address(host)),)
        except ValueError:
            addresses = _resolved_addresses(host)
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
                return f"host {host} resolves to a private or loopback address ({ip})"
    return None


class SafetyMiddleware:
    """Never fetch what the source's configuration does not allow (checked again on every redirect)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        domains = getattr(spider, "allowed_domains", None)
        if not domains:
            return None
        reason = refusal_reason(request.url, domains, getattr(spider, "allow_private", False))
        if reason:
            raise IgnoreRequest(f"refused: {reason}")
        return None


class SkipStoredMiddleware:
    """A spider middleware that keeps recrawls economical: of the requests one page's callback yields,

    * article and print pages already stored are dropped (a record answers to the page's address when its
      id, or the id of the address it was fetched from, is the one `crawler.ids.record_id` gives), unless a
      sitemap's ``<lastmod>`` is newer than the stored copy, or the copy is older than ``refetch_after``;
    * the next page of a listing is dropped when the page brought no article that was not stored before this
      crawl began;
    * a child sitemap whose ``<lastmod>`` has not moved since it was last read is dropped.

    Pages an operator asked for (``meta["force"]``) always pass. Stored records are looked up in one query per
    page, in a thread, so the reactor never waits on the database.
    """

    def __init__(self, crawler: Crawler, store: RecordStore, client: Any, keys: Keys, refetch_after: float) -> None:
        self.crawler = crawler
        self.store = store
        self.client = client
        self.keys = keys
        self.refetch_after = refetch_after
        # Articles stored since then were stored by this crawl: a listing showing them is still news.
        self.started = datetime.now(UTC).replace(microsecond=0)  # records keep whole seconds
        crawler.signals.connect(self._redirect_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredMiddleware:
        settings = JenSettings.of(crawler.settings)
        if not settings.redis_url or not settings.skip_stored:
            raise NotConfigured
        return cls(crawler, shared_store(settings.database_url, settings.data_dir), redis_client(settings.redis_url),
                   Keys(settings.key_prefix), settings.refetch_after)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        # Checked in chunks, so a page with 100,000 links never holds them all at once; only the few next-page
        # links wait for the end of the page, when it is known whether the page brought anything new.
        spider = self.crawler.spider
        source = getattr(spider, "source_name", "") or spider.name
        next_pages: list[Request] = []
        new_articles = 0
        chunk: list[Any] = []
        async for element in result:
            if isinstance(element, Request) and element.meta.get("next_page"):
                next_pages.append(element)
                continue
            chunk.append(element)
            if len(chunk) >= CHECK_CHUNK:
                passed, new = await self._check(source, spider.name, chunk)
                new_articles += new
                for kept in passed:
                    yield kept
                chunk = []
        passed, new = await self._check(source, spider.name, chunk)
        new_articles += new
        for kept in passed:
            yield kept
        if new_articles:
            for request in next_pages:
                yield request
        elif next_pages:
            self.crawler.stats.inc_value("jen/listing_walk_stopped", len(next_pages))
        if lastmod := response.meta.get("sitemap_lastmod"):  # read in full: remember which version that was
            await self._in_thread(self.client.hset, self.keys.sitemaps(spider.name), response.url, lastmod)

    async def _check(self, source: str, spider: str, chunk: list[Any]) -> tuple[list[Any], int]:
        """The elements of ``chunk`` worth passing on, and how many articles not stored before this crawl."""
        pages = [r for r in chunk if isinstance(r, Request) and (r.meta.get("article") or r.meta.get("print_page"))
                 and not r.meta.get("force")]
        sitemaps = [r for r in chunk if isinstance(r, Request) and r.meta.get("sitemap_lastmod")]
        stored = await self._in_thread(self.store.stored_fetch_times, {record_id(source, r.url) for r in pages}) \
            if pages else {}
        seen_lastmods = await self._in_thread(self._sitemap_lastmods, spider, [r.url for r in sitemaps]) \
            if sitemaps else {}
        skip: set[int] = set()
        new_articles = 0
        for request in pages:
            fetched = stored.get(record_id(source, request.url))
            if fetched is not None and self._still_fresh(fetched, request.meta.get("lastmod")):
                skip.add(id(request))
            if request.meta.get("article") and (fetched is None or fetched >= self.started):
                new_articles += 1
        for request in sitemaps:
            if seen_lastmods.get(request.url) == request.meta["sitemap_lastmod"]:
                skip.add(id(request))
        stats = self.crawler.stats
        passed = []
        for element in chunk:
            if id(element) not in skip:
                passed.append(element)
            elif element.meta.get("sitemap_lastmod"):
                stats.inc_value("jen/sitemap_unchanged")
            else:
                stats.inc_value("jen/already_stored")
        return passed, new_articles

    def _redirect_dropped(self, request: Request, **_: Any) -> None:
        """An address that redirected to a page this crawl has already seen: remember it as that page's alias,
        so the next crawl does not follow the redirect again to find it."""
        redirected = request.meta.get("redirect_urls")
        if not redirected or not (request.meta.get("article") or request.meta.get("print_page")):
            return
        source = getattr(self.crawler.spider, "source_name", "") or self.crawler.spider.name
        target = record_id(source, request.url)
        names = {record_id(source, url): target for url in redirected}
        threads.deferToThread(self.store.add_aliases, names).addErrback(
            lambda failure: logger.warning("could not remember redirect aliases %s: %s", names, failure.value))

    def _still_fresh(self, fetched: datetime, lastmod: str | None) -> bool:
        if lastmod:
            changed = _parse_lastmod(lastmod)
            if changed is not None:
                return fetched >= changed
        return time.time() - fetched.timestamp() < self.refetch_after

    def _sitemap_lastmods(self, spider: str, urls: list[str]) -> dict[str, str]:
        if not urls:
            return {}
        values = self.client.hmget(self.keys.sitemaps(spider), urls)
        return {url: value.decode() for url, value in zip(urls, values, strict=True) if value is not None}

    @staticmethod
    async def _in_thread(function: Any, *args: Any) -> Any:
        return await maybe_deferred_to_future(threads.deferToThread(function, *args))


def _parse_lastmod(value: str) -> datetime | None:
    """A sitemap <lastmod> (W3C datetime: a date, or a date and time) as an aware datetime; None if unreadable."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
