"""The crawl's request queue in Redis, and the leases that make sure a killed or stuck crawler loses nothing.

* `LeasedPriorityQueue` is scrapy-redis's priority queue with JSON entries (`crawler.serializer`) and leases:
  popping moves an entry to an in-flight set with a deadline. While this process works on a page it renews the
  lease; if the process dies or stalls, the lease runs out (``JEN_QUEUE_LEASE_SECONDS``, a minute) and the
  entry goes back to the queue for whichever process pops next. An entry that is not valid JSON is moved to
  the dead letters, never run.
* Each entry counts its attempts: a page whose processing fails (a pipeline raised) goes back to the queue at
  once; one that failed, or whose process died, ``JEN_MAX_ATTEMPTS`` times is dead-lettered with the last
  error, so a poison page can never keep a crawl from finishing.
* `Leases` holds every Redis operation on leases; `LeaseKeeper` decides when a lease ends. A lease is held by
  its callback while the callback runs, by every item the callback yields until the item has left the
  pipelines, and by every request it yields until that request is queued (or turned away): Scrapy takes a
  callback's output ahead of scheduling it, so a page acknowledged at the end of its output could lose its last
  links to a kill. It is acknowledged when nothing holds it any more. A retried or redirected request carries its
  parent's lease: pushing it releases the parent's lease in the same transaction, so the page is never queued
  twice nor lost in between.
* Nothing here makes the reactor thread wait on Redis: the scheduler's calls (pop, push, the dupefilter) use a
  client that does not retry and treat a Redis error as "nothing now"; writes that must not be lost (pushes
  that failed, acknowledgements, renewals) go to an outbox worked in order by one thread with the patient,
  retrying client (`crawler.redisconn`).
"""

from __future__ import annotations

import json
import logging
import time
import weakref
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from twisted.internet import task, threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from crawler import serializer as json_serializer
from crawler.batching import running_reactor
from crawler.defaults import JenSettings
from crawler.failures import DeadLetters
from crawler.items import FetchFailure, utc_now
from crawler.redisconn import Keys, redis_client

logger = logging.getLogger(__name__)

LEASE_META = "jen_lease"  # request.meta key holding the in-flight token of the entry it was popped from
REDIS_ERROR_STAT = "jen/redis_errors"  # Redis errors the crawl met (and got over)
REDIS_UNAVAILABLE = "redis_unavailable"  # the finish reason of a crawl that lost its Redis for good

# Pop the best request, first returning expired leases to the queue (each expiry is an attempt: the process
# died or stalled). Atomic, so two crawler processes never get the same entry. Returns token, entry, attempts.
_POP_SCRIPT = """
local queue, deadlines, payloads, attempts = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, lease = tonumber(ARGV[1]), tonumber(ARGV[2])
local expired = redis.call('ZRANGEBYSCORE', deadlines, '-inf', now, 'LIMIT', 0, 200)
for _, token in ipairs(expired) do
  local member = redis.call('HGET', payloads, token)
  redis.call('ZREM', deadlines, token)
  redis.call('HDEL', payloads, token)
  if member then
    redis.call('HINCRBY', attempts, token, 1)
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
return {token, member, tonumber(redis.call('HGET', attempts, token) or 0)}
"""

# A page whose processing failed: count the attempt; below the limit put the entry straight back in the queue.
# Returns the attempts so far (-1 if the lease is gone: it ran out meanwhile and the entry is queued again).
_FAIL_SCRIPT = """
local queue, deadlines, payloads, attempts = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, limit = ARGV[1], tonumber(ARGV[2])
local member = redis.call('HGET', payloads, token)
if not member then return -1 end
local count = redis.call('HINCRBY', attempts, token, 1)
if count < limit then
  redis.call('ZREM', deadlines, token)
  redis.call('HDEL', payloads, token)
  local ok, decoded = pcall(cjson.decode, member)
  local priority = 0
  if ok and type(decoded) == 'table' and tonumber(decoded['priority']) then priority = decoded['priority'] end
  redis.call('ZADD', queue, -priority, member)
end
return count
"""


class Leases:
    """Every Redis operation on the leases of one spider's queue; `ack` is the one place a lease ends."""

    def __init__(self, client: redis.Redis, keys: Keys, spider: str) -> None:
        self.client = client
        self.queue = keys.requests(spider)
        self.deadlines = keys.inflight_deadlines(spider)
        self.payloads = keys.inflight_payloads(spider)
        self.attempts = keys.attempts(spider)
        self._fail = client.register_script(_FAIL_SCRIPT)

    @property
    def keys(self) -> list[str]:
        return [self.queue, self.deadlines, self.payloads, self.attempts]

    def ack(self, token: str, pipe: Any = None) -> None:
        """The request popped under ``token`` is done: drop its lease and its attempt count (inside ``pipe``)."""
        if not token:
            return
        if pipe is not None:
            pipe.zrem(self.deadlines, token)
            pipe.hdel(self.payloads, token)
            pipe.hdel(self.attempts, token)
            return
        with self.client.pipeline(transaction=True) as own:
            self.ack(token, own)
            own.execute()

    def fail(self, token: str, max_attempts: int) -> int:
        """Count a failed attempt; below ``max_attempts`` the entry is queued again. The attempts so far (-1: the
        lease had already run out)."""
        return int(self._fail(keys=self.keys, args=[token, max_attempts]))

    def renew(self, tokens: list[str], lease_seconds: float) -> None:
        """Push the deadlines of leases this process still works on ``lease_seconds`` ahead (only those that
        still exist: a lease that ran out is not brought back)."""
        if tokens:
            deadline = time.time() + lease_seconds
            self.client.zadd(self.deadlines, dict.fromkeys(tokens, deadline), xx=True)

    def in_flight(self) -> int:
        return self.client.zcard(self.deadlines)


class Outbox:
    """Redis writes done in order, off the reactor thread, by one worker thread (with the retrying client)."""

    def __init__(self, name: str) -> None:
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name=name)
        self.pool.start()
        self.backlog = 0
        self._at_shutdown = running_reactor().addSystemEventTrigger(  # type: ignore[attr-defined]
            "during", "shutdown", self.pool.stop)

    def send(self, write: Callable[..., Any], *args: Any) -> Deferred[Any]:
        """Queue ``write(*args)``; the Deferred fires (with None) on the reactor thread once it is done or failed."""
        self.backlog += 1
        done = threads.deferToThreadPool(running_reactor(), self.pool, write, *args)
        done.addErrback(lambda failure: logger.error("Redis write %s failed for good: %s", write.__name__,
                                                     failure.value))
        done.addBoth(self._sent)
        return done

    def _sent(self, _: Any) -> None:
        self.backlog -= 1

    async def drain(self, patience: float) -> None:
        """Wait (off the reactor thread's time: polling) until every write sent so far is done, then stop the
        thread; gives up after ``patience`` seconds, as the client's retry policy does."""
        deadline = time.monotonic() + patience
        while self.backlog and time.monotonic() < deadline:
            await maybe_deferred_to_future(task.deferLater(running_reactor(), 0.05, lambda: None))
        if self.backlog:
            logger.error("%d Redis write(s) could not be done before the crawl ended", self.backlog)
        self.close()

    def close(self) -> None:
        """Stop the thread (a thread pool left running keeps the process from exiting)."""
        if self.pool.started:
            running_reactor().removeSystemEventTrigger(self._at_shutdown)  # type: ignore[attr-defined]
            self.pool.stop()


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis PriorityQueue + JSON + leases (see module docstring).

    ``server`` is scrapy-redis's client, the process's fast one (`crawler.redisconn.ScrapyRedisClients`): every
    call here runs on the reactor thread and must fail at once rather than wait.
    """

    def __init__(self, server: redis.Redis, spider: Any, key: str, serializer: Any = json_serializer) -> None:
        super().__init__(server, spider, key, serializer=serializer)
        settings = JenSettings.of(spider.settings)
        self.keys = Keys(settings.key_prefix)
        self.lease_seconds = settings.queue_lease_seconds
        self.max_attempts = settings.max_attempts
        self.leases = Leases(server, self.keys, spider.name)
        self.keeper = LeaseKeeper.of(spider.crawler)
        self._pop = server.register_script(_POP_SCRIPT)
        self.on_the_way = 0  # pushes in the outbox, not in Redis yet: the crawl is not idle while there are any

    def __len__(self) -> int:
        try:
            return self.server.zcard(self.key) + self.on_the_way
        except redis.RedisError as error:
            self._trouble("count the queue", error)
            return 1  # unknown: let the engine keep asking rather than close the crawl

    def push(self, request: Request) -> None:
        try:
            data = self._encode_request(request)
        except (TypeError, ValueError) as exc:  # never lose a request silently
            logger.error("request %s cannot be queued as JSON: %s", request.url, exc)
            self._dead_letter(repr(request.to_dict(spider=self.spider))[:2000], exc, request.url)
            if self.keeper is not None:
                self.keeper.request_handed_over(request)  # recorded (in the outbox, ahead of the ack)
            return
        parent = request.meta.get(LEASE_META, "")
        if self.keeper is None:
            self._push(self.leases, data, -request.priority, parent)
            return
        self.keeper.lease_ended(parent)  # a retry or redirect: its push ends the parent's lease (see `_push`)
        if self.keeper.outbox.backlog:  # keep order behind writes already waiting
            self._push_later(data, -request.priority, parent)
        else:
            try:
                self._push(self.leases, data, -request.priority, parent)
            except redis.RedisError as error:
                self._trouble("queue a request", error)
                self._push_later(data, -request.priority, parent)
        # Queued, or in the outbox ahead of the acknowledgement this may let go: never acknowledged before it.
        self.keeper.request_handed_over(request)

    def _push_later(self, data: str, score: float, parent: str) -> None:
        assert self.keeper is not None
        self.on_the_way += 1
        self.keeper.outbox.send(self._push, self.keeper.leases, data, score, parent).addBoth(self._landed)

    def _landed(self, _: Any) -> None:
        self.on_the_way -= 1

    def _push(self, leases: Leases, data: str, score: float, parent: str) -> None:
        with leases.client.pipeline(transaction=True) as pipe:
            pipe.zadd(self.key, {data: score})
            # A retry or redirect of a leased request: this entry takes over from the parent's.
            leases.ack(parent, pipe)
            pipe.execute()

    def pop(self, timeout: int = 0) -> Request | None:
        for _ in range(10):  # past entries that gave up, to a request (bounded: the reactor must not spin)
            try:
                result = self._pop(keys=self.leases.keys, args=[time.time(), self.lease_seconds])
            except redis.RedisError as error:
                self._trouble("take a request", error)
                return None
            if not result:
                return None
            token = result[0].decode() if isinstance(result[0], bytes) else result[0]
            member, attempts = result[1], int(result[2])
            text = member.decode("utf-8", "replace") if isinstance(member, bytes) else str(member)
            try:
                request = self._decode_request(member)
            except Exception as exc:  # not JSON, or not a request: never run it, keep it for the operator
                self._dead_letter(text, exc)
                self._done(token)
                continue
            if attempts >= self.max_attempts:
                self._give_up(request.url, token, f"its crawler process died or stalled {attempts} times "
                                                  "while working on it")
                continue
            request.meta[LEASE_META] = token
            if self.keeper is not None:
                self.keeper.held.add(token)
            return request
        return None

    def clear(self) -> None:
        self.server.delete(*self.leases.keys)

    def _done(self, token: str) -> None:
        if self.keeper is not None:
            self.keeper.outbox.send(self.keeper.leases.ack, token)
        else:
            self.leases.ack(token)

    def _give_up(self, url: str, token: str, why: str) -> None:
        logger.error("giving up on %s: %s", url, why)
        self.spider.crawler.stats.inc_value("jen/failures/gave_up")
        self._record(FetchFailure(url=url, reason="gave_up", detail=why, source=self.spider.name,
                                  failed_at=utc_now()))
        self._done(token)

    def _dead_letter(self, member: str, exc: Exception, url: str | None = None) -> None:
        logger.error("unreadable request in %s moved to dead letters: %s", self.key, exc)
        self._record(FetchFailure(url=url or "", reason="bad_queue_entry", detail=f"{type(exc).__name__}: {exc}",
                                  source=self.spider.name, failed_at=utc_now(), extra={"entry": member[:2000]}))

    def _record(self, failure: FetchFailure) -> None:
        if self.keeper is not None:
            self.keeper.outbox.send(self.keeper.dead_letters.record, failure)
        else:
            DeadLetters(self.server, self.keys).record(failure)

    def _trouble(self, what: str, error: Exception) -> None:
        self.spider.crawler.stats.inc_value(REDIS_ERROR_STAT)
        logger.warning("Redis unavailable, could not %s (%s: %s); trying again later", what,
                       type(error).__name__, error)


class ForgivingDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter; while Redis is away a request counts as not seen (a page fetched twice is
    stored once) instead of the reactor thread waiting."""

    def request_seen(self, request: Request) -> bool:
        try:
            return bool(super().request_seen(request))
        except redis.RedisError as error:
            logger.warning("Redis unavailable for the dupefilter (%s); letting %s through", error, request.url)
            return False


# One keeper per crawl, shared by the spider middleware, the signal handlers, the queue and the spider's errback.
_KEEPERS: weakref.WeakKeyDictionary[Crawler, LeaseKeeper] = weakref.WeakKeyDictionary()


def lease_of(origin: Response | Failure | Request | None) -> str:
    """The lease token of the page an item came from (a response, or the failure of its request)."""
    request = origin if isinstance(origin, Request) else getattr(origin, "request", None)
    return request.meta.get(LEASE_META, "") if request is not None else ""


class LeaseKeeper:
    """Ends each page's queue lease once the page's outcome is recorded (see module docstring).

    A spider middleware (``SPIDER_MIDDLEWARES``) that also listens to the item signals. An errback's item (a
    failure) is the page's only outcome, so it releases the lease on its own. An item whose pipelines raised
    sends its page back to the queue (or, at the last attempt, to the dead letters). While the crawl runs, the
    leases of the pages in hand are renewed. Without Redis there are no leases and the keeper is not enabled.
    """

    def __init__(self, crawler: Crawler, leases: Leases, dead_letters: DeadLetters, lease_seconds: float,
                 max_attempts: int, wait_seconds: float) -> None:
        self.crawler = crawler
        self.leases = leases
        self.dead_letters = dead_letters
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.wait_seconds = wait_seconds
        self.outbox = Outbox("jen-leases")
        self.holds: Counter[str] = Counter()  # token -> callbacks, items and links still working on its page
        self.held: set[str] = set()  # leases of this process, renewed until they end
        # Requests a page yielded, not queued yet -> the lease of that page (see `request_handed_over`).
        self.children: weakref.WeakKeyDictionary[Request, str] = weakref.WeakKeyDictionary()
        self.renewals = task.LoopingCall(self._renew)
        crawler.signals.connect(self._item_done, signal=signals.item_scraped)
        crawler.signals.connect(self._item_done, signal=signals.item_dropped)
        crawler.signals.connect(self._item_failed, signal=signals.item_error)
        crawler.signals.connect(self._request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(self._opened, signal=signals.spider_opened)

    @classmethod
    def of(cls, crawler: Crawler) -> LeaseKeeper | None:
        """The crawl's keeper (None without Redis)."""
        if crawler not in _KEEPERS:
            settings = JenSettings.of(crawler.settings)
            if not settings.redis_url:
                return None
            client, keys = redis_client(settings.redis_url), Keys(settings.key_prefix)
            spider_name = crawler.spider.name if crawler.spider else crawler.spidercls.name
            _KEEPERS[crawler] = cls(crawler, Leases(client, keys, spider_name),
                                    DeadLetters(client, keys, settings.dead_letters_cap),
                                    settings.queue_lease_seconds, settings.max_attempts, settings.redis_retry_seconds)
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
                self.holds[token] += 1  # an item: released once it is stored; a request: once it is queued
                if isinstance(element, Request):
                    self.children[element] = token
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

    def lease_ended(self, token: str) -> None:
        """``token``'s lease was acknowledged elsewhere (in a push's transaction): stop renewing it."""
        self.held.discard(token)

    def request_handed_over(self, request: Request) -> None:
        """A request a page yielded is queued, or on its way there behind the writes before it (the outbox keeps
        their order), or was turned away: the page's lease no longer waits for it."""
        if token := self.children.pop(request, None):
            self._release(token)

    def page_finished(self, request: Request) -> None:
        """A page that leaves nothing to record (it needed no fetching) is done."""
        self._ack(lease_of(request))

    # --- signals ------------------------------------------------------------------------------------
    def _item_done(self, item: Any, response: Response | Failure | None = None, **_: Any) -> None:
        if token := lease_of(response):
            self._release(token)

    def _item_failed(self, item: Any, response: Response | Failure | None = None, failure: Failure | None = None,
                     **_: Any) -> None:
        """A pipeline raised on this page's item (a bug, the database away): try the page again, a few times."""
        token = lease_of(response)
        if not token:
            return
        self.holds.pop(token, None)  # whatever else holds it, the page is done for this attempt
        self.held.discard(token)
        # Its links still on their way must not end the next attempt's lease (a token names the entry).
        for request in [r for r, t in self.children.items() if t == token]:
            self.children.pop(request, None)
        error = failure.value if failure is not None else None
        detail = f"{type(error).__name__}: {error}" if error is not None else "a pipeline failed"
        url = getattr(response, "url", "") or getattr(getattr(response, "request", None), "url", "")
        self.outbox.send(self._retry_or_give_up, token, url, detail)

    def _retry_or_give_up(self, token: str, url: str, detail: str) -> None:
        attempts = self.leases.fail(token, self.max_attempts)
        if attempts < self.max_attempts:
            logger.warning("processing %s failed (%s); queued again (attempt %d of %d)", url, detail, max(attempts, 1),
                           self.max_attempts)
            return
        logger.error("giving up on %s after %d attempts: %s", url, attempts, detail)
        self.dead_letters.record(FetchFailure(url=url, reason="gave_up", source=self.crawler.spider.name,
                                              detail=f"{detail} (attempt {attempts} of {self.max_attempts})",
                                              failed_at=utc_now()))
        self.leases.ack(token)

    def _request_dropped(self, request: Request, **_: Any) -> None:
        # A link the dupefilter turned away: its page no longer waits for it. A redirect or retry of a leased
        # request turned away (the target was seen already): the original entry is done.
        self.request_handed_over(request)
        self.page_finished(request)

    def _release(self, token: str) -> None:
        if self.holds[token] > 1:
            self.holds[token] -= 1
            return
        # The last hold, or an errback's failure item, which no callback held.
        self.holds.pop(token, None)
        self._ack(token)

    def _ack(self, token: str) -> None:
        if token:
            self.held.discard(token)
            self.outbox.send(self.leases.ack, token)

    # --- renewals -----------------------------------------------------------------------------------
    def _opened(self, spider: Any) -> None:
        self.renewals.start(self.lease_seconds / 3, now=False)

    def _renew(self) -> None:
        if self.held and not self.outbox.backlog:  # behind a backlog, the next round will do
            self.outbox.send(self.leases.renew, list(self.held), self.lease_seconds)

    async def closed(self) -> None:
        """The crawl is over: stop renewing, and wait until every acknowledgement and queued write is done (the
        run marker is cleared only after that, see `crawler.extensions.CrawlRun`)."""
        if self.renewals.running:
            self.renewals.stop()
        if self.holds:  # they run out and come back to the queue: say so, it is a bug if the crawl finished
            logger.warning("%d page lease(s) still held at the end of the crawl (%d of their links not queued)",
                           len(self.holds), len(self.children))
        await self.outbox.drain(self.wait_seconds)


def queued_entry(url: str, force: bool = True) -> str:
    """A start-URL queue entry (JSON) for a URL given by an operator."""
    return json.dumps({"url": url, "force": force})

