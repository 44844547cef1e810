"""The crawl's request queue in Redis, and the leases that make sure a killed crawler loses nothing.

* `LeasedPriorityQueue` is scrapy-redis's priority queue with JSON entries (`crawler.serializer`) and leases:
  popping moves an entry to an in-flight set with a deadline. If the crawler dies before the page's outcome
  is recorded, the lease runs out and the entry goes back to the queue for whichever process pops next.
  An entry that is not valid JSON is moved to the dead letters, never run.
* `Leases` is the one place a lease ends (`Leases.ack`). `LeaseKeeper` decides when: it tags the item that
  carries a page's outcome (a raw article, a failure) with the page's lease and acknowledges the lease once
  that item has left the pipelines; a page with no such item (a listing, a sitemap) is acknowledged when its
  callback has run. A retried or redirected request carries its parent's lease: pushing it releases the
  parent's lease in the same transaction, so the page is never queued twice nor lost in between.
* The dupefilter is scrapy-redis's own; like every Redis call here it goes through the process's shared
  client, which waits out a Redis restart (`crawler.redisconn`).
"""

from __future__ import annotations

import json
import logging
import time
import weakref
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy_redis.queue import PriorityQueue
from twisted.python.failure import Failure

from crawler import serializer as json_serializer
from crawler.defaults import JenSettings
from crawler.failures import record_failure
from crawler.items import FetchFailure, utc_now
from crawler.redisconn import Keys, redis_client

logger = logging.getLogger(__name__)

LEASE_META = "jen_lease"  # request.meta key holding the in-flight token of the entry it was popped from


class Leases:
    """Redis operations on the leases of one spider's queue."""

    def __init__(self, client: redis.Redis, keys: Keys, spider: str) -> None:
        self.client = client
        self.deadlines = keys.inflight_deadlines(spider)
        self.payloads = keys.inflight_payloads(spider)

    def ack(self, token: str, pipe: Any = None) -> None:
        """The request popped under ``token`` is done: drop its lease (inside ``pipe`` when given)."""
        if not token:
            return
        if pipe is not None:
            pipe.zrem(self.deadlines, token)
            pipe.hdel(self.payloads, token)
            return
        with self.client.pipeline(transaction=True) as own:
            self.ack(token, own)
            own.execute()

    def in_flight(self) -> int:
        return self.client.zcard(self.deadlines)


# Pop the best request, first returning expired leases to the queue. Atomic, so two crawler processes
# never get the same entry.
_POP_SCRIPT = """
local queue, deadlines, payloads = KEYS[1], KEYS[2], KEYS[3]
local now, lease = tonumber(ARGV[1]), tonumber(ARGV[2])
local expired = redis.call('ZRANGEBYSCORE', deadlines, '-inf', now, 'LIMIT', 0, 200)
for _, token in ipairs(expired) do
  local member = redis.call('HGET', payloads, token)
  redis.call('ZREM', deadlines, token)
  redis.call('HDEL', payloads, token)
  if member then
    local ok, decoded = pcall(cjson.decode, member)
    local priority = 0
    if ok and type(decoded) == 'table' and tonumber(decoded['priority']) then priority = decoded['priority'] end
    redis.call('ZADD', queue, -priority, member)
  end
end
local item = redis.call('ZRANGE', queue, 0, 0)
if #item == 0 then return false end
local member = item[1]
redis.call('ZREM', queue, member)
local token = redis.sha1hex(member)
redis.call('HSET', payloads, token, member)
redis.call('ZADD', deadlines, now + lease, token)
return {token, member}
"""


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis PriorityQueue + JSON + leases (see module docstring)."""

    def __init__(self, server: redis.Redis, spider: Any, key: str, serializer: Any = json_serializer) -> None:
        super().__init__(server, spider, key, serializer=serializer)
        settings = JenSettings.of(spider.settings)
        self.keys = Keys(settings.key_prefix)
        self.lease_seconds = settings.queue_lease_seconds
        self.leases = Leases(server, self.keys, spider.name)
        self._pop = server.register_script(_POP_SCRIPT)

    def __len__(self) -> int:
        return self.server.zcard(self.key)

    def push(self, request: Request) -> None:
        try:
            data = self._encode_request(request)
        except (TypeError, ValueError) as exc:  # never lose a request silently
            logger.error("request %s cannot be queued as JSON: %s", request.url, exc)
            self._dead_letter(repr(request.to_dict(spider=self.spider))[:2000], exc, request.url)
            return
        with self.server.pipeline(transaction=True) as pipe:
            pipe.zadd(self.key, {data: -request.priority})
            # A retry or redirect of a leased request: this entry takes over from the parent's.
            self.leases.ack(request.meta.get(LEASE_META, ""), pipe)
            pipe.execute()

    def pop(self, timeout: int = 0) -> Request | None:
        result = self._pop(keys=[self.key, self.leases.deadlines, self.leases.payloads],
                           args=[time.time(), self.lease_seconds])
        if not result:
            return None
        token = result[0].decode() if isinstance(result[0], bytes) else result[0]
        member = result[1]
        try:
            request = self._decode_request(member)
        except Exception as exc:  # not JSON, or not a request: never run it, keep it for the operator
            text = member.decode("utf-8", "replace") if isinstance(member, bytes) else str(member)
            self._dead_letter(text, exc)
            self.leases.ack(token)
            return None
        request.meta[LEASE_META] = token
        return request

    def clear(self) -> None:
        self.server.delete(self.key, self.leases.deadlines, self.leases.payloads)

    def _dead_letter(self, member: str, exc: Exception, url: str | None = None) -> None:
        logger.error("unreadable request in %s moved to dead letters: %s", self.key, exc)
        record_failure(self.server, self.keys, FetchFailure(
            url=url or "", reason="bad_queue_entry", detail=f"{type(exc).__name__}: {exc}", source=self.spider.name,
            failed_at=utc_now(), extra={"entry": member[:2000]}))


# One keeper per crawl, shared by the spider middleware, the signal handlers and the spider's errback.
_KEEPERS: weakref.WeakKeyDictionary[Crawler, LeaseKeeper] = weakref.WeakKeyDictionary()


def lease_of(origin: Response | Failure | Request | None) -> str:
    """The lease token of the page an item came from (a response, or the failure of its request)."""
    request = origin if isinstance(origin, Request) else getattr(origin, "request", None)
    return request.meta.get(LEASE_META, "") if request is not None else ""


class LeaseKeeper:
    """Acknowledges each page's queue lease once the page's outcome is recorded (see module docstring).

    A spider middleware (``SPIDER_MIDDLEWARES``) that also listens to the item signals. A lease is held by its
    callback while the callback runs and by every item the callback yields until the item leaves the
    pipelines; it is acknowledged when nothing holds it any more. An errback's item (a failure) is the
    page's only outcome, so it releases the lease on its own. Without Redis there are no leases and the
    keeper is not enabled.
    """

    def __init__(self, crawler: Crawler, leases: Leases) -> None:
        self.crawler = crawler
        self.leases = leases
        self.holds: Counter[str] = Counter()  # token -> callbacks and items still working on its page
        crawler.signals.connect(self._item_done, signal=signals.item_scraped)
        crawler.signals.connect(self._item_done, signal=signals.item_dropped)
        crawler.signals.connect(self._request_dropped, signal=signals.request_dropped)

    @classmethod
    def of(cls, crawler: Crawler) -> LeaseKeeper | None:
        """The crawl's keeper (None without Redis)."""
        if crawler not in _KEEPERS:
            settings = JenSettings.of(crawler.settings)
            if not settings.redis_url:
                return None
            spider_name = crawler.spider.name if crawler.spider else crawler.spidercls.name
            _KEEPERS[crawler] = cls(crawler, Leases(redis_client(settings.redis_url), Keys(settings.key_prefix),
                                                    spider_name))
        return _KEEPERS[crawler]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseKeeper:
        keeper = cls.of(crawler)
        if keeper is None:
            raise NotConfigured("no JEN_REDIS_URL: no queue leases")
        return keeper

    # --- callbacks ----------------------------------------------------------------------------------
    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        token = lease_of(response)
        if not token:
            async for element in result:
                yield element
            return
        self.holds[token] += 1
        raised = False
        try:
            async for element in result:
                if not isinstance(element, Request):
                    self.holds[token] += 1  # released by the item signal once it is stored
                yield element
        except Exception:
            # A middleware between us and the engine failed (the record store is away, say): keep the lease,
            # so the page comes back to the queue when it runs out.
            raised = True
            raise
        finally:
            if not raised:
                self._release(token)

    def process_spider_exception(self, response: Response, exception: Exception) -> list[FetchFailure]:
        """A callback that raised: record the page as a failure (its lease ends once that is stored)."""
        # Called while the callback's hold is still held (Scrapy handles the callback's exception before the
        # middlewares' own output ends), so the failure item's hold keeps the lease until it is recorded.
        if token := lease_of(response):
            self.holds[token] += 1
        return [self.crawler.spider.failure(response.url, "spider_error", f"{type(exception).__name__}: {exception}",
                                            response.status, referer=response.meta.get("via", ""))]

    def page_finished(self, request: Request) -> None:
        """A page that leaves nothing to record (it needed no fetching) is done."""
        self.leases.ack(lease_of(request))

    # --- signals ------------------------------------------------------------------------------------
    def _item_done(self, item: Any, response: Response | Failure | None = None, **_: Any) -> None:
        if token := lease_of(response):
            self._release(token)

    def _request_dropped(self, request: Request, **_: Any) -> None:
        # A redirect or retry of a leased request that the dupefilter turned away (the target was seen
        # already): the original entry is done.
        self.page_finished(request)

    def _release(self, token: str) -> None:
        if self.holds[token] > 1:
            self.holds[token] -= 1
            return
        # The last hold, or an errback's failure item, which no callback held.
        self.holds.pop(token, None)
        self.leases.ack(token)


def queued_entry(url: str, force: bool = True) -> str:
    """A start-URL queue entry (JSON) for a URL given by an operator."""
    return json.dumps({"url": url, "force": force})
