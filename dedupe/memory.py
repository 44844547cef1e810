"""In-memory index: the same rules as the Redis index (`dedupe.engine`), held in this process.

For offline use (``jen dedupe FILE``), crawls without Redis, and tests. Thread-safe.
"""

from __future__ import annotations

import threading
from typing import Any

from dedupe.engine import Commit, Engine, Entry, EntryState, Outcome, Snapshot, decisions_of
from dedupe.keys import ClusterState, Member
from dedupe.model import Decision
from dedupe.params import DedupeParams
from dedupe.record import Stored, decode
from dedupe.sketch import Sketch


class MemoryIndex:
    """Index held in this process."""

    def __init__(self, params: DedupeParams | None = None) -> None:
        self.params = params or DedupeParams()
        self._engine = Engine(self.params)
        self._lock = threading.Lock()
        self._ids: dict[str, tuple[int, bytes] | tuple[str, bytes, str]] = {}
        self._records: dict[int, bytes] = {}
        self._names: dict[int, str] = {}
        self._buckets: dict[tuple[int, int], list[int]] = {}
        self._members: dict[int, Member] = {}
        self._clusters: dict[int, ClusterState] = {}
        self._lists: dict[int, list[tuple[int, float]]] = {}
        self._rarity: dict[int, int] = {}
        self._seq = 0

    # --- adding -----------------------------------------------------------------------------------
    def add_batch(self, entries: list[Entry]) -> list[Outcome]:
        """Decide and add (id, published timestamp, sketch) entries in order (ids unique in a batch)."""
        with self._lock:
            outcomes, commit = self._engine.decide(entries, self._prepare(entries))
            self._apply(commit)
            return outcomes

    def _prepare(self, entries: list[Entry]) -> Snapshot:
        states: list[EntryState] = []
        wanted: set[int] = set()
        for doc_id, _, sk in entries:
            state = EntryState()
            prev = self._ids.get(doc_id)
            if prev is not None and prev[1] == sk.fingerprint and isinstance(prev[0], int) == isinstance(sk, Sketch):
                if isinstance(prev[0], int):
                    state.same = prev[0]
                    wanted.add(prev[0])
                else:
                    state.same_reason = str(prev[2])  # type: ignore[misc]
            elif prev is not None and isinstance(prev[0], int):
                self._remove(prev[0])
            if isinstance(sk, Sketch) and state.same is None:
                self._seq += 1
                state.handle = self._seq
                masks: dict[int, int] = {}
                for b, value in enumerate(sk.bands.tolist()):
                    bucket = self._buckets.get((b, value), [])
                    if len(bucket) >= self.params.bucket_cap:
                        state.full |= 1 << b
                        continue
                    for c in bucket:
                        masks[c] = masks.get(c, 0) | 1 << b
                ranked = sorted(masks, key=lambda c: (-masks[c].bit_count(), c))[: self.params.max_candidates]
                state.candidates = [(c, masks[c]) for c in ranked]
                wanted.update(ranked)
            states.append(state)
        for h in list(wanted):
            m = self._members.get(h)
            if m is not None:
                wanted.add(self._clusters[m.cluster].original)
        members = {h: self._members[h] for h in wanted if h in self._members}
        clusters = {m.cluster: self._clusters[m.cluster] for m in members.values()}
        return Snapshot(states, self._stored(wanted), members, clusters, {h: self._names[h] for h in wanted},
                        {t: self._rarity[t] for _, _, sk in entries if isinstance(sk, Sketch)
                         for t in sk.tracked.tolist() if t in self._rarity})

    def _stored(self, handles: Any) -> dict[int, Stored]:
        return {h: decode(h, self._names[h], self._records[h], self.params.shingle_size) for h in handles}

    def _apply(self, commit: Commit) -> None:
        for doc_id, fp, reason in commit.rejected:
            self._ids[doc_id] = ("s", fp, reason)
        for h, doc_id, fp, blob in commit.records:
            self._ids[doc_id] = (h, fp)
            self._records[h] = blob
            self._names[h] = doc_id
        for h, bands in commit.bands:
            values = commit.band_values[h].tolist()
            for b in bands:
                bucket = self._buckets.setdefault((b, values[b]), [])
                if len(bucket) < self.params.bucket_cap:
                    bucket.append(h)
        for t in commit.rarity:
            self._rarity[t] = self._rarity.get(t, 0) + 1
        self._members.update(commit.members)
        self._clusters.update(commit.clusters)
        for cluster, h, published in commit.appends:
            self._lists.setdefault(cluster, []).append((h, published))

    def _remove(self, h: int) -> None:
        """Take a document out (its id is being re-added with other text): buckets, record, cluster."""
        sk = self._stored([h])[h].sketch
        for b, value in enumerate(sk.bands.tolist()):
            bucket = self._buckets.get((b, value))
            if bucket and h in bucket:
                bucket.remove(h)
                if not bucket:
                    del self._buckets[(b, value)]
        m = self._members.pop(h, None)
        if m is not None:
            rest = [(x, p) for x, p in self._lists.pop(m.cluster) if x != h]
            state = self._clusters.pop(m.cluster)
            if len(rest) >= 2:
                self._lists[m.cluster] = rest
                original = state.original
                if original == h:
                    original = min(rest, key=lambda xp: (xp[1], self._names[xp[0]].encode("utf-8", "surrogatepass")))[0]
                self._clusters[m.cluster] = ClusterState(original, len(rest))
            else:
                for x, _ in rest:
                    self._members.pop(x, None)
        del self._records[h], self._names[h]

    # --- reading ----------------------------------------------------------------------------------
    def decisions(self, doc_ids: list[str]) -> dict[str, Decision]:
        with self._lock:
            def lookup(doc_id: str) -> tuple[str, object] | None:
                prev = self._ids.get(doc_id)
                if prev is None:
                    return None
                return ("handle", prev[0]) if isinstance(prev[0], int) else ("rejected", prev[2])  # type: ignore[misc]

            return decisions_of(doc_ids, lookup, self._members, self._clusters, self._names, self._stored,
                                self.params)

    def cluster_ids(self) -> list[int]:
        with self._lock:
            return list(self._clusters)

    def cluster_member_ids(self, cluster: int) -> list[str]:
        """Ids of a cluster's members, the original first."""
        with self._lock:
            state = self._clusters.get(cluster)
            if state is None:
                return []
            return [self._names[state.original]] + [self._names[h] for h, _ in self._lists[cluster]
                                                    if h != state.original]

    def cluster_of(self, doc_id: str) -> int | None:
        with self._lock:
            prev = self._ids.get(doc_id)
            if prev is None or not isinstance(prev[0], int):
                return None
            m = self._members.get(prev[0])
            return m.cluster if m else None

    def stats(self) -> dict[str, Any]:
        return {"documents": len(self._records), "clusters": len(self._clusters), "handles": self._seq}
