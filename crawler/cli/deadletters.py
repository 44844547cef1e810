"""``jen requeue`` sends dead letters back to their source's queue; ``jen purge`` forgets old ones.

    jen requeue --reason http_503                 # the pages a busy server refused, fetched at the next crawl
    jen requeue --source justearthnews --all      # every failure of one source
    jen purge --older-than 30d                    # failures not seen for a month
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from crawler.config import load_config, parse_duration


def register(subparsers: Any) -> None:
    for name, helptext in (("requeue", "send dead letters back to their source's queue (fetched at its next crawl)"),
                           ("purge", "drop dead letters (those not seen for a while, say)")):
        parser = subparsers.add_parser(name, help=helptext, description=__doc__,
                                       formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.add_argument("--source", help="only this source's failures")
        parser.add_argument("--reason", help="only failures with this reason (http_404, timeout, ...)")
        parser.add_argument("--older-than", metavar="DURATION",
                            help="only failures last seen longer ago than this (e.g. 30d, 12h)")
        parser.add_argument("--all", action="store_true", help="every failure that matches (needed without "
                                                               "--source, --reason or --older-than)")
        parser.add_argument("--config")
        parser.set_defaults(func=run, action=name)


def run(args: argparse.Namespace) -> int:
    from crawler.failures import DeadLetters
    from crawler.queues import queued_entry
    from crawler.redisconn import Keys, redis_client

    if not (args.source or args.reason or args.older_than or args.all):
        print(f"jen {args.action}: say which failures (--source, --reason, --older-than) or --all", file=sys.stderr)
        return 2
    config = load_config(args.config)
    if args.source:
        config.source(args.source)  # an unknown name fails here, naming the known ones
    seen_before = time.time() - parse_duration("--older-than", args.older_than) if args.older_than else None
    client, keys = redis_client(config.redis.url, config.data_dir), Keys(config.redis.key_prefix)
    dead_letters = DeadLetters(client, keys, config.retention.dead_letters)
    entries = list(dead_letters.matching(args.source, args.reason, seen_before))
    if args.action == "requeue":
        # Only a page of a configured source can go back; a bad queue entry or trigger has no page to fetch.
        entries = [e for e in entries if e.get("url") and e.get("source") in config.sources]
        for entry in entries:
            client.rpush(keys.start_urls(entry["source"]), queued_entry(entry["url"]))
    removed = dead_letters.remove(e["field"] for e in entries)
    done = "sent back to their queue (fetched at the next crawl of their source)" if args.action == "requeue" \
        else "dropped"
    print(f"{removed} dead letter(s) {done}")
    return 0
