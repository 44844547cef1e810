"""``jen export``: stored records (or dead letters) as JSON Lines, for consumers and analysts.

    jen export > articles.jsonl              # every clean, flagged record
    jen export --flagged -o copies.jsonl     # only the syndicated copies
    jen export dead_letters                  # every failure with its reason
    jen show justearthnews:HC/6181           # one stored record, as JSON
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any

from crawler.config import load_config


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("export", help="write stored records or dead letters as JSON Lines",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="?", choices=("records", "dead_letters"), default="records")
    parser.add_argument("--flagged", action="store_true", help="only records flagged as syndicated copies")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.add_argument("--config")
    parser.set_defaults(func=run)
    show = subparsers.add_parser("show", help="one stored record, by id, with its current copy flags")
    show.add_argument("id", help="the record id, e.g. justearthnews:HC/6181")
    show.add_argument("--config")
    show.set_defaults(func=run_show)


def export(records: Any, dead_letters: Any, what: str, flagged_only: bool, out: IO[str]) -> int:
    """Write one JSON object per line; returns how many. Records come sorted by id (stable output), with the
    copy flags the dedup index holds now; dead letters most recently seen first."""
    count = 0
    rows = dead_letters.iter() if what == "dead_letters" else records.iter(flagged_only=flagged_only)
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def run(args: argparse.Namespace) -> int:
    from crawler.cli import cli_records, cli_redis
    from crawler.failures import DeadLetters
    from crawler.redisconn import Keys

    config = load_config(args.config)
    redis_url, client = cli_redis(config)  # an unavailable Redis is one line and exit code 6 within seconds
    dead_letters = DeadLetters(client, Keys(config.redis.key_prefix), config.retention.dead_letters)
    records = cli_records(config, redis_url, client)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                count = export(records, dead_letters, args.what, args.flagged, out)
        except OSError as exc:  # a full or read-only target: named in the one-line message (exit code 7)
            exc.filename = exc.filename or args.output
            raise
    else:
        count = export(records, dead_letters, args.what, args.flagged, sys.stdout)
    print(f"exported {count} {args.what.replace('_', ' ')}", file=sys.stderr)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from crawler.records import Records
    from crawler.redisconn import resolve_redis_url

    config = load_config(args.config)
    record = Records.open(config, resolve_redis_url(config.redis.url, config.data_dir)).get(args.id)
    if record is None:
        print(f"jen show: no stored record has the id {args.id!r}", file=sys.stderr)
        return 1
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0
