"""13.3: restarts resume at once, stale run records are closed with the reason, crawls end with their service
(SIGTERM, SIGINT, SIGKILL) or are adopted by the next one and never joined, one `jen run` per key prefix, and
schedule and run updates lose nothing. Every crawl here is a real `jen run` child killed with real signals; the
stored records are read back with `jen export`: every article of the replica, each exactly once."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis

from crawler.config import load_config
from crawler.redisconn import Keys
from crawler.service import JsonHash, Service
from tests.helpers import run_jen, wait_for
from tests.operating import (
    ServiceProcess,
    crawl_processes,
    exported,
    jen_articles,
    one_line_error,
    pid_gone,
    progress_articles,
    replica_config,
    run_of,
    runs,
    wait_for_heartbeat,
)

pytestmark = pytest.mark.slow

# Slow enough to be interrupted halfway (46 articles, 72 pages), fast enough for a test.
SLOW = {"download_delay": 0.15, "concurrent_requests_per_domain": 1}
# A killed crawl's leases come back in seconds, so the resumed crawl does not wait five minutes for them.
SHORT_LEASES = ("-s", "JEN_QUEUE_LEASE_SECONDS=5")


def _slow_jen_config(tmp_path: Path, replica: dict, redis_url: str, prefix: str) -> Path:
    return replica_config(tmp_path, replica["base_urls"], redis_url, prefix,
                          schedule={"justearthnews": {"interval": "1h"}}, **SLOW)


@dataclass
class Halfway:
    """A service halfway through a scheduled crawl of Just Earth News."""

    config: Path
    client: redis.Redis
    keys: Keys
    service: ServiceProcess
    run: dict[str, Any]

    @property
    def child(self) -> int:
        return int(self.run["processes"]["0"]["pid"])

    def record(self) -> dict[str, Any]:
        return run_of(self.client, self.keys, self.run["id"])


def _halfway(tmp_path: Path, replica: dict, redis_url: str, prefix: str, *args: str) -> Halfway:
    config = _slow_jen_config(tmp_path, replica, redis_url, prefix)
    client, keys = redis.Redis.from_url(redis_url), Keys(prefix)
    service = ServiceProcess(config, tmp_path / "first.log", *args)
    try:
        return Halfway(config, client, keys, service, _crawling(client, keys))
    except BaseException:
        service.kill()
        raise


def _crawling(client: redis.Redis, keys: Keys, articles: int = 3) -> dict[str, Any]:
    """The running scheduled run, once it has stored a few articles."""
    def running() -> dict[str, Any] | None:
        return next((r for r in runs(client, keys) if r.get("status") == "running"
                     and progress_articles(r) >= articles and r.get("processes")), None)

    return wait_for(running, 120, "a crawl halfway", step=0.5)


def _resumed_and_finished(client: redis.Redis, keys: Keys, after: float, timeout: float = 300) -> dict[str, Any]:
    def resumed() -> dict[str, Any] | None:
        return next((r for r in runs(client, keys) if r["kind"] == "resume" and r.get("started_at")
                     and datetime.fromisoformat(r["started_at"]).timestamp() >= int(after)), None)

    run = wait_for(resumed, 30, "a resumed run, at once")
    return wait_for(lambda: (r := run_of(client, keys, run["id"])).get("exit_code") is not None and r, timeout,
                    "the resumed run to finish", step=0.5)


def _restart_resumes_and_stores_everything_once(crawl: Halfway, replica: dict, log: Path, *args: str,
                                                before: Any = None) -> dict[str, Any]:
    """Start the service again: it resumes the crawl at once (``before()`` runs first, with it up), the resumed
    run finishes, and every article of the replica is stored exactly once."""
    restarted = time.time()
    service = ServiceProcess(crawl.config, log, *args)
    try:
        if before:
            before()
        resumed = _resumed_and_finished(crawl.client, crawl.keys, restarted)
    finally:
        assert service.stop() == 0
    assert resumed["status"] == "finished", resumed
    assert datetime.fromisoformat(resumed["started_at"]).timestamp() - restarted < 15  # not an interval later
    _every_article_once(crawl.config, replica)
    return resumed


def _every_article_once(config: Path, replica: dict) -> None:
    stored = Counter(r["canonical_url"] for r in exported(config))
    assert stored == Counter(jen_articles(replica)), "not every article stored, or one stored twice"


def test_ctrl_c_on_the_service_ends_its_crawl_gracefully(replica: dict, redis_url: str, tmp_path: Path) -> None:
    crawl = _halfway(tmp_path, replica, redis_url, "sigint")
    assert crawl.service.stop(signal.SIGINT) == 0
    assert pid_gone(crawl.child)
    interrupted = crawl.record()
    assert interrupted["status"] == "interrupted" and interrupted["summary"]["finish_reason"] == "shutdown"
    assert not crawl.client.exists(crawl.keys.service_heartbeat)


def test_a_stopped_service_ends_its_crawl_and_the_restarted_one_resumes_it_at_once(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    crawl = _halfway(tmp_path, replica, redis_url, "sigterm")
    assert crawl.service.stop(signal.SIGTERM) == 0  # a container stop: a clean exit
    assert pid_gone(crawl.child)
    interrupted = crawl.record()
    assert interrupted["status"] == "interrupted" and interrupted["exit_code"] != 0
    overview = json.loads(run_jen("inspect", "--json", "--config", str(crawl.config)).stdout)
    assert overview["sources"]["justearthnews"]["pending_requests"] > 0  # what was left stays queued

    resumed = _restart_resumes_and_stores_everything_once(crawl, replica, tmp_path / "second.log")
    assert resumed["resumes"] == crawl.run["id"]


def test_sigkill_of_the_service_its_crawl_stops_by_itself_and_the_restart_resumes(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    crawl = _halfway(tmp_path, replica, redis_url, "kill1", *SHORT_LEASES)
    crawl.service.kill()
    # The orphaned crawl notices its service is gone and stops gracefully, recording why.
    wait_for(lambda: pid_gone(crawl.child), 30, "the orphaned crawl to stop")
    stopped = wait_for(lambda: (r := crawl.record())["status"] != "running" and r, 10, "the crawl's record of its end")
    assert stopped["status"] == "interrupted"
    assert "is gone" in stopped["reason"] and str(crawl.service.pid) in stopped["reason"]

    _restart_resumes_and_stores_everything_once(crawl, replica, tmp_path / "second.log", *SHORT_LEASES)


def test_sigkill_of_service_and_crawl_leaves_running_records_that_the_restart_closes_with_the_reason(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    crawl = _halfway(tmp_path, replica, redis_url, "kill2", *SHORT_LEASES)
    os.kill(crawl.child, signal.SIGKILL)
    crawl.service.kill()
    wait_for(lambda: pid_gone(crawl.child), 10, "the killed crawl")
    assert crawl.record()["status"] == "running"  # nobody left to say otherwise

    closed: dict[str, Any] = {}

    def stale_record_closed() -> None:
        closed.update(wait_for(lambda: (r := crawl.record())["status"] != "running" and r, 30,
                               "the stale record to be closed"))

    _restart_resumes_and_stores_everything_once(crawl, replica, tmp_path / "second.log", *SHORT_LEASES,
                                                before=stale_record_closed)
    assert closed["status"] == "interrupted"
    assert "closed at service start" in closed["reason"] and f"pid {crawl.child}" in closed["reason"]
    assert not [r for r in runs(crawl.client, crawl.keys) if r["status"] in ("running", "waiting")]


def test_a_crawl_outliving_a_killed_service_is_adopted_by_the_next_never_joined(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    crawl = _halfway(tmp_path, replica, redis_url, "adopt")
    os.kill(crawl.child, signal.SIGSTOP)  # it cannot notice yet that its service is gone
    crawl.service.kill()
    second = ServiceProcess(crawl.config, tmp_path / "second.log")
    try:
        _adopted_never_joined(crawl, second, replica)
    finally:
        with contextlib.suppress(ProcessLookupError):  # a failed test must not leave a stopped crawl behind
            os.kill(crawl.child, signal.SIGCONT)


def _adopted_never_joined(crawl: Halfway, second: ServiceProcess, replica: dict) -> None:
    try:
        wait_for(lambda: crawl.record().get("adopted_by", {}).get("pid") == second.pid, 30, "the adoption")
        time.sleep(4)  # nothing may start a second crawl of the source meanwhile
        assert crawl_processes(crawl.config) == [crawl.child]
        os.kill(crawl.child, signal.SIGCONT)
        wait_for(lambda: pid_gone(crawl.child), 30, "the adopted crawl to end")
        after = wait_for(lambda: next((r for r in runs(crawl.client, crawl.keys) if r["id"] != crawl.run["id"]
                                       and r.get("exit_code") is not None), None), 300,
                         "the crawl after the adopted one", step=0.5)
    finally:
        assert second.stop() == 0
    assert crawl.record()["status"] == "interrupted"
    assert after["kind"] == "resume" and after["status"] == "finished", after
    assert after["summary"]["joined_run"] is False  # a run of its own, started after the adopted one ended
    assert "adopted run" in second.log()
    _every_article_once(crawl.config, replica)


def test_a_second_service_refuses_naming_the_first_and_a_killed_first_does_not_block(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "one")
    client, keys = redis.Redis.from_url(redis_url), Keys("one")
    first = ServiceProcess(config, tmp_path / "first.log")
    try:
        wait_for_heartbeat(client, keys, first.pid)
        second = run_jen("run", "--config", str(config), timeout=60)
        assert second.returncode == 8
        line = one_line_error(second)
        assert f"pid {first.pid} on host {socket.gethostname()}" in line and "'one'" in line
        assert wait_for_heartbeat(client, keys)["pid"] == first.pid  # the first one is untouched
    finally:
        first.kill()  # SIGKILL: its heartbeat stays behind for up to 10 s
    third = ServiceProcess(config, tmp_path / "third.log")
    try:
        wait_for_heartbeat(client, keys, third.pid, timeout=20)
        assert "is gone without stopping; taking over" in third.log()
    finally:
        assert third.stop() == 0


def test_a_trigger_taken_by_a_service_that_died_before_starting_it_is_run_by_the_next(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "taken")
    client, keys = redis.Redis.from_url(redis_url), Keys("taken")
    # What a service killed between taking a trigger and starting its run leaves behind.
    client.rpush(keys.triggers_taken, json.dumps({"id": "left-behind", "source": "wftl", "urls": []}))
    service = ServiceProcess(config, tmp_path / "service.log")
    try:
        run = wait_for(lambda: run_of(client, keys, "left-behind").get("exit_code") is not None and
                       run_of(client, keys, "left-behind"), 90, "the left-behind trigger's run")
    finally:
        assert service.stop() == 0
    assert run["status"] == "finished" and run["summary"]["articles"] == 9
    assert client.llen(keys.triggers_taken) == 0 and client.llen(keys.triggers) == 0


def test_schedule_and_run_updates_from_many_threads_lose_nothing(redis_client: redis.Redis, tmp_path: Path) -> None:
    book = JsonHash(redis_client, "atomic:runs")

    def update(worker: int) -> None:
        for n in range(150):
            book.merge("run-1", {f"field{worker}": n, "workers": {str(worker): {"pages": n}}})

    threads = [threading.Thread(target=update, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    record = book.get("run-1")
    assert record == {**{f"field{w}": 149 for w in range(4)}, "workers": {str(w): {"pages": 149} for w in range(4)}}

    # The service's own schedule writes: "last run" (the job) and "next run" (the scheduler's listener) at once.
    config_path = tmp_path / "c.yaml"
    config_path.write_text("redis: {key_prefix: atomic}\nsources:\n  s: {spider: outlet, start_urls: ['http://x.org/'],"
                           " allowed_domains: [x.org]}\n")
    service = Service(load_config(config_path, env={}), str(config_path), redis_client, "redis://unused")
    writers = [threading.Thread(target=lambda f=f: [service._save_schedule("s", **{f: i}) for i in range(150)])
               for f in ("last_run", "next_run", "schedule")]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    assert json.loads(redis_client.hget(Keys("atomic").schedule, "s")) == {"last_run": 149, "next_run": 149,
                                                                          "schedule": 149}
