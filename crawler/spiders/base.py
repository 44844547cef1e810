"""What every news spider shares: request bookkeeping, raw items, and failures recorded with a reason."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.failures import classify_failure
from crawler.items import FetchFailure, RawArticle
from crawler.urls import normalize_url

HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class NewsSpider(scrapy.Spider):
    """Base class: subclasses decide which links are articles, listings and print pages."""

    source_name: str = ""

    # --- requests -------------------------------------------------------------------------------
    def request(self, url: str, callback: Any, via: str = "", **meta: Any) -> scrapy.Request:
        """A request with the shared errback, URL normalised so tracking parameters do not duplicate it."""
        return scrapy.Request(normalize_url(url), callback=callback, errback=self.on_error,
                              meta={"via": via, **meta})

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
            if sitemap.type == "sitemapindex":
                yield self.request(loc, self.parse_sitemap, via=response.url)
            else:
                yield from self.route(loc, via=response.url, from_listing=False)

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
    def route(self, url: str, via: str, from_listing: bool) -> Iterable[scrapy.Request]:
        """Requests for one discovered link; subclasses say what kind of page it is."""
        raise NotImplementedError

    def links(self, response: TextResponse) -> Iterator[tuple[str, str]]:
        """(absolute URL, rel) for every <a href> on the page, same-site or not."""
        for anchor in response.css("a[href]"):
            href = anchor.attrib.get("href", "").strip()
            if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
                continue
            yield urljoin(response.url, href), anchor.attrib.get("rel", "")

    # --- items ----------------------------------------------------------------------------------
    def raw_article(self, response: Response) -> RawArticle | FetchFailure:
        """The page as a raw item, or a failure if it is not an HTML page."""
        content_type = response.headers.get(b"Content-Type", b"").lower()
        if not isinstance(response, TextResponse) or (
            content_type and not any(kind in content_type for kind in HTML_TYPES)
        ):
            kind = content_type.decode("latin-1") or "missing"
            return self.failure(response.url, "not_html", f"Content-Type {kind}", response.status)
        return RawArticle(
            url=response.url,
            canonical_url=self.canonical_url(response),
            html=response.text,
            status=response.status,
            fetched_at=utc_now(),
            source=self.source_name,
            encoding=response.encoding,
            via=response.meta.get("via", ""),
        )

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
        reason, detail, status = classify_failure(failure)
        if reason == "robots_disallowed":
            self.crawler.stats.inc_value("jen/robots_disallowed")
            return  # obeying robots.txt is not a failure
        yield self.failure(request.url, reason, detail, status, referer=request.meta.get("via", ""))

    @staticmethod
    def json_body(response: Response) -> Any:
        return json.loads(response.body.decode(getattr(response, "encoding", None) or "utf-8"))
