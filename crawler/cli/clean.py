"""``jen clean FILE_OR_URL… [--url URL] [--source S] [--jsonl]``: print the clean record of each page.

Files are read as bytes (the cleaner decodes them, whatever charset they claim). A URL argument is
fetched over HTTP here, with a timeout and a size limit: the I/O lives in the CLI, never in the parsers.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from crawler.cleaner import parse
from crawler.cleaner.cleanup import MAX_INPUT_CHARS
from crawler.cleaner.record import CleanRecord

FETCH_TIMEOUT = 20.0
FETCH_MAX_BYTES = MAX_INPUT_CHARS  # read no more than the cleaner would look at
USER_AGENT = "jen-cleaner/0.1 (+https://justearthnews.com)"


def register(subparsers: Any) -> None:
    """Add the ``clean`` sub-command."""
    p = subparsers.add_parser("clean", help="clean article pages (files or URLs) into records",
                              description=__doc__)
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_URL", help="saved HTML file(s) or http(s) URL(s)")
    p.add_argument("--url", help="the page's address when reading one file (default: file:// path)")
    p.add_argument("--source", help="source name, e.g. justearthnews (chooses the parser)")
    p.add_argument("--jsonl", action="store_true", help="one compact JSON line per page")
    p.set_defaults(func=run)


def fetch(url: str, timeout: float = FETCH_TIMEOUT, max_bytes: int = FETCH_MAX_BYTES) -> bytes:
    """GET a page, at most `max_bytes` of it (a larger body is cut; the cleaner notes truncation)."""
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read(max_bytes + 1)[:max_bytes]


def clean_one(item: str, url: str | None, source: str | None) -> CleanRecord:
    """Read or fetch one input and clean it; I/O errors become a ``not_article`` record."""
    if item.startswith(("http://", "https://")):
        page_url = url or item
        try:
            data = fetch(item)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            return CleanRecord(url=page_url, canonical_url=page_url, source=source or "", status="not_article",
                               problems=[f"fetch failed: {exc}"])
    else:
        path = Path(item)
        page_url = url or path.resolve().as_uri()
        try:
            with path.open("rb") as fh:
                data = fh.read(FETCH_MAX_BYTES * 4 + 1)
        except OSError as exc:
            return CleanRecord(url=page_url, canonical_url=page_url, source=source or "", status="not_article",
                               problems=[f"cannot read file: {exc.strerror or exc}"])
    return parse(data, page_url, source)


def run(args: argparse.Namespace) -> int:
    if args.url and len(args.inputs) > 1:
        print("jen clean: --url applies to one input only", file=sys.stderr)
        return 2
    status = 0
    for item in args.inputs:
        record = clean_one(item, args.url, args.source)
        data = record.to_dict()
        if args.jsonl:
            print(json.dumps(data, ensure_ascii=False))
        else:
            print(json.dumps(data, ensure_ascii=False, indent=2))
        if record.status == "not_article":
            status = 1
    return status
