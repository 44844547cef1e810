"""``jen crawl``: a manual trigger.

With ``jen run`` running, the request goes through Redis and the service starts the crawl within
about a second; ``--wait`` waits for it and prints its summary. ``--here`` runs the crawl in this
process, in the foreground, with a progress line. URLs given on the command line are checked
against the source's allowed domains (and private addresses) before anything is queued.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Any

from crawler.config import Config, load_config
from crawler.redisconn import Keys


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("crawl", help="trigger a crawl now (through the service, or --here)",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("urls", nargs="*", metavar="URL", help="crawl only these URLs (articles, listings, sitemaps)")
    parser.add_argument("--source", action="append", help="source name from config (repeatable); default: all")
    parser.add_argument("--config", help="YAML configuration file (default: JEN_CONFIG or config/settings.yaml)")
    parser.add_argument("--here", action="store_true", help="run the crawl in this process, in the foreground")
    parser.add_argument("--wait", action="store_true", help="wait for the service to finish the crawl; print summary")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds --wait waits at most (default 3600)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Scrapy setting for --here (repeatable)")
    # Used by the service for its child crawls.
    parser.add_argument("--run-id", help=argparse.SUPPRESS)
    parser.add_argument("--run-kind", default="manual", help=argparse.SUPPRESS)
    parser.add_argument("--only-queued", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def _extra_settings(pairs: list[str]) -> dict[str, str]:
    extra = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"jen crawl: -s expects NAME=VALUE, got {pair!r}")
        extra[name] = value
    return extra


def summarize_stats(source: str, values: dict[str, Any]) -> dict[str, Any]:
    failures = Counter({k.removeprefix("jen/failures/"): v for k, v in values.items() if k.startswith("jen/failures/")})
    return {
        "source": source,
        "pages": values.get("response_received_count", 0),
        "items": values.get("item_scraped_count", 0),
        "articles": values.get("item_scraped_count", 0) - sum(failures.values()),
        "failures": dict(sorted(failures.items())),
        "skipped_already_stored": values.get("jen/already_stored", 0),
        # Pages the source's own parser did not recognise (cleaned by the generic path instead), and parser bugs.
        "parser_fallbacks": sum(v for k, v in values.items() if k.startswith("jen/cleaner/fallback/")),
        "parser_errors": values.get("jen/cleaner/parser_error", 0),
        "finish_reason": values.get("finish_reason", "?"),
    }


def summary_line(summary: dict[str, Any]) -> str:
    failed = ", ".join(f"{reason} {n}" for reason, n in summary["failures"].items()) or "none"
    return (f"{summary['source']}: {summary['articles']} articles stored, {summary['pages']} pages fetched, "
            f"{summary['skipped_already_stored']} already stored, failures: {failed} "
            f"(finished: {summary['finish_reason']})")


def refused_urls(config: Config, source_name: str, urls: list[str]) -> list[tuple[str, str]]:
    """(url, reason) for every URL the source's configuration does not allow."""
    from crawler.middlewares import refusal_reason

    source = config.source(source_name)
    refused = []
    for url in urls:
        reason = refusal_reason(url, source.allowed_domains, source.allow_private)
        if reason:
            refused.append((url, reason))
    return refused


def service_alive(client: Any, keys: Keys) -> bool:
    return bool(client.exists(keys.service_heartbeat))


def run(args: argparse.Namespace) -> int:
    from crawler.redisconn import redis_client, resolve_redis_url

    config = load_config(args.config)
    sources = args.source or list(config.sources)
    for name in sources:
        config.source(name)  # unknown names fail before anything starts
    if args.urls and len(sources) != 1:
        print("jen crawl: give exactly one --source with URLs", file=sys.stderr)
        return 2
    refused = refused_urls(config, sources[0], args.urls) if args.urls else []
    for url, reason in refused:
        print(f"refused {url}: {reason}", file=sys.stderr)
    if refused:
        return 3
    redis_url = resolve_redis_url(config.redis.url, config.data_dir)
    keys = Keys(config.redis.key_prefix)
    client = redis_client(redis_url)
    if args.here or args.run_id:
        return _crawl_here(args, config, sources, redis_url, client, keys)
    if not service_alive(client, keys):
        print("jen crawl: no service is running (start `jen run`), or use --here to crawl in the foreground",
              file=sys.stderr)
        return 4
    return _trigger(args, sources, client, keys)


def _crawl_here(args: argparse.Namespace, config: Config, sources: list[str], redis_url: str,
                client: Any, keys: Keys) -> int:
    from crawler.runner import crawl_here
    from crawler.service import iso, new_run_id, now_utc

    run_id = args.run_id or new_run_id()
    if args.urls:
        entries = [json.dumps({"url": url, "force": True}) for url in args.urls]
        client.rpush(keys.start_urls(sources[0]), *entries)
    extra = _extra_settings(args.set) | {"JEN_RUN_ID": run_id, "JEN_PROGRESS": not args.run_id}
    started = iso(now_utc())
    stats = crawl_here(config, sources, redis_url, extra, only_queued=bool(args.urls) or args.only_queued)
    summaries = [summarize_stats(name, values) for name, values in stats.items()]
    for summary in summaries:
        print(summary_line(summary))
    status = "finished" if all(s["finish_reason"] == "finished" for s in summaries) else "interrupted"
    if args.run_id:  # a child of the service: leave the summary where `jen crawl --wait` looks
        raw = client.hget(keys.runs, run_id)
        record = json.loads(raw) if raw else {"id": run_id, "source": sources[0], "kind": args.run_kind}
        record.update(status=status, started_at=record.get("started_at") or started, finished_at=iso(now_utc()),
                      summary=summaries[0] if len(summaries) == 1 else summaries)
        client.hset(keys.runs, run_id, json.dumps(record))
    return 0 if status == "finished" else 1


def _trigger(args: argparse.Namespace, sources: list[str], client: Any, keys: Keys) -> int:
    from crawler.service import Trigger, iso, new_run_id, now_utc

    triggers = [Trigger(id=new_run_id(), source=name, urls=list(args.urls), requested_at=iso(now_utc()) or "")
                for name in sources]
    for trigger in triggers:
        client.rpush(keys.triggers, trigger.to_json())
        print(f"queued run {trigger.id} for {trigger.source}")
    if not args.wait:
        return 0
    deadline = time.monotonic() + args.timeout
    pending = {t.id for t in triggers}
    code = 0
    while pending and time.monotonic() < deadline:
        for run_id in list(pending):
            raw = client.hget(keys.runs, run_id)
            record = json.loads(raw) if raw else {}
            if record.get("status") in ("finished", "failed", "interrupted", "cancelled") and record.get("exit_code") \
                    is not None:
                pending.discard(run_id)
                summary = record.get("summary")
                print(summary_line(summary) if isinstance(summary, dict) else f"run {run_id}: {record.get('status')}")
                code = code or (0 if record["status"] == "finished" else 1)
        time.sleep(0.5)
    if pending:
        print(f"jen crawl: timed out waiting for {', '.join(sorted(pending))}", file=sys.stderr)
        return 5
    return code
