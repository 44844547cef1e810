"""Spider and pipeline rules that need no crawl: links, canonical ids, pagination, triggers."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import redis
import yaml
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.config import load_config
from crawler.items import RawArticle
from crawler.pipelines import CleanPipeline
from crawler.service import Service
from crawler.spiders.justearthnews import JustEarthNewsSpider
from crawler.spiders.outlet import _PAGINATION
from tests.helpers import wait_for

BASE = "https://justearthnews.com"


def _spider() -> JustEarthNewsSpider:
    crawler = get_crawler(JustEarthNewsSpider, {"JEN_BASE_URL": BASE})
    return JustEarthNewsSpider.from_crawler(crawler)


def test_unparseable_links_are_skipped_and_the_rest_of_the_page_still_followed() -> None:
    html = (b'<a href="http://[x">broken</a><a href="http://a:99999/">bad port</a>'
            b'<a href="/world-details/W/1/ok.html?utm_source=x">ok</a><a href="/world-details/W/1/ok.html">again</a>')
    response = HtmlResponse(f"{BASE}/", body=html, encoding="utf-8")
    assert [url for url, _ in _spider().links(response)] == [f"{BASE}/world-details/W/1/ok.html"]


def test_a_page_cannot_choose_which_stored_record_it_overwrites() -> None:
    spider_canonical = f"{BASE}/world-details/W/1/real.html"
    html = ('<html><head><title>T | Just Earth News</title><link rel="canonical" '
            'href="https://evil.example/people-details/HC/6181/x.html"></head><body><h1>T</h1>'
            + "".join(f"<p>Paragraph {i} of a perfectly ordinary article about the weather.</p>" for i in range(8))
            + "</body></html>")
    raw = RawArticle(url=spider_canonical, canonical_url=spider_canonical, html=html, status=200,
                     fetched_at="2022-03-03T10:00:00+00:00", source="justearthnews")
    record = CleanPipeline().process_item(raw)
    assert record["id"] == "justearthnews:W/1"
    assert record["canonical_url"] == spider_canonical


def test_outlet_pagination_links_are_told_from_pages_that_merely_mention_page() -> None:
    assert _PAGINATION.search("https://x.org/page/2/")
    assert _PAGINATION.search("https://x.org/news/?page=3")
    assert not _PAGINATION.search("https://x.org/homepage-redesign/")
    assert not _PAGINATION.search("https://x.org/pages/about")


def test_a_resent_trigger_id_does_not_stop_the_listener(redis_client: redis.Redis, tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    source = {"spider": "justearthnews", "base_url": BASE, "allowed_domains": ["justearthnews.com"]}
    config.write_text(yaml.safe_dump({"redis": {"key_prefix": "u1"}, "sources": {"justearthnews": source}}))
    service = Service(load_config(config, env={}), str(config), redis_client, "redis://unused")
    trigger = json.dumps({"id": "same", "source": "justearthnews"}).encode()
    service.handle_trigger(trigger)
    service.handle_trigger(trigger)  # used to raise ConflictingIdError and kill the listener thread
    assert len(service.scheduler.get_jobs()) == 1  # one run per trigger id: a trigger sent twice runs once
    assert set(service.unstarted) == {"same"}


def _redis_crawl(redis_url: str, prefix: str) -> tuple:
    """A crawler and its spider on the test's Redis under ``prefix`` (no reactor runs: the parts are driven by
    hand); with a client and the key names."""
    from crawler.redisconn import Keys

    crawler = get_crawler(JustEarthNewsSpider, {"JEN_BASE_URL": BASE, "JEN_REDIS_URL": redis_url,
                                                "JEN_KEY_PREFIX": prefix, "REDIS_URL": redis_url,
                                                "REDIS_PARAMS": {"redis_cls": "crawler.redisconn.ScrapyRedisClients"}})
    spider = JustEarthNewsSpider.from_crawler(crawler)
    crawler.spider = spider
    return crawler, spider, redis.Redis.from_url(redis_url), Keys(prefix)


def test_a_callback_that_raises_becomes_a_failure_whose_storing_releases_its_lease(redis_url: str) -> None:
    from scrapy import Request, signals

    from crawler.items import FetchFailure
    from crawler.queues import LEASE_META, LeaseKeeper

    crawler, spider, client, keys = _redis_crawl(redis_url, "units")
    crawler.stats.open_spider()
    client.zadd(keys.inflight_deadlines(spider.name), {"token-1": 9e9})
    client.hset(keys.inflight_payloads(spider.name), "token-1", "{}")
    request = Request(f"{BASE}/sections/world/", meta={LEASE_META: "token-1", "via": "start"})
    response = HtmlResponse(request.url, body=b"<html></html>", encoding="utf-8", request=request)
    keeper = LeaseKeeper.from_crawler(crawler)
    try:
        [failure] = keeper.process_spider_exception(response, ValueError("boom"))
        assert isinstance(failure, FetchFailure)
        assert (failure.reason, failure.url) == ("spider_error", request.url)
        assert "boom" in failure.detail
        assert client.zscore(keys.inflight_deadlines(spider.name), "token-1")  # held until the failure is stored
        crawler.signals.send_catch_log(signals.item_scraped, item=failure, response=response, spider=spider)
        # Released off the reactor thread, by the keeper's Redis outbox.
        wait_for(lambda: client.zscore(keys.inflight_deadlines(spider.name), "token-1") is None, 10,
                 "the lease to end")
        assert not client.hexists(keys.inflight_payloads(spider.name), "token-1")
    finally:
        keeper.outbox.close()  # no reactor runs here to stop its thread, which would keep pytest from exiting


def test_a_request_on_its_way_to_the_queue_counts_as_pending_so_the_crawl_is_not_idle(redis_url: str) -> None:
    import threading

    from scrapy import Request

    from crawler.queues import LeasedPriorityQueue, LeaseKeeper

    crawler, spider, client, keys = _redis_crawl(redis_url, "idle")
    keeper = LeaseKeeper.from_crawler(crawler)
    queue = LeasedPriorityQueue(redis.Redis.from_url(redis_url), spider, keys.requests(spider.name))
    writes_before = threading.Event()
    try:
        assert len(queue) == 0
        keeper.outbox.send(writes_before.wait, 10)  # other writes are waiting: a push goes behind them, in order
        queue.push(Request(f"{BASE}/world-details/W/1/story.html"))
        assert client.zcard(keys.requests(spider.name)) == 0  # not in Redis yet ...
        assert len(queue) == 1  # ... but pending: the engine does not call the crawl idle and close it
        writes_before.set()
        wait_for(lambda: client.zcard(keys.requests(spider.name)) == 1, 10, "the push to land")
    finally:
        writes_before.set()
        keeper.outbox.close()


def test_a_page_keeps_its_lease_until_every_link_it_yielded_is_queued(redis_url: str) -> None:
    import asyncio

    from scrapy import Request

    from crawler.queues import LEASE_META, LeasedPriorityQueue, LeaseKeeper

    crawler, spider, client, keys = _redis_crawl(redis_url, "links")
    client.zadd(keys.inflight_deadlines(spider.name), {"listing": 9e9})
    client.hset(keys.inflight_payloads(spider.name), "listing", "{}")
    listing = Request(f"{BASE}/sections/world/", meta={LEASE_META: "listing", "via": "start"})
    response = HtmlResponse(listing.url, body=b"<html></html>", encoding="utf-8", request=listing)
    links = [Request(f"{BASE}/world-details/W/{n}/story.html") for n in (1, 2)]
    keeper = LeaseKeeper.from_crawler(crawler)
    queue = LeasedPriorityQueue(redis.Redis.from_url(redis_url), spider, keys.requests(spider.name))

    async def output() -> AsyncIterator[Request]:
        for link in links:
            yield link

    async def hand_over() -> list:
        return [element async for element in keeper.process_spider_output(response, output())]

    try:
        assert asyncio.run(hand_over()) == links  # Scrapy has taken the page's output; nothing is queued yet
        time.sleep(0.5)
        assert client.zscore(keys.inflight_deadlines(spider.name), "listing")  # so the page keeps its lease
        queue.push(links[0])
        time.sleep(0.5)
        assert client.zscore(keys.inflight_deadlines(spider.name), "listing")  # one link still to queue
        queue.push(links[1])
        wait_for(lambda: client.zscore(keys.inflight_deadlines(spider.name), "listing") is None, 10, "the lease to end")
        assert client.zcard(keys.requests(spider.name)) == 2  # both links queued before the lease ended
    finally:
        keeper.outbox.close()
