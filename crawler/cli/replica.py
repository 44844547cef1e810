"""``jen replica``: serve the replica until Ctrl-C / SIGTERM, optionally writing its answer key and a config.

The replica is the `replica` package of a checkout (test and demo data); the container image does not ship it.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType


def import_replica(command: str) -> ModuleType | None:
    """The `replica` package, or None after saying on stderr why it is missing (the image has no replica)."""
    try:
        import replica
    except ModuleNotFoundError as exc:
        if exc.name != "replica":
            raise
        print(f"{command}: the replica is not installed here; it ships with a checkout of the project "
              "(`make demo` installs it)", file=sys.stderr)
        return None
    return replica


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
    if args.extra_articles < 0:
        print("jen replica: --extra-articles must be >= 0", file=sys.stderr)
        return 2
    if import_replica("jen replica") is None:
        return 2
    from replica.serve import serve_until_stopped

    try:
        return serve_until_stopped(args.port, extra_articles=args.extra_articles, hostile=args.hostile,
                                   answer_key_path=args.answer_key, config_path=args.config_out, verbose=args.verbose)
    except OSError as exc:
        print(f"jen replica: {exc}", file=sys.stderr)
        return 1
