"""Shared fixtures: a real Redis server per test session, and the replica served over HTTP."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

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


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Any, dict]]:
    """The replica on its own port for one test module, with its answer key (for tests of the site itself)."""
    from replica import ReplicaServer, answer_key, build_site

    site = build_site()
    with ReplicaServer(site) as server:
        yield server, answer_key(site, server.base_urls)


@pytest.fixture(scope="session")
def replica() -> Iterator[dict]:
    """The bundled replica served over real HTTP on a free port, with its answer key."""
    from replica import ReplicaServer, answer_key, build_site

    site = build_site()
    with ReplicaServer(site, port=0) as server:
        yield {"site": site, "server": server, "base_urls": dict(server.base_urls),
               "key": answer_key(site, server.base_urls)}


# --- PostgreSQL (the machine's own server; a test works in a schema of its own) ----------------------------
POSTGRES_URL = os.environ.get("JEN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used for the tests, or None when it can."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                               connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        return f"PostgreSQL not reachable at {POSTGRES_URL} ({type(error).__name__}: {str(error).splitlines()[0]})"
    return None


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test PostgreSQL's URL (skips the test when there is none)."""
    problem = _postgres_problem()
    if problem:
        pytest.skip(problem)
    return POSTGRES_URL


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """A URL whose tables live in a fresh schema of this test's own; the schema is dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"jen_store_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_url else "?"
    yield f"{postgres_url}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def pytest_unconfigure(config: pytest.Config) -> None:
    """A thread a test left running (not a daemon) would keep this process from ever exiting, and CI would hang
    after the summary: name it and end with a failure instead."""
    import sys
    import threading

    left = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon and t.is_alive()]
    for thread in left:
        thread.join(timeout=5)
    left = [t for t in left if t.is_alive()]
    if left:
        names = ", ".join(sorted(t.name for t in left))
        print(f"\ntests left threads running that would keep the process from exiting: {names}", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(3)
