"""Item pipelines: clean (300) -> flag syndicated copies (500) -> store in Redis (800).

Raw articles become clean records; failures (`FetchFailure`) pass through untouched to the store,
which puts them in the dead-letter queue with their reason. Each pipeline takes plain values in
``__init__``; ``from_crawler`` only maps settings to them.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.cleaner import parse as clean_page
from crawler.defaults import JenSettings
from crawler.failures import record_failure
from crawler.ids import record_id
from crawler.items import FetchFailure, RawArticle, utc_now
from crawler.redisconn import Keys, redis_client
from dedupe import DedupeParams, Detector, Document, MemoryIndex, RedisIndex

FLAG_FIELDS = ("duplicate_of", "similarity", "containment", "cluster", "indexed", "dedupe_reason")
# Only this much of a record's text is sketched for the dedup index. Articles are far shorter; a hostile
# page's 5 MB of text would cost the sketcher hundreds of MB (and a repeated word stays repetitive when cut).
MAX_DEDUPE_CHARS = 200_000


class CleanPipeline:
    """RawArticle -> clean record (a dict). A page that is not an article becomes a failure."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, RawArticle):
            return item
        record = clean_page(item.html, item.url, source=item.source)
        if record.status == "not_article":
            if self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.inc_value("jen/failures/not_article")
            return FetchFailure(url=item.url, reason="not_article", detail="; ".join(record.problems) or "no article",
                                source=item.source, failed_at=utc_now(), status=item.status, referer=item.via)
        clean = record.to_dict()
        # The spider's canonical URL: rel=canonical only when it names an allowed host, normalised. The page's
        # own claim must not decide which stored record it overwrites.
        canonical = item.canonical_url
        clean.update(id=record_id(item.source, canonical), canonical_url=canonical, source=item.source,
                     fetched_at=item.fetched_at, http_status=item.status)
        return clean


# One detector per crawl, shared by DedupePipeline (decides) and StorePipeline (reconciles after storing).
_DETECTORS: weakref.WeakKeyDictionary[Crawler, Detector] = weakref.WeakKeyDictionary()


def detector_for(crawler: Crawler) -> Detector:
    """The crawl's copy detector, built on first use."""
    if crawler not in _DETECTORS:
        _DETECTORS[crawler] = build_detector(JenSettings.of(crawler.settings))
    return _DETECTORS[crawler]


def build_detector(settings: JenSettings) -> Detector:
    """A copy detector: the shared Redis index with JEN_REDIS_URL, else an in-memory one."""
    params = DedupeParams(**(settings.dedupe or {}))
    if settings.redis_url:
        prefix = Keys(settings.key_prefix).dedupe_prefix
        return Detector(RedisIndex(redis_client(settings.redis_url), prefix=prefix, params=params), params)
    return Detector(MemoryIndex(params), params)


def _decision_flags(decision: Any) -> dict[str, Any]:
    return {"duplicate_of": decision.duplicate_of, "similarity": decision.similarity,
            "containment": decision.containment, "cluster": decision.cluster,
            "indexed": decision.indexed, "dedupe_reason": decision.reason}


class DedupePipeline:
    """Adds the syndication flags to every clean record; copies are flagged, never dropped.

    With ``JEN_REDIS_URL`` the index lives in Redis, shared by every crawler process; without it an
    in-memory index flags copies within this one crawl.
    """

    def __init__(self, detector: Detector) -> None:
        self.detector = detector

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        if not JenSettings.of(crawler.settings).dedupe_enabled:
            raise NotConfigured("JEN_DEDUPE_ENABLED is off")
        return cls(detector_for(crawler))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, dict) or "text" not in item:
            return item
        document = Document(id=item["id"], text=item["text"][:MAX_DEDUPE_CHARS], published=item.get("published"),
                            source=item.get("source"), title=item.get("title"), url=item.get("url"))
        result = self.detector.add(document)
        item.update(_decision_flags(result.decision))
        # Earlier-stored records whose flag changed (say, their earlier-published original just arrived).
        item["_revised"] = [_decision_flags(d) | {"id": d.id} for d in result.revised]
        return item


class StorePipeline:
    """Stores records in Redis, one per article id, and failures in the dead-letter queue.

    Storing is an upsert keyed by article id, so crawling an article again never stores it twice.
    Every store or revision is also appended to a stream for consumers.
    """

    def __init__(self, client: redis.Redis, keys: Keys, detector: Detector | None = None) -> None:
        self.client = client
        self.keys = keys
        self.detector = detector

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = JenSettings.of(crawler.settings)
        if not settings.redis_url:
            raise NotConfigured("no JEN_REDIS_URL: records are not stored (use a feed export, or jen crawl)")
        detector = detector_for(crawler) if settings.dedupe_enabled else None
        return cls(redis_client(settings.redis_url), Keys(settings.key_prefix), detector)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, FetchFailure):
            record_failure(self.client, self.keys, item)
            return item
        if not isinstance(item, dict) or "id" not in item:
            raise DropItem(f"unknown item type {type(item).__name__}")
        revised = item.pop("_revised", [])
        self._store_record(item, revised)
        self._reconcile(item)
        return item

    def _reconcile(self, record: dict[str, Any]) -> None:
        """Another crawler process may have revised this record's flags between our decision and our store
        (its revision found nothing stored yet): write the index's current decision if it differs."""
        if self.detector is None or "duplicate_of" not in record:
            return
        decision = self.detector.decision(record["id"])
        if decision is None:
            return
        current = _decision_flags(decision)
        if any(record.get(k) != current[k] for k in ("duplicate_of", "cluster")):
            self._revise(current | {"id": record["id"]})
            record.update(current)

    def _store_record(self, record: dict[str, Any], revised: list[dict[str, Any]]) -> None:
        payload = json.dumps(record, ensure_ascii=False)
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.records, record["id"], payload)
        if record.get("duplicate_of"):
            pipe.sadd(self.keys.flagged, record["id"])
        else:
            pipe.srem(self.keys.flagged, record["id"])
        pipe.xadd(self.keys.record_stream, {"id": record["id"], "event": "stored"}, maxlen=100_000, approximate=True)
        pipe.execute()
        for flags in revised:
            self._revise(flags)

    def _revise(self, flags: dict[str, Any]) -> None:
        """Update the flags of an already-stored record (optimistic locking: crawlers run in parallel)."""
        with self.client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(self.keys.records)
                    raw = pipe.hget(self.keys.records, flags["id"])
                    if raw is None:
                        pipe.reset()
                        return  # not stored yet; its own decision will be current when it is
                    stored = json.loads(raw)
                    stored.update({k: flags[k] for k in FLAG_FIELDS if k in flags})
                    pipe.multi()
                    pipe.hset(self.keys.records, flags["id"], json.dumps(stored, ensure_ascii=False))
                    if stored.get("duplicate_of"):
                        pipe.sadd(self.keys.flagged, flags["id"])
                    else:
                        pipe.srem(self.keys.flagged, flags["id"])
                    pipe.xadd(self.keys.record_stream, {"id": flags["id"], "event": "revised"},
                              maxlen=100_000, approximate=True)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue
