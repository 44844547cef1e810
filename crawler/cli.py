"""The ``jen`` command: one entry point, one sub-command module each.

Each sub-command module exposes ``register(subparsers)``, which adds its parser and sets
``func=callable(args) -> int``. Modules are imported lazily so ``jen --help`` stays fast and a broken
optional piece does not take the others down.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from crawler.config import ConfigError

# Sub-command modules, in the order they appear in ``jen --help``.
COMMAND_MODULES = (
    "crawler.replica.cli",  # jen replica
    "crawler.commands.service",  # jen run, jen health, jen redis
    "crawler.commands.crawl",  # jen crawl
    "crawler.commands.inspect",  # jen inspect
    "crawler.commands.export",  # jen export
    "crawler.cleaner.cli",  # jen clean
    "crawler.commands.dedupe",  # jen dedupe, jen dupes
    "crawler.commands.demo",  # jen demo
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jen",
                                     description="Just Earth News crawler and syndication detector.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that piece is not built yet
            raise
        module.register(subparsers)
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


if __name__ == "__main__":
    sys.exit(main())
