"""Every Redis key the dedup index uses, under one prefix (default ``jen:dedupe``).

Documents get short integer handles (1, 2, 3, ...) so that buckets and edges store 4 bytes per
reference instead of a long article id, and small per-handle data lives in hash "shards" of 128
handles, which Redis keeps in its compact listpack encoding.

=========================  ======  ==============================================================
key                        type    content
=========================  ======  ==============================================================
P:meta                     hash    ``params`` (fingerprint of DedupeParams), ``layout`` version,
                                   ``lsh_level`` and ``lsh_split`` (linear-hashing state of P:lsh)
P:seq                      string  last handle given out
P:id:{n}                   hash    article id -> handle, or ``s`` + 8-byte text fingerprint + reason
                                   for texts recorded but not indexed; n = crc32(id) % 1024
P:name:{h // 128}          hash    h % 128 -> article id
P:rec:{h // 256}           string  256 fixed-size records: signature (2 bytes x num_perm), shingle
                                   count (u32), published (f64 POSIX seconds), text fingerprint
                                   (8 bytes), figures (256-bit set), live flag (1 byte); little-endian
P:lsh:{s}                  hash    band byte + band values -> packed u32 handles; s is the bucket's
                                   shard under linear hashing (shards split one at a time as the index
                                   grows, ~64 entries each, so every band is one lookup at any size)
P:edge:{h // 128}          hash    h % 128 -> packed u32 handles of verified copy neighbours
P:root:{h // 128}          hash    h % 128 -> handle of the cluster's original (cluster members only)
P:members                  hash    original's handle -> packed u32 handles of all cluster members
=========================  ======  ==============================================================
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

DEFAULT_PREFIX = "jen:dedupe"
LAYOUT_VERSION = "2"  # 2: linearly hashed LSH shards (1: per-generation shards)
ID_SHARDS = 1024
RECORDS_PER_SHARD = 256
HANDLES_PER_SHARD = 128


@dataclass(frozen=True)
class DedupeKeys:
    prefix: str = DEFAULT_PREFIX

    @property
    def meta(self) -> str:
        return f"{self.prefix}:meta"

    @property
    def seq(self) -> str:
        return f"{self.prefix}:seq"

    def id_shard(self, doc_id: str) -> str:
        return f"{self.prefix}:id:{zlib.crc32(doc_id.encode('utf-8')) % ID_SHARDS}"

    def name(self, handle: int) -> str:
        return f"{self.prefix}:name:{handle // HANDLES_PER_SHARD}"

    def record(self, handle: int) -> str:
        return f"{self.prefix}:rec:{handle // RECORDS_PER_SHARD}"

    def lsh(self, shard: int) -> str:
        return f"{self.prefix}:lsh:{shard}"

    def edge(self, handle: int) -> str:
        return f"{self.prefix}:edge:{handle // HANDLES_PER_SHARD}"

    def root(self, handle: int) -> str:
        return f"{self.prefix}:root:{handle // HANDLES_PER_SHARD}"

    @property
    def members(self) -> str:
        return f"{self.prefix}:members"

    def pattern(self) -> str:
        """Glob matching every key of this index (for operators: SCAN/DEL)."""
        return f"{self.prefix}:*"
