"""The Just Earth News spider: sitemap, JSON feed and section listings in; one raw item per article out.

    scrapy crawl justearthnews                                   # the real site
    scrapy crawl justearthnews -s JEN_BASE_URL=http://127.0.0.1:8800   # the bundled replica

Print pages are recognised as the same article as their canonical page: a print link is resolved to
the article it prints, never stored as an article of its own.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from crawler.defaults import JenSettings
from crawler.items import RawArticle
from crawler.spiders.base import NewsSpider, host_of
from crawler.urls import article_key, is_article_url, is_listing_url, is_print_url


def _is_private_literal(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost"
    return address.is_private or address.is_loopback


_DEFAULTS = JenSettings()


class JustEarthNewsSpider(NewsSpider):
    name = "justearthnews"

    def __init__(self, base_url: str = _DEFAULTS.base_url, source_name: str = "justearthnews",
                 follow_article_links: bool = _DEFAULTS.follow_article_links,
                 max_listing_pages: int = _DEFAULTS.max_listing_pages, allow_private: bool | None = None,
                 only_queued: bool = False, allowed_domains: list[str] | tuple[str, ...] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allow_private = bool(allow_private)
        self.only_queued = only_queued
        self.base_url = base_url.rstrip("/")
        self.source_name = source_name
        host = host_of(self.base_url)
        # The real site answers on both the bare and the www host.
        self.allowed_domains = [host] if host.replace(".", "").isdigit() else [host.removeprefix("www.")]
        if allowed_domains:  # a configured source says exactly which hosts it may fetch
            self.allowed_domains = list(allowed_domains)
        if allow_private is None and _is_private_literal(host):
            # The operator pointed the spider at a local address (the replica): that one host is allowed;
            # allowed_domains still keeps every other host out.
            self.allow_private = True
        self.follow_article_links = follow_article_links
        self.max_listing_pages = max_listing_pages

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> JustEarthNewsSpider:
        settings = JenSettings.of(crawler.settings)
        kwargs.setdefault("base_url", settings.base_url)
        kwargs.setdefault("follow_article_links", settings.follow_article_links)
        kwargs.setdefault("max_listing_pages", settings.max_listing_pages)
        kwargs.setdefault("allow_private", settings.allow_private)
        return super().from_crawler(crawler, *args, **kwargs)

    def default_start_requests(self) -> Iterable[Any]:
        # Discovery pages are fetched on every run (dont_filter), even if an earlier run saw them.
        for path, callback in (("/sitemap.xml", self.parse_sitemap), ("/news/feeds.json", self.parse_feed),
                               ("/", self.parse_listing)):
            yield self.request(self.base_url + path, callback, via="start").replace(dont_filter=True)

    def route_start(self, url: str) -> Iterable[Any]:
        path = urlsplit(url).path
        if path.endswith((".xml", ".xml.gz")):
            yield self.request(url, self.parse_sitemap, via="trigger")
        elif path.endswith(".json"):
            yield self.request(url, self.parse_feed, via="trigger")
        elif is_article_url(url) or is_print_url(url):
            yield from self.route(url, via="trigger", from_listing=False)
        else:
            yield self.request(url, self.parse_listing, via="trigger")

    # --- discovery --------------------------------------------------------------------------------
    def route(self, url: str, via: str, from_listing: bool, **meta: Any) -> Iterable[Any]:
        if not self.is_allowed_host(url):
            return
        if is_article_url(url):
            yield self.request(url, self.parse_article, via=via, article=True, lastmod=meta.get("lastmod"))
        elif is_print_url(url):
            # A print page stands for an article already stored under the same id: checked before fetching.
            yield self.request(url, self.parse_print, via=via, print_page=True)
        elif from_listing and is_listing_url(url) and (
                not self.max_listing_pages or self._page_number(url) <= self.max_listing_pages):
            yield self.request(url, self.parse_listing, via=via, next_page=bool(meta.get("next_page")))

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """``/news/feeds.json``: ``{"news": {"<section>": [items]}}``; items with a URL are followed."""
        try:
            feed = self.json_body(response)
            sections = feed["news"]
            items = [item for group in sections.values() for item in group]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            yield self.failure(response.url, "bad_feed", f"{type(exc).__name__}: {exc}", response.status)
            return
        for item in items:
            url = item.get("url") or item.get("link") if isinstance(item, dict) else None
            if isinstance(url, str) and url:
                yield from self.route(response.urljoin(url), via=response.url, from_listing=False)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        """Home and section listings: articles, other sections, and the next page."""
        if not isinstance(response, TextResponse):
            yield self.failure(response.url, "not_html", "listing is not an HTML page", response.status)
            return
        here = urlsplit(response.url)
        for url, _rel in self.links(response):
            # A later page of this same listing is walked only while this page brings new articles.
            there = urlsplit(url)
            next_page = there.path == here.path and self._page_number(url) > self._page_number(response.url)
            yield from self.route(url, via=response.url, from_listing=True, next_page=next_page)

    def parse_article(self, response: Response) -> Iterator[Any]:
        item = self.raw_article(response)
        yield item
        # An article an operator asked for by URL is fetched alone; discovery follows links from the rest.
        follow = self.follow_article_links and not response.meta.get("force")
        if follow and isinstance(item, RawArticle) and isinstance(response, TextResponse):
            for url, _rel in self.links(response):
                if is_article_url(url):
                    yield from self.route(url, via=response.url, from_listing=False)

    def parse_print(self, response: Response) -> Iterator[Any]:
        """A print page stands for its article: fetch the canonical page instead of storing the print."""
        if isinstance(response, TextResponse):
            canonical = self.canonical_url(response)
            if canonical != response.url and is_article_url(canonical):
                self.crawler.stats.inc_value("jen/print_resolved")
                yield self.request(canonical, self.parse_article, via=response.url, article=True,
                                   force=response.meta.get("force", False))
                return
        # No way back to the article page: keep the print page itself (the cleaner knows print pages,
        # and its article key equals the article's, so it is stored under the same id).
        self.logger.info("print page %s (%s) has no canonical link", response.url, article_key(response.url))
        yield self.raw_article(response)

    @staticmethod
    def _page_number(url: str) -> int:
        values = parse_qs(urlsplit(url).query).get("page", ["1"])
        try:
            return int(values[0])
        except ValueError:
            return 1
