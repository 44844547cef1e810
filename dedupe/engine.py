"""The decision rules, shared by both indexes: every document is decided as if documents had arrived in
publication order, so the clusters do not depend on the order they really arrive in.

* **Order.** Documents are ordered by publication time (undated last), ties by id (`Stored.key`). A
  document is decided against *earlier* documents only: its candidates are the earlier documents
  sharing the most LSH bands with it (``max_candidates``) and the originals of their clusters.
* **Verification** (`dedupe.verify`), with **rarity**: a word of the document that it also shares with
  earlier neighbours of *other* stories weighs 1 / (1 + rarity * their number). A template's background
  paragraph or a series introduction recurs across stories; a story's own sentences recur only in its
  cluster. **Dates**: two dated pages more than ``max_days_apart`` apart are other days' stories.
* **Joining.** A document joins a cluster when it is a verified copy of the cluster's original, or a
  verified copy of a member it sees with weaker evidence against another (one member is enough when it
  sees only one besides the original). Never through a chain of weak links, never by merging clusters.
  Among the clusters it may join it takes the one it matches best. A document that joins none is a
  cluster's original if later documents join it. The original is the earliest member.
* **Late arrivals.** When a document arrives after later-published ones it touches (or its text
  changes), those later documents are decided again, in publication order, and so are the ones their
  change touches in turn; the result is what arrival in publication order would have given. Later
  documents are touched through the LSH buckets they share; a member that joined through the original
  of the cluster a document joins is not touched (its decision cannot change).

Exact when every LSH bucket holds fewer than ``bucket_cap`` documents; a fuller bucket keeps the
documents that came first.

The index (`Backend`) stores and fetches; this module decides. A batch: ``prepare`` (reserve handles,
insert the new sketches' bands, return what shares their buckets), decisions with as many ``lookup`` /
``load`` rounds as late arrivals need, then ``commit``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from dedupe.keys import VIA_ORIGINAL, ClusterState, Member
from dedupe.model import UNDATED, Decision
from dedupe.params import DedupeParams
from dedupe.record import Stored
from dedupe.sketch import Rejected, Sketch
from dedupe.verify import align, judge

SCALE = 10_000  # similarity and containment are stored as whole numbers of 1/10,000
WINDOW = 256  # documents whose data are fetched together while a batch settles
Entry = tuple[str, float, Sketch | Rejected]


@dataclass
class Prepared:
    """What the index knew about one entry of a batch, and did for it."""

    kind: str  # "same" (id and text already indexed) | "same_rejected" | "new" | "rejected"
    handle: int = 0  # "same": the existing handle; "new": the handle reserved for it
    reason: str | None = None  # "same_rejected": why it was not indexed
    old: int = 0  # handle of the id's previous text, replaced by this entry (0: none)
    hits: dict[int, int] = field(default_factory=dict)  # "new": documents in its buckets -> bands shared (mask)


@dataclass
class Loaded:
    docs: dict[int, Stored]  # documents found (a handle without a record is gone)
    members: dict[int, Member | None]  # for every document found
    clusters: dict[int, ClusterState]  # for their clusters (whose originals are in ``docs`` too)


@dataclass
class Commit:
    """Writes of one batch."""

    rejected: list[tuple[str, bytes, str]] = field(default_factory=list)  # id, fingerprint, reason
    records: list[tuple[Stored, bytes]] = field(default_factory=list)  # new document, text fingerprint
    removed: list[Stored] = field(default_factory=list)  # replaced texts (their buckets are emptied too)
    members: dict[int, Member | None] = field(default_factory=dict)  # None: no longer in a cluster
    clusters: dict[int, ClusterState | None] = field(default_factory=dict)  # None: dissolved
    joins: list[tuple[int, int]] = field(default_factory=list)  # (cluster, handle) added to its member set
    leaves: list[tuple[int, int]] = field(default_factory=list)  # (cluster, handle) taken out


class Backend(Protocol):
    params: DedupeParams

    def prepare(self, entries: list[Entry]) -> list[Prepared]: ...

    def lookup(self, handles: list[int]) -> dict[int, dict[int, int]]: ...

    def order(self, handles: list[int]) -> dict[int, tuple[float, bytes]]: ...

    def load(self, handles: list[int]) -> Loaded: ...

    def members(self, cluster: int) -> list[int]: ...

    def reserve_clusters(self, n: int) -> list[int]: ...

    def commit(self, commit: Commit) -> None: ...


@dataclass(frozen=True)
class Outcome:
    decision: Decision


@dataclass(frozen=True)
class _Choice:
    target: int | tuple[str, int] | None  # cluster number, ("single", handle) of a lone original, or None
    original: int = 0
    via_original: bool = False
    similarity: int = 0
    containment: int = 0


_ROOT = _Choice(None)


class Engine:
    def __init__(self, params: DedupeParams) -> None:
        self.params = params

    def run(self, backend: Backend, entries: list[Entry]) -> list[Outcome]:
        """Decide a batch (ids unique) and commit it; one outcome per entry, as the index now stands."""
        prepared = backend.prepare(entries)
        batch = _Batch(backend, self.params)
        new = [batch.add_new(doc_id, published, sk, st) for (doc_id, published, sk), st in zip(entries, prepared,
                                                                                                  strict=True)
               if st.kind == "new" and isinstance(sk, Sketch)]
        batch.link_batch(new)
        for (_, _, _), st in zip(entries, prepared, strict=True):
            if st.old:
                batch.remove(st.old)
        batch.settle()
        commit = batch.commit_for(entries, prepared)
        backend.commit(commit)
        return batch.outcomes(entries, prepared)

    def recover(self, backend: Backend, handles: list[int]) -> None:
        """Decide these documents again (a writer died while writing them) and commit the result."""
        batch = _Batch(backend, self.params)
        batch._need(handles)
        for h in handles:
            if h in batch.docs:
                batch._push(h)
        batch.settle()
        backend.commit(batch.commit_for([], []))


class _Batch:
    """The index as this batch sees it: what was fetched, overlaid with this batch's changes."""

    def __init__(self, backend: Backend, params: DedupeParams) -> None:
        self.backend, self.params = backend, params
        self.docs: dict[int, Stored] = {}
        self.gone: set[int] = set()  # no record, or removed by this batch
        self.member: dict[int, Member | None] = {}
        self.cluster: dict[int, ClusterState | None] = {}
        self.hits: dict[int, dict[int, int]] = {}  # documents sharing buckets: handle -> mask of bands shared
        self.reverse: dict[int, dict[int, int]] = {}  # seen from the other side before this one's were fetched
        self.fresh: set[int] = set()  # new documents of this batch
        self.removed: list[Stored] = []
        self.written: set[int] = set()  # member entries this batch changed
        self.written_clusters: set[int] = set()
        self.set_changes: dict[int, dict[int, bool]] = {}  # cluster -> handle -> added (True) / removed (False)
        self.member_lists: dict[int, set[int]] = {}  # fetched member sets, overlaid
        self.heap: list[tuple[tuple[float, bytes], int]] = []
        self.queued: set[int] = set()
        self.ready: set[int] = set()  # queued documents whose buckets and candidates are fetched
        self.keyof: dict[int, tuple[float, bytes]] = {}  # publication order of documents met in buckets
        self.touches: list[tuple[Stored, int | None, bool, int]] = []  # (toucher, its cluster, everyone, skip)
        self.maybe: list[tuple[int, Stored, int | None, bool]] = []  # (handle, toucher, its cluster, everyone)
        self.free_clusters: list[int] = []

    # --- documents in and out ---------------------------------------------------------------------
    def add_new(self, doc_id: str, published: float, sk: Sketch, st: Prepared) -> int:
        h = st.handle
        self.docs[h] = Stored(h, doc_id, published, sk)
        self.keyof[h] = self.docs[h].key
        self.member[h] = None
        self.fresh.add(h)
        self._set_hits({h: dict(st.hits)})
        return h

    def link_batch(self, new: list[int]) -> None:
        """New documents that share no bucket with any other are decided at once: alone (most are)."""
        for h in new:
            if self.hits[h]:
                self._push(h)

    def _set_hits(self, found: dict[int, dict[int, int]]) -> None:
        """Record who shares buckets with whom, both ways: a document that found another in its buckets is
        its neighbour too, even where it could not enter a full bucket itself (a late original of a much
        copied story), or entered after the other looked (a later document of the same batch)."""
        for h, hits in found.items():
            hits.update(self.reverse.pop(h, {}))
            self.hits[h] = hits
            for other, mask in hits.items():
                side = self.hits[other] if other in self.hits else self.reverse.setdefault(other, {})
                side[h] = side.get(h, 0) | mask

    def _lookup(self, handles: list[int]) -> None:
        want = [h for h in handles if h not in self.hits]
        if want:
            self._set_hits(self.backend.lookup(want))

    def remove(self, h: int) -> None:
        """The id's text changed: the old document leaves, and later documents it touched are decided again."""
        self._need([h])
        if h not in self.docs:
            return
        old = self.docs[h]
        self._lookup([h])
        self._keys(self.hits[h])
        m = self.member.get(h)
        if m is not None:
            self._leave(h, m.cluster)
        self.gone.add(h)
        self.removed.append(old)
        self._touch_later(old, None, everyone=True)

    # --- settling ---------------------------------------------------------------------------------
    def _push(self, h: int) -> None:
        if h not in self.queued and h not in self.gone:
            self.queued.add(h)
            heapq.heappush(self.heap, (self.docs[h].key, h))

    def settle(self) -> None:
        """Decide queued documents in publication order until nothing changes."""
        while True:
            self._resolve_maybe()
            if not self.heap:
                return
            if self.heap[0][1] not in self.ready:
                self._fetch_window()
            _, h = heapq.heappop(self.heap)
            self.queued.discard(h)
            if h in self.gone:
                continue
            self._apply(self.docs[h], self._decide(self.docs[h]))

    def _resolve_maybe(self) -> None:
        if self.touches:
            touches, self.touches = self.touches, []
            self._lookup([d.handle for d, *_ in touches])
            self._keys(c for d, *_ in touches for c in self.hits[d.handle])
            for d, cluster, everyone, skip in touches:
                self.maybe += [(z, d, cluster, everyone) for z in self._later(d.handle) if z != skip]
        while self.maybe:
            pending, self.maybe = self.maybe, []
            self._need([z for z, *_ in pending])
            for z, toucher, cluster, everyone in pending:
                if z in self.docs and z not in self.gone and (everyone or not self._unaffected(z, toucher.handle,
                                                                                              cluster)):
                    self._push(z)

    def _unaffected(self, z: int, toucher: int, cluster: int | None) -> bool:
        """A member that joined ``cluster`` through its original keeps its decision when another document
        joins that cluster (its link to the original stands, and the cluster only gains evidence)."""
        m = self.member.get(z)
        return cluster is not None and m is not None and m.cluster == cluster and bool(m.flags & VIA_ORIGINAL) \
            and self._original(z) != toucher

    def _fetch_window(self) -> None:
        """Fetch what the next documents to decide need: their buckets, their candidates, the originals."""
        window = [h for _, h in heapq.nsmallest(WINDOW, self.heap) if h not in self.ready]
        self._lookup([h for h in window if h not in self.gone])
        self._keys(c for h in window for c in self.hits.get(h, ()))
        self._need([c for h in window if h not in self.gone for c in self._earlier(h)])
        self.ready.update(window)

    def _keys(self, handles: Iterable[int]) -> None:
        """Publication keys of documents met in buckets (a handle without one is gone)."""
        want = sorted({h for h in handles if h not in self.keyof and h not in self.gone})
        if want:
            got = self.backend.order(want)
            self.keyof.update(got)
            self.gone.update(h for h in want if h not in got)

    def _need(self, handles: Iterable[int]) -> None:
        """Load documents not yet known (with their cluster and its original)."""
        want = sorted({h for h in handles if h not in self.docs and h not in self.gone})
        if not want:
            return
        got = self.backend.load(want)
        for h, doc in got.docs.items():
            if h not in self.docs and h not in self.gone:
                self.docs[h] = doc
                self.keyof[h] = doc.key
                if h not in self.member:
                    self.member[h] = got.members.get(h)
        for c, state in got.clusters.items():
            self.cluster.setdefault(c, state)
        for h in got.docs:  # a member of a cluster with no state (a writer died mid-batch): in none
            m = self.member.get(h)
            if m is not None and self.cluster.get(m.cluster) is None and h not in self.written:
                self._set_member(h, None)
        self.gone.update(h for h in want if h not in got.docs)

    def _earlier(self, h: int) -> list[int]:
        """The earlier documents sharing the most bands with ``h`` (ties: earlier first), at most
        ``max_candidates``."""
        hits, key = self.hits.get(h, {}), self.keyof[h]
        earlier = [c for c in hits if c not in self.gone and self.keyof[c] < key]
        earlier.sort(key=lambda c: (-hits[c].bit_count(), self.keyof[c]))
        return earlier[: self.params.max_candidates]

    def _later(self, h: int) -> list[int]:
        key = self.keyof[h]
        return [c for c in self.hits.get(h, {}) if c not in self.gone and self.keyof[c] > key]

    # --- the rules --------------------------------------------------------------------------------
    def _label(self, h: int) -> int | tuple[str, int]:
        m = self.member.get(h)
        return m.cluster if m is not None else ("single", h)

    def _original(self, h: int) -> int:
        m = self.member.get(h)
        if m is None:
            return h
        state = self.cluster.get(m.cluster)
        return state.original if state is not None and state.original else h

    def _far(self, a: Stored, b: Stored) -> bool:
        days = self.params.max_days_apart
        return bool(days) and a.published < UNDATED and b.published < UNDATED and \
            abs(a.published - b.published) > days * 86400

    def _decide(self, d: Stored) -> _Choice:
        p = self.params
        earlier = [c for c in self._earlier(d.handle) if c in self.docs]
        pool = list(earlier)
        for c in earlier:
            o = self._original(c)
            if o not in pool and o in self.docs:
                pool.append(o)
        if not pool:
            return _ROOT
        labels = {c: self._label(c) for c in pool}
        if len(set(labels.values())) == 1:  # one story around: a verified copy of its original joins it
            quick = self._through_original(d, pool[0], labels[pool[0]])
            if quick is not None:
                return quick
        aligned = {c: align(d.sketch, self.docs[c].sketch, p.shingle_size) for c in pool}
        weights = self._rarity(d, aligned, labels)
        verdicts = {c: judge(aligned[c], d.sketch, self.docs[c].sketch, p, weights.get(labels[c]))
                    for c in pool if not self._far(d, self.docs[c])}
        groups: dict[int | tuple[str, int], list[int]] = {}
        for c in verdicts:
            if not self._leaderless(c):
                groups.setdefault(labels[c], []).append(c)
        best: _Choice | None = None
        best_rank: tuple[float, tuple[float, bytes]] | None = None
        for label, links in groups.items():
            original = links[0] if isinstance(label, tuple) else self._original(links[0])
            of_original = verdicts.get(original)
            via = of_original is not None and of_original.copy
            seen = sum(1 for c in links if c != original)
            need = 1 if seen <= 1 else 2
            ms = [verdicts[c] for c in links]
            if not (via or (any(m.copy for m in ms) and sum(m.weak for m in ms) >= need)):
                continue
            rank = (-max(m.score for m in ms if m.weak), self.docs[original].key)
            if best_rank is None or rank < best_rank:
                plain = judge(aligned[original], d.sketch, self.docs[original].sketch, p)
                best_rank = rank
                best = _Choice(label, original, via, round(plain.similarity * SCALE), round(plain.containment * SCALE))
        return best or _ROOT

    def _through_original(self, d: Stored, c: int, label: int | tuple[str, int]) -> _Choice | None:
        """The choice when ``d`` is a verified copy of the original of ``c``'s story (no rarity applies
        with one story around, and no other story competes), else None."""
        original = c if isinstance(label, tuple) else self._original(c)
        if self._leaderless(c) or self._far(d, self.docs[original]):
            return None
        verdict = judge(align(d.sketch, self.docs[original].sketch, self.params.shingle_size), d.sketch,
                        self.docs[original].sketch, self.params)
        if not verdict.copy:
            return None
        return _Choice(label, original, True, round(verdict.similarity * SCALE), round(verdict.containment * SCALE))

    def _leaderless(self, c: int) -> bool:
        """In a cluster whose original left and whose earliest member has not been decided again yet (never
        an earlier document than the one being decided: those are decided first)."""
        m = self.member.get(c)
        state = self.cluster.get(m.cluster) if m is not None else None
        return state is not None and state.original == 0

    def _rarity(self, d: Stored, aligned: dict, labels: dict) -> dict:
        """Per story (cluster or lone document) among the candidates: weights of ``d``'s tokens from the
        other stories that share them."""
        if not self.params.rarity:
            return {}
        masks: dict[int | tuple[str, int], np.ndarray] = {}
        for c, al in aligned.items():
            if al is not None:
                label = labels[c]
                masks[label] = masks[label] | al.covered_a if label in masks else al.covered_a
        if len(masks) < 2:
            return {}
        total = np.sum(list(masks.values()), axis=0)
        return {label: 1.0 / (1.0 + self.params.rarity * (total - own)) for label, own in masks.items()}

    # --- applying a decision ----------------------------------------------------------------------
    def _visible(self, h: int) -> tuple[int | None, int]:
        """What later documents see of ``h``: its cluster and that cluster's original."""
        m = self.member.get(h)
        return (None, h) if m is None else (m.cluster, self._original(h))

    def _apply(self, d: Stored, choice: _Choice) -> None:
        h = d.handle
        before = self._visible(h)
        m = self.member.get(h)
        current = m.cluster if m is not None else None
        if choice.target is None:
            if current is not None:
                state = self.cluster[current]
                assert state is not None
                if state.original == 0 and state.size <= 1:  # the last one left: no cluster
                    self._set_add(current, h, False)
                    self._set_member(h, None)
                    self._set_cluster(current, None)
                elif state.original == 0:  # the original left: the earliest member that joins nothing leads it
                    self._set_cluster(current, ClusterState(h, state.size))
                    self._set_member(h, Member(current, 0, 0, 0))
                elif state.original != h:
                    self._leave(h, current)
        else:
            target = choice.target
            if isinstance(target, tuple):  # a copy of a lone document: a new cluster
                target = self._found(target[1], h)
            if current != target:
                if current is not None:
                    self._leave(h, current)
                state = self.cluster[target]
                assert state is not None
                self._set_cluster(target, ClusterState(state.original, state.size + 1))
                self._set_add(target, h, True)
            flags = VIA_ORIGINAL if choice.via_original else 0
            self._set_member(h, Member(target, choice.similarity, choice.containment, flags))
        after = self._visible(h)
        if after != before or h in self.fresh:
            self._touch_later(d, after[0])

    def _found(self, original: int, joiner: int) -> int:
        if not self.free_clusters:
            self.free_clusters = self.backend.reserve_clusters(16)
        c = self.free_clusters.pop(0)
        self._set_cluster(c, ClusterState(original, 1))
        self._set_member(original, Member(c, 0, 0, 0))
        self._set_add(c, original, True)
        self._touch_later(self.docs[original], c, skip=joiner)
        return c

    def _leave(self, h: int, c: int) -> None:
        state = self.cluster[c]
        assert state is not None
        self._set_add(c, h, False)
        self._set_member(h, None)
        size = state.size - 1
        original = 0 if state.original == h else state.original
        if original == 0 and size > 0:  # the rest are decided again; the first that joins nothing leads
            rest = sorted(self._members_of(c))
            self._need(rest)
            for x in rest:
                if x in self.docs:
                    self._push(x)
        if size <= 1 and original:  # only the original is left: no cluster
            self._set_add(c, original, False)
            self._set_member(original, None)
            self._set_cluster(c, None)
            self._touch_later(self.docs[original], None)
        elif size == 0:
            self._set_cluster(c, None)
        else:
            self._set_cluster(c, ClusterState(original, size))

    def _members_of(self, c: int) -> set[int]:
        if c not in self.member_lists:
            self.member_lists[c] = set(self.backend.members(c))
        changes = self.set_changes.get(c, {})
        current = (self.member_lists[c] | {h for h, added in changes.items() if added}) - {
            h for h, added in changes.items() if not added}
        return current

    def _touch_later(self, d: Stored, cluster: int | None, everyone: bool = False, skip: int = 0) -> None:
        """Later documents sharing a bucket with ``d`` are decided again, except members of ``cluster``
        that joined through its original (found before the next document is decided, all at once)."""
        self.touches.append((d, cluster, everyone, skip))

    # --- bookkeeping ------------------------------------------------------------------------------
    def _set_member(self, h: int, m: Member | None) -> None:
        self.member[h] = m
        self.written.add(h)

    def _set_cluster(self, c: int, state: ClusterState | None) -> None:
        self.cluster[c] = state
        self.written_clusters.add(c)

    def _set_add(self, c: int, h: int, added: bool) -> None:
        self.set_changes.setdefault(c, {})[h] = added

    def decision(self, h: int) -> Decision:
        m = self.member.get(h)
        state = self.cluster.get(m.cluster) if m is not None else None
        original = state.original if state is not None and state.original else h
        return decision_of(self.docs[h].id, m, self.docs[original].id)

    # --- results ----------------------------------------------------------------------------------
    def commit_for(self, entries: list[Entry], prepared: list[Prepared]) -> Commit:
        c = Commit()
        for (doc_id, _, sk), st in zip(entries, prepared, strict=True):
            if st.kind == "rejected":
                assert isinstance(sk, Rejected)
                c.rejected.append((doc_id, sk.fingerprint, sk.reason))
            elif st.kind == "new":
                assert isinstance(sk, Sketch)
                c.records.append((self.docs[st.handle], sk.fingerprint))
        c.removed = self.removed
        c.members = {h: self.member[h] for h in self.written}
        c.clusters = {n: self.cluster[n] for n in self.written_clusters}
        for n, changes in self.set_changes.items():
            for h, added in changes.items():
                (c.joins if added else c.leaves).append((n, h))
        return c

    def outcomes(self, entries: list[Entry], prepared: list[Prepared]) -> list[Outcome]:
        self._need([st.handle for st in prepared if st.kind == "same"])
        for st in prepared:
            if st.kind == "same" and st.handle in self.docs:
                self._need([self._original(st.handle)])
        out = []
        for (doc_id, _, sk), st in zip(entries, prepared, strict=True):
            if st.kind in ("same", "new") and st.handle in self.docs:
                decision = self.decision(st.handle)
            else:
                reason = st.reason if st.kind == "same_rejected" else getattr(sk, "reason", "gone")
                decision = Decision(doc_id, indexed=False, reason=reason)
            out.append(Outcome(decision))
        return out


def decision_of(doc_id: str, member: Member | None, original: str | None) -> Decision:
    """The decision of an indexed document from its member entry and its cluster original's id."""
    if member is None or original is None:
        return Decision(doc_id)
    if original == doc_id:
        return Decision(doc_id, cluster=doc_id)
    return Decision(doc_id, duplicate_of=original, similarity=member.similarity / SCALE,
                    containment=member.containment / SCALE, cluster=original)
