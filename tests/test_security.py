"""Security: only what the configuration allows is fetched, nothing from Redis is unpickled, and Redis
passwords (and TLS) work without ever showing up in logs, `jen inspect` or errors."""

from __future__ import annotations

import contextlib
import http.server
import json
import pickle
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import yaml

from crawler.config import load_config
from crawler.failures import DeadLetters
from crawler.items import FetchFailure
from crawler.middlewares import refusal_reason
from crawler.redisconn import Keys
from crawler.service import Service
from replica.testing import RedisServer, free_port, write_replica_config
from tests.helpers import clean_env, run_jen, wait_for
from tests.operating import (
    ServiceProcess,
    dead_letter_counts,
    exported,
    listening_sockets,
    one_line_error,
    replica_config,
    run_of,
    wait_for_heartbeat,
)


@pytest.mark.parametrize(
    ("url", "allow_private", "refused_because"),
    [
        ("file:///etc/passwd", True, "scheme 'file'"),
        ("ftp://justearthnews.com/x", True, "scheme 'ftp'"),
        ("data:text/html,hi", True, "scheme 'data'"),
        ("https://evil.example/", False, "outside the allowed domains"),
        ("https://justearthnews.com.evil.example/", False, "outside the allowed domains"),
        ("http://10.0.0.1/", False, "outside"),
        ("http://127.0.0.1:8800/", False, "private or loopback"),
        ("http://169.254.169.254/latest/meta-data/", False, "private or loopback"),
        ("http://[::1]:8800/", False, "private or loopback"),
        ("http://localhost:8800/", False, "private or loopback"),
        ("http://127.0.0.1:8800/", True, None),
        ("https://justearthnews.com/people-details/HC/6181/x.html", False, None),
        ("https://www.justearthnews.com/", False, None),
    ],
)
def test_only_allowed_hosts_and_schemes_may_be_fetched(url: str, allow_private: bool,
                                                       refused_because: str | None) -> None:
    domains = ["justearthnews.com", "127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "localhost"]
    if "10.0.0.1" in url or "evil" in url:
        domains = ["justearthnews.com"]
    reason = refusal_reason(url, domains, allow_private)
    if refused_because is None:
        assert reason is None
    else:
        assert reason is not None and refused_because in reason


class _Hits(http.server.BaseHTTPRequestHandler):
    """Counts requests; on /story/* redirects to the target given to the server."""

    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        if self.path.startswith("/story/"):
            self.send_response(302)
            self.send_header("Location", self.server.redirect_to)  # type: ignore[attr-defined]
            self.end_headers()
            return
        body = b"<html><body><h1>secret</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def two_hosts() -> Iterator[tuple[http.server.HTTPServer, http.server.HTTPServer]]:
    """A host the source may crawl (127.0.0.5) redirecting to one it may not (127.0.0.6)."""
    port = free_port("127.0.0.5")
    servers = [http.server.ThreadingHTTPServer((host, port), _Hits) for host in ("127.0.0.5", "127.0.0.6")]
    for server in servers:
        server.hits = []  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].redirect_to = f"http://127.0.0.6:{port}/secret"  # type: ignore[attr-defined]
    yield servers[0], servers[1]
    for server in servers:
        server.shutdown()


@pytest.mark.slow
def test_a_redirect_to_a_host_the_source_does_not_allow_is_refused_and_never_fetched(
        two_hosts: tuple, redis_url: str, tmp_path: Path) -> None:
    allowed, forbidden = two_hosts
    port = allowed.server_address[1]
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({
        "redis": {"url": redis_url, "key_prefix": "sec1"}, "data_dir": str(tmp_path),
        "politeness": {"download_delay": 0, "autothrottle": False, "obey_robots": False},
        "sources": {"wire": {"spider": "outlet", "start_urls": [f"http://127.0.0.5:{port}/"],
                             "allowed_domains": ["127.0.0.5"], "article_pattern": "/story/", "allow_private": True}}}))
    result = run_jen("crawl", "--here", "--source", "wire", f"http://127.0.0.5:{port}/story/1", "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    assert forbidden.hits == []  # never fetched
    dead = exported(config, "dead_letters")
    assert [(d["url"], d["reason"]) for d in dead] == [(f"http://127.0.0.5:{port}/story/1", "refused")]
    assert "127.0.0.6" in dead[0]["detail"]


@pytest.mark.slow
def test_queue_entries_that_bypass_the_cli_are_still_checked(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="sec2", redis_url=redis_url)
    client, keys = redis.Redis.from_url(redis_url), Keys("sec2")
    other_outlet = replica["base_urls"]["wftl"] + "/"
    client.rpush(keys.start_urls("justearthnews"), json.dumps({"url": "file:///etc/passwd"}),
                 json.dumps({"url": other_outlet}))
    result = run_jen("crawl", "--here", "--source", "justearthnews", "--only-queued", "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    dead = {d["url"]: d["reason"] for d in exported(config, "dead_letters")}
    assert dead == {"file:///etc/passwd": "refused", other_outlet: "refused"}
    assert exported(config) == []


class _Boom:
    """Unpickling this would create a file: proof that nothing unpickles queue entries."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (Path.touch, (self.marker,))


@pytest.mark.slow
def test_a_queue_entry_that_is_not_json_is_dead_lettered_not_run(replica: dict, redis_url: str,
                                                                 tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="sec3", redis_url=redis_url)
    client, keys = redis.Redis.from_url(redis_url), Keys("sec3")
    marker = tmp_path / "unpickled"
    client.zadd(keys.requests("wftl"), {pickle.dumps(_Boom(marker)): 0, b"{not json": 0})
    result = run_jen("crawl", "--here", "--source", "wftl", "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    assert not marker.exists()
    assert dead_letter_counts(config) == {"bad_queue_entry": 2}
    assert len(exported(config)) == 9  # the crawl itself went on


def test_a_trigger_that_is_not_valid_is_dead_lettered_not_run(redis_client: redis.Redis, redis_url: str,
                                                              tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    source = {"spider": "justearthnews", "base_url": "https://justearthnews.com",
              "allowed_domains": ["justearthnews.com"]}
    config.write_text(yaml.safe_dump({"redis": {"key_prefix": "sec4", "url": redis_url}, "data_dir": str(tmp_path),
                                      "sources": {"justearthnews": source}}))
    service = Service(load_config(config, env={}), str(config), redis_client, "redis://unused")
    for raw in (b"\x80\x04pickled", b'{"source": "nowhere"}', b'{"source": "justearthnews", "urls": "x"}'):
        service.handle_trigger(raw)
    assert dead_letter_counts(config) == {"bad_trigger": 3}
    assert service.scheduler.get_jobs() == []


@pytest.mark.slow
def test_redis_password_works_and_never_shows(replica: dict, tmp_path: Path) -> None:
    password = "pw-Zq9-never-shown"
    server = RedisServer(password=password).start()
    try:
        config = write_replica_config(tmp_path / "c.yaml", replica["base_urls"], prefix="sec5", redis_url=server.url)
        crawl = run_jen("crawl", "--here", "--source", "wftl", "--config", str(config))
        assert crawl.returncode == 0, crawl.stderr[-2000:]
        assert "wftl: 9 articles stored" in crawl.stdout
        inspect = run_jen("inspect", "--json", "--config", str(config))
        assert json.loads(inspect.stdout)["records"] == 9
        wrong = tmp_path / "wrong.yaml"
        wrong.write_text(config.read_text().replace(password, "wrong-pw-also-secret"))
        failed = run_jen("inspect", "--config", str(wrong))
        assert failed.returncode != 0
        for output in (crawl.stdout, crawl.stderr, inspect.stdout, inspect.stderr, failed.stdout, failed.stderr):
            assert password not in output and "wrong-pw-also-secret" not in output
    finally:
        server.close()


@pytest.fixture
def tls_redis_url(tmp_path: Path) -> Iterator[str]:
    """A password-protected redis-server that speaks only TLS, with a throwaway self-signed certificate."""
    binary = shutil.which("redis-server")
    if not binary or not shutil.which("openssl"):
        pytest.skip("no openssl or redis-server to run a TLS Redis")
    key, cert = tmp_path / "redis.key", tmp_path / "redis.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   capture_output=True, check=True)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", "0", "--tls-port", str(port), "--tls-cert-file", str(cert), "--tls-key-file", str(key),
         "--tls-ca-cert-file", str(cert), "--tls-auth-clients", "no", "--requirepass", "tls-secret",
         "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"rediss://:tls-secret@127.0.0.1:{port}/0?ssl_ca_certs={cert}"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None:
                    pytest.skip(f"this redis-server has no TLS support: {process.stderr.read()[-200:]!r}")
                threading.Event().wait(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_tls_redis_url_works_for_inspect_and_hides_the_password(tls_redis_url: str, tmp_path: Path) -> None:
    client = redis.Redis.from_url(tls_redis_url)
    DeadLetters(client, Keys("sec6")).record(FetchFailure(url="https://justearthnews.com/x", reason="http_404",
                                                          detail="404", source="justearthnews", failed_at=""))
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({"redis": {"url": tls_redis_url, "key_prefix": "sec6"}, "data_dir": str(tmp_path),
                                      "sources": {"justearthnews": {
                                          "spider": "justearthnews", "base_url": "https://justearthnews.com",
                                          "allowed_domains": ["justearthnews.com"]}}}))
    result = run_jen("inspect", "--json", "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["dead_letters"] == 1
    assert "tls-secret" not in result.stdout + result.stderr


def test_log_records_carrying_a_redis_url_are_redacted() -> None:
    import logging

    from crawler.redaction import RedactingFilter

    record = logging.LogRecord("scrapy.crawler", logging.INFO, __file__, 1, "Overridden settings:\n%(s)s",
                               ({"s": "{'REDIS_URL': 'rediss://user:hunter2@redis:6380/0'}"},), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "Overridden settings:\n{'REDIS_URL': 'rediss://user:***@redis:6380/0'}"


def test_a_traceback_carrying_a_password_is_redacted_too() -> None:
    import logging

    from crawler.redaction import RedactingFilter

    try:
        raise ValueError("invalid hostname: user:s3cret-pw@127.0.0.1")
    except ValueError:
        record = logging.LogRecord("scrapy.core.scraper", logging.ERROR, __file__, 1, "Error downloading %s",
                                   ("<GET http://user:s3cret-pw@127.0.0.1/x>",), sys.exc_info())
    assert RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "s3cret-pw" not in text and "user:***@127.0.0.1" in text and "Traceback" in text


# --- 13.6: what listens during a crawl, credentials, settings that cannot work -------------------------------
@pytest.mark.slow
def test_nothing_listens_during_a_crawl_started_from_any_directory(replica: dict, redis_url: str,
                                                                  tmp_path: Path) -> None:
    """Scrapy 2.19 starts a remote-control HTTP endpoint that runs Python code sent to it (and the telnet
    console) in every crawl unless told not to; and from outside the checkout the project settings were not
    loaded at all. Sample the crawl's sockets from /proc all through the crawl: none may be listening."""
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "listen", download_delay=0.05,
                            concurrent_requests_per_domain=2)
    home = tmp_path / "home"
    home.mkdir()
    jen = Path(sys.executable).parent / "jen"  # the installed command, as a user runs it, here from tmp_path
    env = {**clean_env(), "HOME": str(home), "XDG_STATE_HOME": str(home / "state")}
    crawl = subprocess.Popen([str(jen), "crawl", "--here", "--source", "justearthnews", "--config", str(config)],
                             cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client, keys = redis.Redis.from_url(redis_url), Keys("listen")
    seen: set[str] = set()
    samples_while_crawling = 0
    while crawl.poll() is None:
        with contextlib.suppress(OSError):  # the process may end between two reads
            seen.update(listening_sockets(crawl.pid))
            if client.zcard(keys.inflight_deadlines("justearthnews")):
                samples_while_crawling += 1
        time.sleep(0.05)
    assert crawl.returncode == 0
    assert samples_while_crawling >= 10  # it really looked while pages were being fetched
    assert seen == set(), f"listening during a crawl: {seen}"
    assert not list(home.rglob("*.json"))  # no remote-control job file announcing an endpoint either
    assert len(exported(config)) == 46  # and the project's pipelines ran, from a directory outside the checkout


@pytest.mark.slow
def test_credentials_in_urls_never_reach_a_log_a_run_record_or_a_dead_letter(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    secret = "pw-K7-never-shown"
    config = replica_config(tmp_path, replica["base_urls"], redis_url, "creds")
    client, keys = redis.Redis.from_url(redis_url), Keys("creds")
    base = replica["base_urls"]["justearthnews"]
    article = next(p["url"] for p in replica["key"]["pages"] if p["kind"] == "article"
                   and p["outlet"] == "justearthnews")
    with_password = article.replace("http://", f"http://editor:{secret}@")
    here = run_jen("crawl", "--here", "--source", "justearthnews", with_password, article, "--config", str(config))
    assert here.returncode == 3, here.stderr[-2000:]
    service = ServiceProcess(config, tmp_path / "service.log")
    try:
        wait_for_heartbeat(client, keys, service.pid)
        waited = run_jen("crawl", "--source", "justearthnews", with_password, article, "--wait", "--timeout", "90",
                         "--config", str(config))
        assert waited.returncode == 3, waited.stderr[-2000:]
        client.rpush(keys.triggers, json.dumps({"id": "pushed", "source": "justearthnews",
                                                "urls": [with_password, f"{base}:99999/".replace(
                                                    "http://", f"http://x:{secret}@"), article]}))
        wait_for(lambda: run_of(client, keys, "pushed").get("exit_code") is not None, 90, "the pushed trigger")
    finally:
        assert service.stop() == 0
    surfaces = {
        "jen crawl --here": here.stdout + here.stderr,
        "jen crawl --wait": waited.stdout + waited.stderr,
        "service log": service.log(),
        "run logs": "".join(p.read_text() for p in (tmp_path / "data" / "logs" / "runs").glob("*.log*")),
        "run records": run_jen("inspect", "runs", "--json", "--peek", "50", "--config", str(config)).stdout,
        "dead letters": json.dumps(exported(config, "dead_letters")),
    }
    assert surfaces["dead letters"].count("editor:***@") >= 1
    for where, text in surfaces.items():
        assert text, where
        assert secret not in text, f"the password shows in the {where}"


@pytest.mark.parametrize(("key", "value", "says"), [
    ("sources.justearthnews.schedule.cron", "0 0 30 2 *", "never fires"),
    ("politeness.concurrent_requests_per_domain", 0, "> 0"),
    ("politeness.download_timeout", 0, "> 0"),
    ("sources.justearthnews.workers", 0, "from 1 to"),
    ("runs.keep", 0, ">= 1"),
])
def test_settings_that_cannot_work_are_refused_at_start_with_the_key_named(key: str, value: object, says: str,
                                                                          tmp_path: Path) -> None:
    raw = {"sources": {"justearthnews": {"spider": "justearthnews", "base_url": "https://justearthnews.com",
                                         "allowed_domains": ["justearthnews.com"]}}}
    *path, last = key.split(".")
    node = raw
    for part in path:
        node = node.setdefault(part, {})
    node[last] = value
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(raw))
    result = run_jen("run", "--config", str(config))
    assert result.returncode == 2
    line = one_line_error(result)
    assert f"'{key}'" in line and says in line
