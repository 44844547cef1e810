"""``jen crawl``: crawl one or all configured sources now."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from crawler.config import load_config


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("crawl", help="crawl configured sources now",
                                   description="Crawl one source (or all) now and print a summary.")
    parser.add_argument("--source", action="append", help="source name from config (repeatable); default: all")
    parser.add_argument("--config", help="YAML configuration file (default: JEN_CONFIG or config/settings.yaml)")
    parser.add_argument("--here", action="store_true", help="run the crawl in this process, in the foreground")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Scrapy setting (repeatable)")
    parser.set_defaults(func=run)


def _extra_settings(pairs: list[str]) -> dict[str, str]:
    extra = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"jen crawl: -s expects NAME=VALUE, got {pair!r}")
        extra[name] = value
    return extra


def summarize(stats: dict[str, dict[str, Any]]) -> str:
    """One line per source: articles handed over, failures by reason."""
    lines = []
    for source, values in stats.items():
        failures = Counter({k.removeprefix("jen/failures/"): v for k, v in values.items()
                            if k.startswith("jen/failures/")})
        items = values.get("item_scraped_count", 0)
        failed = ", ".join(f"{reason} {n}" for reason, n in sorted(failures.items())) or "none"
        lines.append(f"{source}: {items} items, {values.get('downloader/request_count', 0)} requests, "
                     f"failures: {failed}, finished: {values.get('finish_reason', '?')}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from crawler.connection import resolve_redis_url
    from crawler.runner import crawl_here

    config = load_config(args.config)
    sources = args.source or list(config.sources)
    for name in sources:
        config.source(name)  # unknown names fail before anything starts
    redis_url = resolve_redis_url(config.redis.url, config.data_dir)
    stats = crawl_here(config, sources, redis_url, _extra_settings(args.set))
    print(summarize(stats), file=sys.stdout)
    return 0
