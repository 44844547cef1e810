"""Serve the replica in the foreground (``jen replica``) until Ctrl-C or SIGTERM."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import yaml

from replica.answer_key import answer_key
from replica.config import replica_config
from replica.server import ReplicaServer
from replica.site import build_site


def serve_until_stopped(port: int, extra_articles: int = 0, hostile: bool = False, answer_key_path: str | None = None,
                        config_path: str | None = None, verbose: bool = False) -> int:
    """Serve every outlet of the replica on ``port``, optionally writing its answer key and a crawler config."""
    site = build_site(extra_articles=extra_articles, hostile=hostile)
    server = ReplicaServer(site, port=port, verbose=verbose)
    server.start()
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if answer_key_path:
            Path(answer_key_path).write_text(json.dumps(answer_key(site, server.base_urls), ensure_ascii=False,
                                                        indent=1), encoding="utf-8")
        if config_path:
            Path(config_path).write_text(yaml.safe_dump(replica_config(server.base_urls), sort_keys=False),
                                         encoding="utf-8")
        n_articles = sum(1 for i in site.info.values() if i.kind == "article")
        print(f"replica: {n_articles} articles, {len(site.pages)} pages", flush=True)
        for outlet, url in server.base_urls.items():
            print(f"  {outlet:<14} {url}/", flush=True)
        print("Ctrl-C or SIGTERM to stop.", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    return 0
