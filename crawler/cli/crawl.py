"""``jen crawl``: a manual trigger.

With ``jen run`` running, the request goes through Redis and the service starts the crawl within
about a second; ``--wait`` follows it (a progress line every few seconds) and prints its summary, and
says so at once if the service stops on the way. ``--here`` runs the crawl in this process, in the
foreground, with a progress line; it leaves a run record (``jen inspect runs``) like any other run.

URLs given on the command line are checked one by one: each that cannot be crawled (not http(s), a port
out of range, a host outside the source's allowed domains, a private address) is refused, said on stderr
and dead-lettered with its reason, and every other one is crawled (exit code 3 when some were refused).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import Any

from crawler.cli import (
    EXIT_FAILED,
    EXIT_NO_SERVICE,
    EXIT_REDIS,
    EXIT_TIMEOUT,
    EXIT_URLS_REFUSED,
    EXIT_USAGE,
    CommandError,
    cli_redis,
    writable_dir,
)

PROGRESS_EVERY = 5.0  # seconds between progress lines of --wait
PROGRESS_REPORT_EVERY = 2.0  # seconds between progress reports of a crawl into its run record
REDIS_PATIENCE = 60.0  # --wait keeps waiting through a Redis outage this long


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("crawl", help="trigger a crawl now (through the service, or --here)",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("urls", nargs="*", metavar="URL", help="crawl only these URLs (articles, listings, sitemaps)")
    parser.add_argument("--source", action="append", help="source name from config (repeatable); default: all")
    parser.add_argument("--config", help="YAML configuration file (default: JEN_CONFIG or config/settings.yaml)")
    parser.add_argument("--here", action="store_true", help="run the crawl in this process, in the foreground")
    parser.add_argument("--wait", action="store_true", help="wait for the service to finish the crawl; print summary")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds --wait waits at most (default 3600)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Scrapy setting for --here (repeatable)")
    # Used by the service for its child crawls.
    parser.add_argument("--run-id", help=argparse.SUPPRESS)
    parser.add_argument("--run-kind", default="manual", help=argparse.SUPPRESS)
    parser.add_argument("--only-queued", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--log-file", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def summary_line(summary: dict[str, Any]) -> str:
    failed = ", ".join(f"{reason} {n}" for reason, n in summary.get("failures", {}).items()) or "none"
    retries = summary.get("redis_retries") or 0
    met = f", met {retries} Redis errors (retried)" if retries else ""
    workers = f" by {summary['workers']} workers" if summary.get("workers") else ""
    return (f"{summary.get('source')}: {summary.get('articles', 0)} articles stored, {summary.get('pages', 0)} pages "
            f"fetched{workers}, {summary.get('skipped_already_stored', 0)} already stored, failures: {failed}{met} "
            f"(finished: {summary.get('finish_reason', '?')})")


def service_alive(client: Any, keys: Any) -> bool:
    return bool(client.exists(keys.service_heartbeat))


def run(args: argparse.Namespace) -> int:
    from crawler.cli.run import extra_settings
    from crawler.config import load_config
    from crawler.redisconn import Keys

    config = load_config(args.config)
    sources = args.source or list(config.sources)
    for name in sources:
        config.source(name)  # unknown names fail before anything starts
    if args.urls and len(sources) != 1:
        raise CommandError("give exactly one --source with URLs", EXIT_USAGE)
    if args.wait and args.here:
        raise CommandError("--wait follows a crawl of the service; --here crawls in the foreground already",
                           EXIT_USAGE)
    extra = extra_settings(args.set)
    redis_url, client = cli_redis(config)
    keys = Keys(config.redis.key_prefix)
    good, refused = refuse_urls(config, client, keys, sources[0], args.urls, "jen crawl")
    for line in refused:
        print(line, file=sys.stderr)
    if refused and not good:
        return EXIT_URLS_REFUSED
    if args.here or args.run_id:
        code = _crawl_here(args, config, sources, good, redis_url, client, keys, extra)
    else:
        if not service_alive(client, keys):
            raise CommandError(NO_SERVICE_MESSAGE, EXIT_NO_SERVICE)
        code = _trigger(args, sources, good, client, keys)
    return EXIT_URLS_REFUSED if refused and code == 0 else code


def refusal_line(url: str, reason: str, detail: str) -> str:
    """What an operator is told about a URL that is refused (`jen crawl` on stderr, the web view on its page)."""
    from crawler.redaction import redact_url

    return f"refused {redact_url(url)}: {redact_url(detail)} ({reason}; dead-lettered)"


def refuse_urls(config: Any, client: Any, keys: Any, source: str, urls: list[str], via: str
                ) -> tuple[list[str], list[str]]:
    """(the URLs that may be crawled, one `refusal_line` per refused one); the refused are dead-lettered.

    The one check of operators' URLs, for `jen crawl` and the web view's Crawl now alike."""
    from crawler.service import dead_letter_urls, split_urls

    good, bad = split_urls(config.source(source), urls) if urls else ([], [])
    if bad:
        dead_letter_urls(client, keys, source, bad, via, config.retention.dead_letters)
    return good, [refusal_line(*entry) for entry in bad]


def queue_triggers(client: Any, keys: Any, sources: list[str], urls: list[str]) -> list[Any]:
    """Queue one manual trigger per source for the running service (the `jen crawl` path); returns them."""
    from crawler.service import Trigger, iso, new_run_id, now_utc

    triggers = [Trigger(id=new_run_id(), source=name, urls=list(urls), requested_at=iso(now_utc()) or "")
                for name in sources]
    for trigger in triggers:
        client.rpush(keys.triggers, trigger.to_json())
    return triggers


NO_SERVICE_MESSAGE = "no service is running (start `jen run`), or use --here to crawl in the foreground"


def _crawl_here(args: argparse.Namespace, config: Any, sources: list[str], urls: list[str], redis_url: str,
                client: Any, keys: Any, extra: dict[str, str]) -> int:
    from crawler.queues import queued_entry
    from crawler.redaction import redact_url
    from crawler.redisconn import redis_client
    from crawler.runner import CrawlHooks, crawl_here
    from crawler.service import (
        ProcessId,
        iso,
        new_run_id,
        now_utc,
        prune_run_logs,
        run_book,
        run_log_path,
        summarize_stats,
        worker_report,
    )

    check_writable(client, keys)
    run_id = args.run_id or new_run_id()
    log_file = Path(args.log_file) if args.log_file else run_log_path(config.data_dir, run_id)
    writable_dir(log_file.parent)  # a read-only or full data_dir fails here, named
    # The run's record is written with the crawl's own patience for Redis, not the short wait of a command.
    book = run_book(redis_client(redis_url), keys)
    me = ProcessId.of()
    if not args.run_id:  # a crawl of its own: it is a run like the service's, with its record
        book.merge(run_id, {"id": run_id, "source": sources[0] if len(sources) == 1 else ",".join(sources),
                            "kind": "here", "status": "running", "urls": [redact_url(u) for u in urls],
                            "requested_at": iso(now_utc()), "started_at": iso(now_utc()), "log": str(log_file),
                            "processes": {str(args.worker): me.to_dict()}})
    if urls:
        client.rpush(keys.start_urls(sources[0]), *(queued_entry(url) for url in urls))

    def report_progress(stats: dict[str, dict[str, Any]]) -> None:
        progress = {name: {k: v for k, v in summarize_stats(name, values).items()
                           if k in ("pages", "articles", "failures")} for name, values in stats.items()}
        book.merge(run_id, {"progress": {str(args.worker): progress}})

    hooks = CrawlHooks(parent_pid=args.parent_pid, log_file=log_file, log_max_bytes=config.runs.log_max_bytes,
                       log_to_stderr=not args.run_id, on_progress=report_progress,
                       progress_interval=PROGRESS_REPORT_EVERY, redis_url=redis_url, on_stuck=_give_up)
    extra = extra | {"JEN_RUN_ID": run_id, "JEN_PROGRESS": not args.run_id}
    outcome = crawl_here(config, sources, redis_url, extra, only_queued=bool(urls) or args.only_queued, hooks=hooks)
    summaries = [summarize_stats(name, values) for name, values in outcome.stats.items()]
    for summary in summaries:
        print(summary_line(summary))
    total = summaries[0] if len(summaries) == 1 else _combined(summaries)
    if outcome.redis_refusal:
        # Redis refuses writes: the record cannot be written either. Say so and stop; the queue is kept.
        raise CommandError(_refusal_message(outcome.redis_refusal), EXIT_REDIS)
    book.update(run_id, worker_report(args.worker, total, outcome.stopped_because, me))
    if not args.run_id:
        from crawler.service import trim_runs

        trim_runs(book, config.runs.keep)
        prune_run_logs(config.data_dir, config.runs.keep_logs)
    if outcome.stopped_because:
        print(f"stopped: {outcome.stopped_because}", file=sys.stderr)
    return 0 if total["finish_reason"] == "finished" else EXIT_FAILED


def _refusal_message(refusal: str) -> str:
    import redis

    from crawler.cli import describe_redis_error

    why = describe_redis_error(redis.ResponseError(refusal))
    return f"{why}; the crawl stopped, its queue is kept for the next run"


def _give_up(refusal: str) -> None:
    """The crawl cannot even stop (its Redis writes keep being refused): end the process, with the one line.

    Nothing is lost: what was not stored is still queued or leased in Redis, and comes back to the next run.
    """
    import os

    with contextlib.suppress(OSError):
        sys.stderr.write(f"jen crawl: {_refusal_message(refusal)}\n")
        sys.stderr.flush()
    os._exit(EXIT_REDIS)


def _combined(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    from crawler.service import aggregate_summaries

    return aggregate_summaries(summaries) | {"source": ",".join(s["source"] for s in summaries)}


def check_writable(client: Any, keys: Any) -> None:
    """Fail before crawling when Redis refuses writes (MISCONF from a full disk, OOM, a read-only replica),
    rather than minutes into a crawl that cannot store anything."""
    client.set(f"{keys.prefix}:probe", "1", xx=True)  # a no-op write (the key never exists) the server may refuse


def _trigger(args: argparse.Namespace, sources: list[str], urls: list[str], client: Any, keys: Any) -> int:
    triggers = queue_triggers(client, keys, sources, urls)
    for trigger in triggers:
        print(f"queued run {trigger.id} for {trigger.source}", flush=True)
    if not args.wait:
        return 0
    return RunWatcher(client, keys, [t.id for t in triggers], args.timeout).wait()


class RunWatcher:
    """`jen crawl --wait`: follow runs of the service to their end, with progress, and notice a dead service."""

    def __init__(self, client: Any, keys: Any, run_ids: list[str], timeout: float) -> None:
        from crawler.service import run_book

        self.client = client
        self.keys = keys
        self.book = run_book(client, keys)
        self.pending = list(run_ids)
        self.deadline = time.monotonic() + timeout
        self.last_progress: dict[str, tuple[float, str]] = {}

    def wait(self) -> int:
        import redis

        code = 0
        unavailable_since: float | None = None
        while self.pending and time.monotonic() < self.deadline:
            try:
                code = max(code, self._check())
                if unavailable_since is not None:
                    print("Redis answers again; still waiting", file=sys.stderr)
                unavailable_since = None
            except redis.RedisError:
                now = time.monotonic()
                if unavailable_since is None:
                    print("Redis is not answering; still waiting", file=sys.stderr)
                    unavailable_since = now
                elif now - unavailable_since > REDIS_PATIENCE:
                    raise
            if self.pending:
                time.sleep(0.5)
        if self.pending:
            raise CommandError(f"timed out waiting for {', '.join(self.pending)}; the service carries on with it "
                               "(`jen inspect runs` shows how it ends)", EXIT_TIMEOUT)
        return code

    def _check(self) -> int:
        from crawler.service import FINAL

        code = 0
        alive = service_alive(self.client, self.keys)
        cut_short = []  # runs that ended unfinished because their service is gone
        for run_id in list(self.pending):
            record = self.book.get(run_id) or {}
            status = record.get("status")
            # Done once the service has added the exit codes; or, with the service gone, once its crawl said so.
            if status in FINAL and (record.get("exit_code") is not None or not alive):
                self.pending.remove(run_id)
                self._print_end(run_id, record)
                if status != "finished" and not alive:
                    cut_short.append(run_id)
                code = max(code, 0 if status == "finished" else EXIT_FAILED)
            elif status not in FINAL:
                self._progress(run_id, record)
        if cut_short or (self.pending and not alive):
            # The service stopped, or died: its heartbeat is gone, and with it whoever would finish these runs.
            raise CommandError(f"the service stopped before run {', '.join(cut_short + self.pending)} finished (no "
                               "heartbeat); start `jen run` again: it resumes the crawl", EXIT_NO_SERVICE)
        return code

    @staticmethod
    def _print_end(run_id: str, record: dict[str, Any]) -> None:
        status = record.get("status")
        summary = record.get("summary")
        line = summary_line(summary) if isinstance(summary, dict) else f"run {run_id}: {status}"
        why = record.get("reason") or record.get("error")
        print(line + (f"; {status}: {str(why).strip()[-300:]}" if why and status != "finished" else ""), flush=True)

    def _progress(self, run_id: str, record: dict[str, Any]) -> None:
        status = record.get("status") or "queued"
        totals: dict[str, int] = {"pages": 0, "articles": 0, "failures": 0}
        for worker in (record.get("progress") or {}).values():
            for part in worker.values():
                totals["pages"] += int(part.get("pages") or 0)
                totals["articles"] += int(part.get("articles") or 0)
                totals["failures"] += sum((part.get("failures") or {}).values())
        line = (f"run {run_id}: {status}" + (f", pages {totals['pages']}, articles {totals['articles']}, failures "
                                            f"{totals['failures']}" if status == "running" else ""))
        shown_at, shown = self.last_progress.get(run_id, (0.0, ""))
        new_status = not shown.startswith(f"run {run_id}: {status}")
        if new_status or (line != shown and time.monotonic() - shown_at >= PROGRESS_EVERY):
            print(line, file=sys.stderr, flush=True)
            self.last_progress[run_id] = (time.monotonic(), line)

