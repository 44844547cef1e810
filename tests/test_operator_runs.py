"""13.7 and 12 (service side): `jen crawl --wait` shows progress and notices a dead service; every run, `--here`
ones too, leaves a record and a log, both bounded; `workers: N` runs N crawler processes on one crawl; `jen --help`
imports none of the heavy packages."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from crawler.redisconn import Keys
from tests.helpers import ROOT, run_jen, start_jen, wait_for
from tests.operating import (
    ServiceProcess,
    crawl_processes,
    exported,
    jen_articles,
    replica_config,
    run_of,
    runs,
    wait_for_heartbeat,
)

HEAVY = ("scrapy", "twisted", "datasketch", "trafilatura", "numpy", "lxml", "bs4", "redis", "apscheduler",
         "sqlalchemy", "yaml")


def _imported_by(*args: str) -> set[str]:
    """Top-level packages `jen ARGS` imports (from ``python -X importtime``)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "crawler.cli", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines()
            if line.startswith("import time:")}


def test_help_imports_none_of_the_heavy_packages() -> None:
    for args in (["--help"], []):
        imported = _imported_by(*args)
        assert "crawler" in imported
        assert not imported & set(HEAVY), f"jen {' '.join(args)} imports {sorted(imported & set(HEAVY))}"
    # A command imports what it uses, not what the others do.
    health = _imported_by("health", "--config", str(ROOT / "config" / "settings.yaml"))
    assert "redis" in health and not health & {"scrapy", "twisted", "datasketch", "trafilatura", "apscheduler"}


@pytest.mark.slow
def test_crawl_wait_shows_progress_and_notices_when_the_service_dies(replica: dict, redis_url: str,
                                                                     tmp_path: Path) -> None:
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "wait", download_delay=0.2,
                            concurrent_requests_per_domain=1)
    client, keys = redis.Redis.from_url(redis_url), Keys("wait")
    service = ServiceProcess(config, tmp_path / "service.log")
    try:
        wait_for_heartbeat(client, keys, service.pid)
        waiter = start_jen("crawl", "--source", "justearthnews", "--wait", "--config", str(config))
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(iter(waiter.stderr.readline, "")), daemon=True)
        reader.start()
        wait_for(lambda: any("running, pages" in line and "pages 0," not in line for line in lines), 60,
                 "a progress line with pages fetched")
    finally:
        service.kill()  # SIGKILL: no goodbye, the heartbeat just stops
    killed = time.monotonic()
    try:
        waiter.wait(timeout=60)
    finally:
        if waiter.poll() is None:
            waiter.kill()
    reader.join(timeout=10)
    assert waiter.returncode == 4, lines
    assert time.monotonic() - killed < 20  # the heartbeat's 10 s, not the hour of --timeout
    assert "the service stopped before run" in lines[-1] and "jen run" in lines[-1]
    wait_for(lambda: not crawl_processes(config), 30, "the orphaned crawl to stop by itself")


@pytest.mark.slow
def test_every_run_keeps_a_bounded_log_and_record_and_only_the_newest_are_kept(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    cap = 60_000
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "logs",
                            runs={"keep": 3, "keep_logs": 2, "log_max_bytes": cap})
    client, keys = redis.Redis.from_url(redis_url), Keys("logs")
    for _ in range(4):  # DEBUG logs every page and item (each fetched again): far more than the cap
        crawl = run_jen("crawl", "--here", "--source", "wftl", "-s", "LOG_LEVEL=DEBUG", "-s", "JEN_SKIP_STORED=false",
                        "--config", str(config))
        assert crawl.returncode == 0, crawl.stderr[-2000:]
    records = sorted(runs(client, keys), key=lambda r: r["started_at"])
    assert len(records) == 3  # runs.keep: the oldest run was trimmed
    assert all(r["kind"] == "here" and r["status"] == "finished" and r["summary"]["articles"] == 9 for r in records)
    inspect = run_jen("inspect", "runs", "--json", "--config", str(config))
    assert inspect.returncode == 0 and len(json.loads(inspect.stdout)) == 3
    logs = sorted((tmp_path / "data" / "logs" / "runs").glob("*.log"))
    assert [p.name for p in logs] == [Path(r["log"]).name for r in records[-2:]]  # runs.keep_logs: the newest
    for log in logs:
        rolled = log.with_name(log.name + ".1")
        assert rolled.exists()  # it did outgrow the cap
        longest = max(len(line.encode()) for part in (log, rolled) for line in part.read_text().splitlines())
        assert log.stat().st_size + rolled.stat().st_size <= cap + 2 * longest
        # The end of the run is kept (its last lines may have rolled the file over just after it).
        assert "Spider closed (finished)" in rolled.read_text() + log.read_text()


@pytest.mark.slow
def test_workers_share_one_run_and_its_record_adds_their_summaries_up(replica: dict, redis_url: str,
                                                                      tmp_path: Path) -> None:
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "workers",
                            sources={"justearthnews": {"workers": 2}}, download_delay=0.1,
                            concurrent_requests_per_domain=2)
    client, keys = redis.Redis.from_url(redis_url), Keys("workers")
    service = ServiceProcess(config, tmp_path / "service.log")
    try:
        wait_for_heartbeat(client, keys, service.pid)
        crawl = run_jen("crawl", "--source", "justearthnews", "--wait", "--timeout", "300", "--config", str(config))
    finally:
        assert service.stop() == 0
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "by 2 workers" in crawl.stdout
    record = run_of(client, keys, crawl.stdout.split("queued run ", 1)[1].split()[0])
    assert record["worker_count"] == 2 and len(record["processes"]) == 2
    workers = record["workers"]
    assert sorted(workers) == ["0", "1"] and all(w["pages"] > 0 for w in workers.values())  # both did work
    assert workers["0"]["joined_run"] is False and workers["1"]["joined_run"] is True  # one crawl, shared
    for count in ("pages", "articles", "skipped_already_stored"):
        assert record["summary"][count] == sum(w[count] for w in workers.values())
    assert record["status"] == "finished" and record["exit_codes"] == [0, 0]
    assert Counter(r["canonical_url"] for r in exported(config)) == Counter(jen_articles(replica))
