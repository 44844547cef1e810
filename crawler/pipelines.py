"""Item pipelines: clean (300) -> flag syndicated copies (500) -> store (800).

Raw articles become clean records; failures (`FetchFailure`) pass through untouched to the store, which
records them in the dead letters with their reason. Copy flags are decided in batches against the dedup
index in Redis, records are stored in batches in the record store (a database), both in worker threads
(`crawler.batching`), so the crawl's reactor thread never waits on either. Each pipeline takes plain values in
``__init__``; ``from_crawler`` only maps settings to them.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.batching import BatchWorker
from crawler.cleaner import parse as clean_page
from crawler.defaults import JenSettings
from crawler.failures import DeadLetters
from crawler.ids import record_id
from crawler.items import FetchFailure, RawArticle, utc_now
from crawler.records import build_detector, decision_flags
from crawler.redisconn import Keys, redis_client
from crawler.store import RecordRejected, RecordStore, shared_store
from dedupe import Detector, Document

logger = logging.getLogger(__name__)

# Only this much of a record's text is sketched for the dedup index. Articles are far shorter; a hostile
# page's 5 MB of text would cost the sketcher hundreds of MB (and a repeated word stays repetitive when cut).
MAX_DEDUPE_CHARS = 200_000
# A batch goes as soon as its texts add up to this many characters, whatever its count: a run of hostile
# multi-megabyte pages must not wait in memory for a full batch.
MAX_BATCH_CHARS = 1_000_000


def text_size(item: Any) -> int:
    """How much of a batch's memory an item takes, roughly: its text (a record keeps it twice, as body too)."""
    if isinstance(item, Document):
        return len(item.text)
    return 2 * len(item.get("text") or "") if isinstance(item, dict) else 1


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
        # An operator watches these: a site that changed its markup shows as parser fallbacks, a cleaner bug as
        # parser errors (the parser logs each with its page's address).
        if record.fallback_from:
            self._count(f"jen/cleaner/fallback/{record.fallback_from}")
        if any(problem.startswith("parser error") for problem in record.problems):
            self._count("jen/cleaner/parser_error")
        if record.status == "not_article":
            self._count("jen/failures/not_article")
            return FetchFailure(url=item.url, reason="not_article", detail="; ".join(record.problems) or "no article",
                                source=item.source, failed_at=utc_now(), status=item.status, referer=item.via)
        clean = record.to_dict()
        # The spider's canonical URL: rel=canonical only when it names an allowed host, normalised. The page's
        # own claim must not decide which stored record it overwrites.
        canonical = item.canonical_url
        clean.update(id=record_id(item.source, canonical), canonical_url=canonical, source=item.source,
                     fetched_at=item.fetched_at, http_status=item.status, redirected_from=item.redirected_from)
        return clean

    def _count(self, key: str) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


# One detector per crawl.
_DETECTORS: weakref.WeakKeyDictionary[Crawler, Detector] = weakref.WeakKeyDictionary()


def detector_for(crawler: Crawler) -> Detector:
    """The crawl's copy detector, built on first use."""
    if crawler not in _DETECTORS:
        _DETECTORS[crawler] = build_detector(JenSettings.of(crawler.settings))
    return _DETECTORS[crawler]


class DedupePipeline:
    """Adds the syndication flags to every clean record; copies are flagged, never dropped.

    With ``JEN_REDIS_URL`` the index lives in Redis, shared by every crawler process; without it an
    in-memory index flags copies within this one crawl. Records are added to the index in batches.
    """

    def __init__(self, detector: Detector, batch_size: int = 100) -> None:
        self.detector = detector
        self.batch_size = batch_size
        self.worker: BatchWorker[Document, dict[str, Any]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        settings = JenSettings.of(crawler.settings)
        if not settings.dedupe_enabled:
            raise NotConfigured("JEN_DEDUPE_ENABLED is off")
        return cls(detector_for(crawler), settings.batch_size)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.worker = BatchWorker(self.decide, self.batch_size, "jen-dedupe", text_size, MAX_BATCH_CHARS)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, dict) or "text" not in item:
            return item
        assert self.worker is not None, "open_spider first"
        item.update(await self.worker.submit(self.document(item)))
        return item

    @staticmethod
    def document(record: dict[str, Any]) -> Document:
        """What the detector sees of a clean record."""
        return Document(id=record["id"], text=record["text"][:MAX_DEDUPE_CHARS], published=record.get("published"),
                        source=record.get("source"), title=record.get("title"), url=record.get("url"))

    def decide(self, documents: list[Document]) -> list[dict[str, Any]]:
        """Add a batch of documents to the index; each one's copy flags (the worker thread's job)."""
        return [decision_flags(result.decision) for result in self.detector.add_many(documents)]

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.worker is not None:
            self.worker.close()


class StorePipeline:
    """Stores records in the record store, one per article id, and failures in the dead letters.

    Storing is an upsert keyed by article id, so crawling an article again never stores it twice. Each stored
    record is also announced on a capped stream of recent events for live consumers. A record the store refuses
    becomes a dead letter (``store_refused``) and is dropped from the crawl's output.
    """

    def __init__(self, store: RecordStore, dead_letters: DeadLetters, client: Any, keys: Keys, events_cap: int = 10_000,
                 batch_size: int = 100) -> None:
        self.store = store
        self.dead_letters = dead_letters
        self.client = client
        self.keys = keys
        self.events_cap = events_cap
        self.batch_size = batch_size
        self.worker: BatchWorker[Any, Any] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = JenSettings.of(crawler.settings)
        if not settings.redis_url:
            raise NotConfigured("no JEN_REDIS_URL: records are not stored (use a feed export, or jen crawl)")
        client, keys = redis_client(settings.redis_url), Keys(settings.key_prefix)
        return cls(shared_store(settings.database_url, settings.data_dir),
                   DeadLetters(client, keys, settings.dead_letters_cap), client, keys, settings.events_cap,
                   settings.batch_size)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.worker = BatchWorker(self.store_batch, self.batch_size, "jen-store", text_size, MAX_BATCH_CHARS)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchFailure | dict) or (isinstance(item, dict) and "id" not in item):
            raise DropItem(f"unknown item type {type(item).__name__}")
        assert self.worker is not None, "open_spider first"
        return await self.worker.submit(item)

    def store_batch(self, items: list[Any]) -> Sequence[Any]:
        """Store a batch of records and failures; each item's outcome (the worker thread's job)."""
        refused: dict[str, RecordRejected] = {}
        records = [item for item in items if isinstance(item, dict)]
        if records:
            self.store.upsert(records, on_reject=lambda error: refused.setdefault(error.record_id or "", error))
        outcomes: list[Any] = []
        with self.client.pipeline(transaction=False) as events:
            for item in items:
                if isinstance(item, FetchFailure):
                    self.dead_letters.record(item)
                    outcomes.append(item)
                elif item["id"] in refused:
                    outcomes.append(self._refused(item, refused[item["id"]]))
                else:
                    events.xadd(self.keys.record_stream, {"id": item["id"], "event": "stored",
                                                          "source": item.get("source") or ""},
                                maxlen=self.events_cap, approximate=True)
                    outcomes.append(item)
            events.execute()
        return outcomes

    def _refused(self, record: dict[str, Any], error: RecordRejected) -> DropItem:
        logger.warning("record %s refused by the store: %s", record["id"], error)
        self.dead_letters.record(FetchFailure(url=record.get("url") or "", reason="store_refused", detail=str(error),
                                              source=record.get("source") or "", failed_at=utc_now(),
                                              status=record.get("http_status")))
        return DropItem(f"refused by the record store: {error}")

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.worker is not None:
            self.worker.close()
