"""What every news spider shares: request bookkeeping, raw items, and failures recorded with a reason."""

from __future__ import annotations

import json
import time
import weakref
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import redis
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from scrapy_redis.spiders import RedisMixin
from twisted.python.failure import Failure

from crawler.defaults import JenSettings
from crawler.failures import classify_failure
from crawler.items import FetchFailure, RawArticle, utc_now
from crawler.queues import REDIS_UNAVAILABLE, LeaseKeeper
from crawler.redisconn import Keys
from crawler.urls import NOT_LINK_PREFIXES, normalize_url

HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# Failures that are the crawler doing its job, not something going wrong.
NOT_FAILURES = ("robots_disallowed",)


class NewsSpider(RedisMixin, scrapy.Spider):
    """Base class: subclasses decide which links are articles, listings and print pages.

    With ``JEN_REDIS_URL`` set, the spider also reads start URLs pushed to its Redis start-URL queue
    (scrapy-redis), and closes once idle rather than waiting forever for more.
    """

    source_name: str = ""
    allow_private: bool = False
    only_queued: bool = False  # crawl only what was pushed to the start-URL queue (manual triggers)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = JenSettings.of(crawler.settings)
        spider.keys = Keys(settings.key_prefix)
        spider.idle_wait = settings.idle_wait_seconds
        spider.redis_wait = settings.redis_retry_seconds
        spider._idle_since: float | None = None
        spider._redis_down_since: float | None = None
        if settings.redis_url:
            spider.redis_key = spider.keys.start_urls_template()  # our keyspace, whatever the settings say
            spider.setup_redis(crawler)
        crawler.signals.connect(spider._reset_idle, signal=signals.response_received)
        # Body bytes received per request, so a download stopped at the size limit is reported as too_large.
        spider._received: weakref.WeakKeyDictionary[scrapy.Request, int] = weakref.WeakKeyDictionary()
        crawler.signals.connect(spider._count_bytes, signal=signals.bytes_received)
        return spider

    def _count_bytes(self, data: bytes, request: scrapy.Request, spider: scrapy.Spider | None = None) -> None:
        self._received[request] = self._received.get(request, 0) + len(data)

    # --- start ----------------------------------------------------------------------------------
    def default_start_requests(self) -> Iterable[scrapy.Request]:
        """The requests of a full crawl of this source (sitemaps, feeds, home pages)."""
        raise NotImplementedError

    async def start(self) -> Any:
        # URLs waiting in the start-URL queue (a trigger's, dead letters sent back with `jen requeue`) go first;
        # a scheduled crawl then does its full round, a crawl of queued URLs only (a trigger's) stops there.
        queued = list(self.next_requests()) if self.server is not None else []
        for request in queued:
            yield request
        if not self.only_queued:
            for request in self.default_start_requests():
                yield request

    def make_request_from_data(self, data: bytes | str) -> list[scrapy.Request]:
        """A start-URL queue entry (JSON ``{"url": ..., "force": true}`` or a bare URL) -> requests."""
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        try:
            entry = json.loads(text) if text.lstrip().startswith("{") else {"url": text.strip()}
            url = entry["url"]
            if not isinstance(url, str):
                raise TypeError("url is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            self.logger.error("bad start-URL entry %r: %s", text[:200], exc)
            self.crawler.stats.inc_value("jen/failures/bad_start_url")
            return []
        return [request.replace(dont_filter=True, meta={**request.meta, "force": bool(entry.get("force", True))})
                for request in self.route_start(url)]

    def route_start(self, url: str) -> Iterable[scrapy.Request]:
        """Requests for a URL given by an operator: a sitemap, a feed, a listing or an article."""
        raise NotImplementedError

    # --- idling: close when there is nothing left, but not while other processes still work -------
    def _reset_idle(self, *args: Any, **kwargs: Any) -> None:
        self._idle_since = None

    def spider_idle(self) -> None:
        if self.server is None:
            return
        try:
            self.schedule_next_requests()
            queued = self.count_size(self.redis_key)
            in_flight = self.server.zcard(self.keys.inflight_deadlines(self.name))
            pending = self.server.zcard(self.keys.requests(self.name))
        except redis.RedisError as error:
            # Wait for Redis as long as its clients do; then stop, leaving the queue for the next run.
            self._redis_down_since = self._redis_down_since or time.monotonic()
            if time.monotonic() - self._redis_down_since < self.redis_wait:
                raise DontCloseSpider from error
            self.logger.error("Redis has been unavailable for %.0f s (%s); stopping this crawl: what is queued stays "
                              "in Redis for the next run", self.redis_wait, error)
            raise CloseSpider(REDIS_UNAVAILABLE) from error
        self._redis_down_since = None
        if queued > 0:
            raise DontCloseSpider
        if in_flight or pending:
            # Another crawler process sharing this crawl may still turn those into new requests.
            now = time.monotonic()
            self._idle_since = self._idle_since or now
            if now - self._idle_since < self.idle_wait:
                raise DontCloseSpider

    # --- requests -------------------------------------------------------------------------------
    def request(self, url: str, callback: Any, via: str = "", article: bool = False, **meta: Any) -> scrapy.Request:
        """A request with the shared errback, URL normalised so tracking parameters do not duplicate it."""
        return scrapy.Request(normalize_url(url), callback=callback, errback=self.on_error,
                              meta={"via": via, "article": article, **meta})

    # --- sitemaps -------------------------------------------------------------------------------
    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Sitemap index -> child sitemaps; URL set -> articles (other URLs are ignored)."""
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.text, base_url=response.url):
                yield self.request(url, self.parse_sitemap, via=response.url)
            return
        body = self._sitemap_body(response)
        if body is None:
            yield self.failure(response.url, "bad_sitemap", "not a sitemap (XML or gzip)", response.status)
            return
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # lxml raises several kinds on broken XML
            yield self.failure(response.url, "bad_sitemap", f"{type(exc).__name__}: {exc}", response.status)
            return
        for entry in sitemap:
            loc = entry.get("loc", "").strip()
            if not loc:
                continue
            lastmod = (entry.get("lastmod") or "").strip() or None
            if sitemap.type == "sitemapindex":
                # Fetched again only when its <lastmod> moved since the last time (SkipStoredMiddleware).
                yield self.request(loc, self.parse_sitemap, via=response.url, sitemap_lastmod=lastmod)
            else:
                yield from self.route(loc, via=response.url, from_listing=False, lastmod=lastmod)

    def _sitemap_body(self, response: Response) -> bytes | None:
        from scrapy.utils.gz import gunzip

        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                # Bounded like any download, so a gzip bomb cannot eat memory.
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception:
                return None
        return body if b"<" in body[:512] else None

    # --- routing --------------------------------------------------------------------------------
    def route(self, url: str, via: str, from_listing: bool, **meta: Any) -> Iterable[scrapy.Request]:
        """Requests for one discovered link; subclasses say what kind of page it is. ``meta`` goes on the
        request (``lastmod`` from a sitemap, ``next_page`` for a listing's next page)."""
        raise NotImplementedError

    def links(self, response: TextResponse) -> Iterator[tuple[str, str]]:
        """(absolute URL, rel) for every <a href> on the page, same-site or not, each pair once.

        Once only, because a page repeating one link 100,000 times would otherwise cost 100,000 trips to the
        dupefilter in Redis.
        """
        seen: set[tuple[str, str]] = set()
        for anchor in response.css("a[href]"):
            href = anchor.attrib.get("href", "").strip()
            if not href or href.startswith(NOT_LINK_PREFIXES):
                continue
            try:
                link = (normalize_url(urljoin(response.url, href)), anchor.attrib.get("rel", ""))
            except ValueError:  # "http://[x" and the like: not a link anyone can follow
                self.crawler.stats.inc_value("jen/bad_links")
                continue
            if link not in seen:
                seen.add(link)
                yield link

    # --- items ----------------------------------------------------------------------------------
    def raw_article(self, response: Response) -> RawArticle | FetchFailure:
        """The page as a raw item, or a failure if it is not an HTML page."""
        content_type = response.headers.get(b"Content-Type", b"").lower()
        if not isinstance(response, TextResponse) or (
            content_type and not any(kind in content_type for kind in HTML_TYPES)
        ):
            kind = content_type.decode("latin-1") or "missing"
            return self.failure(response.url, "not_html", f"Content-Type {kind}", response.status)
        html, encoding = self.page_text(response)
        return RawArticle(
            url=response.url,
            canonical_url=self.canonical_url(response),
            html=html,
            status=response.status,
            fetched_at=utc_now(),
            source=self.source_name,
            encoding=encoding,
            via=response.meta.get("via", ""),
            redirected_from=list(response.meta.get("redirect_urls") or []),
        )

    def page_text(self, response: TextResponse) -> tuple[str, str]:
        """(text, encoding) of a page. A declared charset that leaves no markup at all in the text (a UTF-16
        or UTF-32 label, BOM or XML declaration on UTF-8 bytes) is overruled when the bytes are UTF-8."""
        text = response.text
        if "<" in text[:4096] or b"<" not in response.body[:4096]:
            return text, response.encoding
        body = response.body
        for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
            body = body.removeprefix(bom)
        try:
            utf8 = body.decode("utf-8")
        except UnicodeDecodeError:
            return text, response.encoding
        self.crawler.stats.inc_value("jen/charset_overruled")
        self.logger.info("%s: declared %s leaves no markup; read as utf-8", response.url, response.encoding)
        return utf8, "utf-8"

    def canonical_url(self, response: TextResponse) -> str:
        """rel=canonical when it points to an allowed host, else the fetched address."""
        href = response.css('link[rel="canonical"]::attr(href)').get()
        if href:
            candidate = urljoin(response.url, href.strip())
            if self.is_allowed_host(candidate):
                return normalize_url(candidate)
        return normalize_url(response.url)

    def is_allowed_host(self, url: str) -> bool:
        host = host_of(url)
        return any(host == d or host.endswith("." + d) for d in getattr(self, "allowed_domains", []) or [])

    def failure(self, url: str, reason: str, detail: str, status: int | None = None,
                referer: str = "") -> FetchFailure:
        self.crawler.stats.inc_value(f"jen/failures/{reason}")
        self.logger.warning("failed %s: %s (%s)", url, reason, detail)
        return FetchFailure(url=url, reason=reason, detail=detail, source=self.source_name,
                            failed_at=utc_now(), status=status, referer=referer)

    def on_error(self, failure: Failure) -> Iterator[FetchFailure]:
        """Errback of every request: record the failure; the crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        limit = request.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        reason, detail, status = classify_failure(failure, received=self._received.get(request, 0), limit=limit)
        # The failure stays referenced until its dead letter is stored; its traceback's frames would keep what
        # they held alive that long (a decompression bomb's 10 MB of output, say): keep only the text.
        failure.cleanFailure()
        if reason in NOT_FAILURES:
            self.crawler.stats.inc_value(f"jen/{reason}")
            if keeper := LeaseKeeper.of(self.crawler):
                keeper.page_finished(request)
            return
        # After redirects, report the address that was asked for; the last hop goes in the detail.
        first_url = (request.meta.get("redirect_urls") or [request.url])[0]
        if first_url != request.url:
            detail = f"{detail} (after redirects, at {request.url})"
        yield self.failure(first_url, reason, detail, status, referer=request.meta.get("via", ""))

    @staticmethod
    def json_body(response: Response) -> Any:
        return json.loads(response.body.decode(getattr(response, "encoding", None) or "utf-8"))
