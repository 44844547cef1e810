"""The spider for other outlets: driven by a source entry in config (start URLs or sitemaps, allowed
domains, an article address pattern), so syndicated copies elsewhere are crawled too.

    scrapy crawl outlet -a source=wftl            # source from config/settings.yaml (or JEN_CONFIG)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from crawler.config import Source, load_config
from crawler.defaults import JenSettings
from crawler.spiders.base import NewsSpider

# A pagination link: a page query parameter or a /page/N/ path segment.
_PAGINATION = re.compile(r"[?&](?:page|paged|p)=\d+|/page/\d+/?(?:$|[?#])")


class OutletSpider(NewsSpider):
    name = "outlet"

    def __init__(self, source: Source | None = None, only_queued: bool = False, **kwargs: Any) -> None:
        if not isinstance(source, Source):
            raise ValueError("the outlet spider needs a source: scrapy crawl outlet -a source=NAME")
        # Named after its source, so each outlet has its own queues and stats in Redis.
        kwargs.setdefault("name", source.name)
        super().__init__(**kwargs)
        self.source = source
        self.source_name = source.name
        self.allow_private = source.allow_private
        self.only_queued = only_queued
        self.allowed_domains = list(source.allowed_domains)
        self.article_pattern = re.compile(source.article_pattern) if source.article_pattern else None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> OutletSpider:
        if isinstance(kwargs.get("source"), str):  # from the command line: look the name up in config
            kwargs["source"] = load_config(JenSettings.of(crawler.settings).config).source(kwargs["source"])
        return super().from_crawler(crawler, *args, **kwargs)

    def default_start_requests(self) -> Iterable[Any]:
        for url in self.source.sitemap_urls:
            yield self.request(url, self.parse_sitemap, via="start").replace(dont_filter=True)
        for url in self.source.start_urls:
            # Pagination is followed this many pages deep from each start page.
            yield self.request(url, self.parse_listing, via="start", depth_left=5).replace(dont_filter=True)

    def route_start(self, url: str) -> Iterable[Any]:
        if url.split("?")[0].endswith((".xml", ".xml.gz")):
            yield self.request(url, self.parse_sitemap, via="trigger")
        elif self.is_article(url):
            yield self.request(url, self.parse_article, via="trigger", article=True)
        else:
            yield self.request(url, self.parse_listing, via="trigger", depth_left=1)

    def is_article(self, url: str) -> bool:
        if self.article_pattern is None:
            return False
        return bool(self.article_pattern.search(url))

    def route(self, url: str, via: str, from_listing: bool, **meta: Any) -> Iterable[Any]:
        if not self.is_allowed_host(url):
            return
        if self.is_article(url):
            yield self.request(url, self.parse_article, via=via, article=True, lastmod=meta.get("lastmod"))

    def parse_listing(self, response: Response) -> Iterator[Any]:
        """Start pages: follow article links, and pagination/listing links up to a small depth."""
        if not isinstance(response, TextResponse):
            yield self.failure(response.url, "not_html", "listing is not an HTML page", response.status)
            return
        depth_left = response.meta.get("depth_left", 0)
        for url, rel in self.links(response):
            if not self.is_allowed_host(url):
                continue
            if self.is_article(url):
                yield self.request(url, self.parse_article, via=response.url, article=True)
            elif depth_left > 0 and ("next" in rel.split() or _PAGINATION.search(url)):
                # Walked only while this page brings new articles (SkipStoredMiddleware).
                yield self.request(url, self.parse_listing, via=response.url, depth_left=depth_left - 1,
                                   next_page=True)

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield self.raw_article(response)
