"""In-memory index: the reference implementation of the index rules, for offline use and tests.

The Redis index (`dedupe.redis_index`) applies the same rules in a Lua script; tests check that both
give the same decisions.

Rules, shared by both indexes:

* A document gets a handle; its LSH band entries are inserted *before* the buckets are read
  (insert-then-query), so of any two documents the later one always finds the earlier.
* A candidate becomes a copy *edge* when the estimated Jaccard reaches ``jaccard_threshold`` or the
  estimated containment reaches ``containment_threshold``, unless both texts carry enough figures and
  share too few of them (``figure_containment``) — a pure function of the two sketches.
* Clusters are the connected components of the edges; the original of a cluster is its member with
  the smallest (published, id). Hence the final clusters depend only on which documents are present,
  never on the order they came in or on how two writers interleaved.
* Re-adding an id with the same text changes nothing; with other text the old entry is removed
  (bands, edges; its cluster is split again if needed) and the new text added.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from dedupe.model import Row
from dedupe.params import DedupeParams
from dedupe.sketch import Rejected, Sketch


@dataclass
class _Rec:
    id: str
    sig: np.ndarray
    size: int
    published: float
    fp: bytes
    figures: int


def is_copy(params: DedupeParams, matches: int, size_a: int, size_b: int, figs_a: int, figs_b: int) -> bool:
    """The verification rule (the Lua script computes it with the same float operations)."""
    jac = matches / params.num_perm
    if not (jac >= params.jaccard_threshold or containment(jac, size_a, size_b) >= params.containment_threshold):
        return False
    if params.figure_containment > 0:
        fewer = min(figs_a.bit_count(), figs_b.bit_count())
        if fewer >= params.min_figures and (figs_a & figs_b).bit_count() / fewer < params.figure_containment:
            return False  # same template or boilerplate, other figures: a different report
    return True


def containment(jac: float, size_a: int, size_b: int) -> float:
    """Share of the smaller shingle set inside the larger, from Jaccard and the set sizes:
    |A∩B| = J(|A|+|B|)/(1+J)."""
    return min(1.0, jac * (size_a + size_b) / ((1.0 + jac) * min(size_a, size_b)))


class MemoryIndex:
    """Index held in this process; thread-safe."""

    def __init__(self, params: DedupeParams | None = None) -> None:
        self.params = params or DedupeParams()
        self._lock = threading.Lock()
        self._ids: dict[str, int | tuple[bytes, str]] = {}
        self._recs: dict[int, _Rec] = {}
        self._buckets: dict[bytes, list[int]] = {}
        self._edges: dict[int, list[int]] = {}
        self._root: dict[int, int] = {}
        self._members: dict[int, list[int]] = {}
        self._seq = 0

    # --- public -------------------------------------------------------------------------------------
    def add_batch(self, entries: list[tuple[str, float, Sketch | Rejected]]) -> list[tuple[Row, list[Row]]]:
        """Add (id, published timestamp, sketch) entries in order; per entry its row and revised rows."""
        with self._lock:
            return [self._add(doc_id, published, sk) for doc_id, published, sk in entries]

    def row(self, doc_id: str) -> Row | None:
        with self._lock:
            prev = self._ids.get(doc_id)
            if prev is None:
                return None
            if isinstance(prev, tuple):
                return Row(doc_id, None, None, 0, 0, 0, False, prev[1])
            return self._row(prev)

    def cluster_rows(self) -> list[list[Row]]:
        """Each cluster as rows, the original first."""
        with self._lock:
            return [[self._row(root)] + [self._row(m) for m in members if m != root]
                    for root, members in self._members.items()]

    def stats(self) -> dict[str, int]:
        return {"handles": self._seq, "indexed": len(self._recs), "clusters": len(self._members)}

    # --- rules --------------------------------------------------------------------------------------
    def _add(self, doc_id: str, published: float, sk: Sketch | Rejected) -> tuple[Row, list[Row]]:
        revised: list[Row] = []
        prev = self._ids.get(doc_id)
        if prev is not None:
            if isinstance(prev, tuple):
                if prev[0] == sk.fingerprint and isinstance(sk, Rejected):
                    return Row(doc_id, None, None, 0, 0, 0, False, prev[1]), []
            else:
                if self._recs[prev].fp == sk.fingerprint and isinstance(sk, Sketch):
                    return self._row(prev), []
                revised = self._remove(prev)
        if isinstance(sk, Rejected):
            self._ids[doc_id] = (sk.fingerprint, sk.reason)
            return Row(doc_id, None, None, 0, 0, 0, False, sk.reason), revised
        self._seq += 1
        h = self._seq
        self._recs[h] = _Rec(doc_id, sk.signature, sk.size, published, sk.fingerprint,
                             int.from_bytes(sk.figures, "little"))
        self._ids[doc_id] = h
        candidates: dict[int, None] = {}
        for field in self._fields(sk.signature):
            bucket = self._buckets.setdefault(field, [])
            bucket.append(h)  # insert first, then read: see module docstring
            for other in bucket:
                if other != h:
                    candidates[other] = None
        me = self._recs[h]
        neighbours = [c for c in candidates
                      if is_copy(self.params, self._matches(h, c), me.size, self._recs[c].size, me.figures,
                                 self._recs[c].figures)]
        revised += self._link(h, neighbours)
        return self._row(h), _unique_last(revised, doc_id)

    def _fields(self, sig: np.ndarray) -> list[bytes]:
        r = self.params.rows
        raw = sig.astype("<u2").tobytes()
        return [bytes([b]) + raw[2 * r * b : 2 * r * (b + 1)] for b in range(self.params.bands)]

    def _matches(self, a: int, b: int) -> int:
        return int(np.count_nonzero(self._recs[a].sig == self._recs[b].sig))

    def _order(self, h: int) -> tuple[float, bytes]:
        rec = self._recs[h]
        return rec.published, rec.id.encode("utf-8")  # bytes order = code point order, as in Lua

    def _row(self, h: int) -> Row:
        rec = self._recs[h]
        root = self._root.get(h)
        if root is None:
            return Row(rec.id, None, None, 0, rec.size, 0, True, None)
        orig = self._recs[root]
        if root == h:
            return Row(rec.id, None, orig.id, 0, rec.size, 0, True, None)
        return Row(rec.id, orig.id, orig.id, self._matches(h, root), rec.size, orig.size, True, None)

    def _link(self, h: int, neighbours: list[int]) -> list[Row]:
        if not neighbours:
            return []
        group = {h}
        old_roots = set()
        for x in neighbours:
            self._edges.setdefault(x, []).append(h)
            self._edges.setdefault(h, []).append(x)
            root = self._root.get(x)
            if root is None:
                group.add(x)
            elif root not in old_roots:
                old_roots.add(root)
                group.update(self._members[root])
        before = {m: self._root.get(m) for m in group}
        for root in old_roots:
            del self._members[root]
        orig = min(group, key=self._order)
        self._members[orig] = sorted(group)
        for m in group:
            self._root[m] = orig
        return [self._row(m) for m in sorted(group) if m != h and before[m] != orig]

    def _remove(self, h: int) -> list[Row]:
        rec = self._recs[h]
        for field in self._fields(rec.sig):
            bucket = self._buckets[field]
            bucket.remove(h)
            if not bucket:
                del self._buckets[field]
        for x in self._edges.pop(h, []):
            self._edges[x].remove(h)
            if not self._edges[x]:
                del self._edges[x]
        old_root = self._root.pop(h, None)
        del self._recs[h]
        if old_root is None:
            return []
        rest = [m for m in self._members.pop(old_root) if m != h]
        for m in rest:
            del self._root[m]
        seen: set[int] = set()
        for start in rest:
            if start in seen:
                continue
            comp, todo = [], [start]
            seen.add(start)
            while todo:
                m = todo.pop()
                comp.append(m)
                for x in self._edges.get(m, []):
                    if x not in seen:
                        seen.add(x)
                        todo.append(x)
            if len(comp) > 1:
                orig = min(comp, key=self._order)
                self._members[orig] = sorted(comp)
                for m in comp:
                    self._root[m] = orig
        return [self._row(m) for m in rest if self._root.get(m) != old_root]


def _unique_last(rows: list[Row], exclude: str) -> list[Row]:
    """Revised rows, one per document (the latest), never the document being added."""
    out: dict[str, Row] = {}
    for row in rows:
        if row.id != exclude:
            out.pop(row.id, None)
            out[row.id] = row
    return list(out.values())
