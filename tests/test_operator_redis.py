"""13.1 (service side): a Redis that is busy, full, read-only, refusing writes, frozen or restarted never kills a
thread of `jen run`; the service logs, backs off and resumes, and `jen health`, `jen inspect` and `jen crawl`
see it again once Redis answers."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import redis

from crawler.redisconn import Keys
from replica.testing import RedisServer, free_port
from tests.helpers import run_jen, wait_for
from tests.operating import (
    BusyRedis,
    ServiceProcess,
    own_redis_server,
    replica_config,
    wait_for_heartbeat,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    # Saves go to blocked.rdb: a directory of that name in its dir makes them fail (see _misconf).
    yield from own_redis_server(extra_args=["--dbfilename", "blocked.rdb"])


def _heartbeat_refreshed_after(client: redis.Redis, keys: Keys, moment: float, timeout: float = 15) -> None:
    def fresh() -> bool:
        raw = client.get(keys.service_heartbeat)
        if not raw:
            return False
        return datetime.fromisoformat(json.loads(raw)["at"]).timestamp() >= int(moment)

    wait_for(fresh, timeout, "a heartbeat written after the trouble")


def test_a_busy_redis_never_kills_the_service_threads_and_health_inspect_crawl_see_it_again(
        replica: dict, own_redis: RedisServer, tmp_path: Path) -> None:
    config = replica_config(tmp_path, replica["base_urls"], own_redis.url, "busy")
    client, keys = redis.Redis.from_url(own_redis.url), Keys("busy")
    service = ServiceProcess(config, tmp_path / "service.log")
    try:
        wait_for_heartbeat(client, keys, service.pid)
        with BusyRedis(own_redis.url, seconds=9):
            started = time.monotonic()
            during = run_jen("health", "--config", str(config))
            elapsed = time.monotonic() - started
            # In a script's first 5 s (busy-reply-threshold) Redis answers nothing at all, then BUSY.
            assert during.returncode == 1, during.stderr
            assert "busy" in during.stderr.lower() or "does not answer" in during.stderr, during.stderr
            assert elapsed < 5.5, f"jen health took {elapsed:.1f} s"
        ended = time.time()
        _heartbeat_refreshed_after(client, keys, ended)
        assert run_jen("health", "--config", str(config)).returncode == 0
        inspect = run_jen("inspect", "--json", "--config", str(config))
        assert inspect.returncode == 0, inspect.stderr
        assert json.loads(inspect.stdout)["service"]["pid"] == service.pid
        crawl = run_jen("crawl", "--source", "wftl", "--wait", "--timeout", "120", "--config", str(config))
        assert crawl.returncode == 0, crawl.stderr
        assert "wftl: 9 articles stored" in crawl.stdout  # the trigger listener is alive
    finally:
        assert service.stop() == 0
    log = service.log()
    assert "Exception in thread" not in log and "Traceback" not in log, log[-3000:]


def _misconf(client: redis.Redis, server: RedisServer) -> None:
    # A save that fails (its target is a directory) makes Redis refuse writes with MISCONF, as on a full disk.
    (server.dir / "blocked.rdb").mkdir(exist_ok=True)
    client.config_set("save", "3600 1")  # MISCONF guards configured snapshots only
    client.config_set("stop-writes-on-bgsave-error", "yes")
    client.bgsave()
    wait_for(lambda: client.info("persistence")["rdb_last_bgsave_status"] == "err", 10, "a failed save")
    with pytest.raises(redis.ResponseError, match="MISCONF"):
        redis.Redis.from_url(server.url).set("probe", "1")


def _unmisconf(client: redis.Redis, server: RedisServer) -> None:
    (server.dir / "blocked.rdb").rmdir()
    client.bgsave()
    wait_for(lambda: client.info("persistence")["rdb_last_bgsave_status"] == "ok", 10, "a good save")


@pytest.mark.parametrize("trouble", ["oom", "readonly", "misconf", "restart", "frozen"])
def test_every_kind_of_redis_trouble_is_survived_by_every_service_thread(
        trouble: str, replica: dict, own_redis: RedisServer, tmp_path: Path) -> None:
    """OOM, READONLY (a failover), MISCONF (a disk that cannot be written), a restart, and a frozen server
    (SIGSTOP: connections accepted, nothing answered, so every call times out)."""
    config = replica_config(tmp_path, replica["base_urls"], own_redis.url, "kinds")
    client, keys = redis.Redis.from_url(own_redis.url), Keys("kinds")
    service = ServiceProcess(config, tmp_path / "service.log")
    try:
        wait_for_heartbeat(client, keys, service.pid)
        # Trouble for a running service, not for one starting (its first heartbeat comes with its claim, before
        # it has started: a Redis refusing writes then stops it with exit code 6, as documented).
        wait_for(lambda: "service started" in service.log(), 30, "the service to have started")
        admin = redis.Redis.from_url(own_redis.url)
        if trouble == "oom":
            admin.config_set("maxmemory-policy", "noeviction")
            admin.config_set("maxmemory", "1")
            time.sleep(6)
            admin.config_set("maxmemory", "0")
        elif trouble == "readonly":
            admin.replicaof("127.0.0.1", free_port())  # a primary that is not there: read-only until promoted
            time.sleep(6)
            admin.replicaof("NO", "ONE")
        elif trouble == "misconf":
            _misconf(admin, own_redis)
            time.sleep(6)
            _unmisconf(admin, own_redis)
        elif trouble == "restart":
            own_redis.stop()
            time.sleep(5)
            own_redis.start()
        else:
            assert own_redis.process is not None
            os.kill(own_redis.process.pid, signal.SIGSTOP)
            time.sleep(8)
            os.kill(own_redis.process.pid, signal.SIGCONT)
        ended = time.time()
        client = redis.Redis.from_url(own_redis.url)
        _heartbeat_refreshed_after(client, keys, ended, timeout=40)
        assert service.process.poll() is None
        assert run_jen("health", "--config", str(config)).returncode == 0
        # The trigger listener took up its work again: a trigger is picked up and run.
        queued = run_jen("crawl", "--source", "wftl", "--config", str(config))
        assert queued.returncode == 0, queued.stderr
        run_id = queued.stdout.split("queued run ", 1)[1].split()[0]
        wait_for(lambda: client.hget(keys.runs, run_id), 30, "the run record of the trigger")
    finally:
        assert service.stop() == 0
    log = service.log()
    assert "Exception in thread" not in log and "Traceback" not in log, log[-3000:]
    if trouble != "frozen":  # a frozen server shorter than the socket timeout (30 s) is only a slow answer
        assert "backing off" in log or "retrying" in log  # it said so instead of dying


def test_a_run_that_met_redis_errors_says_so_in_its_run_record(replica: dict, own_redis: RedisServer,
                                                               tmp_path: Path) -> None:
    config = replica_config(tmp_path, replica["base_urls"], own_redis.url, "met", download_delay=0.1,
                            concurrent_requests_per_domain=1)
    client, keys = redis.Redis.from_url(own_redis.url), Keys("met")
    from tests.helpers import start_jen

    # A request taken while a reply timed out comes back when its lease ends: a short lease, a short test.
    crawl = start_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config),
                      "-s", "JEN_QUEUE_LEASE_SECONDS=15")
    wait_for(lambda: client.zcard(keys.requests("justearthnews")) > 5, 60, "a queue")
    with BusyRedis(own_redis.url, seconds=8):  # past busy-reply-threshold (5 s): real BUSY replies
        pass
    out, err = crawl.communicate(timeout=300)
    assert crawl.returncode == 0, err[-2000:]
    assert "Redis errors (retried)" in out
    record = next(json.loads(v) for v in client.hvals(keys.runs))
    assert record["summary"]["redis_retries"] > 0 and record["met_redis_errors"] is True
