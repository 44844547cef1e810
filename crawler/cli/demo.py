"""``jen demo``: the whole product on the bundled replica, with the embedded Redis (see `replica.demo`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="serve the replica, run the service on it, show what it found",
                                   description="Serve the replica, run the service (jen run) on it, trigger a "
                                               "crawl by hand, and show the queues and the syndicated copies found.")
    parser.add_argument("--data-dir", default="data", help="where the embedded Redis keeps its data (default data/)")
    parser.add_argument("--timeout", type=float, default=600, help="give up after this many seconds")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.cli.replica import import_replica

    if import_replica("jen demo") is None:
        return 2
    from replica.demo import run_demo

    return run_demo(Path(args.data_dir), args.timeout)
