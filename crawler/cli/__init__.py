"""The ``jen`` command: one entry point, one sub-command module each.

Each sub-command module exposes ``register(subparsers)``, which adds its parser and sets
``func=callable(args) -> int``; heavy imports happen inside ``func``, so ``jen --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from crawler.config import ConfigError

# Sub-command modules, in the order they appear in ``jen --help``.
COMMAND_MODULES = (
    "crawler.cli.replica",  # jen replica
    "crawler.cli.run",  # jen run, jen health, jen redis
    "crawler.cli.crawl",  # jen crawl
    "crawler.cli.inspect",  # jen inspect
    "crawler.cli.export",  # jen export, jen show
    "crawler.cli.deadletters",  # jen requeue, jen purge
    "crawler.cli.clean",  # jen clean
    "crawler.cli.dedupe",  # jen dedupe, jen dupes
    "crawler.cli.demo",  # jen demo
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jen",
                                     description="Just Earth News crawler and syndication detector.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"jen: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130

