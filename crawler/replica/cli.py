"""``jen replica``: serve the replica until Ctrl-C / SIGTERM, optionally writing its answer key and a config."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from crawler.replica import outlets as outlet_templates
from crawler.replica.pages import JEN, OUTLET_HOSTS


def replica_config(base_urls: dict[str, str]) -> dict[str, Any]:
    """A config document (the `crawler.config.parse_config` format) whose sources are the replica's outlets."""
    sources: dict[str, Any] = {}
    for outlet, base in base_urls.items():
        base = base.rstrip("/")
        host = base.split("://", 1)[1].rsplit(":", 1)[0]
        if outlet == JEN:
            sources[JEN] = {"spider": "justearthnews", "base_url": base, "allowed_domains": [host],
                            "allow_private": True, "schedule": {"interval": "30m"}}
        else:
            sources[outlet] = {"spider": "outlet", "start_urls": [base + "/"], "sitemap_urls": [base + "/sitemap.xml"],
                               "allowed_domains": [host], "article_pattern": outlet_templates.article_pattern(outlet),
                               "allow_private": True}
    return {"sources": sources}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("replica", help="serve the replica of Just Earth News and other outlets",
                                   description="Serve the replica on 127.0.0.1 (JEN), 127.0.0.2… (other outlets), "
                                               "all on one port, until Ctrl-C or SIGTERM.")
    parser.add_argument("--port", type=int, default=8000, help="port on every address (0 = any free port)")
    parser.add_argument("--extra-articles", type=int, default=0, metavar="K", help="add K filler JEN articles")
    parser.add_argument("--hostile", action="store_true",
                        help="also serve the 200+ hostile pages on JEN (/sections/hostile/, /sitemap-hostile.xml)")
    parser.add_argument("--answer-key", metavar="FILE", help="write the answer key (JSON) here")
    parser.add_argument("--config-out", metavar="FILE", help="write a crawler config (YAML) for the replica here")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import yaml

    from crawler.replica.answer_key import answer_key
    from crawler.replica.server import ReplicaServer
    from crawler.replica.site import build_site

    if args.extra_articles < 0:
        print("jen replica: --extra-articles must be >= 0", file=sys.stderr)
        return 2
    site = build_site(extra_articles=args.extra_articles, hostile=args.hostile)
    server = ReplicaServer(site, port=args.port, verbose=args.verbose)
    try:
        server.start()
    except OSError as exc:
        print(f"jen replica: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if args.answer_key:
            Path(args.answer_key).write_text(json.dumps(answer_key(site, server.base_urls), ensure_ascii=False,
                                                        indent=1), encoding="utf-8")
        if args.config_out:
            Path(args.config_out).write_text(yaml.safe_dump(replica_config(server.base_urls), sort_keys=False),
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


__all__ = ["OUTLET_HOSTS", "register", "replica_config", "run"]
