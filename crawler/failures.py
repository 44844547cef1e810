"""Failures: turn whatever went wrong with a request into a short reason an operator can act on, and record
it in the dead letters."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from twisted.python.failure import Failure

from crawler.items import FetchFailure
from crawler.redaction import redact_url

# Exception class name -> reason. Names rather than classes, because Scrapy and Twisted have renamed and
# added download exceptions across versions and we accept a range of both.
_REASONS_BY_CLASS = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "UserTimeoutError": "timeout",
    "CannotResolveHostError": "dns_error",
    "DNSLookupError": "dns_error",
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionRefusedError": "connection_refused",
    "ResponseDataLossError": "connection_lost",
    "ResponseFailed": "connection_lost",
    "ResponseNeverReceived": "connection_lost",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "ConnectionResetError": "connection_lost",
    "DownloadFailedError": "connection_lost",
    "DownloadCancelledError": "too_large",
    "CancelledError": "too_large",
    "UnsupportedURLSchemeError": "unsupported_scheme",
}

# A body that says it is compressed but is not (zlib.error, brotli.error, ...): named by module, since
# those classes are all called "error".
_DECODING_MODULES = frozenset({"zlib", "gzip", "brotli", "_brotli", "brotlicffi", "compression.zstd",
                               "backports.zstd", "_zstd"})
_DECODING_CLASSES = frozenset({"BadGzipFile", "ZstdError"})
_CANCELLED = frozenset({"CancelledError", "DownloadCancelledError"})

# IgnoreRequest carries its reason only in its message.
_IGNORE_MESSAGES = {
    # HttpCompressionMiddleware's decompression-bomb guard: "... exceeded DOWNLOAD_MAXSIZE (N B) during
    # decompression."
    "download_maxsize": "too_large",
    "robots.txt": "robots_disallowed",
    "max redirections": "redirect_loop",
    "offsite": "offsite",
    "refused:": "refused",
}


def classify_failure(failure: Failure, received: int = 0, limit: int = 0) -> tuple[str, str, int | None]:
    """(reason, detail, HTTP status or None) for a request's errback failure.

    `received` is how many body bytes had arrived and `limit` the download size limit: Scrapy stops a body
    without a Content-Length that outgrows the limit with a bare (Download)CancelledError, known only by
    that count.
    """
    exc = failure.value
    detail = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    response = getattr(exc, "response", None)
    status = getattr(response, "status", None)
    names = [cls.__name__ for cls in type(exc).__mro__]
    if type(exc).__module__ in _DECODING_MODULES or _DECODING_CLASSES.intersection(names):
        return "bad_encoding", f"body does not decode as its Content-Encoding says: {detail}", status
    if _CANCELLED.intersection(names) and limit and received > limit:
        return "too_large", f"{detail}: stopped after {received:,} bytes, over the {limit:,}-byte limit", status
    if "HttpError" in names and status is not None:
        return f"http_{status}", detail, status
    if "IgnoreRequest" in names:
        message = str(exc).lower()
        for needle, reason in _IGNORE_MESSAGES.items():
            if needle in message:
                return reason, detail, status
        return "ignored", detail, status
    for name in names:
        if name in _REASONS_BY_CLASS:
            reason = _REASONS_BY_CLASS[name]
            if reason == "too_large" and "max size" not in str(exc).lower() and "maxsize" not in str(exc):
                reason = "cancelled"
            return reason, detail, status
    return f"error_{type(exc).__name__}", detail, status


# Record one failure: one entry per (source, reason, URL) in a hash, its count and the times it was first and
# last seen kept up to date; a sorted set orders entries by when they were last seen, so the oldest beyond the
# cap go first (at most 100 per call, so a lowered cap never makes one call long).
_RECORD_SCRIPT = """
local entries, seen = KEYS[1], KEYS[2]
local field, now, cap = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
local entry = cjson.decode(ARGV[2])
local old = redis.call('HGET', entries, field)
if old then
  local previous = cjson.decode(old)
  entry['count'] = (tonumber(previous['count']) or 1) + 1
  entry['first_seen'] = previous['first_seen'] or entry['last_seen']
else
  entry['count'] = 1
  entry['first_seen'] = entry['last_seen']
end
redis.call('HSET', entries, field, cjson.encode(entry))
redis.call('ZADD', seen, now, field)
local excess = math.min(redis.call('ZCARD', seen) - cap, 100)
if excess > 0 then
  local oldest = redis.call('ZRANGE', seen, 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', seen, 0, excess - 1)
  redis.call('HDEL', entries, unpack(oldest))
end
return entry['count']
"""
DEFAULT_CAP = 10_000


class DeadLetters:
    """Failures in Redis, readable with ``jen inspect dead_letters`` and ``jen export dead_letters``.

    A URL that fails the same way run after run is one entry with a ``count`` and the times it was
    ``first_seen`` and ``last_seen``, not one entry per run; beyond ``cap`` entries the least recently seen
    are dropped. Passwords in URLs are redacted before anything is stored.
    """

    def __init__(self, client: Any, keys: Any, cap: int = DEFAULT_CAP) -> None:
        self.client = client
        self.entries_key = keys.dead_letters
        self.seen_key = keys.dead_letters_seen
        self.cap = cap
        self._record = client.register_script(_RECORD_SCRIPT)

    @staticmethod
    def field(entry: dict[str, Any]) -> str:
        """The entry's name in the hash: readable, and the same for the same failure of the same page. A failure
        without a URL (an unreadable queue entry or trigger) is named by a digest of what it was."""
        what = entry["url"] or "#" + hashlib.blake2b(json.dumps([entry["detail"], entry["extra"]], sort_keys=True)
                                                     .encode(), digest_size=8).hexdigest()
        return f"{entry['source']} {entry['reason']} {what}"

    def record(self, failure: FetchFailure) -> int:
        """Record a failure; returns how many times it has been seen."""
        entry = {key: redact_url(value) if isinstance(value, str) else value for key, value in asdict(failure).items()}
        entry["last_seen"] = entry.pop("failed_at")
        field = self.field(entry)
        return int(self._record(keys=[self.entries_key, self.seen_key],
                                args=[field, json.dumps(entry, ensure_ascii=False), time.time(), self.cap]))

    def __len__(self) -> int:
        return int(self.client.zcard(self.seen_key))

    def iter(self, newest_first: bool = True, batch: int = 500) -> Iterator[dict[str, Any]]:
        """Every entry (with its ``field``), most recently seen first; constant memory."""
        start = 0
        while True:
            fields = (self.client.zrevrange if newest_first else self.client.zrange)(self.seen_key, start,
                                                                                     start + batch - 1)
            if not fields:
                return
            for field, raw in zip(fields, self.client.hmget(self.entries_key, fields), strict=True):
                if raw is not None:
                    yield json.loads(raw) | {"field": field.decode("utf-8", "replace")}
            start += batch

    def remove(self, fields: Iterable[str]) -> int:
        """Forget these entries (requeued or purged); returns how many there were."""
        fields = list(fields)
        if not fields:
            return 0
        with self.client.pipeline(transaction=True) as pipe:
            pipe.zrem(self.seen_key, *fields)
            pipe.hdel(self.entries_key, *fields)
            removed, _ = pipe.execute()
        return int(removed)


def record_failure(client: Any, keys: Any, failure: FetchFailure, cap: int = DEFAULT_CAP) -> int:
    """Record a failure in the dead letters (see `DeadLetters`)."""
    return DeadLetters(client, keys, cap).record(failure)
