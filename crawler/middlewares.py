"""Downloader and spider middlewares.

* `SafetyMiddleware` refuses requests outside a source's allowed hosts, non-HTTP schemes and private or
  loopback addresses (unless the source allows them), on every hop, redirects included.
* `SkipStoredMiddleware` skips article pages already stored recently, so scheduled crawls fetch only
  what is new; manual triggers (``meta["force"]``) always fetch.
* `LeaseAckMiddleware` acknowledges a queue lease once a page's callback has run, unless an item
  carries the lease on to the store (which acknowledges it after storing).
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.connection import redis_client
from crawler.ids import record_id
from crawler.items import FetchFailure, RawArticle
from crawler.keys import Keys
from crawler.queues import LEASE_META, with_redis_retry


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
    """Article pages stored less than ``refetch_after`` seconds ago are not fetched again."""

    def __init__(self, crawler: Crawler, client: Any, keys: Keys, refetch_after: float) -> None:
        self.crawler = crawler
        self.client = client
        self.keys = keys
        self.refetch_after = refetch_after

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredMiddleware:
        url = crawler.settings.get("JEN_REDIS_URL")
        if not url or not crawler.settings.getbool("JEN_SKIP_STORED", True):
            raise NotConfigured
        return cls(crawler, redis_client(url), Keys(crawler.settings.get("JEN_KEY_PREFIX", "jen")),
                   crawler.settings.getfloat("JEN_REFETCH_AFTER", 7 * 86400))

    def process_request(self, request: Request) -> None:
        if not request.meta.get("article") or request.meta.get("force"):
            return None
        source = getattr(self.crawler.spider, "source_name", "")
        key = record_id(source, request.url)
        raw = with_redis_retry(lambda: self.client.hget(self.keys.records, key), what="record store")
        if raw is None:
            return None
        try:
            fetched = datetime.fromisoformat(json.loads(raw).get("fetched_at", ""))
        except (ValueError, TypeError, AttributeError):
            return None
        if time.time() - fetched.timestamp() < self.refetch_after:
            raise IgnoreRequest("already stored")
        return None


class LeaseAckMiddleware:
    """Acknowledge a request's queue lease after its callback, unless an item takes the lease along."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseAckMiddleware:
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        token = response.meta.get(LEASE_META)
        handed_on = False
        async for element in result:
            if token and isinstance(element, RawArticle | FetchFailure):
                element.lease = token
                handed_on = True
            yield element
        if token and not handed_on:
            self.crawler.spider.ack(token)

    def process_spider_exception(self, response: Response, exception: Exception) -> list[FetchFailure]:
        """A callback that raised: record the page as a failure (the store then releases its lease)."""
        spider = self.crawler.spider
        failure = spider.failure(response.url, "spider_error", f"{type(exception).__name__}: {exception}",
                                 response.status, referer=response.meta.get("via", ""),
                                 lease=response.meta.get(LEASE_META, ""))
        return [failure]
