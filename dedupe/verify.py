"""Is B a copy of A? Verification of one candidate pair on the word runs the two texts share.

What real copies share, and what the rule reads from the two sketches (REFERENCE.md §3, measured on
../shared/real/syndication, see bench/dedupe_eval.py):

* **Long runs, not words.** A shingle is four content words (about eight words of text); only runs of at
  least two consecutive matching shingles count, so a shared name or stray hash collision does not.
* **Containment in the shared window.** Copies are trimmed, re-led and cut at different places, so the
  shared runs are measured against the window they span (first to last shared token), not against the
  whole texts. Ledes and the first lines differ most between copies, so text before the window is free.
  Text *both* texts still carry after the window counts against the pair (``tail_weight``): two texts
  that share an introduction and then go on differently are a template series, not one story.
* **Quotes weigh less** (``quote_weight``): other outlets' own stories quote the same statements.
* **Figures.** Agency templates (daily prices, case counts, index closes) repeat their sentences with
  other figures. Shared sentences whose figures differ in `figure_disagreements` places mark a template
  report; copies keep their figures (a later write-through may update one or two). Counted from both
  sides, the smaller count: a table row facing many rows of the other text is not a disagreement.
* **Rarity.** Words that recur across several stories (boilerplate) say little: the caller passes a
  weight for each token of ``a`` (see `dedupe.engine`, which counts the stories of a document's earlier
  neighbours that share each of its words).

`align` does the work that depends on the pair only; `judge` applies the weights and thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.params import DedupeParams
from dedupe.sketch import Sketch

MAX_MATCHES_PER_SHINGLE = 8  # tables repeat shingles; more matches of one than this add nothing


@dataclass(frozen=True)
class Alignment:
    """Where two sketches share runs: token masks of the shared (figure-exact) words on each side."""

    covered_a: np.ndarray  # bool[a.size]
    covered_b: np.ndarray  # bool[b.size]
    disagreements: int  # figures in shared sentences whose values differ


@dataclass(frozen=True)
class Match:
    """The verdict on one pair, and the figures it rests on."""

    copy: bool  # a verified copy (strong link)
    weak: bool  # weaker evidence: counts only beside a verified copy of another member of the cluster
    score: float  # weighted containment of the shared runs in the shared window
    similarity: float  # shared tokens / all tokens of both (Jaccard-like, unweighted)
    containment: float  # share of the shorter text found in the longer (unweighted)
    shared: float  # weighted shared tokens (the smaller side)
    disagreements: int


NO_MATCH = Match(False, False, 0.0, 0.0, 0.0, 0.0, 0)


def align(a: Sketch, b: Sketch, shingle_size: int) -> Alignment | None:
    """The shared runs of two sketches (None when they share none)."""
    ia, jb = _run_matches(a.shingles, b.shingles)
    if ia.size == 0:
        return None
    offsets = np.arange(shingle_size)
    pa, pb = ia[:, None] + offsets, jb[:, None] + offsets  # token positions of every matched shingle
    fa, fb = a.figures[pa], b.figures[pb]
    same = fa == fb
    exact = same.all(axis=1)
    if not exact.any():
        return None
    covered_a = np.zeros(a.size, dtype=bool)
    covered_a[pa[exact].ravel()] = True
    covered_b = np.zeros(b.size, dtype=bool)
    covered_b[pb[exact].ravel()] = True
    disagreements = 0
    if fa.any():
        disagreements = min(_disagreements(pa, fa, same, a.size), _disagreements(pb, fb, same, b.size))
    return Alignment(covered_a, covered_b, disagreements)


def judge(al: Alignment | None, a: Sketch, b: Sketch, params: DedupeParams,
          weights: np.ndarray | None = None) -> Match:
    """The verdict on an aligned pair. ``weights`` gives each token of ``a`` a weight in (0, 1]."""
    if al is None:
        return NO_MATCH
    covered_a, covered_b = al.covered_a, al.covered_b
    token_weight = covered_a.astype(float) if weights is None else np.where(covered_a, weights, 0.0)
    na, nb = int(covered_a.sum()), int(covered_b.sum())
    weight = float(token_weight[covered_a].mean())  # the rarity of a's shared words applies to both sides
    shared_a = float((np.where(a.quoted, params.quote_weight, 1.0) * token_weight).sum())
    shared_b = float(np.where(b.quoted[covered_b], params.quote_weight, 1.0).sum()) * weight
    first_a, last_a = _bounds(covered_a)
    first_b, last_b = _bounds(covered_b)
    tail = params.tail_weight * min(a.size - 1 - last_a, b.size - 1 - last_b)
    score = max(shared_a / (last_a - first_a + 1 + tail), shared_b / (last_b - first_b + 1 + tail))
    shared = min(shared_a, shared_b)
    jaccard = shared / (a.size + b.size - shared)
    plain = min(na, nb)
    similarity = plain / (a.size + b.size - plain)
    containment = min(1.0, max(na / a.size, nb / b.size))
    evidence = al.disagreements < params.figure_disagreements and shared >= params.min_shared
    copy = evidence and (score >= params.containment_threshold or jaccard >= params.jaccard_threshold)
    weak = evidence and score >= params.weak_containment
    return Match(copy, weak or copy, score, similarity, containment, shared, al.disagreements)


def compare(a: Sketch, b: Sketch, params: DedupeParams) -> Match:
    """Verify one pair without rarity weights."""
    return judge(align(a, b, params.shingle_size), a, b, params)


def _run_matches(ha: np.ndarray, hb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i in a, j in b) of equal shingles that belong to a run of at least two: the next or the
    previous shingle matches too, on the same diagonal."""
    if ha.size == 0 or hb.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(hb, kind="stable")
    sorted_b = hb[order]
    lo = np.searchsorted(sorted_b, ha, "left")
    count = np.minimum(np.searchsorted(sorted_b, ha, "right") - lo, MAX_MATCHES_PER_SHINGLE)
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ia = np.repeat(np.arange(ha.size), count)
    within = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    jb = order[np.repeat(lo, count) + within].astype(np.int64)
    stride = hb.size + 2
    keys = ia * stride + jb
    keys_sorted = np.sort(keys)
    in_run = _member(keys + stride + 1, keys_sorted) | _member(keys - stride - 1, keys_sorted)
    return ia[in_run], jb[in_run]


def _member(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    at = np.minimum(np.searchsorted(sorted_keys, values), sorted_keys.size - 1)
    return sorted_keys[at] == values


def _disagreements(positions: np.ndarray, figures: np.ndarray, same: np.ndarray, size: int) -> int:
    """Figures of one side inside matched shingles that never agree with the figure facing them."""
    is_fig = figures != 0
    where = positions[is_fig]
    seen = np.bincount(where, minlength=size)
    agreeing = np.bincount(where[same[is_fig]], minlength=size)
    return int(((seen > 0) & (agreeing == 0)).sum())


def _bounds(mask: np.ndarray) -> tuple[int, int]:
    where = np.flatnonzero(mask)
    return int(where[0]), int(where[-1])
