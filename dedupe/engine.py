"""The decision rules, shared by both indexes: given what the index holds near a batch of documents
(a `Snapshot`), decide each document in order and say what to write (a `Commit`).

* Candidates: documents sharing LSH bands with the new one (the most shared first, ``max_candidates``),
  the originals of their clusters, and earlier documents of the same batch.
* Each candidate is verified (`dedupe.verify.compare`). A document joins a cluster when it is a verified
  copy of the cluster's original, or of enough of its members: a verified copy of one member with
  evidence (at least ``weak_containment``) against half the members, two at most. Never through a chain
  of weak links, and never by merging two clusters: joining costs the same whatever the cluster's size.
* A document that joins no cluster but is a verified copy of documents that are in none forms a new
  cluster with them. The original of a cluster is its earliest-published member (ties: smaller id).
* Rarity: the index counts, for each tracked shingle, the unrelated documents holding it (a document
  joining a cluster does not count again the shingles its cluster already holds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from dedupe.keys import ClusterState, Member
from dedupe.model import Decision
from dedupe.params import DedupeParams
from dedupe.record import Stored, encode
from dedupe.sketch import Rejected, Sketch
from dedupe.verify import Match, compare

SCALE = 10_000  # similarity and containment are stored as whole numbers of 1/10,000


@dataclass
class EntryState:
    """What the index knew about one entry of the batch before it was decided."""

    same: int | None = None  # handle of the same id with the same text: nothing to do
    same_reason: str | None = None  # the same id and text were recorded unindexed, for this reason
    handle: int | None = None  # handle reserved for a new indexed entry
    candidates: list[tuple[int, int]] = field(default_factory=list)  # (handle, mask of shared bands)
    full: int = 0  # mask of the entry's bands whose buckets are full (boilerplate)


@dataclass
class Snapshot:
    entries: list[EntryState]
    records: dict[int, Stored]  # candidates, originals of their clusters, documents already present
    members: dict[int, Member]
    clusters: dict[int, ClusterState]
    names: dict[int, str]
    rarity: dict[int, int]  # tracked shingle -> unrelated documents holding it


@dataclass
class Commit:
    """Writes of one batch, applied atomically by the index."""

    rejected: list[tuple[str, bytes, str]] = field(default_factory=list)  # id, fingerprint, reason
    records: list[tuple[int, str, bytes, bytes]] = field(default_factory=list)  # handle, id, fingerprint, blob
    bands: list[tuple[int, list[int]]] = field(default_factory=list)  # handle, band indexes to insert
    band_values: dict[int, np.ndarray] = field(default_factory=dict)  # handle -> its band values
    rarity: list[int] = field(default_factory=list)  # tracked shingles seen in one more unrelated document
    members: dict[int, Member] = field(default_factory=dict)
    clusters: dict[int, ClusterState] = field(default_factory=dict)
    appends: list[tuple[int, int, float]] = field(default_factory=list)  # cluster, handle, published


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    changed: list[str]  # ids of other documents whose decision this one changed (for `Detector.add`)
    rerooted: int | None  # cluster whose original this document became (every member changed)


Entry = tuple[str, float, Sketch | Rejected]


class Engine:
    def __init__(self, params: DedupeParams) -> None:
        self.params = params

    def decide(self, entries: list[Entry], snap: Snapshot) -> tuple[list[Outcome], Commit]:
        view = _View(snap, self.params)
        out = [self._one(doc_id, published, sk, state, view) for (doc_id, published, sk), state
               in zip(entries, snap.entries, strict=True)]
        return out, view.commit

    def _one(self, doc_id: str, published: float, sk: Sketch | Rejected, state: EntryState, view: _View) -> Outcome:
        if isinstance(sk, Rejected):
            if state.same_reason is None:
                view.commit.rejected.append((doc_id, sk.fingerprint, sk.reason))
            return Outcome(Decision(doc_id, indexed=False, reason=state.same_reason or sk.reason), [], None)
        if state.same is not None:
            return Outcome(view.decision(state.same), [], None)
        assert state.handle is not None
        h = state.handle
        me = Stored(h, doc_id, published, sk)
        view.add_record(me)
        matches = {c: compare(sk, view.records[c].sketch, self.params, view.rarity_weights(sk))
                   for c in view.candidates(me, state)}
        chosen = self._choose(matches, view)
        changed: list[str] = []
        rerooted = None
        neighbours: list[int] = []
        partners = [c for c, m in matches.items() if m.copy and view.cluster_of(c) is None]
        if chosen is not None:
            cluster = view.clusters[chosen]
            neighbours = [c for c, m in matches.items() if m.copy and view.cluster_of(c) == chosen]
            if _before(me, view.records[cluster.original]):
                rerooted = chosen
            view.join(me, chosen)
            # Documents that came earlier and are verified copies of this one join now if the rule would
            # let them join had they come after it: copies of the original, or of this member with evidence
            # against the original too. So a cluster does not depend on the order its members came in.
            original = view.clusters[chosen].original
            for p in partners:
                joins = original == h or compare(view.records[p].sketch, view.records[original].sketch,
                                                 self.params).weak
                if joins:
                    view.join(view.records[p], chosen)
                    changed.append(view.records[p].id)
                    neighbours.append(p)
        elif partners:
            view.found(me, partners)
            changed = [view.records[p].id for p in partners]
            neighbours = partners
        view.count_rarity(sk, [matches[n].matched for n in neighbours])
        view.insert_bands(me, state)
        return Outcome(view.decision(h), changed, rerooted)

    def _choose(self, matches: dict[int, Match], view: _View) -> int | None:
        """The cluster the document joins (see the module docstring), or None."""
        best, best_score = None, -1.0
        by_cluster: dict[int, list[tuple[int, Match]]] = {}
        for c, m in matches.items():
            cl = view.cluster_of(c)
            if cl is not None and m.weak:
                by_cluster.setdefault(cl, []).append((c, m))
        for cl, links in by_cluster.items():
            original = view.clusters[cl].original
            strong = [m for c, m in links if m.copy]
            of_original = any(c == original and m.copy for c, m in links)
            enough = min(2, (view.clusters[cl].size + 1) // 2)  # half the members, two at most: O(1) at any size
            if not (of_original or (strong and len(links) >= enough)):
                continue
            score = max(m.score for _, m in links)
            if score > best_score:
                best, best_score = cl, score
        return best


def _before(a: Stored, b: Stored) -> bool:
    """True when `a` was published before `b` (ties: the smaller id, by code points)."""
    return (a.published, a.id.encode("utf-8", "surrogatepass")) < (b.published, b.id.encode("utf-8", "surrogatepass"))


class _View:
    """The snapshot plus this batch's changes so far."""

    def __init__(self, snap: Snapshot, params: DedupeParams) -> None:
        self.snap, self.params = snap, params
        self.records = dict(snap.records)
        self.members = dict(snap.members)
        self.clusters = dict(snap.clusters)
        self.names = dict(snap.names)
        self.rarity = dict(snap.rarity)
        self.batch_bands: dict[tuple[int, int], list[int]] = {}  # (band, value) -> handles of this batch
        self.commit = Commit()

    # --- reading ----------------------------------------------------------------------------------
    def cluster_of(self, h: int) -> int | None:
        m = self.members.get(h)
        return m.cluster if m else None

    def name(self, h: int) -> str:
        return self.records[h].id if h in self.records else self.names[h]

    def decision(self, h: int) -> Decision:
        doc_id = self.name(h)
        m = self.members.get(h)
        if m is None:
            return Decision(doc_id)
        original = self.clusters[m.cluster].original
        if original == h:
            return Decision(doc_id, cluster=doc_id)
        return Decision(doc_id, duplicate_of=self.name(original), similarity=m.similarity / SCALE,
                        containment=m.containment / SCALE, cluster=self.name(original))

    def candidates(self, me: Stored, state: EntryState) -> list[int]:
        """Index candidates (most shared bands first), earlier documents of this batch sharing a band, and
        the originals of the candidates' clusters."""
        hits: dict[int, int] = {}
        for c, mask in state.candidates:
            hits[c] = hits.get(c, 0) + mask.bit_count()
        for b, value in enumerate(me.sketch.bands.tolist()):
            for c in self.batch_bands.get((b, value), ()):
                hits[c] = hits.get(c, 0) + 1
        ranked = sorted(hits, key=lambda c: (-hits[c], c))[: self.params.max_candidates]
        out = dict.fromkeys(ranked)
        for c in ranked:
            cl = self.cluster_of(c)
            if cl is not None:
                out.setdefault(self.clusters[cl].original)
        return [c for c in out if c != me.handle and c in self.records]

    def rarity_weights(self, sk: Sketch) -> dict[int, float]:
        """Shingle position -> weight, for tracked shingles that unrelated documents hold."""
        weights = {}
        for t, at in zip(sk.tracked.tolist(), sk.tracked_at.tolist(), strict=True):
            others = self.rarity.get(t, 0) - 1  # the candidate's own cluster holds it once
            if others > 0:
                weights[at] = 1.0 / (1.0 + self.params.rarity * others)
        return weights

    # --- writing ----------------------------------------------------------------------------------
    def add_record(self, me: Stored) -> None:
        self.records[me.handle] = me
        self.commit.records.append((me.handle, me.id, me.sketch.fingerprint, encode(me.sketch, me.published)))
        self.commit.band_values[me.handle] = me.sketch.bands

    def _set_member(self, h: int, cluster: int, original: int) -> None:
        if h == original:
            m = Member(cluster, h, 0, 0)
        else:
            v = compare(self.records[h].sketch, self.records[original].sketch, self.params)
            m = Member(cluster, original, round(v.similarity * SCALE), round(v.containment * SCALE))
        self.members[h] = self.commit.members[h] = m

    def _set_cluster(self, cluster: int, state: ClusterState) -> None:
        self.clusters[cluster] = self.commit.clusters[cluster] = state

    def join(self, me: Stored, cluster: int) -> None:
        state = self.clusters[cluster]
        original = me.handle if _before(me, self.records[state.original]) else state.original
        self._set_cluster(cluster, ClusterState(original, state.size + 1))
        self._set_member(me.handle, cluster, original)
        self.commit.appends.append((cluster, me.handle, me.published))

    def found(self, me: Stored, partners: list[int]) -> None:
        group = [me.handle, *partners]
        original = min(group, key=lambda h: (self.records[h].published,
                                             self.records[h].id.encode("utf-8", "surrogatepass")))
        self._set_cluster(me.handle, ClusterState(original, len(group)))
        for h in group:
            self._set_member(h, me.handle, original)
            self.commit.appends.append((me.handle, h, self.records[h].published))

    def count_rarity(self, sk: Sketch, shared: list[np.ndarray]) -> None:
        """One more unrelated document holds each tracked shingle, unless the document shares it with a
        verified neighbour in its cluster (``shared``: its shingle positions in runs shared with each):
        a cluster counts once."""
        held = set(np.concatenate(shared).tolist()) if shared else set()
        for t, at in zip(sk.tracked.tolist(), sk.tracked_at.tolist(), strict=True):
            if at not in held:
                self.rarity[t] = self.rarity.get(t, 0) + 1
                self.commit.rarity.append(t)

    def insert_bands(self, me: Stored, state: EntryState) -> None:
        """Insert into the entry's buckets, except full ones and those already holding two members of its
        cluster (buckets then count clusters, not copies: a much-copied story does not fill them, and a
        later copy still meets two members, enough to join)."""
        mine = self.cluster_of(me.handle)
        mates = [0] * len(me.sketch.bands)
        if mine is not None:
            for c, mask in state.candidates:
                if self.cluster_of(c) == mine:
                    for b in range(len(mates)):
                        mates[b] += mask >> b & 1
        bands = []
        for b, value in enumerate(me.sketch.bands.tolist()):
            batch = self.batch_bands.setdefault((b, value), [])
            if mine is not None:
                mates[b] += sum(1 for c in batch if self.cluster_of(c) == mine)
            if state.full >> b & 1 or mates[b] >= 2:
                continue
            batch.append(me.handle)
            bands.append(b)
        self.commit.bands.append((me.handle, bands))


def decisions_of(doc_ids: Iterable[str], lookup: Callable[[str], tuple[str, object] | None],
                 members: dict[int, Member], clusters: dict[int, ClusterState], names: dict[int, str],
                 records: Callable[[list[int]], dict[int, Stored]], params: DedupeParams) -> dict[str, Decision]:
    """Current decisions from what an index holds. ``lookup(id)`` is None (never added), ("rejected",
    reason) or ("handle", h); similarity and containment measured against an earlier original are
    measured again against the current one (``records`` fetches the sketches)."""
    out: dict[str, Decision] = {}
    stale: list[tuple[str, int, int]] = []
    for doc_id in doc_ids:
        found = lookup(doc_id)
        if found is None:
            continue
        kind, value = found
        if kind == "rejected":
            out[doc_id] = Decision(doc_id, indexed=False, reason=str(value))
            continue
        h = int(value)  # type: ignore[call-overload]
        m = members.get(h)
        if m is None:
            out[doc_id] = Decision(doc_id)
            continue
        original = clusters[m.cluster].original
        if original == h:
            out[doc_id] = Decision(doc_id, cluster=doc_id)
        elif m.reference == original:
            out[doc_id] = Decision(doc_id, duplicate_of=names[original], similarity=m.similarity / SCALE,
                                   containment=m.containment / SCALE, cluster=names[original])
        else:
            stale.append((doc_id, h, original))
    if stale:
        recs = records(sorted({h for _, h, _ in stale} | {o for _, _, o in stale}))
        for doc_id, h, original in stale:
            v = compare(recs[h].sketch, recs[original].sketch, params)
            out[doc_id] = Decision(doc_id, duplicate_of=names[original],
                                   similarity=round(v.similarity * SCALE) / SCALE,
                                   containment=round(v.containment * SCALE) / SCALE, cluster=names[original])
    return out
