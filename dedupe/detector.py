"""The detector: documents in, decisions out, over either index."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from dedupe.engine import Entry, Outcome
from dedupe.model import Cluster, Decision, Document, published_ts
from dedupe.params import DedupeParams
from dedupe.sketch import Rejected, Sketch, Sketcher

MAX_ID_BYTES = 1024


class Index(Protocol):
    params: DedupeParams

    def add_batch(self, entries: list[Entry]) -> list[Outcome]: ...

    def decisions(self, doc_ids: list[str]) -> dict[str, Decision]: ...

    def cluster_ids(self) -> list[int]: ...

    def cluster_member_ids(self, cluster: int) -> list[str]: ...

    def cluster_of(self, doc_id: str) -> int | None: ...

    def stats(self) -> dict[str, Any]: ...


class Detector:
    """Flags syndicated copies. Copies are kept and flagged, never dropped."""

    def __init__(self, index: Index, params: DedupeParams | None = None, batch_size: int = 200) -> None:
        self.params = params or index.params
        if index.params != self.params:
            raise ValueError("the index and the detector were given different DedupeParams")
        self.index = index
        self.sketcher = Sketcher(self.params)
        self.batch_size = batch_size
        self._ahead: ThreadPoolExecutor | None = None  # one thread, started by the first multi-batch add_many

    def add_many(self, docs: Iterable[Document]) -> list[Decision]:
        """Add documents in order, in batches; one decision per document, as it stood once it was added.

        Bad input never raises: an id that cannot be stored, or a text that cannot be compared, gets a
        decision with ``indexed=False`` and a reason. The same id twice is decided twice, in order.
        """
        return [o.decision for o in self._add(list(docs))]

    def _add(self, docs: list[Document]) -> list[Outcome]:
        batches: list[list[Document]] = []
        seen: set[str] = set()
        for doc in docs:  # a batch ends at batch_size documents or at an id it already holds
            doc_id = doc.id if isinstance(doc.id, str) else str(doc.id)
            if not batches or doc_id in seen or len(batches[-1]) >= self.batch_size:
                batches.append([])
                seen = set()
            batches[-1].append(doc)
            seen.add(doc_id)
        if len(batches) < 2:
            return [o for b in batches for o in self._add_batch(b, self._sketch(b))]
        # the next batch is sketched while this one is decided (its Redis round trips release the GIL)
        if self._ahead is None:
            self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dedupe-sketch")
        outcomes: list[Outcome] = []
        upcoming = self._ahead.submit(self._sketch, batches[0])
        for i, batch in enumerate(batches):
            sketches = upcoming.result()
            if i + 1 < len(batches):
                upcoming = self._ahead.submit(self._sketch, batches[i + 1])
            outcomes += self._add_batch(batch, sketches)
        return outcomes

    def _sketch(self, docs: list[Document]) -> list[Sketch | Rejected]:
        return self.sketcher.sketch_many([_text(d.text) for d in docs])

    def _add_batch(self, docs: list[Document], sketches: list[Sketch | Rejected]) -> list[Outcome]:
        entries: list[Entry] = []
        slots: list[int | Outcome] = []
        for doc, sk in zip(docs, sketches, strict=True):
            doc_id = doc.id if isinstance(doc.id, str) else str(doc.id)
            problem = _bad_id(doc_id)
            if problem:  # cannot be stored: decided here, not indexed
                slots.append(Outcome(Decision(doc_id, indexed=False, reason=problem)))
                continue
            slots.append(len(entries))
            entries.append((doc_id, published_ts(doc.published), sk))
        done = self.index.add_batch(entries) if entries else []
        return [done[s] if isinstance(s, int) else s for s in slots]

    def decisions(self, doc_ids: Iterable[str]) -> dict[str, Decision]:
        """Current decisions of many documents (ids never added are left out), in batched round trips."""
        ids = list(dict.fromkeys(doc_ids))
        out: dict[str, Decision] = {}
        for i in range(0, len(ids), 1000):
            out.update(self.index.decisions(ids[i : i + 1000]))
        return out

    def decision(self, doc_id: str) -> Decision | None:
        """The current decision for one document (None if never added)."""
        return self.decisions([doc_id]).get(doc_id)

    def clusters(self) -> list[Cluster]:
        """Every cluster: the original and its copies with similarity and containment to the original,
        largest first (then by the original's id)."""
        out = [c for c in (self._cluster(n) for n in self.index.cluster_ids()) if c is not None]
        out.sort(key=lambda c: (-len(c.members), c.original))
        return out

    def cluster_of(self, doc_id: str) -> Cluster | None:
        """The cluster a document belongs to (None when it is in none)."""
        n = self.index.cluster_of(doc_id)
        return self._cluster(n) if n is not None else None

    def _cluster(self, n: int) -> Cluster | None:
        ids = self.index.cluster_member_ids(n)
        if len(ids) < 2:
            return None
        current = self.decisions(ids)
        members = sorted((i, current[i].similarity or 0.0, current[i].containment or 0.0) for i in ids[1:])
        return Cluster(id=ids[0], original=ids[0], members=members)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)


def _bad_id(doc_id: str) -> str | None:
    if not doc_id:
        return "bad_id"
    try:
        size = len(doc_id.encode("utf-8"))
    except UnicodeEncodeError:
        return "bad_id"
    return "bad_id" if size > MAX_ID_BYTES else None
