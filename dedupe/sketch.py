"""Shingles (numpy, for many texts at once) and MinHash signatures (datasketch).

Shingles are hashed to 32 bits in one vectorised pass; datasketch's `MinHash` (``affine32`` scheme,
``num_perm`` permutations) turns each text's shingle hashes into a signature. The index keeps the
lowest 16 bits of each minimum, as datasketch's `bBitMinHash` does (b-bit minwise hashing: two
different minima agree by chance once in 65,536), which halves storage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash

from dedupe.params import DedupeParams
from dedupe.text import _mix64, clean_lines, figure_mask, is_stopword, word_hashes_at, words

REPETITIVE_RATIO = 0.2  # fewer distinct words than this share of all words: a repeated phrase, not prose


@dataclass(frozen=True)
class Sketch:
    """What the index keeps of one text."""

    signature: np.ndarray  # uint16[num_perm]
    size: int  # distinct informative shingles (for containment estimates)
    fingerprint: bytes  # 8 bytes identifying the exact text (same id + same text = nothing to do)
    figures: bytes = bytes(32)  # 256-bit set of the text's figures (see dedupe.text.figure_mask)


@dataclass(frozen=True)
class Rejected:
    """A text recorded but not indexed, and why."""

    reason: str  # too_short | boilerplate | repetitive | too_few_shingles
    fingerprint: bytes


def text_fingerprint(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


class Sketcher:
    """Turns texts into `Sketch`es (or `Rejected`) for one set of parameters."""

    def __init__(self, params: DedupeParams) -> None:
        self.params = params
        rng = np.random.default_rng([params.seed, 0x6A656E])
        self._mult = (rng.integers(0, 2**63, params.shingle_size, dtype=np.uint64) * np.uint64(2)
                      + np.uint64(1))

    def shingles(self, text: str) -> np.ndarray | str:
        """Distinct 32-bit hashes of the informative word shingles of `text`, or a rejection reason."""
        sets, reasons = self._shingle_sets([text])
        return reasons[0] or sets[0]

    def _shingle_sets(self, texts: list[str]) -> tuple[list[np.ndarray], list[str | None]]:
        """Shingle a batch in one pass: all texts' words are hashed, shingled and de-duplicated as one
        array (per-call numpy overhead would otherwise dominate for 500-word texts)."""
        p, k = self.params, self.params.shingle_size
        cleaned = [clean_lines(t) for t in texts]
        self._figures = [figure_mask(c) for c in cleaned]
        encoded = [words(c).encode("utf-8") for c in cleaned]
        lengths = np.fromiter((len(e) + 1 for e in encoded), dtype=np.int64, count=len(encoded))
        doc_start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        toks, tok_start = word_hashes_at(b" ".join(encoded))
        tok_doc = np.searchsorted(doc_start, tok_start, side="right") - 1
        counts = np.bincount(tok_doc, minlength=len(texts))
        reasons: list[str | None] = [None] * len(texts)
        for i, c in enumerate(counts.tolist()):
            if c < p.min_tokens:
                reasons[i] = "too_short" if len(texts[i].split()) < p.min_tokens else "boilerplate"
        n = max(toks.size - k + 1, 0)
        with np.errstate(over="ignore"):
            sh = toks[:n] * self._mult[0]
            for j in range(1, k):
                sh = sh + toks[j : j + n] * self._mult[j]
        keep = tok_doc[:n] == tok_doc[k - 1 : k - 1 + n]  # shingles must not span two texts
        if p.drop_stopword_shingles and k > 1:
            stop = is_stopword(toks)
            all_stop = stop[:n].copy()
            for j in range(1, k):
                all_stop &= stop[j : j + n]
            keep &= ~all_stop
        shingle_doc = tok_doc[:n][keep].astype(np.uint64)
        per_doc_total = np.bincount(shingle_doc.astype(np.int64), minlength=len(texts))
        keyed = np.sort((shingle_doc << np.uint64(32)) | (_mix64(sh[keep]) >> np.uint64(32)))
        if keyed.size:  # sort + neighbour test: numpy's hash-based unique is several times slower here
            keyed = keyed[np.concatenate(([True], keyed[1:] != keyed[:-1]))]
        docs_of = (keyed >> np.uint64(32)).astype(np.int64)
        bounds = np.searchsorted(docs_of, np.arange(len(texts) + 1))
        values = (keyed & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        sets = [values[bounds[i] : bounds[i + 1]] for i in range(len(texts))]
        for i, s in enumerate(sets):
            if reasons[i] is None:
                if s.size < REPETITIVE_RATIO * per_doc_total[i]:
                    reasons[i] = "repetitive"  # one word or phrase over and over
                elif s.size < p.min_shingles:
                    reasons[i] = "too_few_shingles"
        return sets, reasons

    def sketch_many(self, texts: list[str]) -> list[Sketch | Rejected]:
        """Sketch a batch; shingling and MinHash run over all texts together."""
        if not texts:
            return []
        sets, reasons = self._shingle_sets(texts)
        sigs = self._signatures(sets)
        out: list[Sketch | Rejected] = []
        for i, text in enumerate(texts):
            fp = text_fingerprint(text)
            reason = reasons[i]
            out.append(Rejected(reason, fp) if reason else Sketch(sigs[i], int(sets[i].size), fp,
                                                                         self._figures[i]))
        return out

    def sketch(self, text: str) -> Sketch | Rejected:
        return self.sketch_many([text])[0]

    def _signatures(self, sets: list[np.ndarray]) -> np.ndarray:
        """datasketch MinHash of each shingle set, kept as b-bit (16-bit) values.

        The shingle hashes are already uniform 32-bit values, so datasketch is given the identity as its
        hash function and spends its time only on the permutations. Each set goes to `update_batch` as
        one array: datasketch turns its hash outputs into a column with numpy, so an array gives the same
        minima as one value at a time while skipping a Python call and a list entry per shingle (measured
        97 instead of 130 µs per 500-word text). `_array_batches_agree` checks that equivalence once per process.
        """
        k = self.params.num_perm
        sig = np.empty((len(sets), k), dtype="<u2")
        if (self.params.seed, k) not in _ARRAY_BATCHES:
            _ARRAY_BATCHES[(self.params.seed, k)] = _array_batches_agree(k, self.params.seed)
        if _ARRAY_BATCHES[(self.params.seed, k)]:
            batches: Iterable[list[Any]] = ([s] if s.size else [] for s in sets)
        else:  # a datasketch version that no longer accepts it: one value at a time, as documented
            batches = (s.tolist() for s in sets)
        # one MinHash per batch, cleared between texts (a copy per text re-checks the permutations each time)
        minhash = MinHash(num_perm=k, seed=self.params.seed, scheme="affine32", hashfunc=_identity)
        for i, batch in enumerate(batches):
            minhash.clear()
            minhash.update_batch(batch)
            sig[i] = (minhash.hashvalues & 0xFFFF).astype("<u2")
        return sig


_ARRAY_BATCHES: dict[Any, bool] = {}


def _array_batches_agree(num_perm: int, seed: int) -> bool:
    """True when datasketch gives the same MinHash for a whole-array batch as for its values one by one."""
    values = np.random.default_rng(seed).integers(0, 2**32, 300, dtype=np.uint64).astype(np.uint32)
    try:
        as_array = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=_identity)
        as_array.update_batch([values])
    except (TypeError, ValueError):
        return False
    one_by_one = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=_identity)
    one_by_one.update_batch(values.tolist())
    return bool(np.array_equal(as_array.hashvalues, one_by_one.hashvalues))


def _identity(value: Any) -> Any:
    return value
