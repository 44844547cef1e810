"""13.4: a manual crawl with several URLs fetches every good one and dead-letters each bad one with its reason;
one bad URL never drops the trigger (`jen crawl --here`, `jen crawl` through the service, a trigger pushed by
another producer)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis

from crawler.redisconn import Keys
from tests.helpers import run_jen, wait_for
from tests.operating import ServiceProcess, exported, replica_config, run_of, wait_for_heartbeat

pytestmark = pytest.mark.slow

SECRET = "s3cret-pw"


def _urls(replica: dict) -> tuple[list[str], dict[str, str]]:
    """Two good article URLs of Just Earth News, and bad ones with the reason each must be dead-lettered for."""
    base = replica["base_urls"]["justearthnews"]
    articles = sorted(p["url"] for p in replica["key"]["pages"] if p["kind"] == "article"
                      and p["outlet"] == "justearthnews" and "-details/" in p["url"])[:2]
    bad = {
        "http://127.0.0.1:99999/": "bad_url",  # port out of range
        f"http://user:{SECRET}@127.0.0.1:99999/x": "bad_url",
        base.replace("http://", f"http://user:{SECRET}@") + "/x": "bad_url",  # credentials: never logged
        base.replace("http://", "ftp://") + "/x": "refused",  # not http(s)
        "http://evil.example/x": "refused",  # outside the allowed domains
    }
    return articles, bad


def _check(config: Path, good: list[str], bad: dict[str, str]) -> None:
    assert sorted(r["url"] for r in exported(config)) == sorted(good)  # every good URL fetched and stored
    dead = {d["url"]: d for d in exported(config, "dead_letters")}
    expected = {url.replace(SECRET, "***"): reason for url, reason in bad.items()}
    assert {url: dead[url]["reason"] for url in expected if url in dead} == expected
    assert all(dead[url]["detail"] for url in expected)
    assert SECRET not in json.dumps(list(dead.values()))


def test_crawl_here_with_bad_urls_fetches_every_good_one_and_dead_letters_each_bad_one(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "urls1")
    good, bad = _urls(replica)
    mixed = [*list(bad)[:2], good[0], *list(bad)[2:], good[1]]
    result = run_jen("crawl", "--here", "--source", "justearthnews", *mixed, "--config", str(config))
    assert result.returncode == 3, result.stderr[-3000:]  # some URLs refused; the rest crawled
    assert "justearthnews: 2 articles stored" in result.stdout
    refused = [line for line in result.stderr.splitlines() if line.startswith("refused ")]
    assert len(refused) == len(bad) and "Port out of range" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    _check(config, good, bad)


def test_a_trigger_with_bad_urls_runs_the_good_ones_through_the_service(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "urls2")
    client, keys = redis.Redis.from_url(redis_url), Keys("urls2")
    good, bad = _urls(replica)
    service = ServiceProcess(config, tmp_path / "service.log")
    try:
        wait_for_heartbeat(client, keys, service.pid)
        # Through `jen crawl`: the command checks the URLs itself and sends only the good one.
        result = run_jen("crawl", "--source", "justearthnews", *bad, good[0], "--wait", "--timeout", "120",
                         "--config", str(config))
        assert result.returncode == 3, result.stderr[-3000:]
        assert "justearthnews: 1 articles stored" in result.stdout
        # A trigger another producer pushed, bad URLs and all: the service checks them one by one.
        client.rpush(keys.triggers, json.dumps({"id": "pushed", "source": "justearthnews",
                                                "urls": [*bad, good[1]]}))
        pushed = wait_for(lambda: run_of(client, keys, "pushed").get("exit_code") is not None
                          and run_of(client, keys, "pushed"), 120, "the pushed trigger's run")
    finally:
        assert service.stop() == 0
    assert pushed["status"] == "finished" and pushed["summary"]["articles"] == 1
    assert {r["reason"] for r in pushed["refused"]} == {"bad_url", "refused"} and len(pushed["refused"]) == len(bad)
    assert SECRET not in json.dumps(pushed) and SECRET not in service.log()
    _check(config, good, bad)
    # A trigger whose every URL is bad is a run that failed, with the reason, not a crawl of everything.
    client.rpush(keys.triggers, json.dumps({"id": "all-bad", "source": "justearthnews", "urls": list(bad)}))
    service = ServiceProcess(config, tmp_path / "again.log")
    try:
        failed = wait_for(lambda: run_of(client, keys, "all-bad").get("status"), 60, "the all-bad trigger")
    finally:
        assert service.stop() == 0
    assert failed == "failed" and "every URL" in run_of(client, keys, "all-bad")["error"]
