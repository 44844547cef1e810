"""Syndicated-copy detection: datasketch MinHash candidates, verified on shared word runs, clusters
that never chain; pure logic plus a Redis-backed index.

This package never imports scrapy or the crawler; its Redis index is handed a client.

    params = DedupeParams(**config_section)
    detector = Detector(RedisIndex(client, prefix="jen:dedupe", params=params), params)
    decisions = detector.add_many([Document(id=..., text=..., published=...), ...])
    current = detector.decisions(ids)        # what the index holds now
"""

from dedupe.detector import Detector
from dedupe.memory import MemoryIndex
from dedupe.model import Cluster, Decision, Document, Result
from dedupe.params import DedupeParams
from dedupe.redis_index import ParamsMismatch, RedisIndex

__all__ = ["Cluster", "Decision", "DedupeParams", "Detector", "Document", "MemoryIndex", "ParamsMismatch",
           "RedisIndex", "Result"]
