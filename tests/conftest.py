"""Shared fixtures: a real Redis server per test session, and the replica served over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis

from replica.testing import RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A private, real redis-server for the whole test session (never the machine's shared one)."""
    server = RedisServer().start()
    yield server
    server.close()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """URL of the session's Redis, flushed after each test so tests do not see each other's keys."""
    if redis_server.process is None:
        redis_server.start()
    yield redis_server.url
    if redis_server.process is not None:
        redis.Redis.from_url(redis_server.url).flushall()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture(scope="session", autouse=True)
def _no_proxy() -> None:
    # The replica is on loopback; a proxy set in the environment must not intercept it.
    os.environ["NO_PROXY"] = os.environ.get("NO_PROXY", "") + ",127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,localhost"


@pytest.fixture(scope="session")
def replica() -> Iterator[dict]:
    """The bundled replica served over real HTTP on a free port, with its answer key."""
    from replica import ReplicaServer, answer_key, build_site

    site = build_site()
    with ReplicaServer(site, port=0) as server:
        yield {"site": site, "server": server, "base_urls": dict(server.base_urls),
               "key": answer_key(site, server.base_urls)}

