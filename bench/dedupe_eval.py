"""Evaluate the dedup flags on the labelled set (replica/variants.py), for several settings side by side.

    .venv/bin/python -m bench.dedupe_eval            # all settings
    .venv/bin/python -m bench.dedupe_eval --quick    # ours and the common 5-gram/0.5 setting only

Prints, per setting: pair precision/recall/F1 (pairs of documents put in one cluster), per-cluster
figures (true clusters recovered exactly; predicted clusters that are pure), flag accuracy (copies
flagged with their true original), recall per variant type and false flags per negative type.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import replace
from itertools import combinations

import numpy as np

from dedupe import DedupeParams, Detector, Document, MemoryIndex
from dedupe.model import published_ts
from dedupe.sketch import Sketcher
from replica.variants import VARIANTS, Item, build

OURS = DedupeParams()
SETTINGS: dict[str, DedupeParams] = {
    "ours (defaults)": OURS,
    "5-gram, Jaccard 0.5 (common)": replace(OURS, shingle_size=5, jaccard_threshold=0.5,
                                            containment_threshold=1.01, bands=16, rows=8,
                                            drop_stopword_shingles=False),
    "3-gram, Jaccard 0.3 only": replace(OURS, shingle_size=3, containment_threshold=1.01),
    "ours, no figure test": replace(OURS, figure_containment=0),
    "ours, keep stopword shingles": replace(OURS, drop_stopword_shingles=False),
    "ours, 3-gram": replace(OURS, shingle_size=3),
    "ours, 4-gram": replace(OURS, shingle_size=4),
    "ours, containment 0.4": replace(OURS, containment_threshold=0.4),
    "ours, containment 0.5": replace(OURS, containment_threshold=0.5),
    "ours, 64 perms / 32x2": replace(OURS, num_perm=64),
    "ours, 16 bands x 2 rows": replace(OURS, bands=16),
}
QUICK = ("ours (defaults)", "5-gram, Jaccard 0.5 (common)")


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(items: list[Item], params: DedupeParams, order_seed: int = 7) -> dict[str, object]:
    """Run the detector (in-memory index) over the items in a shuffled order and score its flags."""
    docs = [Document(id=i.id, text=i.text, published=i.published) for i in items]
    random.Random(order_seed).shuffle(docs)
    detector = Detector(MemoryIndex(params), params)
    t0 = time.perf_counter()
    detector.add_many(docs)
    elapsed = time.perf_counter() - t0
    decisions = {i.id: detector.decision(i.id) for i in items}
    pred = {doc_id: (d.cluster if d and d.cluster else None) for doc_id, d in decisions.items()}
    truth = {i.id: i.label for i in items}
    by_label: dict[str, list[Item]] = defaultdict(list)
    for i in items:
        if i.label:
            by_label[i.label].append(i)
    true_original = {label: min(group, key=lambda x: (published_ts(x.published), x.id)).id
                     for label, group in by_label.items()}

    def groups(mapping: dict[str, str | None]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for doc_id, key in mapping.items():
            if key:
                out[key].append(doc_id)
        return out

    true_pairs = {frozenset(p) for g in groups(truth).values() for p in combinations(g, 2)}
    pred_pairs = {frozenset(p) for g in groups(pred).values() for p in combinations(g, 2)}
    tp = len(true_pairs & pred_pairs)
    pair = _prf(tp, len(pred_pairs - true_pairs), len(true_pairs - pred_pairs))
    true_sets = {frozenset(g) for g in groups(truth).values()}
    pred_sets = [frozenset(g) for g in groups(pred).values()]
    exact = sum(1 for s in pred_sets if s in true_sets)
    pure = sum(1 for s in pred_sets if len({truth[d] for d in s}) == 1 and truth[next(iter(s))])
    # flags: a copy is right when flagged with its true original
    flag_tp = flag_fp = flag_fn = 0
    for i in items:
        d = decisions[i.id]
        is_copy = i.label is not None and true_original[i.label] != i.id
        flagged = d is not None and d.duplicate_of is not None
        if flagged and is_copy and d.duplicate_of == true_original[i.label]:
            flag_tp += 1
        else:
            flag_fp += int(flagged)
            flag_fn += int(is_copy)
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i in items:
        if i.label and i.kind not in ("original",):
            ok = pred[i.id] is not None and pred[i.id] == pred[true_original[i.label]]
            per_kind[i.kind][0] += int(ok)
            per_kind[i.kind][1] += 1
        elif not i.label:
            per_kind[i.kind][0] += int(pred[i.id] is not None)  # wrongly put in some cluster
            per_kind[i.kind][1] += 1
    return {"pair": pair, "clusters_true": len(true_sets), "clusters_pred": len(pred_sets),
            "exact": exact, "pure": pure, "flags": _prf(flag_tp, flag_fp, flag_fn),
            "per_kind": dict(per_kind), "docs_per_s": len(docs) / elapsed}


def exact_overlaps(items: list[Item], params: DedupeParams) -> dict[str, list[tuple[float, float]]]:
    """Exact (not estimated) Jaccard and containment of copy->original and of negative pairs."""
    sk = Sketcher(params)
    sets = {i.id: sk.shingles(i.text) for i in items}

    def jc(a: str, b: str) -> tuple[float, float] | None:
        x, y = sets[a], sets[b]
        if isinstance(x, str) or isinstance(y, str):
            return None
        inter = np.intersect1d(x, y).size
        return inter / (x.size + y.size - inter), inter / min(x.size, y.size)

    out: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_label: dict[str, list[Item]] = defaultdict(list)
    for i in items:
        if i.label:
            by_label[i.label].append(i)
    for group in by_label.values():
        orig = min(group, key=lambda x: (published_ts(x.published), x.id))
        for i in group:
            if i.id != orig.id and (v := jc(i.id, orig.id)):
                out["copy->original"].append(v)
    negs = [i for i in items if i.kind in ("template_negative", "same_event_negative")]
    for a, b in combinations(negs, 2):
        if a.kind == b.kind and (v := jc(a.id, b.id)):
            out[a.kind + " pairs"].append(v)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only ours and the common 5-gram/0.5 setting")
    args = ap.parse_args(argv)
    items = build()
    kinds = sorted({i.kind for i in items})
    print(f"labelled set: {len(items)} documents, {len({i.label for i in items if i.label})} true clusters; "
          + ", ".join(f"{k} {sum(i.kind == k for i in items)}" for k in kinds))
    ov = exact_overlaps(items, OURS)
    loose = [i for i in items if i.kind == "loose"]
    ov["loose copy->original"] = [v for v in exact_overlaps(loose + [i for i in items if i.kind == "original"],
                                                              OURS)["copy->original"]]
    for name, vals in ov.items():
        js, cs = [v[0] for v in vals], [v[1] for v in vals]
        print(f"  exact overlaps (ours' shingling), {name}: n={len(vals)} Jaccard median {statistics.median(js):.2f} "
              f"min {min(js):.2f} max {max(js):.2f}; containment median {statistics.median(cs):.2f} "
              f"min {min(cs):.2f} max {max(cs):.2f}")
    names = QUICK if args.quick else tuple(SETTINGS)
    results = {n: evaluate(items, SETTINGS[n]) for n in names}
    w = 30
    print()
    print(f"{'setting':<{w}} {'pairP':>6} {'pairR':>6} {'pairF1':>6} {'flagP':>6} {'flagR':>6} "
          f"{'exact':>9} {'pure':>9}  docs/s")
    for n, r in results.items():
        p, rc, f = r["pair"]
        fp_, fr, _ = r["flags"]
        print(f"{n:<{w}} {p:6.3f} {rc:6.3f} {f:6.3f} {fp_:6.3f} {fr:6.3f} "
              f"{r['exact']:>4}/{r['clusters_true']:<4} {r['pure']:>4}/{r['clusters_pred']:<4} {r['docs_per_s']:6.0f}")
    print()
    print("recall per copy type (copy put in its original's cluster) and false flags per negative type:")
    order = ["replica_copy", *VARIANTS, "same_event_negative", "template_negative", "unique"]
    print(f"{'type':<22}" + "".join(f"{n[:16]:>18}" for n in results))
    for kind in order:
        cells = []
        for r in results.values():
            ok, total = r["per_kind"].get(kind, [0, 0])
            cells.append(f"{ok:>4}/{total:<4} {ok / total if total else 0:5.2f}")
        label = kind + (" (false)" if kind.endswith("negative") or kind == "unique" else "")
        print(f"{label:<22}" + "".join(f"{c:>18}" for c in cells))
    ours = results["ours (defaults)"]
    ok = ours["pair"][0] >= 0.98 and ours["pair"][1] >= 0.95
    print(f"\ntarget (ours): pair precision >= 0.98 and recall >= 0.95: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
