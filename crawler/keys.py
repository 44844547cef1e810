"""Every Redis key the project uses, in one place, so operators get a predictable keyspace.

All keys start with a prefix (default ``jen``) so several deployments, or tests, can share one
Redis server without touching each other's data.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "jen"


@dataclass(frozen=True)
class Keys:
    """Key names for one deployment; build with ``Keys(prefix)``."""

    prefix: str = DEFAULT_PREFIX

    # --- crawl queues (scrapy-redis); %(spider)s is filled in by scrapy-redis with the spider name
    def scheduler_queue_template(self) -> str:
        return f"{self.prefix}:%(spider)s:requests"

    def dupefilter_template(self) -> str:
        return f"{self.prefix}:%(spider)s:dupefilter"

    def start_urls_template(self) -> str:
        return f"{self.prefix}:%(name)s:start_urls"

    def requests(self, spider: str) -> str:
        return f"{self.prefix}:{spider}:requests"

    def dupefilter(self, spider: str) -> str:
        return f"{self.prefix}:{spider}:dupefilter"

    def start_urls(self, spider: str) -> str:
        return f"{self.prefix}:{spider}:start_urls"

    def inflight_deadlines(self, spider: str) -> str:
        """Sorted set: lease token -> deadline (unix time) of requests being processed."""
        return f"{self.prefix}:{spider}:inflight"

    def inflight_payloads(self, spider: str) -> str:
        """Hash: lease token -> the queue entry (JSON), put back in the queue if the lease runs out."""
        return f"{self.prefix}:{spider}:inflight:payloads"

    def run_marker(self, spider: str) -> str:
        """String with a TTL: the id of the crawl run in progress for this spider (shared by processes)."""
        return f"{self.prefix}:{spider}:run"

    # --- stored output
    @property
    def records(self) -> str:
        """Hash: article id -> clean, flagged record (JSON). One entry per article, ever."""
        return f"{self.prefix}:records"

    @property
    def record_stream(self) -> str:
        """Stream of record ids as they are stored or revised, for consumers."""
        return f"{self.prefix}:records:stream"

    @property
    def flagged(self) -> str:
        """Set of the ids of stored records flagged as syndicated copies."""
        return f"{self.prefix}:records:flagged"

    @property
    def dead_letters(self) -> str:
        """List of failures (JSON), each with its reason."""
        return f"{self.prefix}:dead_letters"

    # --- service
    @property
    def triggers(self) -> str:
        """List of manual crawl triggers (JSON) waiting for the service."""
        return f"{self.prefix}:triggers"

    @property
    def runs(self) -> str:
        """Hash: run id -> run summary (JSON)."""
        return f"{self.prefix}:runs"

    @property
    def schedule(self) -> str:
        """Hash: source -> schedule state (JSON: last run, next run)."""
        return f"{self.prefix}:schedule"

    @property
    def service_heartbeat(self) -> str:
        return f"{self.prefix}:service:heartbeat"

    # --- dedup index: the dedupe package takes this prefix and names its own keys under it
    @property
    def dedupe_prefix(self) -> str:
        return f"{self.prefix}:dedupe"
