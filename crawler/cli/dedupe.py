"""``jen dedupe FILE.jsonl`` flags copies in a file of records; ``jen dupes`` lists stored clusters.

``jen dedupe`` reads one JSON record per line (``id``, ``text``, optional ``url``, ``title``,
``published``, ``source``) and writes one decision per line: ``id``, ``duplicate_of`` (or null),
``similarity``, ``containment``, ``cluster``, ``indexed``, ``reason``. Decisions are final: a copy seen
before its original is reported against the original. The index is in memory unless ``--redis`` is
given (then it is shared with the crawler and kept). ``jen dupes`` prints every cluster stored in
Redis, the original first, then its copies with similarity and containment.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crawler.cli import EXIT_USAGE, CommandError
from crawler.config import ConfigError, load_config
from crawler.redisconn import Keys


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("dedupe", help="flag syndicated copies in a JSONL file of articles",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE.jsonl", help="records, one JSON object per line ('-' = stdin)")
    p.add_argument("--redis", metavar="URL", help="use (and keep) the index in this Redis instead of memory")
    p.add_argument("--prefix", help="Redis key prefix of the index (default: <config prefix>:dedupe)")
    p.add_argument("--config", help="YAML configuration file (default: JEN_CONFIG or config/settings.yaml)")
    p.add_argument("-o", "--output", help="write decisions here instead of stdout")
    p.set_defaults(func=run_dedupe)
    q = subparsers.add_parser("dupes", help="list the clusters of copies stored in Redis",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("--redis", metavar="URL", help="Redis URL (default: the configured one)")
    q.add_argument("--prefix", help="Redis key prefix of the index (default: <config prefix>:dedupe)")
    q.add_argument("--config", help="YAML configuration file")
    q.add_argument("--json", action="store_true", help="one JSON object per cluster")
    q.set_defaults(func=run_dupes)


def _detector(args: argparse.Namespace, need_redis: bool) -> Any:
    from dedupe import DedupeParams, Detector, MemoryIndex, RedisIndex

    config = None
    try:
        config = load_config(args.config)
    except ConfigError:
        if args.config:
            raise  # an explicitly named config must load; the default one is optional here
    params = DedupeParams(**(config.dedupe if config else {}))
    prefix = args.prefix or Keys(config.redis.key_prefix if config else "jen").dedupe_prefix
    if args.redis or need_redis:
        from crawler.cli import connect_redis

        url = args.redis or (config.redis.url if config else None)
        _, client = connect_redis(url, config.data_dir if config else "data")  # unavailable: one line, exit 6
        return Detector(RedisIndex(client, prefix=prefix, params=params), params)
    return Detector(MemoryIndex(params), params)


def _records(path: str) -> list[Any]:
    from dedupe import Document

    stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    docs = []
    with stream:
        for n, raw in enumerate(stream, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path} line {n}: not UTF-8 text (byte {raw[exc.start]:#04x} at column "
                                   f"{exc.start + 1}): convert the file to UTF-8", EXIT_USAGE) from exc
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                text = rec.get("text") or ""
                if not isinstance(text, str):
                    raise TypeError(f"'text' is {type(text).__name__}, not a string")
                docs.append(Document(id=str(rec["id"]), text=text, published=_published(rec),
                                     source=rec.get("source"), title=rec.get("title"), url=rec.get("url")))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise CommandError(f"{path} line {n}: not a record with 'id' and 'text' ({exc})", EXIT_USAGE) from exc
    return docs


def run_dedupe(args: argparse.Namespace) -> int:
    # imported here, not at the top: `jen --help` and the other commands do not load numpy and datasketch
    from dedupe import Decision

    docs = _records(args.file)
    detector = _detector(args, need_redis=False)
    detector.add_many(docs)
    ids = list(dict.fromkeys(doc.id for doc in docs))
    current = detector.decisions(ids)  # final decisions, read from the index in batches
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for doc_id in ids:  # once per id, in input order; an id the index could not store keeps its reason
            decision = current.get(doc_id) or Decision(doc_id, indexed=False, reason="bad_id")
            out.write(json.dumps(decision.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if args.output:
            out.close()
    return 0


def _published(rec: dict[str, Any]) -> str | None:
    value = rec.get("published")
    return value if isinstance(value, str) else None


def run_dupes(args: argparse.Namespace) -> int:
    detector = _detector(args, need_redis=True)
    clusters = detector.clusters()
    for c in clusters:
        if args.json:
            print(json.dumps(c.to_dict(), ensure_ascii=False))
            continue
        print(f"{c.original}  (original, {len(c.members)} cop{'y' if len(c.members) == 1 else 'ies'})")
        for doc_id, sim, cont in c.members:
            print(f"    {doc_id}  similarity {sim:.2f}  containment {cont:.2f}")
    if not args.json:
        print(f"{len(clusters)} cluster(s)")
    return 0
