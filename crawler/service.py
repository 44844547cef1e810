"""``jen run``: the long-running service, and the run records every crawl leaves.

* One service per Redis key prefix. The heartbeat key is also the instance's claim: a second ``jen run`` refuses
  at start, naming the pid and host of the first; a first one that died on this host (a SIGKILL) is recognised
  as gone and does not block a restart.
* APScheduler runs each source's crawl on its schedule: one at a time per source (``max_instances=1`` and a
  per-source lock shared with manual runs), missed runs coalesced into one, a misfire grace. Each job's next
  run time is kept in Redis (JSON); on start a job resumes at that time, or runs at once if it was missed.
* A restart picks up where the last service left: run records whose processes are gone are closed with the
  reason, a crawl still running from before is adopted (waited for, never joined by a second process), and a
  source whose queue still holds requests, or whose last run was interrupted, is crawled again at once.
* Manual triggers arrive on a Redis list and start within about a second. A trigger stays on the list until
  its run record exists, so a service killed in between loses nothing.
* Each crawl runs as child processes (``jen crawl --here``, ``workers`` of them per source), so a crashing
  crawl cannot take the service down and each gets a fresh Twisted reactor. SIGTERM and SIGINT are passed on
  as one SIGTERM: Scrapy finishes what is in flight and the rest stays queued. A child whose service is gone
  (SIGKILL) notices within a second and stops the same way.
* Redis may be busy, loading, read-only, full or restarting: the client retries with backoff
  (`crawler.redisconn`), and every thread here logs, backs off and resumes. A bookkeeping write that still
  fails is kept and written once Redis answers again, so no run record is left behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis

from crawler.config import Config, Source
from crawler.redaction import redact_url
from crawler.redisconn import Keys

logger = logging.getLogger("jen.service")

HEARTBEAT_TTL = 10  # seconds; `jen crawl` and the health check treat an older heartbeat as "no service"
BEAT_INTERVAL = 2.0
ACTIVE = ("waiting", "running")
FINAL = ("finished", "failed", "interrupted", "cancelled")
LOG_DIR = Path("logs") / "runs"  # under data_dir: one log per run, bounded (runs.log_max_bytes, runs.keep_logs)


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def make_trigger(source: Source) -> Any:
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    schedule = source.schedule
    assert schedule is not None
    if schedule.interval_seconds:
        return IntervalTrigger(seconds=schedule.interval_seconds, timezone=UTC)
    return CronTrigger.from_crontab(schedule.cron or "", timezone=UTC)


def new_run_id() -> str:
    return f"{now_utc().strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


# --- processes, recognised across restarts ------------------------------------------------------------------
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _process_start(pid: int) -> str:
    """The kernel's start time of ``pid`` (clock ticks since boot), or "" if it is not running (or a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[-1].split()
    return "" if not fields or fields[0] in ("Z", "X") else fields[19]


@dataclass(frozen=True)
class ProcessId:
    """A process as another process (a later service) can recognise it: pid, host, boot and start time, so a
    reused pid, or pid 1 of the next container, is not mistaken for the process that is gone."""

    pid: int
    host: str
    boot: str = ""
    started: str = ""

    @classmethod
    def of(cls, pid: int | None = None) -> ProcessId:
        pid = pid or os.getpid()
        return cls(pid=pid, host=socket.gethostname(), boot=_boot_id(), started=_process_start(pid))

    @classmethod
    def from_dict(cls, data: Any) -> ProcessId | None:
        if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
            return None
        return cls(pid=data["pid"], host=str(data.get("host", "")), boot=str(data.get("boot", "")),
                   started=str(data.get("started", "")))

    def to_dict(self) -> dict[str, Any]:
        return {"pid": self.pid, "host": self.host, "boot": self.boot, "started": self.started}

    def alive(self) -> bool | None:
        """True or False on this host (and boot); None when that cannot be known from here."""
        if self.host != socket.gethostname() or not self.boot or self.boot != _boot_id():
            return None
        started = _process_start(self.pid)
        return bool(started) and (not self.started or started == self.started)

    def __str__(self) -> str:
        return f"pid {self.pid} on host {self.host}"


# --- JSON documents in a Redis hash ---------------------------------------------------------------------
def deep_merge(state: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """``state`` updated with ``patch``; nested mappings are merged, anything else replaced."""
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(state.get(key), dict):
            deep_merge(state[key], value)
        else:
            state[key] = value
    return state


class JsonHash:
    """A Redis hash of JSON documents (run records, schedule states) updated atomically (WATCH/MULTI), so two
    threads or processes updating one document never lose each other's fields."""

    def __init__(self, client: redis.Redis, key: str) -> None:
        self.client = client
        self.key = key

    def get(self, name: str) -> dict[str, Any] | None:
        return _json_object(self.client.hget(self.key, name))

    def all(self) -> dict[str, dict[str, Any]]:
        return {(k.decode() if isinstance(k, bytes) else k): doc for k, v in self.client.hgetall(self.key).items()
                if (doc := _json_object(v)) is not None}

    def update(self, name: str, change: Callable[[dict[str, Any] | None], dict[str, Any] | None]
               ) -> dict[str, Any] | None:
        """Apply ``change`` (stored document or None -> new document, or None to leave it) atomically."""
        result: list[dict[str, Any] | None] = [None]

        def transaction(pipe: Any) -> None:
            new = change(_json_object(pipe.hget(self.key, name)))
            result[0] = new
            pipe.multi()
            if new is not None:
                pipe.hset(self.key, name, json.dumps(new, ensure_ascii=False))

        self.client.transaction(transaction, self.key)
        return result[0]

    def merge(self, name: str, patch: dict[str, Any]) -> dict[str, Any]:
        """Merge ``patch`` into the stored document (created if missing); returns the new document."""
        merged = self.update(name, lambda stored: deep_merge(stored or {}, json.loads(json.dumps(patch))))
        assert merged is not None
        return merged


def _json_object(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# --- run records ----------------------------------------------------------------------------------------
def run_book(client: redis.Redis, keys: Keys) -> JsonHash:
    """The run records: one JSON document per run id (``jen inspect runs``)."""
    return JsonHash(client, keys.runs)


def summarize_stats(source: str, values: dict[str, Any]) -> dict[str, Any]:
    """One crawl process's Scrapy stats, as the run record keeps them."""
    failures = {k.removeprefix("jen/failures/"): v for k, v in values.items() if k.startswith("jen/failures/")}
    return {
        "source": source,
        "pages": values.get("response_received_count", 0),
        "items": values.get("item_scraped_count", 0),
        "articles": values.get("item_scraped_count", 0) - sum(failures.values()),
        "failures": dict(sorted(failures.items())),
        "skipped_already_stored": values.get("jen/already_stored", 0),
        # Pages the source's own parser did not recognise (cleaned by the generic path instead), and parser bugs.
        "parser_fallbacks": sum(v for k, v in values.items() if k.startswith("jen/cleaner/fallback/")),
        "parser_errors": values.get("jen/cleaner/parser_error", 0),
        "redis_retries": values.get("jen/redis_retries", 0),
        "joined_run": bool(values.get("jen/joined_run", False)),
        "finish_reason": values.get("finish_reason", "?"),
    }


_SUMMED = ("pages", "items", "articles", "skipped_already_stored", "parser_fallbacks", "parser_errors",
           "redis_retries")


def aggregate_summaries(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary of a run from the summaries of its worker processes (counts added up)."""
    if len(summaries) == 1:
        return dict(summaries[0])
    total: dict[str, Any] = {"source": summaries[0].get("source", "") if summaries else "", "workers": len(summaries)}
    for name in _SUMMED:
        total[name] = sum(int(s.get(name) or 0) for s in summaries)
    failures: dict[str, int] = {}
    for s in summaries:
        for reason, n in (s.get("failures") or {}).items():
            failures[reason] = failures.get(reason, 0) + int(n)
    total["failures"] = dict(sorted(failures.items()))
    reasons = [s.get("finish_reason", "?") for s in summaries]
    total["finish_reason"] = next((r for r in reasons if r != "finished"), "finished")
    return total


def worker_report(worker: int, summary: dict[str, Any], stopped_because: str | None,
                  pid: ProcessId) -> Callable[[dict[str, Any] | None], dict[str, Any]]:
    """The change a crawl process makes to its run record when it ends: its own summary, and, once every
    worker of the run has reported, the run's summary and status (so a run finishes even if its service died)."""

    def change(stored: dict[str, Any] | None) -> dict[str, Any]:
        record = stored or {"id": "", "source": summary.get("source", ""), "kind": "here"}
        workers = record.setdefault("workers", {})
        workers[str(worker)] = summary | ({"stopped_because": stopped_because} if stopped_because else {})
        record.setdefault("processes", {})[str(worker)] = pid.to_dict()
        expected = int(record.get("worker_count") or 1)
        if len(workers) >= expected:
            parts = [workers[k] for k in sorted(workers, key=int)]
            total = aggregate_summaries(parts)
            record["summary"] = total
            if total.get("redis_retries"):
                record["met_redis_errors"] = True
            if record.get("status") in ACTIVE or not record.get("status"):
                record["status"] = "finished" if total["finish_reason"] == "finished" else "interrupted"
                record["finished_at"] = iso(now_utc())
                reasons = [p["stopped_because"] for p in parts if p.get("stopped_because")]
                if reasons:
                    record["reason"] = reasons[0]
        return record

    return change


def trim_runs(book: JsonHash, keep: int) -> int:
    """Drop the oldest finished run records beyond the newest ``keep``; returns how many were dropped.

    Runs still waiting or running are never dropped. Trimming starts a little over the cap, so a busy service
    does not read every record at every run.
    """
    if book.client.hlen(book.key) <= keep + keep // 20:
        return 0
    records = book.all()
    ordered = sorted(records.items(), key=lambda item: _run_time(item[1]) + item[0], reverse=True)
    drop = [name for name, record in ordered[keep:] if record.get("status") not in ACTIVE]
    if drop:
        book.client.hdel(book.key, *drop)
        logger.info("trimmed %d old run records (keeping the newest %d: runs.keep)", len(drop), keep)
    return len(drop)


def _run_time(record: dict[str, Any]) -> str:
    return str(record.get("requested_at") or record.get("started_at") or "")


def run_log_path(data_dir: Path, run_id: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)[:120]
    return Path(data_dir) / LOG_DIR / f"{safe}.log"


def prune_run_logs(data_dir: Path, keep: int) -> int:
    """Keep the logs of the newest ``keep`` runs (each ``ID.log`` and its one rollover ``ID.log.1``)."""
    folder = Path(data_dir) / LOG_DIR
    try:
        logs = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return 0
    removed = 0
    for path in logs[keep:]:
        for old in (path, path.with_name(path.name + ".1")):
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
                removed += 1
    return removed


# --- URLs from operators --------------------------------------------------------------------------------
def url_problem(url: str, source: Source) -> tuple[str, str] | None:
    """(reason, detail) if ``url`` cannot or must not be crawled for ``source``; None if it may.

    ``bad_url`` for an address that cannot be requested at all (a port out of range, no host, not a URL),
    ``refused`` for one the source's configuration does not allow (scheme, host, private address).
    """
    from urllib.parse import urlsplit

    from crawler.middlewares import refusal_reason
    from crawler.urls import normalize_url

    if not isinstance(url, str) or not url.strip():
        return "bad_url", "empty URL"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range or not a number
        normalize_url(url)
    except ValueError as exc:
        return "bad_url", f"not a URL that can be requested: {redact_url(str(exc))}"
    if parts.username or parts.password:
        return "bad_url", ("carries credentials (user:***@): crawls do not log in, and a password in a URL ends up "
                           "in logs; give the address without them")
    reason = refusal_reason(url, source.allowed_domains, source.allow_private)
    return ("refused", reason) if reason else None


def split_urls(source: Source, urls: Iterable[str]) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(the URLs that may be crawled, [(url, reason, detail)] for each one that may not), in the given order."""
    good, bad = [], []
    for url in urls:
        problem = url_problem(url, source)
        if problem:
            bad.append((url, *problem))
        else:
            good.append(url)
    return good, bad


def dead_letter_urls(client: redis.Redis, keys: Keys, source: str, bad: list[tuple[str, str, str]],
                     via: str, cap: int) -> None:
    """Record each refused URL as a dead letter (password redacted), with its reason; ``cap``: retention."""
    from crawler.failures import record_failure
    from crawler.items import FetchFailure

    for url, reason, detail in bad:
        record_failure(client, keys, FetchFailure(url=redact_url(url), reason=reason, detail=redact_url(detail),
                                                  source=source, failed_at=iso(now_utc()) or "", referer=via), cap)


@dataclass
class Trigger:
    """A manual crawl request, as it travels through Redis (JSON)."""

    id: str
    source: str
    urls: list[str] = field(default_factory=list)
    requested_at: str = ""

    @classmethod
    def from_json(cls, raw: str | bytes) -> Trigger:
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("source"), str):
            raise ValueError("trigger needs a 'source'")
        urls = data.get("urls") or []
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise ValueError("trigger 'urls' must be a list of strings")
        return cls(id=str(data.get("id") or new_run_id()), source=data["source"], urls=urls,
                   requested_at=str(data.get("requested_at", "")))

    def to_json(self) -> str:
        return json.dumps(self.__dict__)


def crawl_command(config_path: str | None, source: str, run_id: str, kind: str, only_queued: bool,
                  worker: int = 0, log_file: Path | None = None, settings: dict[str, str] | None = None
                  ) -> list[str]:
    """The child process that performs one crawl (one worker of a run)."""
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--here", "--source", source,
               "--run-id", run_id, "--run-kind", kind, "--worker", str(worker), "--parent-pid", str(os.getpid())]
    if config_path:
        command += ["--config", config_path]
    if only_queued:
        command.append("--only-queued")
    if log_file:
        command += ["--log-file", str(log_file)]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    return command


class ServiceAlreadyRunning(RuntimeError):
    """Another ``jen run`` holds this key prefix."""

    def __init__(self, prefix: str, owner: dict[str, Any]) -> None:
        self.prefix, self.owner = prefix, owner
        super().__init__(f"another service already runs for key prefix '{prefix}': pid {owner.get('pid')} on host "
                         f"{owner.get('host')} (since {owner.get('started_at', '?')}); stop it first, or give this "
                         "one another redis.key_prefix")


# Set the heartbeat (the instance's claim) unless another instance holds it; returns the holder if one does.
_BEAT_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if current then
  local ok, owner = pcall(cjson.decode, current)
  if not ok or type(owner) ~= 'table' or owner['token'] ~= ARGV[1] then return current end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return false
"""
# Replace a dead holder's claim, only if it is still exactly what was read.
_TAKE_OVER_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
  return 1
end
return 0
"""
_RELEASE_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if current then
  local ok, owner = pcall(cjson.decode, current)
  if ok and type(owner) == 'table' and owner['token'] == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
end
return 0
"""


class Service:
    """The scheduler, the trigger listener and the heartbeat, around child crawl processes."""

    def __init__(self, config: Config, config_path: str | None, client: redis.Redis, redis_url: str,
                 misfire_grace_seconds: int = 600, stop_grace_seconds: float = 60.0,
                 crawl_settings: dict[str, str] | None = None) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self.config = config
        self.config_path = config_path
        self.client = client
        self.redis_url = redis_url
        self.keys = Keys(config.redis.key_prefix)
        self.misfire_grace_seconds = misfire_grace_seconds
        self.stop_grace_seconds = stop_grace_seconds
        self.crawl_settings = dict(crawl_settings or {})
        self.identity = ProcessId.of()
        self.token = uuid.uuid4().hex
        self.runs = run_book(client, self.keys)
        self.schedule = JsonHash(client, self.keys.schedule)
        self.locks = {name: threading.Lock() for name in config.sources}
        self.children: dict[str, list[subprocess.Popen[bytes]]] = {}
        self.children_lock = threading.Lock()
        self.active_runs = 0
        self.active_runs_changed = threading.Condition()
        self.stopping = threading.Event()
        self.stop_requested = threading.Event()
        self.claimed = False
        self.lost_claim = False  # another service took the key prefix over (its heartbeat replaced ours)
        # Manual triggers taken but not started yet (run id -> the entry as it is in the taken list).
        self.unstarted: dict[str, bytes] = {}
        # Bookkeeping writes that met a Redis error they outlasted: written again, in order, by the heartbeat.
        self.pending: list[tuple[str, Callable[[], Any]]] = []
        self.pending_lock = threading.Lock()
        self.started_at = now_utc()
        self.threads: list[threading.Thread] = []  # the heartbeat and the trigger listener
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=max(4, 3 * len(config.sources)))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": misfire_grace_seconds},
        )
        self._beat_script = client.register_script(_BEAT_SCRIPT)

    # --- one service per key prefix -------------------------------------------------------------------
    def _beat_value(self) -> str:
        return json.dumps({**self.identity.to_dict(), "token": self.token, "started_at": iso(self.started_at),
                           "at": iso(now_utc()), "prefix": self.keys.prefix})

    def claim(self) -> None:
        """Become the one service of this key prefix, or raise `ServiceAlreadyRunning` naming the one there is."""
        key = self.keys.service_heartbeat
        for _ in range(3):
            if self.client.set(key, self._beat_value(), nx=True, ex=HEARTBEAT_TTL):
                self.claimed = True
                return
            raw = self.client.get(key)
            if raw is None:
                continue  # it just expired
            owner = _json_object(raw) or {}
            holder = ProcessId.from_dict(owner)
            if holder is None or holder.alive() is not False:
                raise ServiceAlreadyRunning(self.keys.prefix, owner)
            if self.client.eval(_TAKE_OVER_SCRIPT, 1, key, raw, self._beat_value(), HEARTBEAT_TTL):
                logger.warning("the previous service (%s) is gone without stopping; taking over", holder)
                self.claimed = True
                return
        raise ServiceAlreadyRunning(self.keys.prefix, _json_object(self.client.get(key)) or {})

    def _beat(self) -> None:
        holder = self._beat_script(keys=[self.keys.service_heartbeat],
                                   args=[self.token, self._beat_value(), HEARTBEAT_TTL])
        if holder:
            owner = _json_object(holder) or {}
            logger.error("another service (pid %s on host %s) holds key prefix '%s' now; stopping this one",
                         owner.get("pid"), owner.get("host"), self.keys.prefix)
            self.lost_claim = True
            self.stop_requested.set()

    # --- bookkeeping that outlives a Redis outage ------------------------------------------------------
    def _keep(self, what: str, write: Callable[[], Any]) -> Any:
        """Run a bookkeeping write; if Redis fails it even after the client's retries, keep it for later.

        Writes are kept in order: while one waits, later ones wait behind it (a run's "finished" must not be
        overwritten by its "running" written late).
        """
        with self.pending_lock:
            if self.pending:
                self.pending.append((what, write))
                return None
        try:
            return write()
        except redis.RedisError as exc:
            logger.warning("could not write %s (%s: %s); kept, written once Redis answers", what,
                           type(exc).__name__, exc)
            with self.pending_lock:
                self.pending.append((what, write))
            return None

    def _flush_pending(self) -> None:
        while True:
            with self.pending_lock:
                if not self.pending:
                    return
                what, write = self.pending[0]
            try:
                write()  # a RedisError leaves it first in line for the next beat
            except redis.RedisError:
                raise
            except Exception:  # a write that can never succeed must not hold up the ones behind it
                logger.exception("dropped the kept write of %s", what)
            with self.pending_lock:
                self.pending.pop(0)
            logger.info("wrote %s, kept while Redis was unavailable", what)

    # --- schedule ---------------------------------------------------------------------------------------
    def _stored_next_run(self, source: str) -> datetime | None:
        value = (self.schedule.get(source) or {}).get("next_run")
        try:
            return datetime.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            return None

    def _save_schedule(self, source: str, **fields: Any) -> None:
        self._keep(f"the schedule of {source}", lambda: self.schedule.merge(source, fields))

    def add_scheduled_jobs(self, resume: dict[str, dict[str, Any]] | None = None) -> None:
        """Schedule each source; a source in ``resume`` (source -> why) runs at once."""
        now = now_utc()
        resume = resume or {}
        for name, source in self.config.sources.items():
            if source.schedule is None:
                continue
            stored = self._stored_next_run(name)
            # Missed while the service was down (or never run): run once now; the misses coalesce.
            next_run = stored if stored and stored > now else now + timedelta(seconds=1)
            self.scheduler.add_job(self.run_scheduled, make_trigger(source), args=[name], id=f"crawl:{name}",
                                   name=f"crawl {name}", next_run_time=next_run, replace_existing=True)
            self._save_schedule(name, next_run=iso(next_run),
                                schedule=source.schedule.cron or f"every {source.schedule.interval_seconds}s")
            logger.info("scheduled %s: next run %s", name, iso(next_run))
            if name in resume and next_run <= now + timedelta(seconds=1):
                resume.pop(name)  # the scheduled run, due now, carries on with the queue itself
        for name, why in resume.items():
            self.scheduler.add_job(self.run_crawl, "date", run_date=now, id=f"resume:{name}:{uuid.uuid4().hex[:6]}",
                                   args=[name, "resume", new_run_id()],
                                   kwargs={"only_queued": why["queued"], "resumes": why.get("run")},
                                   misfire_grace_time=None)
            logger.info("resuming %s at once: %s", name, why["because"])

    def _on_job_event(self, event: Any) -> None:
        try:
            if not str(event.job_id).startswith("crawl:"):
                return
            from apscheduler.events import EVENT_JOB_MISSED

            source = event.job_id.split(":", 1)[1]
            job = self.scheduler.get_job(event.job_id)
            if event.code == EVENT_JOB_MISSED:
                logger.warning("missed run of %s at %s (coalesced)", source, iso(event.scheduled_run_time))
            self._save_schedule(source, next_run=iso(job.next_run_time) if job else None)
        except Exception:  # a listener that raises is dropped by APScheduler: never let it
            logger.exception("scheduler event %s not recorded", getattr(event, "job_id", "?"))

    # --- recovery at start --------------------------------------------------------------------------------
    def _run_alive(self, record: dict[str, Any]) -> bool:
        """Is any process of this run still working (as far as this host can tell)?"""
        processes = record.get("processes") or {}
        known = [p for p in (ProcessId.from_dict(v) for v in processes.values()) if p]
        states = [p.alive() for p in known]
        if any(state is True for state in states):
            return True
        if known and all(state is False for state in states):
            return False
        # Processes on another host, or none recorded yet: the crawl's run marker says whether it still works.
        marker = self.client.get(self.keys.run_marker(str(record.get("source", ""))))
        return marker is not None and marker.decode() == record.get("id")

    def recover(self) -> dict[str, dict[str, Any]]:
        """Close the run records a previous service left open, adopt crawls still running, put back the triggers
        it had taken, and say which sources must be crawled again at once (source -> why)."""
        taken = self.keys.triggers_taken
        while self.client.lmove(taken, self.keys.triggers, "RIGHT", "LEFT") is not None:
            pass  # taken by a service that is gone: handled again, from the head of the list
        pending = set()
        for raw in self.client.lrange(self.keys.triggers, 0, -1):
            with contextlib.suppress(ValueError, AttributeError):
                pending.add(json.loads(raw).get("id"))
        adopted: set[str] = set()
        for run_id, record in sorted(self.runs.all().items(), key=lambda item: _run_time(item[1])):
            if record.get("status") not in ACTIVE:
                continue
            source = str(record.get("source", ""))
            if self._run_alive(record):
                if record.get("status") == "running" and source in self.config.sources:
                    adopted.add(source)
                    self.runs.merge(run_id, {"adopted_by": self.identity.to_dict()})
                    self._submit(self.adopt, [run_id], f"adopt:{run_id}")
                continue
            if record.get("status") == "waiting" and run_id in pending:
                continue  # its trigger is back on the list: the listener starts it
            service = ProcessId.from_dict(record.get("service"))
            crawls = ", ".join(str(p) for p in map(ProcessId.from_dict, (record.get("processes") or {}).values()) if p)
            if record.get("status") == "waiting":
                status = "cancelled"
                reason = f"closed at service start: the service ({service or '?'}) stopped before the run started"
            else:
                status = "interrupted"
                reason = (f"closed at service start: its crawl processes ({crawls or 'none recorded'}) are gone, the "
                          f"run did not finish" + (f" (service: {service})" if service else ""))
            self.runs.update(run_id, lambda stored, s=status, r=reason: None if not stored or stored.get(
                "status") not in ACTIVE else stored | {"status": s, "reason": r, "finished_at": iso(now_utc())})
            logger.warning("run %s of %s %s: %s", run_id, source, status, reason)
        resume: dict[str, dict[str, Any]] = {}
        for name in self.config.sources:
            if name in adopted:
                continue
            why = self._resume_reason(name)
            if why:
                resume[name] = why
        return resume

    def _resume_reason(self, source: str) -> dict[str, Any] | None:
        """Why ``source`` must be crawled at once (its queue holds requests, its last run was interrupted)."""
        queued = (self.client.zcard(self.keys.requests(source)) + self.client.zcard(
            self.keys.inflight_deadlines(source)) + self.client.llen(self.keys.start_urls(source)))
        last = max((r for r in self.runs.all().values() if r.get("source") == source),
                   key=_run_time, default=None)
        if queued:
            return {"queued": True, "because": f"its queue still holds {queued} requests",
                    "run": last.get("id") if last else None}
        if last and last.get("status") == "interrupted":
            return {"queued": False, "because": f"its last run {last.get('id')} was interrupted", "run": last["id"]}
        return None

    def adopt(self, run_id: str) -> None:
        """Wait for a crawl a previous service started to end (never join it), then close its record and carry
        on with whatever it left queued."""
        record = self.runs.get(run_id) or {}
        source = str(record.get("source", ""))
        with self.locks[source]:
            logger.info("adopted run %s of %s: waiting for its processes to end", run_id, source)
            while not self.stopping.is_set() and self._run_alive(self.runs.get(run_id) or record):
                self.stopping.wait(1.0)
            if self.stopping.is_set():
                return
            self.runs.update(run_id, lambda stored: None if not stored or stored.get("status") not in ACTIVE else
                             stored | {"status": "interrupted", "finished_at": iso(now_utc()),
                                       "reason": "its processes ended after the service that started them was gone"})
            logger.info("adopted run %s of %s ended: %s", run_id, source, (self.runs.get(run_id) or {}).get("status"))
        why = self._resume_reason(source)
        if why and not self.stopping.is_set():
            logger.info("resuming %s: %s", source, why["because"])
            self.run_crawl(source, "resume", new_run_id(), only_queued=why["queued"], resumes=run_id)

    def _submit(self, func: Callable[..., Any], args: list[Any], job_id: str) -> None:
        self.scheduler.add_job(func, "date", run_date=now_utc(), id=f"{job_id}:{uuid.uuid4().hex[:6]}", args=args,
                               misfire_grace_time=None)

    # --- runs -----------------------------------------------------------------------------------------
    def run_scheduled(self, source: str) -> None:
        self._save_schedule(source, last_run=iso(now_utc()))
        self.run_crawl(source, kind="scheduled", run_id=new_run_id())

    def run_crawl(self, source: str, kind: str, run_id: str, urls: list[str] | None = None,
                  only_queued: bool | None = None, resumes: str | None = None) -> dict[str, Any] | None:
        """Run one crawl of ``source`` in child processes, after any other crawl of it has finished."""
        with self.active_runs_changed:
            self.active_runs += 1
        try:
            return self._run_crawl(source, kind, run_id, urls or [], bool(urls) if only_queued is None else only_queued,
                                   resumes)
        except Exception:  # a job that raises would leave its run open: log it, the next start closes it
            logger.exception("run %s of %s failed in the service", run_id, source)
            return None
        finally:
            with self.active_runs_changed:
                self.active_runs -= 1
                self.active_runs_changed.notify_all()

    def _run_crawl(self, source: str, kind: str, run_id: str, urls: list[str], only_queued: bool,
                   resumes: str | None) -> dict[str, Any] | None:
        settings = self.config.source(source)
        waiting = {"id": run_id, "source": source, "kind": kind, "status": "waiting",
                   "urls": [redact_url(u) for u in urls], "service": self.identity.to_dict()}
        self._keep(f"run {run_id}", lambda: self.runs.update(run_id, lambda stored: (stored or {"requested_at": iso(
            now_utc())}) | waiting | ({"resumes": resumes} if resumes else {})))
        with self.locks[source]:
            if self.stopping.is_set() or not self._wait_for_other_crawl(source, run_id):
                self._leave_unstarted(run_id, kind)
                return None
            taken = self.unstarted.pop(run_id, None)
            if urls or taken is not None:
                from crawler.queues import queued_entry

                with self.client.pipeline(transaction=True) as pipe:  # the trigger leaves only as its URLs queue
                    if urls:
                        pipe.rpush(self.keys.start_urls(source), *(queued_entry(url) for url in urls))
                    if taken is not None:
                        pipe.lrem(self.keys.triggers_taken, 1, taken)
                    pipe.execute()
            log_file = run_log_path(self.config.data_dir, run_id)
            self._keep(f"run {run_id}", lambda: self.runs.merge(run_id, {
                "status": "running", "started_at": iso(now_utc()), "worker_count": settings.workers,
                "log": str(log_file)}))
            exit_codes, errors = self._run_workers(source, run_id, kind, only_queued, settings.workers, log_file)
        stopping = self.stopping.is_set()
        finished = self._keep(f"run {run_id}", lambda: self.runs.update(
            run_id, _closing(exit_codes, errors, stopping)))
        logger.info("run %s of %s: %s", run_id, source, (finished or {}).get("status", "recorded later"))
        self._keep("run records trim", lambda: trim_runs(self.runs, self.config.runs.keep))
        prune_run_logs(self.config.data_dir, self.config.runs.keep_logs)
        return finished

    def _leave_unstarted(self, run_id: str, kind: str) -> None:
        if kind == "manual":  # the next service starts it (see recover)
            note = {"note": "not started: the service stopped first; the next `jen run` starts it"}
        else:
            note = {"status": "cancelled", "finished_at": iso(now_utc()), "reason": "service stopping"}
        self._keep(f"run {run_id}", lambda: self.runs.merge(run_id, note))

    def _wait_for_other_crawl(self, source: str, run_id: str) -> bool:
        """Wait while another run of ``source`` still works (so this one never joins it); False if stopping."""
        marker_key = self.keys.run_marker(source)
        said = False
        while not self.stopping.is_set():
            marker = self.client.get(marker_key)
            if marker is None or marker.decode() == run_id:
                return True
            other = self.runs.get(marker.decode())
            if other is not None and not self._run_alive(other):
                # A run whose processes are all gone on this host: its marker would only expire in a while.
                self.client.eval(_DELETE_IF_SCRIPT, 1, marker_key, marker)
                continue
            if not said:
                logger.info("run %s of %s waits for run %s of it to end", run_id, source, marker.decode())
                said = True
            self.stopping.wait(1.0)
        return False

    def _run_workers(self, source: str, run_id: str, kind: str, only_queued: bool, workers: int,
                     log_file: Path) -> tuple[list[int], list[str]]:
        """Start the run's crawl processes (the first alone, until it has opened the run), wait for all; returns
        their exit codes and, for each that failed, the end of what it said."""
        env = {**os.environ, "REDIS_URL": self.redis_url}
        processes: list[tuple[subprocess.Popen[bytes], Any, Path]] = []
        with contextlib.ExitStack() as files:
            try:
                for worker in range(workers):
                    log = log_file.with_name(f"{log_file.stem}.{worker}.log") if worker else log_file
                    command = crawl_command(self.config_path, source, run_id, kind, only_queued, worker, log,
                                            self.crawl_settings)
                    # What a child says outside its log (a crash before its logging starts).
                    stderr = files.enter_context(tempfile.TemporaryFile())
                    # Own session: a Ctrl-C on the service reaches the crawl only as the one SIGTERM stop() sends.
                    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                               start_new_session=True)
                    processes.append((process, stderr, log))
                    with self.children_lock:
                        self.children.setdefault(run_id, []).append(process)
                    pid = ProcessId.of(process.pid).to_dict()
                    self._keep(f"run {run_id}",
                               lambda w=worker, p=pid: self.runs.merge(run_id, {"processes": {str(w): p}}))
                    if self.stopping.is_set():  # stop() may have missed this one
                        process.send_signal(signal.SIGTERM)
                        break
                    if worker == 0 and workers > 1:
                        self._wait_for_marker(source, run_id, process)
                for process, _, _ in processes:
                    process.wait()
            finally:
                with self.children_lock:
                    self.children.pop(run_id, None)
            errors = [_tail(stderr, log) for process, stderr, log in processes if process.returncode != 0]
        return [process.returncode for process, _, _ in processes], errors

    def _wait_for_marker(self, source: str, run_id: str, first: subprocess.Popen[bytes], timeout: float = 30) -> None:
        """Let the first worker open the run (set its marker, clear the dupefilter) before the others join."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and first.poll() is None and not self.stopping.is_set():
            marker = self.client.get(self.keys.run_marker(source))
            if marker is not None and marker.decode() == run_id:
                return
            time.sleep(0.2)

    # --- manual triggers --------------------------------------------------------------------------------
    def handle_trigger(self, raw: bytes) -> None:
        """Start the crawl a trigger asks for; a bad trigger, or a bad URL in one, is dead-lettered, never run.

        ``raw`` is in the taken list (`Keys.triggers_taken`) and leaves it once its run starts or it is refused.
        """
        if self._start_trigger(raw) is False:
            self.client.lrem(self.keys.triggers_taken, 1, raw)

    def _start_trigger(self, raw: bytes) -> bool:
        """Submit the trigger's run; False if the trigger is done with (refused, or already run)."""
        try:
            trigger = Trigger.from_json(raw)
            source = self.config.source(trigger.source)
        except Exception as exc:  # a bad entry is recorded, never run
            from crawler.failures import record_failure
            from crawler.items import FetchFailure

            record_failure(self.client, self.keys, FetchFailure(
                url="", reason="bad_trigger", detail=redact_url(str(exc)), source="", failed_at=iso(now_utc()) or "",
                extra={"entry": redact_url(raw.decode("utf-8", "replace"))[:2000]}), self.config.retention.dead_letters)
            logger.error("bad trigger: %s", redact_url(str(exc)))
            return False
        good, bad = split_urls(source, trigger.urls)
        if bad:
            dead_letter_urls(self.client, self.keys, source.name, bad, f"trigger {trigger.id}",
                             self.config.retention.dead_letters)
            for url, reason, detail in bad:
                logger.warning("trigger %s: %s %s: %s", trigger.id, reason, redact_url(url), redact_url(detail))
        refused = [{"url": redact_url(u), "reason": r, "detail": redact_url(d)} for u, r, d in bad]
        if trigger.urls and not good:
            self.runs.update(trigger.id, lambda stored: None if stored else {
                "id": trigger.id, "source": source.name, "kind": "manual", "status": "failed", "refused": refused,
                "requested_at": trigger.requested_at or iso(now_utc()), "finished_at": iso(now_utc()),
                "exit_code": 3, "error": "every URL of the trigger was refused (see the dead letters)"})
            return False
        waiting = {"id": trigger.id, "source": source.name, "kind": "manual", "status": "waiting",
                   "urls": [redact_url(u) for u in good], "refused": refused, "service": self.identity.to_dict()}
        created = self.runs.update(trigger.id, lambda stored: self._new_manual_run(stored, waiting, trigger))
        if created is None:
            logger.warning("trigger %s already has a run record: not started twice", trigger.id)
            return False
        logger.info("manual trigger %s for %s (%d URLs)", trigger.id, source.name, len(good))
        self.unstarted[trigger.id] = raw
        self._submit(self.run_crawl, [source.name, "manual", trigger.id, good], f"manual:{trigger.id}")
        return True

    def _new_manual_run(self, stored: dict[str, Any] | None, waiting: dict[str, Any], trigger: Trigger
                        ) -> dict[str, Any] | None:
        """The waiting record of a trigger's run; None if its id has a run already (a trigger sent twice runs
        once). A trigger put back by a service that stopped before starting it has a waiting record of that
        other service: this one takes it over."""
        if stored is None:
            return waiting | {"requested_at": trigger.requested_at or iso(now_utc())}
        if stored.get("status") == "waiting" and ProcessId.from_dict(stored.get("service")) != self.identity:
            return stored | waiting
        return None

    def _listen_for_triggers(self) -> None:
        taken = self.keys.triggers_taken
        errors = 0
        unhandled: list[bytes] = []  # taken, then Redis failed while handling them: back to the list, first
        while not self.stopping.is_set():
            try:
                while unhandled:
                    with self.client.pipeline(transaction=True) as pipe:
                        pipe.lrem(taken, 1, unhandled[0])
                        pipe.lpush(self.keys.triggers, unhandled[0])
                        pipe.execute()
                    unhandled.pop(0)
                raw = self.client.blmove(self.keys.triggers, taken, 1, src="LEFT", dest="RIGHT")
                if raw is not None:
                    try:
                        self.handle_trigger(raw)
                    except redis.RedisError:
                        unhandled.append(raw)
                        raise
                    except Exception:  # the listener must outlive any one bad trigger
                        logger.exception("could not handle trigger %r", raw[:200])
                        self.client.lrem(taken, 1, raw)
                errors = 0
            except Exception as exc:
                errors += 1
                _log_loop_error("trigger listener", exc, errors)
                self.stopping.wait(min(5.0, 0.5 * 2 ** min(errors, 4)))

    def _heartbeat(self) -> None:
        errors = 0
        while not self.stopping.is_set():
            try:
                self._beat()
                self._flush_pending()
                if errors:
                    logger.info("heartbeat resumed: Redis answers again")
                errors = 0
                self.stopping.wait(BEAT_INTERVAL)
            except Exception as exc:
                errors += 1
                _log_loop_error("heartbeat", exc, errors)
                self.stopping.wait(min(BEAT_INTERVAL, 0.5 * errors))

    # --- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        """Claim the key prefix (or raise `ServiceAlreadyRunning`), recover, schedule, listen, beat."""
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED

        if not self.claimed:
            self.claim()
        self.threads.append(threading.Thread(target=self._heartbeat, daemon=True, name="heartbeat"))
        self.threads[-1].start()
        self.scheduler.add_listener(self._on_job_event,
                                    EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self.scheduler.start()
        resume = self.recover()
        self.add_scheduled_jobs(resume)
        self.threads.append(threading.Thread(target=self._listen_for_triggers, daemon=True, name="trigger-listener"))
        self.threads[-1].start()
        logger.info("service started (%s): %d sources, %d scheduled", self.identity, len(self.config.sources),
                    len([j for j in self.scheduler.get_jobs() if j.id.startswith("crawl:")]))

    def stop(self) -> None:
        """Stop cleanly: no new crawls; running crawls finish their in-flight requests, the rest stays queued."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        with self.children_lock:
            children = [c for group in self.children.values() for c in group]
        logger.info("stopping: asking %d running crawl process(es) to finish", len(children))
        with contextlib.suppress(Exception):
            self.scheduler.pause()
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)  # Scrapy's graceful shutdown
        deadline = time.monotonic() + self.stop_grace_seconds
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()  # its queue and leases are in Redis; the next run picks them up
        with self.active_runs_changed:  # let the runs write their records
            self.active_runs_changed.wait_for(lambda: self.active_runs == 0, timeout=15)
        with contextlib.suppress(Exception):  # not running, if start() failed before starting it
            self.scheduler.shutdown(wait=False)
        for thread in self.threads:  # a beat still under way must not set the heartbeat again after release
            thread.join(timeout=5)
        with contextlib.suppress(redis.RedisError):
            self._flush_pending()
        with contextlib.suppress(redis.RedisError):
            for raw in list(self.unstarted.values()):  # not started: back to the head, for the next service
                with self.client.pipeline(transaction=True) as pipe:
                    pipe.lrem(self.keys.triggers_taken, 1, raw)
                    pipe.lpush(self.keys.triggers, raw)
                    pipe.execute()
        with contextlib.suppress(redis.RedisError):
            self.client.eval(_RELEASE_SCRIPT, 1, self.keys.service_heartbeat, self.token)

    def serve_forever(self) -> None:
        """Run until SIGTERM or SIGINT (or another service takes the prefix over), then stop cleanly."""
        signal.signal(signal.SIGTERM, lambda *_: self.stop_requested.set())
        signal.signal(signal.SIGINT, lambda *_: self.stop_requested.set())
        try:
            self.start()
            while not self.stop_requested.wait(0.5):
                pass
        finally:
            self.stop()


_DELETE_IF_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _closing(exit_codes: list[int], errors: list[str], stopping: bool
             ) -> Callable[[dict[str, Any] | None], dict[str, Any]]:
    """The service's last change to a run record, once its processes have exited."""

    def change(stored: dict[str, Any] | None) -> dict[str, Any]:
        record = dict(stored or {})
        record["exit_codes"] = exit_codes
        record["exit_code"] = next((c for c in exit_codes if c != 0), 0) if exit_codes else -1
        record.setdefault("finished_at", iso(now_utc()))
        if any(c != 0 for c in exit_codes) or not exit_codes:
            if record.get("status") in ACTIVE or record.get("status") == "finished":
                record["status"] = "interrupted" if stopping else "failed"
            if errors and any(errors):
                record["error"] = next(e for e in errors if e)[-2000:]
        elif record.get("status") in ACTIVE:
            record["status"] = "finished"
        return record

    return change


def _tail(stderr: Any, log: Path, size: int = 2000) -> str:
    """The end of what a failed crawl process said: its stderr, else its log (passwords redacted)."""
    stderr.seek(max(0, stderr.seek(0, os.SEEK_END) - size))
    text = stderr.read().decode("utf-8", "replace").strip()
    if not text:
        with contextlib.suppress(OSError), log.open("rb") as fh:
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - size))
            text = fh.read().decode("utf-8", "replace").strip()
    return redact_url(text)


def _log_loop_error(thread: str, exc: BaseException, errors: int) -> None:
    """One line per trouble, not one per attempt: the first error, then every tenth."""
    if errors == 1 or errors % 10 == 0:
        if isinstance(exc, redis.RedisError):
            logger.warning("%s: Redis unavailable (%s: %s); backing off and retrying", thread,
                           type(exc).__name__, redact_url(str(exc)))
        else:
            logger.error("%s: %s: %s; retrying", thread, type(exc).__name__, redact_url(str(exc)),
                         exc_info=errors == 1)
