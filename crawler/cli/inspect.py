"""``jen inspect``: every queue at a glance, or the entries of one, readably.

    jen inspect                          # counts: requests per source, start URLs, records, copies, dead letters, ...
    jen inspect dead_letters --peek 5    # the five most recently seen failures
    jen inspect requests:justearthnews --peek 3 --json
    jen inspect records:justearthnews:HC/6181    # one stored record, by id
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crawler.config import Config, load_config

PER_SOURCE = ("requests", "inflight", "start_urls", "dupefilter", "sitemaps")
GLOBAL = ("records", "flagged", "dead_letters", "triggers", "runs", "schedule", "stream")


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a count of 1 or more, got {value}")
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("inspect", help="show the queues (counts, or --peek at one)",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("queue", nargs="?", help=f"one of {', '.join(GLOBAL)}, records:ID, or "
                                                 f"{'|'.join(PER_SOURCE)}:SOURCE")
    parser.add_argument("--peek", type=_count, default=10, metavar="N", help="show the first N entries of QUEUE "
                                                                               "(default 10)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--config")
    parser.set_defaults(func=run)


class UnknownQueue(ValueError):
    """The operator named a queue that does not exist."""


def _decode(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class Inspector:
    """Reads what the queues, the dead letters, the record store and the dedup index hold right now."""

    def __init__(self, config: Config, client: Any, records: Any, dead_letters: Any) -> None:
        from crawler.redisconn import Keys

        self.config = config
        self.client = client
        self.keys = Keys(config.redis.key_prefix)
        self.records = records
        self.dead_letters = dead_letters

    def overview(self) -> dict[str, Any]:
        """Counts of every queue."""
        client, keys = self.client, self.keys
        stored = self.records.store.counts_by_source()
        sources = {}
        for name in self.config.sources:
            sources[name] = {
                "pending_requests": client.zcard(keys.requests(name)),
                "in_flight": client.zcard(keys.inflight_deadlines(name)),
                "start_urls": client.llen(keys.start_urls(name)),
                "dupefilter": client.scard(keys.dupefilter(name)),
                "crawl_running": bool(client.exists(keys.run_marker(name))),
                "records": stored.get(name, 0),
            }
        for name, run in self._last_runs().items():
            if name in sources:
                summary = run.get("summary") if isinstance(run.get("summary"), dict) else {}
                sources[name]["last_run"] = {"id": run.get("id"), "status": run.get("status"),
                                             "parser_fallbacks": summary.get("parser_fallbacks", 0),
                                             "parser_errors": summary.get("parser_errors", 0)}
        schedule = {_decode(name): _decode(raw) for name, raw in client.hgetall(keys.schedule).items()}
        heartbeat = _decode(client.get(keys.service_heartbeat))
        retention = self.config.retention
        return {
            "sources": sources,
            "records": sum(stored.values()),
            "flagged_copies": self.records.count_flagged(),
            "dead_letters": len(self.dead_letters),
            "dead_letters_cap": retention.dead_letters,
            "events": client.xlen(keys.record_stream),
            "events_cap": retention.events,
            # waiting for a service, or taken by one and not yet started (a service that died leaves them)
            "pending_triggers": client.llen(keys.triggers) + client.llen(keys.triggers_taken),
            "runs": client.hlen(keys.runs),
            "runs_cap": self.config.runs.keep,
            "dedupe_index": self.dedupe_index_size(),
            "schedule": schedule,
            "service": heartbeat if heartbeat else None,
        }

    def _last_runs(self) -> dict[str, dict[str, Any]]:
        """Each source's most recent run record that has finished."""
        last: dict[str, dict[str, Any]] = {}
        for raw in self.client.hvals(self.keys.runs):
            run = _decode(raw)
            if isinstance(run, dict) and run.get("finished_at") and run.get("source") and \
                    run["finished_at"] >= last.get(run["source"], {}).get("finished_at", ""):
                last[run["source"]] = run
        return last

    def dedupe_index_size(self) -> dict[str, Any]:
        from dedupe import DedupeParams, ParamsMismatch, RedisIndex

        try:
            index = RedisIndex(self.client, prefix=self.keys.dedupe_prefix, params=DedupeParams(**self.config.dedupe))
        except ParamsMismatch as exc:  # an index built with other settings is reported, not an error here
            return {"prefix": self.keys.dedupe_prefix, "unreadable": str(exc)}
        return index.stats()

    def peek(self, queue: str, count: int) -> list[Any]:
        """The first ``count`` entries of one queue, decoded from JSON."""
        client, keys = self.client, self.keys
        name, _, qualifier = queue.partition(":")
        if name in PER_SOURCE:
            if qualifier not in self.config.sources:
                raise UnknownQueue(f"{name} is per source: use {name}:SOURCE, SOURCE one of "
                                   f"{', '.join(sorted(self.config.sources))}")
            return self._peek_source(name, qualifier, count)
        if name == "records" and qualifier:
            record = self.records.get(qualifier)
            if record is None:
                raise UnknownQueue(f"no stored record has the id {qualifier!r}")
            return [record]
        if name == "records":
            return list(_first(self.records.iter(), count))
        if name == "flagged":
            return list(_first(self.records.iter(flagged_only=True), count))
        if name == "dead_letters":
            return list(_first(self.dead_letters.iter(), count))
        if name == "triggers":
            return [_decode(v) for v in client.lrange(keys.triggers, 0, count - 1)]
        if name in ("runs", "schedule"):
            key = keys.runs if name == "runs" else keys.schedule
            items = sorted(client.hgetall(key).items(), reverse=name == "runs")[:count]
            return [_decode(v) for _, v in items]
        if name == "stream":
            return [{"id": i.decode(), **{k.decode(): v.decode() for k, v in f.items()}}
                    for i, f in client.xrevrange(keys.record_stream, count=count)]
        raise UnknownQueue(f"no queue {queue!r}; one of {', '.join(GLOBAL)}, records:ID, or "
                           f"{'|'.join(PER_SOURCE)}:SOURCE")

    def _peek_source(self, name: str, source: str, count: int) -> list[Any]:
        client, keys = self.client, self.keys
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
        return [{"sitemap": _decode(url), "lastmod": _decode(lastmod)}
                for url, lastmod in sorted(client.hgetall(keys.sitemaps(source)).items())[:count]]


def _first(rows: Any, count: int) -> Any:
    for n, row in enumerate(rows):
        if n >= count:
            return
        yield row


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
    print(f"{'source':<16}{'pending':>9}{'in flight':>11}{'start urls':>12}{'dupefilter':>12}{'records':>9}"
          f"{'fell back':>11}  crawl")
    for name, s in data["sources"].items():
        # Pages of the last run that the source's own parser did not recognise: the site may have changed.
        fell_back = s.get("last_run", {}).get("parser_fallbacks", "-")
        print(f"{name:<16}{s['pending_requests']:>9}{s['in_flight']:>11}{s['start_urls']:>12}{s['dupefilter']:>12}"
              f"{s['records']:>9}{fell_back:>11}  {'running' if s['crawl_running'] else '-'}")
    print(f"records stored: {data['records']}   flagged copies: {data['flagged_copies']}   "
          f"dead letters: {data['dead_letters']} (cap {data['dead_letters_cap']})   "
          f"events: {data['events']} (cap {data['events_cap']})   pending triggers: {data['pending_triggers']}   "
          f"runs: {data['runs']} (cap {data['runs_cap']})")
    index = data["dedupe_index"]
    print("dedup index: " + ", ".join(f"{k} {v}" for k, v in index.items()))
    print("schedule:")
    for name, state in sorted(data["schedule"].items()):
        state = state or {}
        print(f"  {name:<16} next run {state.get('next_run') or '-'}   last run {state.get('last_run') or '-'}"
              f"   ({state.get('schedule', '')})")


def run(args: argparse.Namespace) -> int:
    from crawler.cli import cli_records, cli_redis
    from crawler.failures import DeadLetters
    from crawler.redisconn import Keys

    config = load_config(args.config)
    redis_url, client = cli_redis(config)  # an unavailable Redis is one line and exit code 6 within seconds
    inspector = Inspector(config, client, cli_records(config, redis_url, client),
                          DeadLetters(client, Keys(config.redis.key_prefix), config.retention.dead_letters))
    if args.queue:
        try:
            entries = inspector.peek(args.queue, args.peek)
        except UnknownQueue as exc:
            print(f"jen inspect: {exc}", file=sys.stderr)
            return 2
        if args.json:
            json.dump(entries, sys.stdout, ensure_ascii=False, indent=2, default=str)
            print()
        else:
            for entry in entries:
                print(_brief(entry))
        return 0
    data = inspector.overview()
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
    else:
        print_overview(data)
    return 0
