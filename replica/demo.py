"""The demo behind ``jen demo``: the whole product on the bundled replica, with the embedded Redis.

1. serves the replica of Just Earth News and three other outlets on localhost;
2. starts the service (``jen run``) with a configuration for the replica: every source's scheduled
   crawl runs once at start;
3. sends one manual trigger (``jen crawl --source justearthnews URL --wait``) for the seed article;
4. prints the queues (``jen inspect``) and the clusters of syndicated copies found (``jen dupes``),
   and checks them against the replica's answer key;
5. ends with the command that opens the web view on what was found (``jen web``), and its address.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from crawler.cli.web import view_address
from crawler.config import DEFAULT_WEB_PORT, WebSettings, load_config
from crawler.records import Records
from crawler.redisconn import EmbeddedRedis, Keys, redis_client
from replica.answer_key import answer_key
from replica.config import replica_config
from replica.server import ReplicaServer
from replica.site import build_site

DEMO_PREFIX = "jen-demo"


def _jen(*args: str, config: Path) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args, "--config", str(config)]


def _delete_prefix(client: Any, prefix: str) -> None:
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def _wait_for_scheduled_runs(client: Any, keys: Any, sources: list[str], deadline: float) -> dict[str, Any]:
    finished: dict[str, Any] = {}
    while time.monotonic() < deadline and len(finished) < len(sources):
        for raw in client.hvals(keys.runs):
            run = json.loads(raw)
            if run.get("kind") == "scheduled" and run.get("exit_code") is not None:
                finished[run["source"]] = run
        time.sleep(0.5)
    return finished


def run_demo(data_dir: Path, timeout: float) -> int:
    """The whole demo (see the module docstring); returns the exit code."""
    data_dir = data_dir.resolve()
    demo_dir = data_dir / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    redis_url = EmbeddedRedis(data_dir).ensure_running()
    client = redis_client(redis_url)
    keys = Keys(DEMO_PREFIX)
    _delete_prefix(client, DEMO_PREFIX)  # a demo starts from empty queues, and never touches other keys
    database = demo_dir / "records.sqlite3"  # and from an empty record store of its own
    for stale in demo_dir.glob("records.sqlite3*"):
        stale.unlink()

    site = build_site()
    with ReplicaServer(site, port=0) as server:
        print(f"1. replica serving: {', '.join(f'{k} {v}' for k, v in server.base_urls.items())}")
        config = replica_config(server.base_urls)
        config["redis"] = {"url": None, "key_prefix": DEMO_PREFIX}
        config["data_dir"] = str(data_dir)
        config["database"] = {"url": f"sqlite:///{database}"}
        config.setdefault("politeness", {}).update({"download_delay": 0.0, "autothrottle": False})
        for source in config["sources"].values():
            source["schedule"] = {"interval": "1h"}  # first run at start, the next an hour later
        config_path = demo_dir / "config.yaml"
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        key = answer_key(site, server.base_urls)
        (demo_dir / "answer_key.json").write_text(json.dumps(key, indent=1), encoding="utf-8")

        env = {**os.environ, "JEN_CONFIG": str(config_path)}
        env.pop("REDIS_URL", None)
        env.pop("DATABASE_URL", None)
        log = (demo_dir / "service.log").open("wb")
        print(f"2. starting the service (jen run); its log: {demo_dir / 'service.log'}")
        service = subprocess.Popen(_jen("run", config=config_path), env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            runs = _wait_for_scheduled_runs(client, keys, list(config["sources"]), deadline)
            for name, run_record in sorted(runs.items()):
                summary = run_record.get("summary") or {}
                print(f"   scheduled crawl of {name}: {run_record.get('status')}, "
                      f"{summary.get('articles', '?')} articles, failures {summary.get('failures', {})}")
            seed_url = next(p["url"] for p in key["pages"] if p.get("kind") == "article"
                            and "/HC/6181/" in p["url"])
            print(f"3. manual trigger: jen crawl --source justearthnews {seed_url} --wait")
            subprocess.run(_jen("crawl", "--source", "justearthnews", seed_url, "--wait", "--timeout", "120",
                                config=config_path), env=env, check=False)
            print("4. the queues (jen inspect):")
            subprocess.run(_jen("inspect", config=config_path), env=env, check=False)
            print("   clusters of syndicated copies (jen dupes):")
            subprocess.run(_jen("dupes", config=config_path), env=env, check=False)
            _check_against_key(Records.open(load_config(config_path, env={}), redis_url), key)
            print(f"5. look around: jen inspect --config {config_path}   (records stay in {database}, the queues "
                  f"in the embedded Redis under {data_dir}; `jen redis stop` stops it)")
            web = WebSettings()
            print(f"6. the web view (queues, runs, dead letters, records, copies side by side): jen web --config "
                  f"{config_path}   then open {view_address(web.host, web.port or DEFAULT_WEB_PORT)}copies")
        finally:
            service.send_signal(signal.SIGTERM)
            try:
                service.wait(timeout=90)
            except subprocess.TimeoutExpired:
                service.kill()
            log.close()
    return 0


def _check_against_key(records: Records, key: dict[str, Any]) -> None:
    """Compare what was stored with the replica's answer key, and say so in one line each."""
    expected = {p["id"]: p for p in key["pages"] if p.get("kind") == "article"}
    stored = {r["url"]: r for r in records.iter()}
    by_canonical = {r.get("canonical_url"): r for r in stored.values()}
    found = [a for a in expected.values() if a["canonical_url"] in by_canonical or a["url"] in stored]
    print(f"   answer key: {len(found)} of {len(expected)} articles stored "
          f"({len(stored)} records in the record store)")
    copies = [a for a in expected.values() if a.get("role") == "copy"]
    right = 0
    for article in copies:
        record = by_canonical.get(article["canonical_url"])
        original = expected.get(article.get("duplicate_of") or "")
        if record and original and record.get("duplicate_of") and \
                by_canonical.get(original["canonical_url"], {}).get("id") == record["duplicate_of"]:
            right += 1
    print(f"   answer key: {right} of {len(copies)} syndicated copies flagged against the right original")
