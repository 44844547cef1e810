"""13.5: every runtime failure of a `jen` command is one clear line on stderr and a documented exit code, never a
traceback: an unreachable or frozen Redis, a read-only or full data_dir (real file systems, mounted here), a full
output, bad input, a bad -s setting, MISCONF from a Redis whose disk is full; closed pipes end quietly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import yaml

from crawler.cli import EXIT_CODES_HELP
from replica.testing import RedisServer, free_port
from tests.helpers import ROOT, clean_env, run_jen, start_jen, wait_for
from tests.operating import exported, one_line_error, own_redis_server, replica_config

pytestmark = pytest.mark.slow


def _config(tmp_path: Path, redis_url: str | None, data_dir: Path | None = None, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    source = {"spider": "outlet", "start_urls": ["http://127.0.0.1:9/"], "allowed_domains": ["127.0.0.1"],
              "allow_private": True}
    path.write_text(yaml.safe_dump({"redis": {"url": redis_url, "key_prefix": "err"}, "sources": {"s": source},
                                    "data_dir": str(data_dir or tmp_path / "data")}))
    return path


@pytest.mark.parametrize(("command", "code"), [
    (["inspect"], 6), (["export", "dead_letters"], 6), (["dupes"], 6), (["crawl", "--source", "s"], 6),
    (["crawl", "--here", "--source", "s"], 6), (["run"], 6), (["health"], 1), (["redis", "status"], 6),
])
def test_an_unreachable_redis_is_one_line_and_exit_code_6(command: list[str], code: int, tmp_path: Path) -> None:
    config = _config(tmp_path, f"redis://:pw-never-shown@127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    result = run_jen(*command, "--config", str(config), timeout=60)
    assert result.returncode == code, result.stderr
    if command[0] == "redis":
        assert "not answering" in result.stdout
        return
    line = one_line_error(result)
    assert "reach Redis" in line and ("start it" in line or "REDIS_URL" in line)
    assert "pw-never-shown" not in line
    assert time.monotonic() - started < 30  # seconds, not the service's two minutes


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    yield from own_redis_server()


def test_health_answers_within_5_s_when_redis_accepts_connections_but_never_answers(
        own_redis: RedisServer, tmp_path: Path) -> None:
    config = _config(tmp_path, own_redis.url)
    assert own_redis.process is not None
    os.kill(own_redis.process.pid, signal.SIGSTOP)  # the kernel still accepts connections; nothing answers
    try:
        started = time.monotonic()
        result = run_jen("health", "--config", str(config))
        elapsed = time.monotonic() - started
    finally:
        os.kill(own_redis.process.pid, signal.SIGCONT)
    assert result.returncode == 1
    assert "does not answer" in one_line_error(result)
    assert elapsed < 5, f"jen health took {elapsed:.1f} s"


def test_exit_codes_are_documented_in_help_and_readme() -> None:
    result = run_jen("--help")
    assert result.returncode == 0 and EXIT_CODES_HELP.strip() in result.stdout
    readme = (ROOT / "README.md").read_text()
    for line in EXIT_CODES_HELP.splitlines()[1:]:
        code = line.split()[0]
        assert f"| {code} |" in readme, f"exit code {code} missing from the README"


def test_a_full_output_file_is_one_line_and_exit_code_7(redis_url: str, tmp_path: Path) -> None:
    result = run_jen("export", "dead_letters", "-o", "/dev/full", "--config", str(_config(tmp_path, redis_url)))
    # Nothing to write yet is no error; give it something (a dead letter, the way the CLI makes one).
    assert result.returncode == 0, result.stderr
    assert run_jen("crawl", "--here", "--source", "s", "ftp://127.0.0.1/x", "--config",
                   str(_config(tmp_path, redis_url))).returncode == 3
    result = run_jen("export", "dead_letters", "-o", "/dev/full", "--config", str(_config(tmp_path, redis_url)))
    assert result.returncode == 7
    assert "cannot write /dev/full: No space left on device" in one_line_error(result)


def test_dedupe_input_that_is_not_utf8_or_not_text_is_one_line_naming_the_line(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes(b'{"id": "a", "text": "fine"}\n{"id": "b", "text": "caf\xe9"}\n')
    result = run_jen("dedupe", str(latin1))
    assert result.returncode == 2
    assert "line 2: not UTF-8" in one_line_error(result)
    numbers = tmp_path / "numbers.jsonl"
    numbers.write_text('{"id": "a", "text": 12345}\n')
    result = run_jen("dedupe", str(numbers))
    assert result.returncode == 2
    assert "line 1" in one_line_error(result) and "not a string" in result.stderr


@pytest.mark.parametrize("command", [["crawl", "--here", "--source", "s"], ["run"]])
@pytest.mark.parametrize(("setting", "says"), [("DOWNLOAD_DELAY=abc", "expected a number"),
                                               ("CONCURRENT_REQUESTS=lots", "expected a whole number"),
                                               ("DOWNLOAD_DELAI=1", "the name of a Scrapy or JEN_* setting"),
                                               ("JEN_QUEUE_LEASE_SECONDS=soon", "a number"),
                                               ("TELNETCONSOLE_ENABLED=1", "listening socket")])
def test_a_bad_scrapy_setting_is_refused_before_anything_starts(command: list[str], setting: str, says: str,
                                                                tmp_path: Path) -> None:
    result = run_jen(*command, "-s", setting, "--config", str(_config(tmp_path, "redis://127.0.0.1:9/0")))
    assert result.returncode == 2
    line = one_line_error(result)
    assert setting.split("=")[0] in line and says in line


def _to_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `jen ARGS` with its stdout a pipe nobody reads any more (`jen ... | head` after head exited)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, stdout=write_end,
                                 stderr=subprocess.PIPE, text=True, timeout=120, env=clean_env())
    finally:
        os.close(write_end)
    return process


def test_closed_pipes_end_quietly(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "pipe")
    assert run_jen("crawl", "--here", "--source", "wftl", "--config", str(config)).returncode == 0
    assert run_jen("crawl", "--here", "--source", "wftl", "ftp://x/", "--config", str(config)).returncode == 3
    assert exported(config) and exported(config, "dead_letters")
    for command in (["export"], ["export", "dead_letters"], ["inspect"], ["inspect", "--json"],
                    ["inspect", "runs"], ["dupes"]):
        result = _to_closed_pipe(*command, "--config", str(config))
        assert result.returncode == 141, (command, result.stderr)
        assert result.stderr == "", (command, result.stderr)


# --- real file systems: read-only, full ----------------------------------------------------------------
@pytest.fixture
def mount(tmp_path: Path) -> Iterator[object]:
    """``mount(name, size, read_only)``: a tmpfs of its own, unmounted after the test (skipped without root)."""
    mounted: list[Path] = []

    def make(name: str, size: str = "1m", read_only: bool = False) -> Path:
        point = tmp_path / name
        point.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode()[:200]}")
        mounted.append(point)
        return point

    yield make
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as out, pytest.raises(OSError):
        while True:
            out.write(b"\0" * 65536)
            out.flush()


@pytest.mark.parametrize("command", [["inspect"], ["run"], ["crawl", "--here", "--source", "s"], ["redis", "start"]])
def test_a_read_only_data_dir_is_one_line_and_exit_code_7(command: list[str], mount: object,
                                                          tmp_path: Path) -> None:
    data_dir = mount("readonly", read_only=True)  # type: ignore[operator]
    result = run_jen(*command, "--config", str(_config(tmp_path, None, data_dir)))
    assert result.returncode == 7, result.stderr
    line = one_line_error(result)
    assert str(data_dir) in line and "Read-only file system" in line


@pytest.mark.parametrize("command", [["run"], ["crawl", "--here", "--source", "s"]])
def test_a_full_data_dir_is_one_line_and_exit_code_7(command: list[str], mount: object, redis_url: str,
                                                     tmp_path: Path) -> None:
    data_dir = mount("full", size="256k")  # type: ignore[operator]
    _fill(data_dir)
    result = run_jen(*command, "--config", str(_config(tmp_path, redis_url, data_dir)))
    assert result.returncode == 7, result.stderr
    line = one_line_error(result)
    assert str(data_dir) in line and "No space left on device" in line


def _redis_on_full_disk(mount: object) -> RedisServer:
    disk = mount("redis-disk", size="2m")  # type: ignore[operator]
    # "always" would make Redis exit on a failed write; "everysec" (the usual setting) refuses writes: MISCONF.
    server = RedisServer(extra_args=["--appendfsync", "everysec"])
    shutil.rmtree(server.dir)
    server.dir = disk  # its append-only file on a small disk of its own
    server.start()
    return server


def _full_and_refusing(server: RedisServer) -> None:
    _fill(server.dir)
    client = redis.Redis.from_url(server.url)
    with pytest.raises(redis.ResponseError, match="MISCONF"):
        for _ in range(10):  # the first big write fills the last page; the next ones are refused
            client.set("filler", "x" * 100_000)
            time.sleep(1.1)  # the append-only file is written once a second at most


def test_misconf_from_a_full_disk_fails_fast_with_a_message_and_reads_still_work(
        replica: dict, mount: object, tmp_path: Path) -> None:
    server = _redis_on_full_disk(mount)
    try:
        config = replica_config(tmp_path, replica["base_urls"], server.url, "full")
        assert run_jen("crawl", "--here", "--source", "wftl", "--config", str(config)).returncode == 0
        _full_and_refusing(server)
        started = time.monotonic()
        crawl = run_jen("crawl", "--here", "--source", "wftl", "--config", str(config), timeout=120)
        assert crawl.returncode == 6
        line = one_line_error(crawl)
        assert "cannot save to disk" in line and "free space" in line
        assert time.monotonic() - started < 20  # at once, not after minutes of retries
        assert len(exported(config)) == 9  # reading works on a Redis that refuses writes
        inspect = run_jen("inspect", "--config", str(config))
        assert inspect.returncode == 0, inspect.stderr
    finally:
        server.stop()


def test_a_disk_that_fills_up_mid_crawl_stops_the_crawl_with_one_message(
        replica: dict, mount: object, tmp_path: Path) -> None:
    server = _redis_on_full_disk(mount)
    try:
        config = replica_config(tmp_path, replica["base_urls"], server.url, "midway", download_delay=0.2,
                                concurrent_requests_per_domain=1)
        crawl = start_jen("crawl", "--here", "--source", "justearthnews", "--config", str(config))
        client = redis.Redis.from_url(server.url)
        wait_for(lambda: client.zcard("midway:justearthnews:requests") > 3, 60, "the crawl under way")
        _full_and_refusing(server)
        refused_at = time.monotonic()
        _, err = crawl.communicate(timeout=180)
        assert crawl.returncode == 6, err[-3000:]
        assert time.monotonic() - refused_at < 60  # it stopped, instead of retrying every write for minutes
        last = [line for line in err.splitlines() if line.strip()][-1]
        assert last.startswith("jen crawl: ") and "cannot save to disk" in last and "queue is kept" in last
    finally:
        if "crawl" in locals() and crawl.poll() is None:
            crawl.kill()
            crawl.wait(timeout=30)
        server.stop()


def test_the_embedded_redis_on_a_full_disk_stops_with_a_message_or_by_force(mount: object, tmp_path: Path) -> None:
    data_dir = mount("embedded", size="4m")  # type: ignore[operator]
    config = _config(tmp_path, None, data_dir)
    url = run_jen("redis", "start", "--config", str(config)).stdout.strip()
    try:
        client = redis.Redis.from_url(url)
        client.set("kept", "1")
        _fill(data_dir)
        stop = run_jen("redis", "stop", "--config", str(config))
        if stop.returncode == 0:  # it could save after all (nothing new since its last write)
            assert stop.stdout.strip() == "stopped"
            return
        assert stop.returncode == 6
        assert "--force" in one_line_error(stop)
        forced = run_jen("redis", "stop", "--force", "--config", str(config))
        assert forced.returncode == 0 and "stopped" in forced.stdout
        assert run_jen("redis", "status", "--config", str(config)).stdout.startswith("stopped")
    finally:
        (data_dir / "filler").unlink(missing_ok=True)
        run_jen("redis", "stop", "--force", "--config", str(config))
