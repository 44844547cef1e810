"""A service that runs for months: records in a real database, Redis that stays bounded, recrawls that fetch
only what is new, servers asked to wait are waited for, and a page that keeps failing cannot stall a crawl."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.failures import DeadLetters
from crawler.items import FetchFailure
from crawler.redisconn import Keys
from replica import ReplicaServer, answer_key, build_site
from replica.testing import RedisServer, write_replica_config
from tests.helpers import dead_letters, run_jen, stored_count, stored_records

pytestmark = pytest.mark.slow


def _jen_articles(key: dict) -> set[str]:
    return {p["canonical_url"] for p in key["pages"] if p["kind"] == "article" and p["outlet"] == "justearthnews"}


def _pages_fetched(result: object) -> int:
    match = re.search(r"(\d+) pages fetched", result.stdout)  # type: ignore[attr-defined]
    assert match, result.stdout  # type: ignore[attr-defined]
    return int(match.group(1))


@pytest.fixture(scope="module")
def bigger_replica() -> Iterator[dict]:
    """The replica with 300 filler articles more (listings many pages deep), on its own port."""
    site = build_site(extra_articles=300)
    with ReplicaServer(site, port=0) as server:
        yield {"base_urls": dict(server.base_urls), "key": answer_key(site, server.base_urls)}


def test_records_are_stored_in_postgresql_when_configured(replica: dict, redis_url: str, postgres_schema_url: str,
                                                          tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="pg", redis_url=redis_url,
                                  database_url=postgres_schema_url)
    result = run_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    records = stored_records(config)
    assert {r["canonical_url"] for r in records} == _jen_articles(replica["key"])
    assert not (tmp_path / "c-data" / "records.sqlite3").exists()  # not the embedded file
    shown = run_jen("show", "justearthnews:HC/6181", "--config", str(config))
    assert shown.returncode == 0, shown.stderr
    seed = json.loads(shown.stdout)
    assert seed["id"] == "justearthnews:HC/6181" and len(seed["body"]) == 12
    assert run_jen("show", "justearthnews:nothing", "--config", str(config)).returncode == 1


def test_a_second_crawl_of_an_unchanged_site_fetches_at_most_a_tenth_of_the_pages(
        bigger_replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", bigger_replica["base_urls"], prefix="eco", redis_url=redis_url)
    first = run_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config))
    assert first.returncode == 0, first.stderr[-3000:]
    assert stored_count(config) == len(_jen_articles(bigger_replica["key"]))
    second = run_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config))
    assert second.returncode == 0, second.stderr[-3000:]
    assert "0 articles stored" in second.stdout
    assert _pages_fetched(second) <= _pages_fetched(first) / 10, (first.stdout, second.stdout)
    assert stored_count(config) == len(_jen_articles(bigger_replica["key"]))


def test_twenty_crawls_leave_redis_where_the_first_left_it_and_repeat_failures_once(
        replica: dict, tmp_path: Path) -> None:
    server = RedisServer(appendonly=False).start()
    try:
        config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="twenty",
                                      redis_url=server.url)
        client = redis.Redis.from_url(server.url)
        used = []
        for _ in range(20):
            result = run_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config))
            assert result.returncode == 0, result.stderr[-3000:]
            used.append(client.info("memory")["used_memory"])
        # Allocator noise and client buffers move used_memory by a few kB; nothing grows with the runs.
        assert max(used[1:]) - used[0] < 64 * 1024, used
        failures = dead_letters(config)
        assert sorted(d["reason"] for d in failures) == ["http_404", "http_500", "not_html"]
        assert all(d["count"] == 20 and d["first_seen"] <= d["last_seen"] for d in failures)
        inspect = json.loads(run_jen("inspect", "--json", "--config", str(config)).stdout)
        assert (inspect["dead_letters"], inspect["dead_letters_cap"]) == (3, 10_000)
        assert inspect["events"] <= inspect["events_cap"]
    finally:
        server.close()


def test_dead_letters_are_capped_requeued_and_purged(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="dl", redis_url=redis_url)
    client, keys = redis.Redis.from_url(redis_url), Keys("dl")
    base = replica["base_urls"]["justearthnews"]
    capped = DeadLetters(client, keys, cap=5)
    for n in range(8):
        capped.record(FetchFailure(url=f"{base}/gone/{n}", reason="http_404", detail="404", source="justearthnews",
                                   failed_at=f"2022-03-0{n + 1}T10:00:00+00:00"))
    assert [d["url"] for d in capped.iter()] == [f"{base}/gone/{n}" for n in (7, 6, 5, 4, 3)]  # newest kept
    requeued = run_jen("requeue", "--reason", "http_404", "--config", str(config))
    assert requeued.returncode == 0, requeued.stderr
    assert "5 dead letter(s) sent back" in requeued.stdout
    assert [json.loads(v)["url"] for v in client.lrange(keys.start_urls("justearthnews"), 0, -1)] == \
        [f"{base}/gone/{n}" for n in (3, 4, 5, 6, 7)]
    assert dead_letters(config) == []
    capped.record(FetchFailure(url=f"{base}/old", reason="timeout", detail="t", source="justearthnews",
                               failed_at="2020-01-01T00:00:00+00:00"))
    capped.record(FetchFailure(url=f"{base}/new", reason="timeout", detail="t", source="justearthnews",
                               failed_at="2099-01-01T00:00:00+00:00"))
    assert run_jen("purge", "--config", str(config)).returncode == 2  # says which failures to drop
    purged = run_jen("purge", "--older-than", "30d", "--config", str(config))
    assert "1 dead letter(s) dropped" in purged.stdout
    assert [d["url"] for d in dead_letters(config)] == [f"{base}/new"]


def test_a_server_asking_to_retry_after_some_seconds_is_asked_again_only_then(replica: dict, redis_url: str,
                                                                             tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="ra", redis_url=redis_url)
    busy = replica["base_urls"]["justearthnews"] + f"/_fault/busy/3/{tmp_path.name}"
    started = time.monotonic()
    result = run_jen("crawl", "--here", "--source", "justearthnews", busy, "--config", str(config))
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed >= 3  # the retry waited for Retry-After
    assert "jen/retry_after_waits" in result.stderr
    # It answered the second time: nothing failed (the page itself is no article, hence not_article at most).
    assert [d["reason"] for d in dead_letters(config)] in ([], ["not_article"])


def test_a_page_whose_pipeline_keeps_failing_is_dead_lettered_and_the_crawl_finishes(replica: dict, redis_url: str,
                                                                                    tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="poison", redis_url=redis_url)
    pipelines = json.dumps({"crawler.pipelines.CleanPipeline": 300, "tests.poison.PoisonPipeline": 400,
                            "crawler.pipelines.DedupePipeline": 500, "crawler.pipelines.StorePipeline": 800})
    result = run_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config),
                     "-s", f"ITEM_PIPELINES={pipelines}", "-s", "JEN_MAX_ATTEMPTS=3", timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("queued again (attempt") == 2  # tried three times, then given up
    assert result.stderr.count("giving up on") == 1
    [gave_up] = [d for d in dead_letters(config) if d["reason"] == "gave_up"]
    assert "/HC/6181/" in gave_up["url"] and "attempt 3 of 3" in gave_up["detail"]
    assert {r["canonical_url"] for r in stored_records(config)} == \
        _jen_articles(replica["key"]) - {gave_up["url"]}
    client, keys = redis.Redis.from_url(redis_url), Keys("poison")
    assert client.zcard(keys.requests("justearthnews")) == client.zcard(keys.inflight_deadlines("justearthnews")) == 0
    assert client.hlen(keys.attempts("justearthnews")) == 0
