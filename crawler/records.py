"""Records as users read them: from the record store, with the copy flags the dedup index holds now.

A record's flags are decided when it is stored, but a copy's original can change later (an earlier-published
copy of the same story arrives): the index keeps the current decision, so every reader (``jen export``,
``jen show``, ``jen inspect``, the web view) overlays it, and storing a record never rewrites another one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from crawler.config import Config
from crawler.defaults import JenSettings
from crawler.redisconn import Keys, redis_client
from crawler.store import RecordStore, shared_store
from dedupe import DedupeParams, Detector, MemoryIndex, RedisIndex


def build_detector(settings: JenSettings) -> Detector:
    """A copy detector: the shared Redis index with JEN_REDIS_URL, else an in-memory one."""
    params = DedupeParams(**(settings.dedupe or {}))
    if settings.redis_url:
        prefix = Keys(settings.key_prefix).dedupe_prefix
        return Detector(RedisIndex(redis_client(settings.redis_url), prefix=prefix, params=params), params)
    return Detector(MemoryIndex(params), params)


def decision_flags(decision: Any) -> dict[str, Any]:
    """A record's copy flags, from the detector's decision."""
    return {"duplicate_of": decision.duplicate_of, "similarity": decision.similarity,
            "containment": decision.containment, "cluster": decision.cluster,
            "indexed": decision.indexed, "dedupe_reason": decision.reason}


class Records:
    """Stored records with their current copy flags."""

    def __init__(self, store: RecordStore, detector: Detector | None) -> None:
        self.store = store
        self.detector = detector

    @classmethod
    def open(cls, config: Config, redis_url: str | None) -> Records:
        """The configured store, and the dedup index in Redis (no flags are overlaid without ``redis_url``)."""
        store = shared_store(config.database_url, config.data_dir)
        if not redis_url:
            return cls(store, None)
        settings = JenSettings(redis_url=redis_url, key_prefix=config.redis.key_prefix, dedupe=dict(config.dedupe))
        return cls(store, build_detector(settings))

    def get(self, record_id: str) -> dict[str, Any] | None:
        record = self.store.get(record_id)
        return self._flagged([record])[0] if record else None

    def iter(self, source: str | None = None, flagged_only: bool = False, batch_size: int = 500
             ) -> Iterator[dict[str, Any]]:
        """Every record (of ``source``) in id order, or only the syndicated copies; constant memory."""
        batch: list[dict[str, Any]] = []
        for record in self.store.iter_records(source=source, batch_size=batch_size):
            batch.append(record)
            if len(batch) >= batch_size:
                yield from self._filtered(batch, flagged_only)
                batch = []
        yield from self._filtered(batch, flagged_only)

    def count_flagged(self) -> int:
        """How many stored records are syndicated copies, by the index's current decisions."""
        if self.detector is None:
            return self.store.count_flagged()
        return sum(len(cluster.members) for cluster in self.detector.clusters())

    def search(self, **criteria: Any) -> list[dict[str, Any]]:
        """`RecordStore.search` with current flags."""
        return self._flagged(self.store.search(**criteria))

    def _filtered(self, batch: list[dict[str, Any]], flagged_only: bool) -> Iterable[dict[str, Any]]:
        records = self._flagged(batch)
        return [r for r in records if r.get("duplicate_of")] if flagged_only else records

    def _flagged(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.detector is None:
            return records
        for record in records:
            decision = self.detector.decision(record["id"])
            if decision is not None:
                record.update(decision_flags(decision))
        return records
