"""What the end-to-end tests share: running the real `jen` command and waiting for Redis to change."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def shared_file(*parts: str) -> Path:
    """A file of the team's shared directory, read in place: ``JEN_SHARED_DIR``, ``../shared`` beside the
    checkout, or ``/work/shared`` (where a clone elsewhere still finds it); the first that has it."""
    for base in (os.environ.get("JEN_SHARED_DIR"), ROOT.parent / "shared", "/work/shared"):
        if base and Path(base, *parts).exists():
            return Path(base, *parts)
    return Path(ROOT.parent, "shared", *parts)


def clean_env() -> dict[str, str]:
    """This environment without REDIS_URL / JEN_CONFIG, so each test's config file decides."""
    return {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JEN_CONFIG")}


def run_jen(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`jen ARGS…` from the repository root, as a user would run it; output captured as text."""
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=clean_env())


def start_jen(*args: str, **popen: object) -> subprocess.Popen[str]:
    """`jen ARGS…` in the background (a crawl to interrupt, a service to stop)."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, env=clean_env(), text=True,
                            **popen)  # type: ignore[call-overload]


def wait_for(predicate: Callable[[], T], timeout: float, what: str, step: float = 0.1) -> T:
    """Poll until `predicate` returns something truthy; fail the test naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def stored_records(config: Path) -> list[dict]:
    """Every record stored under a config, with its current copy flags: what `jen export` writes."""
    from crawler.config import load_config
    from crawler.records import Records

    loaded = load_config(config, env={})
    return list(Records.open(loaded, loaded.redis.url).iter())


def stored_count(config: Path) -> int:
    """How many records are stored under a config (the number `jen inspect` reports)."""
    from crawler.config import load_config
    from crawler.store import shared_store

    loaded = load_config(config, env={})
    return shared_store(loaded.database_url, loaded.data_dir).count()


def dead_letters(config: Path) -> list[dict]:
    """The failures recorded under a config, most recently seen first: what `jen export dead_letters` writes."""
    import redis as redis_py

    from crawler.config import load_config
    from crawler.failures import DeadLetters
    from crawler.redisconn import Keys

    loaded = load_config(config, env={})
    return list(DeadLetters(redis_py.Redis.from_url(loaded.redis.url), Keys(loaded.redis.key_prefix)).iter())


def http_get(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    """One real GET, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()
