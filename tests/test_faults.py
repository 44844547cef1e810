"""Faults survived: Redis restarted mid-crawl, the crawler killed with SIGKILL, a misbehaving site, and two
crawler processes sharing one crawl. Every test starts its own Redis and replica and breaks them."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.redisconn import Keys
from replica import ReplicaServer, answer_key, build_site
from replica.testing import RedisServer, write_replica_config
from tests.helpers import dead_letters, start_jen, stored_count, stored_records, wait_for

pytestmark = pytest.mark.slow


def _crawl(config: Path, *args: str) -> subprocess.Popen[str]:
    return start_jen("crawl", "--here", "--config", str(config), *args)


def _jen_articles(key: dict) -> set[str]:
    return {p["canonical_url"] for p in key["pages"] if p["kind"] == "article" and p["outlet"] == "justearthnews"}


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer().start()  # append-only, fsync always: a restart keeps every write
    yield server
    server.close()


def test_redis_restarted_mid_crawl_the_crawl_waits_and_completes(replica: dict, own_redis: RedisServer,
                                                                 tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="f1", redis_url=own_redis.url,
                                  download_delay=0.1, concurrent_requests_per_domain=1)
    client, keys = redis.Redis.from_url(own_redis.url), Keys("f1")
    crawl = _crawl(config, "--source", "justearthnews")
    wait_for(lambda: stored_count(config) >= 8, 60, "the first articles")
    own_redis.stop()
    time.sleep(3)  # the crawler keeps trying while Redis is away
    own_redis.start()
    _, err = crawl.communicate(timeout=240)
    assert crawl.returncode == 0, err[-3000:]
    assert "unavailable" in err  # it noticed, waited and retried
    records = stored_records(config)
    assert Counter(r["canonical_url"] for r in records) == Counter(_jen_articles(replica["key"]))
    assert client.zcard(keys.requests("justearthnews")) == 0
    assert client.zcard(keys.inflight_deadlines("justearthnews")) == 0


def test_crawler_killed_with_sigkill_resumes_from_its_redis_queue(replica: dict, own_redis: RedisServer,
                                                                  tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="f2", redis_url=own_redis.url,
                                  download_delay=0.1, concurrent_requests_per_domain=2)
    client, keys = redis.Redis.from_url(own_redis.url), Keys("f2")
    lease = ("-s", "JEN_QUEUE_LEASE_SECONDS=4")
    crawl = _crawl(config, "--source", "justearthnews", *lease)
    wait_for(lambda: stored_count(config) >= 10, 60, "the first articles")
    crawl.send_signal(signal.SIGKILL)  # no chance to clean up: in-flight requests are leased, not lost
    crawl.wait(timeout=10)
    before = stored_count(config)
    assert client.zcard(keys.requests("justearthnews")) + client.zcard(keys.inflight_deadlines("justearthnews")) > 0

    resumed = _crawl(config, "--source", "justearthnews", *lease)
    _, err = resumed.communicate(timeout=240)
    assert resumed.returncode == 0, err[-3000:]
    assert "Resuming crawl" in err or before == len(_jen_articles(replica["key"]))
    records = stored_records(config)
    assert Counter(r["canonical_url"] for r in records) == Counter(_jen_articles(replica["key"]))
    assert not [r["id"] for r in records if r["duplicate_of"] == r["id"]]  # never a copy of itself
    jen_ids = {p["id"] for p in replica["key"]["pages"] if p["kind"] == "article" and p["outlet"] == "justearthnews"}
    # Only JEN is crawled here, so only copies of JEN originals can be flagged.
    copies = [p for p in replica["key"]["pages"] if p.get("role") == "copy" and p["outlet"] == "justearthnews"
              and p["duplicate_of"] in jen_ids]
    flagged = [r for r in records if r["duplicate_of"]]
    assert len(flagged) == len(copies)
    assert client.zcard(keys.inflight_deadlines("justearthnews")) == 0


def test_misbehaving_site_each_fault_is_retried_then_dead_lettered_and_the_rest_goes_on(
        replica: dict, own_redis: RedisServer, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="f3", redis_url=own_redis.url,
                                  download_timeout=2, retry_times=1)
    base = replica["base_urls"]["justearthnews"]
    seed = next(p["url"] for p in replica["key"]["pages"] if p["kind"] == "article" and "/HC/6181/" in p["url"])
    faults = {f"{base}/_fault/slow/6": "timeout", f"{base}/_fault/status/500": "http_500",
              f"{base}/_fault/status/503": "http_503", f"{base}/_fault/reset": "connection_lost",
              f"{base}/_fault/redirect-loop/0": "redirect_loop", f"{base}/_fault/status/404": "http_404"}
    started = time.monotonic()
    crawl = _crawl(config, "--source", "justearthnews", seed, *faults)
    _, err = crawl.communicate(timeout=180)
    elapsed = time.monotonic() - started
    assert crawl.returncode == 0, err[-3000:]
    dead = {d["url"]: d for d in dead_letters(config)}
    assert {url: dead[url]["reason"] for url in faults if url in dead} == faults
    assert all(dead[url]["detail"] for url in faults)
    # Retried within bounds: a timed-out page was tried twice (retry_times 1), not forever.
    assert elapsed < 60
    # The rest of the crawl is unaffected: the good page is stored.
    assert [r["url"] for r in stored_records(config)] == [seed]


def test_two_crawler_processes_share_a_600_article_crawl_and_agree_with_one(
        own_redis: RedisServer, tmp_path: Path) -> None:
    site = build_site(extra_articles=600)
    with ReplicaServer(site, port=0) as server:
        key = answer_key(site, server.base_urls)
        expected = _jen_articles(key)
        assert len(expected) >= 600
        shared = write_replica_config(tmp_path / "shared.yaml", server.base_urls, prefix="two",
                                      redis_url=own_redis.url, concurrent_requests_per_domain=8)
        crawls = [_crawl(shared, "--source", "justearthnews") for _ in range(2)]
        outputs = [c.communicate(timeout=600) for c in crawls]
        for crawl, (_, err) in zip(crawls, outputs, strict=True):
            assert crawl.returncode == 0, err[-3000:]
        two = stored_records(shared)
        assert Counter(r["canonical_url"] for r in two) == Counter(expected)
        # Both processes did real work on the one crawl.
        stored_by = [int(out.split(" articles stored")[0].rsplit(" ", 1)[-1]) for out, _ in outputs]
        assert all(n > 0 for n in stored_by) and sum(stored_by) >= len(expected)

        single = write_replica_config(tmp_path / "single.yaml", server.base_urls, prefix="one",
                                      redis_url=own_redis.url, concurrent_requests_per_domain=8)
        one_crawl = _crawl(single, "--source", "justearthnews")
        _, err = one_crawl.communicate(timeout=600)
        assert one_crawl.returncode == 0, err[-3000:]
        one = stored_records(single)

        def clusters(records: list[dict]) -> set[tuple[str, frozenset[str]]]:
            groups: dict[str, set[str]] = {}
            for r in records:
                if r["cluster"]:
                    groups.setdefault(r["cluster"], set()).add(r["canonical_url"])
            return {(c, frozenset(m)) for c, m in groups.items()}

        assert clusters(two) == clusters(one)
        assert clusters(one)
        def flags(records: list[dict]) -> dict[str, str | None]:
            return {r["canonical_url"]: r["duplicate_of"] for r in records}

        assert flags(two) == flags(one)


def test_a_live_slow_crawler_keeps_its_leases_and_a_stopped_one_gives_them_back(replica: dict, own_redis: RedisServer,
                                                                               tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="f4", redis_url=own_redis.url,
                                  download_delay=0.2, concurrent_requests_per_domain=1)
    client, keys = redis.Redis.from_url(own_redis.url), Keys("f4")
    # A 3 s lease, crawls longer than that, and one attempt only: a lease that ran out while its page was still
    # being worked on would show as a page given up.
    short = ("-s", "JEN_QUEUE_LEASE_SECONDS=3", "-s", "JEN_MAX_ATTEMPTS=1")
    stopped = _crawl(config, "--source", "justearthnews", *short)
    wait_for(lambda: stored_count(config) >= 15, 90, "a third of the articles (longer than a lease)")
    stopped.send_signal(signal.SIGSTOP)  # stalled, not dead: it cannot give anything back itself
    try:
        wait_for(lambda: client.zcard(keys.inflight_deadlines("justearthnews")) > 0, 10, "a lease in hand")
        started = time.monotonic()
        other = _crawl(config, "--source", "justearthnews", "-s", "JEN_QUEUE_LEASE_SECONDS=3")
        _, err = other.communicate(timeout=240)
        assert other.returncode == 0, err[-3000:]
    finally:
        stopped.send_signal(signal.SIGKILL)
        stopped.wait(timeout=10)
    assert time.monotonic() - started < 120
    records = stored_records(config)
    assert Counter(r["canonical_url"] for r in records) == Counter(_jen_articles(replica["key"]))
    # The stalled crawler's pages came back once (one attempt each): nothing was given up.
    assert [d for d in dead_letters(config) if d["reason"] == "gave_up"] == []
    assert client.zcard(keys.inflight_deadlines("justearthnews")) == 0


def test_a_redis_busy_with_a_long_script_stalls_nothing_and_the_crawl_says_so(replica: dict, own_redis: RedisServer,
                                                                             tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="f5", redis_url=own_redis.url,
                                  download_delay=0.1, concurrent_requests_per_domain=2)
    client = redis.Redis.from_url(own_redis.url, socket_timeout=60)
    crawl = _crawl(config, "--source", "justearthnews")
    try:
        _busy_for_six_seconds(client, config)
        _, err = crawl.communicate(timeout=240)
    finally:
        crawl.kill()  # a failed assertion above must not leave the crawl running
    assert crawl.returncode == 0, err[-3000:]
    assert "BUSY" in err  # it noticed, and went on
    stats = err[err.index("Dumping Scrapy stats"):]
    assert re.search(r"'jen/redis_(errors|retries)': [1-9]", stats), stats[:3000]
    records = stored_records(config)
    assert Counter(r["canonical_url"] for r in records) == Counter(_jen_articles(replica["key"]))
    assert [d for d in dead_letters(config) if d["reason"] == "gave_up"] == []


def _busy_for_six_seconds(client: redis.Redis, config: Path) -> None:
    wait_for(lambda: stored_count(config) >= 8, 60, "the first articles")
    busy = "local t = tonumber(redis.call('TIME')[1]); while tonumber(redis.call('TIME')[1]) - t < 6 do end; return 1"
    started = time.monotonic()
    client.eval(busy, 0)  # every other client is answered BUSY meanwhile
    assert time.monotonic() - started >= 5
