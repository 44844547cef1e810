"""Downloader and spider middlewares.

* `SafetyMiddleware` refuses requests outside a source's allowed hosts, non-HTTP schemes and private or
  loopback addresses (unless the source allows them), on every hop, redirects included.
* `SkipStoredMiddleware` skips article pages already stored recently, so scheduled crawls fetch only
  what is new; manual triggers (``meta["force"]``) always fetch.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.defaults import JenSettings
from crawler.ids import record_id
from crawler.redisconn import Keys, redis_client


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
        settings = JenSettings.of(crawler.settings)
        if not settings.redis_url or not settings.skip_stored:
            raise NotConfigured
        return cls(crawler, redis_client(settings.redis_url), Keys(settings.key_prefix), settings.refetch_after)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("article") or request.meta.get("force"):
            return None
        source = getattr(self.crawler.spider, "source_name", "")
        key = record_id(source, request.url)
        raw = self.client.hget(self.keys.records, key)
        if raw is None:
            return None
        try:
            fetched = datetime.fromisoformat(json.loads(raw).get("fetched_at", ""))
        except (ValueError, TypeError, AttributeError):
            return None
        if time.time() - fetched.timestamp() < self.refetch_after:
            raise IgnoreRequest("already stored")
        return None

