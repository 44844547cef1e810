"""The detector: documents in, decisions out, over either index."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from dedupe.memory import containment
from dedupe.model import Cluster, Decision, Document, Result, Row, published_ts
from dedupe.params import DedupeParams
from dedupe.sketch import Rejected, Sketch, Sketcher


class Index(Protocol):
    params: DedupeParams

    def add_batch(self, entries: list[tuple[str, float, Sketch | Rejected]]) -> list[tuple[Row, list[Row]]]: ...

    def row(self, doc_id: str) -> Row | None: ...

    def cluster_rows(self) -> list[list[Row]]: ...


class Detector:
    """Flags syndicated copies. Copies are kept and flagged, never dropped."""

    def __init__(self, index: Index, params: DedupeParams | None = None, batch_size: int = 200) -> None:
        self.params = params or index.params
        if index.params != self.params:
            raise ValueError("the index and the detector were given different DedupeParams")
        self.index = index
        self.sketcher = Sketcher(self.params)
        self.batch_size = batch_size

    def add(self, doc: Document) -> Result:
        """Add one document; its decision and any other documents' revised decisions."""
        return self.add_many([doc])[0]

    def add_many(self, docs: Iterable[Document]) -> list[Result]:
        """Add documents in order, in batches (one Redis round trip per batch)."""
        docs = list(docs)
        results: list[Result] = []
        pending: Future[list[tuple[Row, list[Row]]]] | None = None

        def collect(future: Future[list[tuple[Row, list[Row]]]]) -> None:
            for main, revised in future.result():
                results.append(Result(self._decision(main), [self._decision(r) for r in revised]))

        # While Redis works on one batch, this thread sketches the next (the two use different cores).
        # Batches still reach the index one after another, in order.
        with ThreadPoolExecutor(max_workers=1) as pool:
            for i in range(0, len(docs), self.batch_size):
                chunk = docs[i : i + self.batch_size]
                sketches = self.sketcher.sketch_many([d.text or "" for d in chunk])
                entries = [(d.id, published_ts(d.published), sk) for d, sk in zip(chunk, sketches, strict=True)]
                if pending is not None:
                    collect(pending)
                pending = pool.submit(self.index.add_batch, entries)
            if pending is not None:
                collect(pending)
        return results

    def decision(self, doc_id: str) -> Decision | None:
        """The current decision for a document (None if never added)."""
        row = self.index.row(doc_id)
        return self._decision(row) if row else None

    def clusters(self) -> list[Cluster]:
        """Every cluster: the original and its copies, with similarity and containment to the original."""
        out = []
        for rows in self.index.cluster_rows():
            original = rows[0].id
            members = []
            for row in rows[1:]:
                d = self._decision(row)
                members.append((row.id, d.similarity or 0.0, d.containment or 0.0))
            members.sort(key=lambda m: m[0])
            out.append(Cluster(id=original, original=original, members=members))
        out.sort(key=lambda c: c.id)
        return out

    def _decision(self, row: Row) -> Decision:
        if not row.indexed:
            return Decision(row.id, indexed=False, reason=row.reason)
        if row.duplicate_of is None:
            return Decision(row.id, cluster=row.cluster)
        jac = row.matches / self.params.num_perm
        return Decision(row.id, duplicate_of=row.duplicate_of, similarity=round(jac, 4),
                        containment=round(containment(jac, row.size, row.original_size), 4),
                        cluster=row.cluster)
