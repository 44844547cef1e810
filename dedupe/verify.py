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
  report; copies keep their figures (a later write-through may update one or two).
* **Rarity.** Runs that recur across many unrelated documents (boilerplate) say little: the caller passes
  ``rarity`` weights from the index's counts of unrelated documents per tracked shingle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.params import DedupeParams
from dedupe.sketch import Sketch

MAX_MATCHES_PER_SHINGLE = 8  # tables repeat shingles; more matches of one than this add nothing


@dataclass(frozen=True)
class Match:
    """The verdict on one pair, and the figures it rests on."""

    copy: bool  # a verified copy (strong link)
    weak: bool  # weaker evidence: counts only together with a second member of the same cluster
    score: float  # weighted containment of the shared runs in the shared window
    similarity: float  # shared tokens / all tokens of both (Jaccard-like, unweighted)
    containment: float  # share of the shorter text found in the longer (unweighted)
    shared: float  # weighted shared tokens (the smaller side)
    disagreements: int  # figures in shared sentences whose values differ
    matched: np.ndarray  # shingle positions of `a` inside shared runs (figures equal)


NO_MATCH = Match(False, False, 0.0, 0.0, 0.0, 0.0, 0, np.zeros(0, dtype=np.int64))


def compare(a: Sketch, b: Sketch, params: DedupeParams, rarity: dict[int, float] | None = None) -> Match:
    """Verify one pair. ``rarity`` maps positions of tracked shingles of ``a`` to a weight in (0, 1]."""
    k = params.shingle_size
    ia, jb = _run_matches(a.shingles, b.shingles)
    if ia.size == 0:
        return NO_MATCH
    offsets = np.arange(k)
    pa, pb = ia[:, None] + offsets, jb[:, None] + offsets  # token positions of every matched shingle
    fa, fb = a.figures[pa], b.figures[pb]
    exact = (fa == fb).all(axis=1)
    disagreements = _disagreements(pa, fa, fb)
    covered_b = np.zeros(b.size, dtype=bool)
    covered_b[pb[exact].ravel()] = True
    matched = np.unique(ia[exact])
    if matched.size == 0:
        return NO_MATCH
    run_weight = _run_weights(matched, rarity or {})  # per matched shingle of a
    token_weight = np.zeros(a.size)
    np.maximum.at(token_weight, (matched[:, None] + offsets).ravel(), np.repeat(run_weight, k))
    covered_a = token_weight > 0
    na, nb = int(covered_a.sum()), int(covered_b.sum())
    weight = float(token_weight[covered_a].mean())  # the rarity of a's shared runs applies to both sides
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
    evidence = disagreements < params.figure_disagreements and shared >= params.min_shared
    copy = evidence and (score >= params.containment_threshold or jaccard >= params.jaccard_threshold)
    weak = evidence and score >= params.weak_containment
    return Match(copy, weak or copy, score, similarity, containment, shared, disagreements, matched)


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


def _disagreements(pa: np.ndarray, fa: np.ndarray, fb: np.ndarray) -> int:
    """Figures of `a` inside matched shingles that never agree with the figure facing them in `b`."""
    is_fig = fa != 0
    if not is_fig.any():
        return 0
    where, agree = pa[is_fig], fa[is_fig] == fb[is_fig]
    agreeing = np.unique(where[agree])
    return int(np.setdiff1d(np.unique(where), agreeing).size)


def _run_weights(matched: np.ndarray, rarity: dict[int, float]) -> np.ndarray:
    """Weight of each matched shingle: that of the nearest tracked shingle in its run of consecutive
    matched shingles (boilerplate and story text share runs in verbatim copies); runs holding no tracked
    shingle (one in 16 is) take the mean over all the shared runs, 1 when none is tracked."""
    weights = np.ones(matched.size)
    if not rarity:
        return weights
    positions = np.array(sorted(rarity), dtype=np.int64)
    at = np.searchsorted(matched, positions)
    inside = (at < matched.size) & (matched[np.minimum(at, matched.size - 1)] == positions)
    if not inside.any():
        return weights
    positions, where = positions[inside], at[inside]
    values = np.array([rarity[p] for p in positions.tolist()])
    run = np.concatenate(([0], np.cumsum(np.diff(matched) > 1)))
    weights[:] = values.mean()
    right = np.minimum(np.searchsorted(where, np.arange(matched.size)), where.size - 1)
    left = np.maximum(right - 1, 0)
    for side in (left, right):  # take the nearer tracked shingle of the same run
        same = run[where[side]] == run
        dist = np.abs(where[side] - np.arange(matched.size))
        side_dist = np.where(same, dist, np.iinfo(np.int64).max)
        if side is left:
            best_dist, best = side_dist, np.where(same, values[side], weights)
        else:
            closer = side_dist < best_dist
            best = np.where(closer, values[side], best)
            best_dist = np.minimum(best_dist, side_dist)
    has = best_dist < np.iinfo(np.int64).max
    weights[has] = best[has]
    return weights


def _bounds(mask: np.ndarray) -> tuple[int, int]:
    where = np.flatnonzero(mask)
    return int(where[0]), int(where[-1])
