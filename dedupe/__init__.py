"""Syndicated-copy detection: datasketch MinHash candidates, verified on shared word runs, clusters
decided in publication order (so they do not depend on the order documents arrive in); pure logic plus
a Redis-backed index.

This package never imports scrapy or the crawler; its Redis index is handed a client.

    params = DedupeParams(**config_section)
    detector = Detector(RedisIndex(client, prefix="jen:dedupe", params=params), params)
    decisions = detector.add_many([Document(id=..., text=..., published=...), ...])
    current = detector.decisions(ids)        # what the index holds now (read it when a record is read)

How it decides (details in the module docstrings):

* `dedupe.sketch`: page furniture and datelines out, content words (function words dropped, figures
  folded into one token that keeps its value, quotations marked), four-word shingles; datasketch MinHash
  (``affine32``, one value per LSH band) for candidates, 16-bit shingles, quote bits and figures kept
  for verification.
* `dedupe.verify`: a pair is a copy when the runs of shingles it shares fill the window they span
  (text both still carry after it counts against), with shared quotes weighing less, too many differing
  figures in shared sentences marking a template report, and per-word rarity weights.
* `dedupe.engine`: every document is decided against earlier-published documents only: rarity counts
  the other stories among its earlier neighbours sharing each word, pages more than ``max_days_apart``
  apart are not copies, and a document joins a cluster as a verified copy of its original (or of a
  member, with evidence against another); late arrivals send the later documents they touch back to
  be decided again, until the index holds what arrival in publication order would have given.
* `dedupe.memory` / `dedupe.redis_index`: the same rules over an in-process index or Redis (every Lua
  call carries a fixed maximum of work).
"""

from dedupe.detector import Detector
from dedupe.memory import MemoryIndex
from dedupe.model import Cluster, Decision, Document
from dedupe.params import DedupeParams
from dedupe.redis_index import ParamsMismatch, RedisIndex

__all__ = ["Cluster", "Decision", "DedupeParams", "Detector", "Document", "MemoryIndex", "ParamsMismatch",
           "RedisIndex"]
