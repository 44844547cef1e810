"""``jen inspect``: every queue in Redis at a glance, or the entries of one, readably.

    jen inspect                      # counts: requests per source, start URLs, records, copies, dead letters, ...
    jen inspect dead_letters --peek 5
    jen inspect requests:justearthnews --peek 3 --json
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crawler.config import Config, load_config
from crawler.redisconn import Keys

PER_SOURCE = ("requests", "inflight", "start_urls", "dupefilter")
GLOBAL = ("records", "flagged", "dead_letters", "triggers", "runs", "schedule", "stream")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("inspect", help="show the Redis queues (counts, or --peek at one)",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("queue", nargs="?", help=f"one of {', '.join(GLOBAL)}, or {'|'.join(PER_SOURCE)}:SOURCE")
    parser.add_argument("--peek", type=int, default=0, metavar="N", help="show the first N entries of QUEUE")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--config")
    parser.set_defaults(func=run)


def _decode(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def overview(client: Any, keys: Keys, config: Config) -> dict[str, Any]:
    """Counts of every queue, as they are in Redis right now."""
    sources = {}
    for name in config.sources:
        sources[name] = {
            "pending_requests": client.zcard(keys.requests(name)),
            "in_flight": client.zcard(keys.inflight_deadlines(name)),
            "start_urls": client.llen(keys.start_urls(name)),
            "dupefilter": client.scard(keys.dupefilter(name)),
            "crawl_running": bool(client.exists(keys.run_marker(name))),
        }
    schedule = {name.decode() if isinstance(name, bytes) else name: _decode(raw)
                for name, raw in client.hgetall(keys.schedule).items()}
    heartbeat = _decode(client.get(keys.service_heartbeat))
    return {
        "sources": sources,
        "records": client.hlen(keys.records),
        "flagged_copies": client.scard(keys.flagged),
        "dead_letters": client.llen(keys.dead_letters),
        "pending_triggers": client.llen(keys.triggers),
        "runs": client.hlen(keys.runs),
        "dedupe_index": dedupe_index_size(client, keys, config),
        "schedule": schedule,
        "service": heartbeat if heartbeat else None,
    }


def dedupe_index_size(client: Any, keys: Keys, config: Config) -> dict[str, Any]:
    from dedupe import DedupeParams, ParamsMismatch, RedisIndex

    try:
        index = RedisIndex(client, prefix=keys.dedupe_prefix, params=DedupeParams(**config.dedupe))
    except ParamsMismatch as exc:  # an index built with other settings is reported, not an error here
        return {"prefix": keys.dedupe_prefix, "unreadable": str(exc)}
    return index.stats()


def peek(client: Any, keys: Keys, queue: str, count: int) -> list[Any]:
    """The first ``count`` entries of one queue, decoded from JSON."""
    name, _, source = queue.partition(":")
    if name in PER_SOURCE and not source:
        raise SystemExit(f"jen inspect: {name} is per source; use {name}:SOURCE")
    if name == "requests":
        return [_decode(v) for v in client.zrange(keys.requests(source), 0, count - 1)]
    if name == "inflight":
        tokens = client.zrange(keys.inflight_deadlines(source), 0, count - 1, withscores=True)
        payloads = keys.inflight_payloads(source)
        return [{"token": t.decode(), "deadline": score, "request": _decode(client.hget(payloads, t))}
                for t, score in tokens]
    if name == "start_urls":
        return [_decode(v) for v in client.lrange(keys.start_urls(source), 0, count - 1)]
    if name == "dupefilter":
        return [_decode(v) for v in client.srandmember(keys.dupefilter(source), count)]
    if name == "records":
        ids = sorted(v.decode() for v in client.hkeys(keys.records))[:count]
        return [_decode(client.hget(keys.records, i)) for i in ids]
    if name == "flagged":
        ids = sorted(v.decode() for v in client.smembers(keys.flagged))[:count]
        return [_decode(client.hget(keys.records, i)) for i in ids]
    if name in ("dead_letters", "triggers"):
        key = keys.dead_letters if name == "dead_letters" else keys.triggers
        return [_decode(v) for v in client.lrange(key, 0, count - 1)]
    if name in ("runs", "schedule"):
        key = keys.runs if name == "runs" else keys.schedule
        items = sorted(client.hgetall(key).items(), reverse=name == "runs")[:count]
        return [_decode(v) for _, v in items]
    if name == "stream":
        return [{"id": i.decode(), **{k.decode(): v.decode() for k, v in f.items()}}
                for i, f in client.xrange(keys.record_stream, count=count)]
    raise SystemExit(f"jen inspect: unknown queue {queue!r}; one of {', '.join(GLOBAL)}, or "
                     f"{'|'.join(PER_SOURCE)}:SOURCE")


def _brief(entry: Any) -> str:
    """A one-line, readable rendering of a queue entry for people."""
    if isinstance(entry, dict):
        if "body" in entry and "title" in entry:  # a stored record: the body is too long for a line
            entry = {k: v for k, v in entry.items() if k not in ("body", "text", "removed", "images")}
        return json.dumps(entry, ensure_ascii=False, default=str)
    return str(entry)


def print_overview(data: dict[str, Any]) -> None:
    service = data["service"]
    print(f"service: {'running, pid ' + str(service.get('pid')) if service else 'not running'}")
    print(f"{'source':<16}{'pending':>9}{'in flight':>11}{'start urls':>12}{'dupefilter':>12}  crawl")
    for name, s in data["sources"].items():
        print(f"{name:<16}{s['pending_requests']:>9}{s['in_flight']:>11}{s['start_urls']:>12}{s['dupefilter']:>12}"
              f"  {'running' if s['crawl_running'] else '-'}")
    print(f"records stored: {data['records']}   flagged copies: {data['flagged_copies']}   "
          f"dead letters: {data['dead_letters']}   pending triggers: {data['pending_triggers']}   runs: {data['runs']}")
    index = data["dedupe_index"]
    print("dedup index: " + ", ".join(f"{k} {v}" for k, v in index.items()))
    print("schedule:")
    for name, state in sorted(data["schedule"].items()):
        state = state or {}
        print(f"  {name:<16} next run {state.get('next_run') or '-'}   last run {state.get('last_run') or '-'}"
              f"   ({state.get('schedule', '')})")


def run(args: argparse.Namespace) -> int:
    from crawler.cli import cli_redis

    config = load_config(args.config)
    keys = Keys(config.redis.key_prefix)
    _, client = cli_redis(config)  # an unavailable Redis is one line and exit code 6 within seconds
    if args.queue:
        entries = peek(client, keys, args.queue, args.peek or 10)
        if args.json:
            json.dump(entries, sys.stdout, ensure_ascii=False, indent=2, default=str)
            print()
        else:
            for entry in entries:
                print(_brief(entry))
        return 0
    data = overview(client, keys, config)
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
    else:
        print_overview(data)
    return 0
