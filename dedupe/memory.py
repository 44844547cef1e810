"""In-memory index: the same rules as the Redis index (`dedupe.engine`), held in this process.

For offline use (``jen dedupe FILE``), crawls without Redis, and tests. Thread-safe.
"""

from __future__ import annotations

import threading
from typing import Any

from dedupe.engine import Commit, Engine, Entry, Loaded, Outcome, Prepared, decision_of
from dedupe.keys import ClusterState, Member
from dedupe.model import Decision
from dedupe.params import DedupeParams
from dedupe.record import Stored
from dedupe.sketch import Sketch


class MemoryIndex:
    """Index held in this process."""

    def __init__(self, params: DedupeParams | None = None) -> None:
        self.params = params or DedupeParams()
        self._engine = Engine(self.params)
        self._lock = threading.Lock()
        self._ids: dict[str, tuple[int, bytes] | tuple[str, bytes]] = {}  # (handle, fp) or (reason, fp)
        self._docs: dict[int, Stored] = {}
        self._buckets: dict[int, list[int]] = {}  # band << 32 | value -> handles
        self._members: dict[int, Member] = {}
        self._clusters: dict[int, ClusterState] = {}
        self._sets: dict[int, set[int]] = {}
        self._seq = 0
        self._cseq = 0

    def add_batch(self, entries: list[Entry]) -> list[Outcome]:
        """Decide and add (id, published timestamp, sketch) entries (ids unique in a batch)."""
        with self._lock:
            return self._engine.run(self, entries)

    # --- what the engine asks of an index ---------------------------------------------------------
    def prepare(self, entries: list[Entry]) -> list[Prepared]:
        out = []
        for doc_id, _, sk in entries:
            prev = self._ids.get(doc_id)
            indexed = isinstance(sk, Sketch)
            if prev is not None and prev[1] == sk.fingerprint and isinstance(prev[0], int) == indexed:
                out.append(Prepared("same", handle=prev[0]) if indexed else Prepared("same_rejected",
                                                                                      reason=str(prev[0])))
                continue
            st = Prepared("new" if indexed else "rejected", old=prev[0] if prev and isinstance(prev[0], int) else 0)
            if isinstance(sk, Sketch):
                self._seq += 1
                st.handle = self._seq
                st.hits = self._hits(sk.bands.tolist(), insert=st.handle)
            out.append(st)
        return out

    def _hits(self, bands: list[int], insert: int = 0) -> dict[int, int]:
        hits: dict[int, int] = {}
        buckets = self._buckets
        for b, value in enumerate(bands):
            field = b << 32 | value
            bucket = buckets.get(field)
            if bucket is None:
                if insert:
                    buckets[field] = [insert]
                continue
            for c in bucket:
                hits[c] = hits.get(c, 0) | 1 << b
            if insert and len(bucket) < self.params.bucket_cap:
                bucket.append(insert)
        return hits

    def lookup(self, handles: list[int]) -> dict[int, dict[int, int]]:
        return {h: self._hits(self._docs[h].sketch.bands.tolist()) if h in self._docs else {} for h in handles}

    def order(self, handles: list[int]) -> dict[int, tuple[float, bytes]]:
        return {h: self._docs[h].key for h in handles if h in self._docs}

    def load(self, handles: list[int]) -> Loaded:
        docs = {h: self._docs[h] for h in handles if h in self._docs}
        clusters = {}
        for h in list(docs):
            m = self._members.get(h)
            if m is not None:
                state = clusters[m.cluster] = self._clusters[m.cluster]
                docs.setdefault(state.original, self._docs[state.original])
        return Loaded(docs, {h: self._members.get(h) for h in docs}, clusters)

    def members(self, cluster: int) -> list[int]:
        return sorted(self._sets.get(cluster, ()))

    def reserve_clusters(self, n: int) -> list[int]:
        self._cseq += n
        return list(range(self._cseq - n + 1, self._cseq + 1))

    def commit(self, c: Commit) -> None:
        for doc_id, fp, reason in c.rejected:
            self._ids[doc_id] = (reason, fp)
        for old in c.removed:
            for b, value in enumerate(old.sketch.bands.tolist()):
                bucket = self._buckets.get(b << 32 | value)
                if bucket and old.handle in bucket:
                    bucket.remove(old.handle)
            del self._docs[old.handle]
        for doc, fp in c.records:
            self._ids[doc.id] = (doc.handle, fp)
            self._docs[doc.handle] = doc
        for h, m in c.members.items():
            if m is None:
                self._members.pop(h, None)
            else:
                self._members[h] = m
        for n, state in c.clusters.items():
            if state is None:
                self._clusters.pop(n, None)
                self._sets.pop(n, None)
            else:
                self._clusters[n] = state
        for n, h in c.leaves:
            self._sets.get(n, set()).discard(h)
        for n, h in c.joins:
            if n in self._clusters:
                self._sets.setdefault(n, set()).add(h)

    # --- reading ----------------------------------------------------------------------------------
    def decisions(self, doc_ids: list[str]) -> dict[str, Decision]:
        with self._lock:
            out = {}
            for doc_id in doc_ids:
                prev = self._ids.get(doc_id)
                if prev is None:
                    continue
                if not isinstance(prev[0], int):
                    out[doc_id] = Decision(doc_id, indexed=False, reason=str(prev[0]))
                    continue
                m = self._members.get(prev[0])
                state = self._clusters.get(m.cluster) if m is not None else None
                original = self._docs[state.original].id if state is not None else None
                out[doc_id] = decision_of(doc_id, m, original)
            return out

    def cluster_ids(self) -> list[int]:
        with self._lock:
            return sorted(self._clusters)

    def cluster_member_ids(self, cluster: int) -> list[str]:
        """Ids of a cluster's members, the original first."""
        with self._lock:
            state = self._clusters.get(cluster)
            if state is None:
                return []
            rest = sorted(self._docs[h].id for h in self._sets.get(cluster, ()) if h != state.original)
            return [self._docs[state.original].id, *rest]

    def cluster_of(self, doc_id: str) -> int | None:
        with self._lock:
            prev = self._ids.get(doc_id)
            if prev is None or not isinstance(prev[0], int):
                return None
            m = self._members.get(prev[0])
            return m.cluster if m else None

    def stats(self) -> dict[str, Any]:
        return {"documents": len(self._docs), "clusters": len(self._clusters),
                "copies": len(self._members) - len(self._clusters), "handles": self._seq}
