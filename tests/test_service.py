"""The service: scheduled crawls, manual triggers through Redis, inspect, restarts, bad config, container."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import yaml

from crawler.redisconn import Keys
from replica.testing import write_replica_config
from tests.helpers import ROOT, run_jen, start_jen, wait_for
from tests.operating import exported, jen_articles, progress_articles

pytestmark = pytest.mark.slow


class ServiceProcess:
    """`jen run` as a child process, stopped with SIGTERM like a container runtime would."""

    def __init__(self, config: Path, log: Path) -> None:
        self.log = log.open("wb")
        self.process = start_jen("run", "--config", str(config), stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=90)
        self.log.close()
        return code


def _runs(client: redis.Redis, keys: Keys) -> list[dict]:
    return [json.loads(v) for v in client.hvals(keys.runs)]


@pytest.fixture
def service_config(replica: dict, redis_url: str, tmp_path: Path) -> Path:
    return scheduled_config(replica, redis_url, tmp_path, "svc", "4s")


def scheduled_config(replica: dict, redis_url: str, tmp_path: Path, prefix: str, interval: str) -> Path:
    """A replica config whose Just Earth News source runs every ``interval``."""
    config = write_replica_config(tmp_path / "config.yaml", replica["base_urls"], prefix=prefix, redis_url=redis_url)
    raw = yaml.safe_load(config.read_text())
    raw["sources"]["justearthnews"]["schedule"] = {"interval": interval}
    config.write_text(yaml.safe_dump(raw))
    return config


@pytest.fixture
def service(service_config: Path, tmp_path: Path) -> Iterator[ServiceProcess]:
    proc = ServiceProcess(service_config, tmp_path / "service.log")
    yield proc
    proc.stop()


def test_schedule_with_short_interval_fires_repeatedly_and_crawls_the_replica(
        service: ServiceProcess, redis_url: str, replica: dict, service_config: Path) -> None:
    client, keys = redis.Redis.from_url(redis_url), Keys("svc")
    def finished_scheduled_runs() -> list[dict] | None:
        runs = [r for r in _runs(client, keys) if r["kind"] == "scheduled" and r.get("status") == "finished"]
        return runs if len(runs) >= 2 else None

    finished = wait_for(finished_scheduled_runs, timeout=90, what="two scheduled runs")
    assert all(r["source"] == "justearthnews" for r in finished)
    stored = Counter(r["canonical_url"] for r in exported(service_config))
    assert stored == Counter(jen_articles(replica))  # every article, each once
    # The second run found everything already stored: nothing fetched twice, nothing stored twice.
    second = sorted(finished, key=lambda r: r["started_at"])[1]
    assert second["summary"]["skipped_already_stored"] > 0
    assert second["summary"]["articles"] == 0
    assert service.stop() == 0
    assert not client.exists(keys.service_heartbeat)


def test_manual_trigger_is_picked_up_by_the_running_service_within_two_seconds(
        service: ServiceProcess, redis_url: str, service_config: Path) -> None:
    client, keys = redis.Redis.from_url(redis_url), Keys("svc")
    wait_for(lambda: client.exists(keys.service_heartbeat), 30, "service heartbeat")
    result = run_jen("crawl", "--source", "wftl", "--wait", "--timeout", "90", "--config", str(service_config))
    assert result.returncode == 0, result.stderr
    assert "wftl: 9 articles stored" in result.stdout
    run_id = result.stdout.split("queued run ", 1)[1].split()[0]
    run = json.loads(client.hget(keys.runs, run_id))
    requested = time.mktime(time.strptime(run["requested_at"][:19], "%Y-%m-%dT%H:%M:%S"))
    started = time.mktime(time.strptime(run["started_at"][:19], "%Y-%m-%dT%H:%M:%S"))
    assert run["kind"] == "manual" and run["status"] == "finished"
    assert started - requested <= 2


def test_manual_trigger_without_a_service_says_how_to_run_it(service_config: Path) -> None:
    result = run_jen("crawl", "--source", "wftl", "--config", str(service_config))
    assert result.returncode == 4
    assert "--here" in result.stderr


def test_inspect_reports_exactly_what_is_in_redis(redis_url: str, service_config: Path) -> None:
    crawl = run_jen("crawl", "--here", "--config", str(service_config), timeout=300)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    client, keys = redis.Redis.from_url(redis_url), Keys("svc")
    client.rpush(keys.start_urls("herald"), json.dumps({"url": "http://127.0.0.3/x"}))
    result = run_jen("inspect", "--json", "--config", str(service_config))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    records = exported(service_config)
    assert data["records"] == len(records) > 0
    assert data["dead_letters"] == len(exported(service_config, "dead_letters")) == 3
    assert data["flagged_copies"] == len(exported(service_config, "--flagged"))
    assert data["flagged_copies"] == sum(1 for r in records if r["duplicate_of"]) > 0
    assert data["sources"]["herald"]["start_urls"] == 1
    assert data["sources"]["justearthnews"]["pending_requests"] == 0
    assert data["service"] is None
    peek = run_jen("inspect", "dead_letters", "--peek", "2", "--json", "--config", str(service_config))
    entries = json.loads(peek.stdout)
    assert len(entries) == 2 and all(e["reason"] and e["url"] for e in entries)
    human = run_jen("inspect", "--config", str(service_config))
    assert f"records stored: {data['records']}" in human.stdout


def test_restarted_service_keeps_its_schedule(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = scheduled_config(replica, redis_url, tmp_path, "svc2", "1h")
    client, keys = redis.Redis.from_url(redis_url), Keys("svc2")
    first = ServiceProcess(config, tmp_path / "first.log")
    wait_for(lambda: [r for r in _runs(client, keys) if r.get("exit_code") is not None], 90, "the first run")
    assert first.stop() == 0
    next_run = json.loads(client.hget(keys.schedule, "justearthnews"))["next_run"]
    second = ServiceProcess(config, tmp_path / "second.log")
    try:
        wait_for(lambda: client.exists(keys.service_heartbeat), 30, "restarted service")
        time.sleep(3)
        assert len(_runs(client, keys)) == 1  # no extra run: the schedule was kept, not restarted
        assert json.loads(client.hget(keys.schedule, "justearthnews"))["next_run"] == next_run
    finally:
        assert second.stop() == 0


def test_missed_run_while_down_runs_once_at_restart(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = scheduled_config(replica, redis_url, tmp_path, "svc3", "1h")
    client, keys = redis.Redis.from_url(redis_url), Keys("svc3")
    # The service was down when runs were due three hours ago: they coalesce into one run now.
    client.hset(keys.schedule, "justearthnews", json.dumps({"next_run": "2020-01-01T00:00:00+00:00"}))
    proc = ServiceProcess(config, tmp_path / "service.log")
    try:
        wait_for(lambda: [r for r in _runs(client, keys) if r.get("exit_code") is not None], 90, "the missed run")
        time.sleep(2)
        assert len(_runs(client, keys)) == 1
    finally:
        assert proc.stop() == 0


def test_interrupted_crawl_resumes_from_its_redis_queue(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "config.yaml", replica["base_urls"], prefix="svc4", redis_url=redis_url,
                                  download_delay=0.15, concurrent_requests_per_domain=1)
    client, keys = redis.Redis.from_url(redis_url), Keys("svc4")
    crawl = start_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config))
    wait_for(lambda: any(progress_articles(r) >= 5 for r in _runs(client, keys)), 60, "the first articles")
    crawl.send_signal(signal.SIGTERM)  # graceful: in-flight requests finish, the rest stays queued
    out, _ = crawl.communicate(timeout=60)
    assert "finished: shutdown" in out
    stored_before = len(exported(config))
    assert client.zcard(keys.requests("justearthnews")) > 0
    expected = jen_articles(replica)
    assert stored_before < len(expected)

    resumed = run_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config), timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "Resuming crawl" in resumed.stderr
    assert Counter(r["canonical_url"] for r in exported(config)) == Counter(expected)
    assert client.zcard(keys.requests("justearthnews")) == 0
    assert client.zcard(keys.inflight_deadlines("justearthnews")) == 0


def test_bad_config_stops_the_service_with_a_message_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"sources": {"justearthnews": {
        "spider": "justearthnews", "base_url": "https://justearthnews.com", "allowed_domains": ["justearthnews.com"],
        "schedule": {"interval": "every tuesday"}}}}))
    result = run_jen("run", "--config", str(bad))
    assert result.returncode == 2
    assert "sources.justearthnews.schedule.interval" in result.stderr
    assert "'every tuesday'" in result.stderr
    assert "expected a duration" in result.stderr


def test_request_queue_entries_are_json_an_operator_can_read(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "config.yaml", replica["base_urls"], prefix="svc5", redis_url=redis_url,
                                  download_delay=0.2, concurrent_requests_per_domain=1)
    client, keys = redis.Redis.from_url(redis_url), Keys("svc5")
    crawl = start_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config),
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: client.zcard(keys.requests("justearthnews")) >= 3, 60, "queued requests")
        for raw in client.zrange(keys.requests("justearthnews"), 0, -1):
            entry = json.loads(raw)  # JSON, never pickle
            assert entry["url"].startswith("http://127.0.0.1:")
            assert entry["callback"] in ("parse_article", "parse_listing", "parse_sitemap", "parse_feed", "parse_print")
        peek = run_jen("inspect", "requests:justearthnews", "--peek", "2", "--json", "--config", str(config))
        assert [e["url"] for e in json.loads(peek.stdout)]
    finally:
        crawl.send_signal(signal.SIGTERM)
        crawl.wait(timeout=60)


def test_container_runs_the_service_with_a_health_check() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["jen", "run"]' in dockerfile
    assert 'HEALTHCHECK' in dockerfile and '"jen", "health"' in dockerfile
    assert "USER jen" in dockerfile and dockerfile.index("pip install .") < dockerfile.index("COPY crawler")
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert compose["services"]["app"]["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert "redis-data" in compose["volumes"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'jen = "crawler.cli:main"' in pyproject


def test_health_check_fails_without_a_service_and_passes_with_one(service: ServiceProcess, redis_url: str,
                                                                  service_config: Path) -> None:
    client, keys = redis.Redis.from_url(redis_url), Keys("svc")
    wait_for(lambda: client.exists(keys.service_heartbeat), 30, "service heartbeat")
    assert run_jen("health", "--config", str(service_config)).returncode == 0
    service.stop()
    result = run_jen("health", "--config", str(service_config))
    assert result.returncode == 1 and "no service heartbeat" in result.stderr


def test_embedded_redis_needs_nothing_installed_and_persists(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    source = {"spider": "justearthnews", "base_url": "https://justearthnews.com",
              "allowed_domains": ["justearthnews.com"]}
    config.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), "sources": {"justearthnews": source}}))
    started = run_jen("redis", "start", "--config", str(config))
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    assert url.startswith("unix://")
    redis.Redis.from_url(url).set("jen:probe", "kept")
    assert run_jen("redis", "stop", "--config", str(config)).stdout.strip() == "stopped"
    assert run_jen("redis", "status", "--config", str(config)).stdout.startswith("stopped")
    try:
        restarted = run_jen("redis", "start", "--config", str(config)).stdout.strip()
        assert redis.Redis.from_url(restarted).get("jen:probe") == b"kept"  # persisted under data/
    finally:
        run_jen("redis", "stop", "--config", str(config))
