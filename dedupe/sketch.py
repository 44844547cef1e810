"""What the index keeps of a text: a datasketch MinHash for finding candidates, a compact word-run
sketch for verifying them.

Both are built on *content shingles*: runs of `shingle_size` consecutive content words (function words
dropped, figures masked), hashed to 32 bits in one vectorised pass over a whole batch.

* ``bands``: datasketch `MinHash` (``affine32``, one permutation per LSH band) of the shingle set; each
  band is one 32-bit minimum, so two texts share a band with probability equal to their Jaccard
  similarity (one row per band finds the loose copies real outlets publish, Jaccard ~0.1).
* ``shingles``: the 16-bit shingle hashes in document order, so the verifier can find the *runs* two
  texts share, where they start and end (a copy shares long runs; a same-event story shares names).
* ``quoted`` and ``figures``: which tokens stand in quotations, and the value of every figure, so the
  verifier can weigh shared quotes less and tell a template report (same sentences, other figures)
  from a copy.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from dedupe.params import DedupeParams
from dedupe.text import FMIX32, clean_lines, finalise, tokenize

REPETITIVE_RATIO = 0.2  # fewer distinct shingles than this share of all: a repeated phrase, not prose
MAX_TEXT_CHARS = 400_000  # longer texts are cut before sketching (a page is far shorter; see bad input)
MAX_TOKENS = 1024  # content tokens kept per text (about 1,800 words): the sketch has a fixed ceiling
CONTROL_RATIO = 0.05  # more control characters than this share of a text's start: binary data, not text
CONTROL_SAMPLE = 1024  # characters of the start checked
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Sketch:
    """What the index keeps of one text (see the module docstring)."""

    bands: np.ndarray  # uint32[bands]
    shingles: np.ndarray  # uint16[size - shingle_size + 1], document order
    quoted: np.ndarray  # bool[size]
    figures: np.ndarray  # uint16[size]: 0 for words, else the figure's value (never 0)
    fingerprint: bytes  # 8 bytes identifying the exact text (same id + same text = nothing to do)

    @property
    def size(self) -> int:
        """Content tokens."""
        return int(self.quoted.size)


@dataclass(frozen=True)
class Rejected:
    """A text recorded but not indexed, and why."""

    reason: str  # too_short | boilerplate | repetitive | too_few_shingles | binary | bad_id
    fingerprint: bytes


def text_fingerprint(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


class Sketcher:
    """Turns texts into `Sketch`es (or `Rejected`) for one set of parameters."""

    def __init__(self, params: DedupeParams) -> None:
        self.params = params
        rng = np.random.default_rng([params.seed, 0x6A656E])
        self._mult = (rng.integers(0, 2**63, params.shingle_size, dtype=np.uint64) * np.uint64(2)
                      + np.uint64(1))
        self._minhash = MinHash(num_perm=params.num_perm, seed=params.seed, scheme="affine32")

    def sketch(self, text: str) -> Sketch | Rejected:
        return self.sketch_many([text])[0]

    def sketch_many(self, texts: list[str]) -> list[Sketch | Rejected]:
        """Sketch a batch: cleaning per text, then tokens, shingles and MinHashes for all texts at once."""
        if not texts:
            return []
        p, k = self.params, self.params.shingle_size
        texts = [t[:MAX_TEXT_CHARS] for t in texts]
        out: list[Sketch | Rejected | None] = [None] * len(texts)
        cleaned = []
        for i, text in enumerate(texts):
            head = text[:CONTROL_SAMPLE]
            if _CONTROL.search(head) and len(_CONTROL.findall(head)) > CONTROL_RATIO * len(head):
                out[i] = Rejected("binary", text_fingerprint(text))
            cleaned.append("" if out[i] else clean_lines(text))
        tok = tokenize(cleaned)
        for i, text in enumerate(texts):
            if out[i] is None and tok.words[i] < p.min_tokens:
                reason = "too_short" if len(text.split()) < p.min_tokens else "boilerplate"
                out[i] = Rejected(reason, text_fingerprint(text))
        # per text: tokens [lo, hi) (at most MAX_TOKENS), shingles [lo, lo + n)
        lo = tok.bounds[:-1]
        hi = np.minimum(tok.bounds[1:], lo + MAX_TOKENS)
        n = np.maximum(hi - lo - k + 1, 0)
        sh = self._shingle_hashes(tok.masked)
        doc = np.repeat(np.arange(len(texts)), n)  # the text of every kept shingle
        at = np.repeat(lo - np.concatenate(([0], np.cumsum(n)[:-1])), n) + np.arange(int(n.sum()))
        kept = sh[at]
        distinct = _distinct_counts(doc, kept, len(texts))
        ok = [i for i in range(len(texts)) if out[i] is None]
        for i in ok:
            if distinct[i] < REPETITIVE_RATIO * max(int(n[i]), 1) and n[i] >= p.min_shingles:
                out[i] = Rejected("repetitive", text_fingerprint(texts[i]))  # one word or phrase over and over
            elif distinct[i] < p.min_shingles:
                out[i] = Rejected("too_few_shingles", text_fingerprint(texts[i]))
        ok = [i for i in ok if out[i] is None]
        if ok:
            bands = self._bands(kept[np.isin(doc, ok)], n[ok])
            figures = (tok.figure & np.uint64(0xFFFF)).astype(np.uint16)
            figures[tok.figure != 0] |= 1
            shingles16 = (sh & 0xFFFF).astype(np.uint16)
            for row, i in enumerate(ok):
                a, z = int(lo[i]), int(hi[i])
                out[i] = Sketch(bands[row], shingles16[a : a + int(n[i])], tok.quoted[a:z], figures[a:z],
                                text_fingerprint(texts[i]))
        return [o for o in out if o is not None]

    def shingles(self, text: str) -> np.ndarray | str:
        """Distinct 32-bit content shingles of `text`, or the reason it is not indexed."""
        sk = self.sketch(text)
        if isinstance(sk, Rejected):
            return sk.reason
        tok = tokenize([clean_lines(text[:MAX_TEXT_CHARS])])
        n = min(tok.masked.size, MAX_TOKENS) - self.params.shingle_size + 1
        return np.unique(self._shingle_hashes(tok.masked)[:n])

    def _shingle_hashes(self, tokens: np.ndarray) -> np.ndarray:
        """32-bit hash of every run of `shingle_size` tokens starting at each token (runs that would
        cross into the next text get a value too, but `sketch_many` never reads them)."""
        k = self.params.shingle_size
        n = tokens.size
        padded = np.concatenate((tokens, np.zeros(k - 1, dtype=np.uint64)))
        with np.errstate(over="ignore"):
            acc = padded[:n] * self._mult[0]
            for j in range(1, k):
                acc = acc + padded[j : j + n] * self._mult[j]
        return (finalise(acc) >> np.uint64(32)).astype(np.uint32)

    def _bands(self, shingles: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """datasketch MinHash (``affine32``) of each text's shingle set: one 32-bit minimum per band.

        datasketch computes one set per call; here its own permutations (``MinHash.permutations``) are
        applied to the shingles of every text of the batch at once, after the MurmurHash3 finalizer it
        pre-mixes inputs with: the same values as feeding each set to `MinHash.update` one value at a
        time (checked in tests/test_dedupe_detect.py), without a Python call per text. ``shingles`` holds
        the texts' shingles one text after the other, ``counts[i]`` of them for text i (never 0).
        """
        a, b = (x[: self.params.bands] for x in self._minhash.permutations)
        with np.errstate(over="ignore"):
            permuted = finalise(shingles.astype(np.uint32), FMIX32)[:, None] * a[None, :] + b[None, :]
        return np.minimum.reduceat(permuted, np.concatenate(([0], np.cumsum(counts)[:-1])), axis=0)


def _distinct_counts(doc: np.ndarray, values: np.ndarray, n_texts: int) -> np.ndarray:
    """Distinct values per text (``doc`` says which text each value belongs to)."""
    keys = np.sort((doc.astype(np.uint64) << np.uint64(32)) | values.astype(np.uint64))
    first = np.concatenate(([True], keys[1:] != keys[:-1])) if keys.size else np.zeros(0, dtype=bool)
    return np.bincount((keys[first] >> np.uint64(32)).astype(np.int64), minlength=n_texts)
