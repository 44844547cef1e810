"""``jen export``: stored records (or dead letters) as JSON Lines, for consumers and analysts.

    jen export > articles.jsonl              # every clean, flagged record
    jen export --flagged -o copies.jsonl     # only the syndicated copies
    jen export dead_letters                  # every failure with its reason
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any

from crawler.config import load_config
from crawler.redisconn import Keys


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("export", help="write stored records or dead letters as JSON Lines",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="?", choices=("records", "dead_letters"), default="records")
    parser.add_argument("--flagged", action="store_true", help="only records flagged as syndicated copies")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.add_argument("--config")
    parser.set_defaults(func=run)


def export(client: Any, keys: Keys, what: str, flagged_only: bool, out: IO[str]) -> int:
    """Write one JSON object per line; returns how many. Records come sorted by id (stable output)."""
    count = 0
    if what == "dead_letters":
        for raw in client.lrange(keys.dead_letters, 0, -1):
            out.write(raw.decode("utf-8") + "\n")
            count += 1
        return count
    ids = client.smembers(keys.flagged) if flagged_only else client.hkeys(keys.records)
    for record_id in sorted(i.decode() for i in ids):
        raw = client.hget(keys.records, record_id)
        if raw is not None:
            out.write(json.dumps(json.loads(raw), ensure_ascii=False) + "\n")
            count += 1
    return count


def run(args: argparse.Namespace) -> int:
    from crawler.cli import cli_redis

    config = load_config(args.config)
    _, client = cli_redis(config)  # an unavailable Redis is one line and exit code 6 within seconds
    keys = Keys(config.redis.key_prefix)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                count = export(client, keys, args.what, args.flagged, out)
        except OSError as exc:  # a full or read-only target: named in the one-line message (exit code 7)
            exc.filename = exc.filename or args.output
            raise
    else:
        count = export(client, keys, args.what, args.flagged, sys.stdout)
    print(f"exported {count} {args.what.replace('_', ' ')}", file=sys.stderr)
    return 0
