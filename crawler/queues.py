"""scrapy-redis queue pieces: JSON instead of pickle, leases so a killed crawler loses nothing.

* Requests are stored as JSON (``loads``/``dumps`` below are the ``SCHEDULER_SERIALIZER``), bytes as
  ``{"__bytes__": "<latin-1 text>"}``; an operator can read every entry with ``jen inspect``.
* `LeasedPriorityQueue` is scrapy-redis's priority queue with a visibility timeout: popping a request
  moves it to an in-flight set with a deadline; it is acknowledged once its page is stored or its
  failure recorded. If the crawler dies first, the lease runs out and the request goes back to the
  queue for whichever crawler process pops next. A queue entry that is not valid JSON is moved to the
  dead-letter queue, never run.
* Redis going away (restart, failover) makes queue calls wait and retry instead of ending the crawl.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from crawler.keys import Keys

logger = logging.getLogger(__name__)
T = TypeVar("T")

LEASE_META = "jen_lease"  # request.meta key holding the in-flight token of the entry it was popped from


# --- the JSON serializer (module-level loads/dumps, as scrapy-redis expects) ---------------------------
# Bytes (header names and values, bodies) are kept readable: latin-1 maps every byte to one character,
# so ``{"__bytes__": "text/html"}`` round-trips exactly and an operator can still read it.
def _to_json(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"__bytes__": bytes(value).decode("latin-1")}
    if isinstance(value, dict):
        if any(isinstance(k, bytes) for k in value):
            return {"__bytes_keys__": {(k.decode("latin-1") if isinstance(k, bytes) else str(k)): _to_json(v)
                                       for k, v in value.items()}}
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in a Redis queue as JSON")


def _from_json(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "__bytes__" in obj:
            return obj["__bytes__"].encode("latin-1")
        if "__bytes_keys__" in obj:
            return {k.encode("latin-1"): v for k, v in obj["__bytes_keys__"].items()}
    return obj


def dumps(obj: Any) -> str:
    return json.dumps(_to_json(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(data: str | bytes) -> Any:
    return json.loads(data, object_hook=_from_json)


# --- retrying Redis calls ------------------------------------------------------------------------------
def with_redis_retry(func: Callable[[], T], wait_seconds: float = 120.0, what: str = "redis") -> T:
    """Call ``func``; while Redis is unreachable, wait and retry (up to ``wait_seconds``)."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            return func()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            if time.monotonic() > deadline:
                raise
            logger.warning("%s unavailable (%s); retrying in %.1fs", what, exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 3.0)


def ack_lease(client: redis.Redis, keys: Keys, spider: str, token: str, wait_seconds: float = 120.0) -> None:
    """Release the lease ``token`` of ``spider``'s queue: the request it stands for is done."""
    def _ack() -> None:
        with client.pipeline(transaction=True) as pipe:
            pipe.zrem(keys.inflight_deadlines(spider), token)
            pipe.hdel(keys.inflight_payloads(spider), token)
            pipe.execute()

    with_redis_retry(_ack, wait_seconds, "request queue")


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

    lease_seconds: float = 300.0
    redis_wait_seconds: float = 120.0

    def __init__(self, server: redis.Redis, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer=serializer or sys.modules[__name__])
        settings = getattr(spider, "settings", None)
        if settings is not None:
            self.lease_seconds = settings.getfloat("JEN_QUEUE_LEASE_SECONDS", self.lease_seconds)
            self.redis_wait_seconds = settings.getfloat("JEN_REDIS_RETRY_SECONDS", self.redis_wait_seconds)
            self.keys = Keys(settings.get("JEN_KEY_PREFIX", "jen"))
        else:
            self.keys = Keys()
        self.deadlines_key = self.keys.inflight_deadlines(spider.name)
        self.payloads_key = self.keys.inflight_payloads(spider.name)
        self._pop = server.register_script(_POP_SCRIPT)

    def __len__(self) -> int:
        return with_redis_retry(lambda: self.server.zcard(self.key), self.redis_wait_seconds, "request queue")

    def in_flight(self) -> int:
        return with_redis_retry(lambda: self.server.zcard(self.deadlines_key), self.redis_wait_seconds)

    def push(self, request: Request) -> None:
        try:
            data = self._encode_request(request)
        except (TypeError, ValueError) as exc:  # never lose a request silently
            logger.error("request %s cannot be queued as JSON: %s", request.url, exc)
            self._dead_letter(repr(request.to_dict(spider=self.spider))[:2000], exc, request.url)
            return
        with_redis_retry(lambda: self.server.execute_command("ZADD", self.key, -request.priority, data),
                         self.redis_wait_seconds, "request queue")

    def pop(self, timeout: int = 0) -> Request | None:
        result = with_redis_retry(
            lambda: self._pop(keys=[self.key, self.deadlines_key, self.payloads_key],
                              args=[time.time(), self.lease_seconds]),
            self.redis_wait_seconds, "request queue")
        if not result:
            return None
        token = result[0].decode() if isinstance(result[0], bytes) else result[0]
        member = result[1]
        try:
            request = self._decode_request(member)
        except Exception as exc:  # not JSON, or not a request: never run it, keep it for the operator
            text = member.decode("utf-8", "replace") if isinstance(member, bytes) else str(member)
            self._dead_letter(text, exc)
            self.ack(token)
            return None
        previous = request.meta.get(LEASE_META)
        if previous and previous != token:
            # A retry or redirect of an earlier entry: the new entry supersedes the old lease.
            self.ack(previous)
        request.meta[LEASE_META] = token
        return request

    def ack(self, token: str) -> None:
        """The request popped under ``token`` is done (stored, or its failure recorded)."""
        ack_lease(self.server, self.keys, self.spider.name, token, self.redis_wait_seconds)

    def clear(self) -> None:
        self.server.delete(self.key, self.deadlines_key, self.payloads_key)

    def _dead_letter(self, member: str, exc: Exception, url: str | None = None) -> None:
        logger.error("unreadable request in %s moved to dead letters: %s", self.key, exc)
        entry = {"url": url, "reason": "bad_queue_entry", "detail": f"{type(exc).__name__}: {exc}",
                 "source": self.spider.name, "failed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "status": None, "referer": "", "extra": {"entry": member[:2000]}}
        self.server.rpush(self.keys.dead_letters, json.dumps(entry, ensure_ascii=False))


class RetryingDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter, waiting out a Redis restart instead of losing the request."""

    def request_seen(self, request: Request) -> bool:
        return with_redis_retry(lambda: RFPDupeFilter.request_seen(self, request), what="dupefilter")
