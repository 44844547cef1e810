"""``jen run``: the long-running service.

* APScheduler runs each source's crawl on its schedule: one at a time per source (``max_instances=1``
  and a per-source lock shared with manual runs), missed runs coalesced into one, a misfire grace.
* The schedule survives a restart: each job's next run time is kept in Redis (JSON); on start a
  job resumes at that time, or runs at once if it was missed while the service was down.
* Manual triggers arrive on a Redis list and start within about a second.
* Each crawl runs as a child process (``jen crawl --here``), so a crashing crawl cannot take the
  service down and each gets a fresh Twisted reactor. SIGTERM is passed on: Scrapy stops taking new
  requests and finishes what is in flight; whatever is left stays queued in Redis for the next run.
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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config import Config, Source
from crawler.failures import record_failure
from crawler.items import FetchFailure
from crawler.queues import queued_entry
from crawler.redaction import redact_url
from crawler.redisconn import Keys

logger = logging.getLogger("jen.service")

HEARTBEAT_TTL = 10  # seconds; `jen crawl` and the health check treat an older heartbeat as "no service"


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def make_trigger(source: Source) -> IntervalTrigger | CronTrigger:
    schedule = source.schedule
    assert schedule is not None
    if schedule.interval_seconds:
        return IntervalTrigger(seconds=schedule.interval_seconds, timezone=UTC)
    return CronTrigger.from_crontab(schedule.cron or "", timezone=UTC)


def new_run_id() -> str:
    return f"{now_utc().strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


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


def crawl_command(config_path: str | None, source: str, run_id: str, kind: str, only_queued: bool) -> list[str]:
    """The child process that performs one crawl."""
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--here", "--source", source,
               "--run-id", run_id, "--run-kind", kind]
    if config_path:
        command += ["--config", config_path]
    if only_queued:
        command.append("--only-queued")
    return command


class Service:
    """The scheduler, the trigger listener and the heartbeat, around child crawl processes."""

    def __init__(self, config: Config, config_path: str | None, client: redis.Redis, redis_url: str,
                 misfire_grace_seconds: int = 600, stop_grace_seconds: float = 60.0) -> None:
        self.config = config
        self.config_path = config_path
        self.client = client
        self.redis_url = redis_url
        self.keys = Keys(config.redis.key_prefix)
        self.misfire_grace_seconds = misfire_grace_seconds
        self.stop_grace_seconds = stop_grace_seconds
        self.locks = {name: threading.Lock() for name in config.sources}
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.children_lock = threading.Lock()
        self.stopping = threading.Event()
        # Manual triggers taken off Redis but not started yet: put back on the list if the service stops.
        self.unstarted: dict[str, Trigger] = {}
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=max(4, 2 * len(config.sources)))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": misfire_grace_seconds},
        )
        self.started_at = now_utc()

    # --- schedule ---------------------------------------------------------------------------------
    def _stored_next_run(self, source: str) -> datetime | None:
        raw = self.client.hget(self.keys.schedule, source)
        if not raw:
            return None
        try:
            value = json.loads(raw).get("next_run")
            return datetime.fromisoformat(value) if value else None
        except (ValueError, AttributeError):
            return None

    def _save_schedule(self, source: str, **fields: Any) -> None:
        raw = self.client.hget(self.keys.schedule, source)
        state = json.loads(raw) if raw else {}
        state.update(fields)
        self.client.hset(self.keys.schedule, source, json.dumps(state))

    def add_scheduled_jobs(self) -> None:
        now = now_utc()
        for name, source in self.config.sources.items():
            if source.schedule is None:
                continue
            stored = self._stored_next_run(name)
            # Missed while the service was down (or never run): run once now; the misses coalesce.
            next_run = stored if stored and stored > now else now + timedelta(seconds=1)
            trigger = make_trigger(source)
            self.scheduler.add_job(self.run_scheduled, trigger, args=[name], id=f"crawl:{name}", name=f"crawl {name}",
                                   next_run_time=next_run, replace_existing=True)
            self._save_schedule(name, next_run=iso(next_run),
                                schedule=source.schedule.cron or f"every {source.schedule.interval_seconds}s")
            logger.info("scheduled %s: next run %s", name, iso(next_run))

    def _on_job_event(self, event: Any) -> None:
        if not str(event.job_id).startswith("crawl:"):
            return
        source = event.job_id.split(":", 1)[1]
        job = self.scheduler.get_job(event.job_id)
        next_run = iso(job.next_run_time) if job else None
        if event.code == EVENT_JOB_MISSED:
            logger.warning("missed run of %s at %s (coalesced)", source, iso(event.scheduled_run_time))
        self._save_schedule(source, next_run=next_run)

    # --- runs -------------------------------------------------------------------------------------
    def run_scheduled(self, source: str) -> None:
        self._save_schedule(source, last_run=iso(now_utc()))
        self.run_crawl(source, kind="scheduled", run_id=new_run_id())

    def run_crawl(self, source: str, kind: str, run_id: str, urls: list[str] | None = None) -> dict[str, Any]:
        """Run one crawl of ``source`` in a child process, after any other crawl of it has finished."""
        run = {"id": run_id, "source": source, "kind": kind, "status": "waiting", "urls": urls or [],
               "requested_at": iso(now_utc())}
        self._save_run(run)
        with self.locks[source]:
            if self.stopping.is_set():
                run.update(status="cancelled", finished_at=iso(now_utc()), summary="service stopping", exit_code=-1)
                self._save_run(run)
                return run
            self.unstarted.pop(run_id, None)
            if urls:
                spider = source  # spiders are named after their source
                self.client.rpush(self.keys.start_urls(spider), *(queued_entry(url) for url in urls))
            run.update(status="running", started_at=iso(now_utc()))
            self._save_run(run)
            command = crawl_command(self.config_path, source, run_id, kind, only_queued=bool(urls))
            env = {**os.environ, "REDIS_URL": self.redis_url}
            # Own session: a Ctrl-C on the service reaches the crawl only as the single SIGTERM sent by stop().
            # Its log goes to a temporary file, of which only the tail is kept.
            with tempfile.TemporaryFile() as log:
                process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log,
                                           start_new_session=True)
                with self.children_lock:
                    self.children[run_id] = process
                process.wait()
                with self.children_lock:
                    self.children.pop(run_id, None)
                log.seek(max(0, log.seek(0, os.SEEK_END) - 4000))
                stderr = log.read()
        # The child writes its own summary into the run record; add what only the parent knows.
        stored = self._load_run(run_id) or run
        stored.update(exit_code=process.returncode, finished_at=stored.get("finished_at") or iso(now_utc()))
        if process.returncode != 0:
            stored["status"] = "interrupted" if self.stopping.is_set() else "failed"
            stored["error"] = redact_url(stderr.decode("utf-8", "replace")[-2000:])
        elif stored.get("status") in ("running", "waiting"):
            stored["status"] = "finished"
        self._save_run(stored)
        logger.info("run %s of %s: %s", run_id, source, stored.get("status"))
        return stored

    def _save_run(self, run: dict[str, Any]) -> None:
        self.client.hset(self.keys.runs, run["id"], json.dumps(run))

    def _load_run(self, run_id: str) -> dict[str, Any] | None:
        raw = self.client.hget(self.keys.runs, run_id)
        return json.loads(raw) if raw else None

    # --- manual triggers --------------------------------------------------------------------------
    def handle_trigger(self, raw: bytes) -> None:
        try:
            trigger = Trigger.from_json(raw)
            self.config.source(trigger.source)
        except Exception as exc:  # a bad entry is recorded, never run
            record_failure(self.client, self.keys, FetchFailure(
                url="", reason="bad_trigger", detail=str(exc), source="", failed_at=iso(now_utc()) or "",
                extra={"entry": raw.decode("utf-8", "replace")[:2000]}))
            logger.error("bad trigger: %s", exc)
            return
        logger.info("manual trigger %s for %s (%d URLs)", trigger.id, trigger.source, len(trigger.urls))
        self.unstarted[trigger.id] = trigger
        job_id = f"manual:{trigger.id}:{uuid.uuid4().hex[:6]}"  # a re-sent trigger id must not clash
        self.scheduler.add_job(self.run_crawl, "date", run_date=now_utc(), id=job_id,
                               args=[trigger.source, "manual", trigger.id, trigger.urls], misfire_grace_time=None)

    def _listen_for_triggers(self) -> None:
        while not self.stopping.is_set():
            try:
                item = self.client.blpop([self.keys.triggers], timeout=1)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                logger.warning("Redis unavailable (%s); trigger listener retrying", exc)
                time.sleep(1)
                continue
            if item:
                try:
                    self.handle_trigger(item[1])
                except Exception:  # the listener must outlive any one bad trigger
                    logger.exception("could not handle trigger %r", item[1][:200])

    def _heartbeat(self) -> None:
        while not self.stopping.is_set():
            beat = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": iso(self.started_at),
                    "at": iso(now_utc())}
            try:
                self.client.set(self.keys.service_heartbeat, json.dumps(beat), ex=HEARTBEAT_TTL)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                logger.warning("heartbeat failed: %s", exc)
            self.stopping.wait(2)

    # --- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        self.scheduler.add_listener(self._on_job_event,
                                    EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self.scheduler.start()
        self.add_scheduled_jobs()
        for target in (self._listen_for_triggers, self._heartbeat):
            threading.Thread(target=target, daemon=True, name=target.__name__).start()
        logger.info("service started: %d sources, %d scheduled", len(self.config.sources),
                    len(self.scheduler.get_jobs()))

    def stop(self) -> None:
        """Stop cleanly: no new crawls; running crawls finish their in-flight requests, the rest stays queued."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        logger.info("stopping: asking %d running crawl(s) to finish", len(self.children))
        self.scheduler.pause()
        with self.children_lock:
            children = list(self.children.values())
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)  # Scrapy's graceful shutdown
        deadline = time.monotonic() + self.stop_grace_seconds
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()  # its queue and leases are in Redis; the next run picks them up
        self.scheduler.shutdown(wait=False)
        with contextlib.suppress(redis.RedisError):
            for trigger in self.unstarted.values():  # not started: the next service takes them
                self.client.lpush(self.keys.triggers, trigger.to_json())
            self.client.delete(self.keys.service_heartbeat)

    def serve_forever(self) -> None:
        """Run until SIGTERM or SIGINT, then stop cleanly."""
        stop_requested = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop_requested.set())
        signal.signal(signal.SIGINT, lambda *_: stop_requested.set())
        self.start()
        while not stop_requested.wait(0.5):
            pass
        self.stop()
