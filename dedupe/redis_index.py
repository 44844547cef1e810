"""Index in Redis, shared by several crawler processes and surviving restarts.

All work on the index happens inside one Lua script call per batch (`redis_index.lua`), so a batch is
atomic: two processes adding documents at the same time are serialised by Redis, and each document is
inserted into the LSH buckets before they are read. Nothing is pickled: records are fixed-size
little-endian byte strings, lists of handles are packed u32, ids are plain strings.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from dedupe.keys import HANDLES_PER_SHARD, LAYOUT_VERSION, RECORDS_PER_SHARD, DedupeKeys
from dedupe.model import Row
from dedupe.params import DedupeParams
from dedupe.sketch import Rejected, Sketch

_SCRIPT = (Path(__file__).with_name("redis_index.lua")).read_text(encoding="utf-8")
INITIAL_HANDLES = 16384  # the LSH shards start sized for this many handles (8192 shards), then grow
ENTRIES_PER_SHARD = 64  # mean bucket entries per LSH shard (listpacks stay small and fast; 40 measured the
# same speed and memory at 32k docs)
_OPEN = """
local meta, seq, params, layout, shards0 = KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3]
if redis.call("HEXISTS", meta, "params") == 0 and redis.call("EXISTS", seq) == 0 then
  redis.call("HSET", meta, "params", params, "layout", layout, "lsh_shards0", shards0)
end
return redis.call("HMGET", meta, "params", "layout")
"""


class ParamsMismatch(ValueError):
    """The index under this prefix was built with other parameters (or an older key layout)."""


class RedisIndex:
    """Index stored in Redis under `prefix`; it is handed a client and never creates one."""

    def __init__(self, client: Any, prefix: str = "jen:dedupe", params: DedupeParams | None = None, *,
                 initial_handles: int = INITIAL_HANDLES) -> None:
        """`initial_handles` sizes the first LSH shards of a new index (an existing index keeps its own)."""
        self.client = client
        self.params = params or DedupeParams()
        self.keys = DedupeKeys(prefix)
        self._script = client.register_script(_SCRIPT)
        fingerprint = self.params.fingerprint()
        shards0 = max(1, initial_handles * self.params.bands // ENTRIES_PER_SHARD)
        # params and layout are set together, once, for a new index (atomically: two writers may start together)
        stored, layout = (_text(v) if v is not None else None
                          for v in client.eval(_OPEN, 2, self.keys.meta, self.keys.seq, fingerprint, LAYOUT_VERSION,
                                                   shards0))
        if layout != LAYOUT_VERSION:
            raise ParamsMismatch(f"the dedup index under '{prefix}' uses key layout {layout or '1 (or older)'}; "
                                 f"this version reads layout {LAYOUT_VERSION} and cannot use it. Build a new index "
                                 f"under another prefix, or delete the keys matching '{self.keys.pattern()}' and "
                                 "re-add the documents.")
        if stored != fingerprint:
            raise ParamsMismatch(f"the dedup index under '{prefix}' was built with {stored}; "
                                 f"this detector uses {fingerprint}. Use another prefix or the same settings.")
        p = self.params
        stems = "|".join([self.keys.meta, self.keys.seq, f"{prefix}:name:", f"{prefix}:rec:",
                          f"{prefix}:lsh:", f"{prefix}:edge:", f"{prefix}:root:", self.keys.members])
        self._head = [stems, p.num_perm, p.rows, p.bands, repr(float(p.jaccard_threshold)),
                      repr(float(p.containment_threshold)), ENTRIES_PER_SHARD, shards0,
                      RECORDS_PER_SHARD, HANDLES_PER_SHARD, repr(float(p.figure_containment)), p.min_figures]

    def add_batch(self, entries: list[tuple[str, float, Sketch | Rejected]]) -> list[tuple[Row, list[Row]]]:
        """Add (id, published timestamp, sketch) entries in order, atomically."""
        if not entries:
            return []
        for doc_id, _, _ in entries:
            if not doc_id or any(ch in doc_id for ch in "\x1c\x1d\x1e\x1f"):
                raise ValueError(f"document id {doc_id!r}: must be non-empty, without ASCII separator characters")
        args: list[Any] = ["add", *self._head, len(entries)]
        for doc_id, published, sk in entries:
            if isinstance(sk, Sketch):
                payload = sk.signature.astype("<u2").tobytes() + struct.pack("<Id", sk.size, published)
                args += [doc_id, self.keys.id_shard(doc_id), "i", sk.fingerprint,
                         payload + sk.fingerprint + sk.figures]
            else:
                args += [doc_id, self.keys.id_shard(doc_id), "s", sk.fingerprint, sk.reason]
        reply = self._script(keys=[], args=args).decode("utf-8")
        out = []
        for doc in reply.split("\x1c"):
            main, revised = doc.split("\x1d")
            out.append((_row(main.split("\x1e")), [_row(r.split("\x1e")) for r in revised.split("\x1f") if r]))
        return out

    def row(self, doc_id: str) -> Row | None:
        reply = self._script(keys=[], args=["row", *self._head, 1, doc_id, self.keys.id_shard(doc_id)])
        return _row(reply[0]) if reply and reply[0] else None

    def cluster_rows(self) -> list[list[Row]]:
        """Each cluster as rows, the original first (read in chunks of 200 clusters)."""
        roots = [int(k) for k, _ in self.client.hscan_iter(self.keys.members)]
        out: list[list[Row]] = []
        for i in range(0, len(roots), 200):
            chunk = roots[i : i + 200]
            reply = self._script(keys=[], args=["cluster", *self._head, len(chunk), *chunk])
            out += [[_row(r) for r in rows] for rows in reply]
        return out

    def stats(self) -> dict[str, Any]:
        """Counts for operators: handles given out (indexed texts, replaced ones included), clusters."""
        return {"prefix": self.keys.prefix, "handles": int(self.client.get(self.keys.seq) or 0),
                "clusters": int(self.client.hlen(self.keys.members))}


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _row(raw: list[Any]) -> Row:
    doc_id, dup, cluster, matches, size, osize, indexed, reason = raw
    dup, cluster, reason = _text(dup), _text(cluster), _text(reason)
    return Row(_text(doc_id), dup or None, cluster or None, int(matches), int(size), int(osize),
               bool(int(indexed)), reason or None)
