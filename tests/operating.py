"""What the operator tests share: `jen run` as a real process to signal, a private Redis to break, and the
stored records and dead letters read back the way a user reads them (`jen export`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis
import yaml

from crawler.redisconn import Keys
from replica.testing import RedisServer, write_replica_config
from tests.helpers import run_jen, start_jen, wait_for

# Redis busy for `seconds` seconds with a script that does nothing (the way the issue measured it).
BUSY_SCRIPT = ("local t = tonumber(redis.call('TIME')[1]) "
               "while tonumber(redis.call('TIME')[1]) - t < tonumber(ARGV[1]) do end return 1")


def replica_config(tmp_path: Path, base_urls: dict[str, str], redis_url: str, prefix: str, *,
                   schedule: dict[str, Any] | None = None, sources: dict[str, dict[str, Any]] | None = None,
                   runs: dict[str, int] | None = None, name: str = "config.yaml", **politeness: Any) -> Path:
    """A config for the replica on a private Redis: no schedules unless given (``{"justearthnews": {...}}``),
    per-source overrides in ``sources``, and a ``runs:`` section."""
    path = write_replica_config(tmp_path / name, base_urls, prefix=prefix, redis_url=redis_url, **politeness)
    raw = yaml.safe_load(path.read_text())
    for source in raw["sources"].values():
        source.pop("schedule", None)
    for source, value in (schedule or {}).items():
        raw["sources"][source]["schedule"] = value
    for source, extra in (sources or {}).items():
        raw["sources"][source].update(extra)
    raw["data_dir"] = str(tmp_path / "data")
    if runs:
        raw["runs"] = runs
    path.write_text(yaml.safe_dump(raw))
    return path


class ServiceProcess:
    """`jen run` as a child process, logging to a file, stopped or killed with real signals."""

    def __init__(self, config: Path, log: Path, *args: str) -> None:
        self.log_path = log
        self._log = log.open("ab")
        self.process = start_jen("run", "--config", str(config), *args, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def send(self, signum: int) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signum)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 90) -> int:
        self.send(signum)
        code = self.process.wait(timeout=timeout)
        self._log.close()
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self._log.close()


def runs(client: redis.Redis, keys: Keys) -> list[dict[str, Any]]:
    """Every run record (the service's own bookkeeping, read as `jen inspect runs` shows it)."""
    return [json.loads(v) for v in client.hvals(keys.runs)]


def run_of(client: redis.Redis, keys: Keys, run_id: str) -> dict[str, Any]:
    raw = client.hget(keys.runs, run_id)
    return json.loads(raw) if raw else {}


def progress_articles(record: dict[str, Any]) -> int:
    """Articles stored so far by a running run, from the progress its crawl processes report."""
    return sum(int(part.get("articles") or 0) for worker in (record.get("progress") or {}).values()
               for part in worker.values())


def exported(config: Path, *args: str) -> list[dict[str, Any]]:
    """`jen export [ARGS] --config C`: the stored records (or dead letters), as a user reads them."""
    result = run_jen("export", *args, "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def dead_letter_counts(config: Path) -> dict[str, int]:
    """Reason -> how many times, from `jen export dead_letters` (an entry may stand for several: ``count``)."""
    counts: dict[str, int] = {}
    for entry in exported(config, "dead_letters"):
        counts[entry["reason"]] = counts.get(entry["reason"], 0) + int(entry.get("count", 1))
    return counts


def jen_articles(replica: dict) -> set[str]:
    return {p["canonical_url"] for p in replica["key"]["pages"] if p["kind"] == "article"
            and p["outlet"] == "justearthnews"}


def crawl_processes(config: Path) -> list[int]:
    """Pids of the crawl processes (`jen crawl --here`) running with this config file."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if state != "Z" and b"crawl" in args and b"--here" in args and str(config).encode() in args:
            found.append(int(entry.name))
    return found


def pid_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return True
    return state == "Z"


def listening_sockets(pid: int) -> list[str]:
    """The TCP/UDP/Unix sockets process ``pid`` listens on ("tcp 127.0.0.1:6023" ...), read from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                found.append(f"{table} {fields[1]}")
    for line in Path(f"/proc/{pid}/net/udp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[9] in inodes:
            found.append(f"udp {fields[1]}")
    for line in Path(f"/proc/{pid}/net/unix").read_text().splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 7 and fields[6] in inodes and fields[3] == "00010000":  # __SO_ACCEPTCON: listening
            found.append(f"unix {fields[7] if len(fields) > 7 else '?'}")
    return found


class BusyRedis:
    """Keeps a Redis busy with a long script on a connection of its own (real BUSY replies to everyone else)."""

    def __init__(self, url: str, seconds: float) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=seconds + 30)
        self.seconds = seconds
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.started = threading.Event()

    def _run(self) -> None:
        self.started.set()
        self.client.eval(BUSY_SCRIPT, 0, int(self.seconds))

    def __enter__(self) -> BusyRedis:
        self.thread.start()
        self.started.wait()
        time.sleep(0.3)  # the script is running now
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(timeout=self.seconds + 30)
        self.client.close()


def wait_for_heartbeat(client: redis.Redis, keys: Keys, pid: int | None = None, timeout: float = 30) -> dict:
    def fresh() -> dict | None:
        raw = client.get(keys.service_heartbeat)
        beat = json.loads(raw) if raw else None
        return beat if beat and (pid is None or beat.get("pid") == pid) else None

    return wait_for(fresh, timeout, f"the heartbeat of service {pid or ''}")


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The command's stderr, asserted to be exactly one line and no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert len(lines) == 1, result.stderr[-3000:]
    return lines[0]


def own_redis_server(**kwargs: Any) -> Iterator[RedisServer]:
    server = RedisServer(**kwargs).start()
    try:
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            os.kill(server.process.pid, signal.SIGCONT)  # a test that stopped it must not leave it stopped
        server.close()
