"""Pages per second and quality: our cleaner vs trafilatura's plain ``extract()``, side by side.

    .venv/bin/python -m bench.clean [--rounds 5] [--real-rounds 3] [--extra 0] [--profile] [--predictions DIR]

1. Real news pages (the shared extraction dev set, read in place: ``$JEN_REAL_DATA``, else
   ``../shared/real``, else ``/work/shared/real``): every page through ``crawler.cleaner.parse`` (the
   generic path) and through ``trafilatura.extract`` with default settings (the set's baseline), raw bytes
   as saved; pages/s of each, and the set's own scores (its score.py: full-text F1/P/R overall and per
   source set, snippet PASS). ``--predictions DIR`` writes both texts in the set's format, for its score.py.
2. The replica's article pages: the JEN parser on Just Earth News pages, the generic path on the other
   outlets, each beside trafilatura on the same pages.

Each extractor runs over a set `rounds` times on one core, the two taking turns pass by pass; time is
this process's CPU time for the whole call (decoding, parsing, metadata, clean-up) and the best round
counts (least disturbed by other processes on a shared machine). Our memoised results are dropped before
every pass. `--profile` prints where our cleaner spends its time on the replica pages.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import gzip
import importlib.util
import io
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import trafilatura

from crawler.cleaner import clear_caches, parse
from replica.pages import OUTLET_HOSTS
from replica.site import build_site

PORT = 8000  # only used to write absolute URLs into the replica pages; nothing is served
Page = tuple[str, str, bytes]  # (source or set, url, html bytes)


def load_pages(extra: int = 0) -> list[Page]:
    """(outlet, url, html bytes) for every article page of the replica."""
    site = build_site(extra_articles=extra)
    out = []
    for (outlet, path), info in sorted(site.info.items()):
        if info.kind != "article":
            continue
        origin = f"http://{OUTLET_HOSTS.get(outlet, '127.0.0.9')}:{PORT}"
        out.append((outlet, origin + path, site.fetch(outlet, path, origin).body))
    return out


def real_set() -> Path | None:
    """The shared extraction set, where the environment or the usual checkout layout puts it."""
    here = Path(__file__).resolve().parents[1]
    for base in filter(None, (os.environ.get("JEN_REAL_DATA"), here.parent / "shared" / "real", "/work/shared/real")):
        if (Path(base) / "extraction" / "score.py").is_file():
            return Path(base) / "extraction"
    return None


def load_real(folder: Path) -> tuple[list[Page], dict, dict, ModuleType]:
    """(pages keyed by id in the source slot, full-text gold, snippet gold, the set's scorer module)."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    snippets = json.loads((folder / "snippets.json").read_text(encoding="utf-8"))
    address = {k: v.get("url") for k, v in (gold | snippets).items()}
    pages = []
    for file in sorted((folder / "pages").glob("*.html.gz")):
        key = file.name.removesuffix(".html.gz")
        pages.append((key, address.get(key) or f"https://unknown.invalid/{key}", gzip.decompress(file.read_bytes())))
    spec = importlib.util.spec_from_file_location("real_extraction_score", folder / "score.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    return pages, gold, snippets, scorer


def _pass(func: Callable[[str, str, bytes], object], pages: list[Page]) -> float:
    """Pages/second of one pass, in CPU seconds of this process (other jobs on a shared core do not count)."""
    # Every pass sees the pages as new: our memoised text keys and link verdicts are dropped first
    # (within a pass, pages of one site still share them, as in a crawl).
    clear_caches()
    start = time.process_time()
    for source, url, html in pages:
        func(source, url, html)
    return len(pages) / max(time.process_time() - start, 1e-9)


def best_rate(func: Callable[[str, str, bytes], object], pages: list[Page], rounds: int) -> float:
    """Best pages/second over `rounds` passes through all pages."""
    return max(_pass(func, pages) for _ in range(rounds))


def race(pages: list[Page], rounds: int, mine: Callable[[str, str, bytes], object]) -> tuple[float, float]:
    """Best pages/second of ours and of trafilatura, passes interleaved so that a busy spell hits both."""
    a = b = 0.0
    for _ in range(rounds):
        a = max(a, _pass(mine, pages))
        b = max(b, _pass(theirs, pages))
    return a, b


def ours(outlet: str, url: str, html: bytes) -> object:
    return parse(html, url, source=outlet)


def ours_any_source(key: str, url: str, html: bytes) -> object:
    """A page of another outlet, as `jen clean` sees it: the parser chosen by host and markup."""
    return parse(html, url)


def theirs(outlet: str, url: str, html: bytes) -> object:
    return trafilatura.extract(html, url=url)


def _scores(texts: dict[str, str], gold: dict, snippets: dict, scorer: ModuleType) -> list[str]:
    """The set's own figures for one extractor: full text overall and per source set, then snippets."""
    lines = []
    for name in ("all", *sorted({g["set"] for g in gold.values()})):
        counts = [scorer.doc_counts(g["articleBody"], texts.get(k, "")) for k, g in sorted(gold.items())
                  if name in ("all", g["set"])]
        f1, p, r = scorer.aggregate(counts)
        lines.append(f"full text {name + f' ({len(counts)})':<18} F1 {f1:.3f} P {p:.3f} R {r:.3f}")
    found = [scorer.snippet_counts(item, texts.get(k, "")) for k, item in sorted(snippets.items())]
    passed = sum(got == wanted and leaked == 0 for got, wanted, leaked, _ in found) / max(1, len(found))
    with_share = sum(f[0] for f in found) / max(1, sum(f[1] for f in found))
    without_share = 1 - sum(f[2] for f in found) / max(1, sum(f[3] for f in found))
    lines.append(f"snippets  {f'({len(found)})':<18} PASS {passed:.3f} WITH {with_share:.3f} "
                 f"WITHOUT {without_share:.3f}")
    return lines


def bench_real(rounds: int, predictions: Path | None) -> None:
    folder = real_set()
    if folder is None:
        print("real pages: no extraction set found (set JEN_REAL_DATA to the real/ directory); skipped\n")
        return
    pages, gold, snippets, scorer = load_real(folder)
    kb = sum(len(h) for _, _, h in pages) / len(pages) / 1024
    print(f"real news pages: {len(pages)} from {folder} ({kb:.0f} KB average), {rounds} round(s), best counts")
    texts = {"jen clean": {k: parse(h, u).text for k, u, h in pages},
             "trafilatura": {k: trafilatura.extract(h) or "" for k, _, h in pages}}  # the set's baseline call
    if predictions is not None:
        predictions.mkdir(parents=True, exist_ok=True)
        for name, by_id in texts.items():
            out = predictions / f"{name.replace(' ', '-')}.json"
            out.write_text(json.dumps({k: {"articleBody": t} for k, t in by_id.items()}, ensure_ascii=False),
                           encoding="utf-8")
            print(f"  predictions of {name}: {out} (score with {folder / 'score.py'})")
    gc.collect()
    rates = dict(zip(texts, race(pages, rounds, ours_any_source), strict=True))
    for name, by_id in texts.items():
        print(f"  {name:<12} {rates[name]:6.1f} pages/s")
        for line in _scores(by_id, gold, snippets, scorer):
            print(f"      {line}")
    print(f"  speed ratio {rates['jen clean'] / rates['trafilatura']:.2f}x\n")


def limits(pages: list[Page], rounds: int) -> None:
    """Where our time goes: the bs4 tree (JEN parser) and trafilatura itself (generic path)."""
    from trafilatura import bare_extraction, load_html

    from crawler.cleaner import generic, justearthnews, metadata

    jen = [p for p in pages if p[0] == justearthnews.SOURCE]
    other = [p for p in pages if p[0] != justearthnews.SOURCE]

    def bs4_only(outlet: str, url: str, html: bytes) -> object:
        text = html.decode("utf-8")
        return justearthnews.make_soup(justearthnews._body_part(text, metadata.read(text).body_start))

    def trafilatura_fast(outlet: str, url: str, html: bytes) -> object:
        # The extraction the generic path makes: trafilatura's parse, reused options, the fast pass.
        return bare_extraction(load_html(html.decode("utf-8")), url=url, options=generic._extractor_for(url, True))

    print("what limits it (ms per page, best round):")
    if jen:
        total = 1000 / best_rate(ours, jen, rounds)
        tree = 1000 / best_rate(bs4_only, jen, rounds)
        print(f"  JEN parser {total:.2f} ms, of which the bs4 (lxml) tree of the page's body {tree:.2f} ms "
              f"({tree / total:.0%}); the rest is metadata, the walk and the text clean-up")
    if other:
        total = 1000 / best_rate(ours, other, rounds)
        core = 1000 / best_rate(trafilatura_fast, other, rounds)
        print(f"  generic path {total:.2f} ms, of which trafilatura's own parse and fast extraction {core:.2f} ms "
              f"({core / total:.0%})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="passes over the replica pages")
    ap.add_argument("--real-rounds", type=int, default=3, help="passes over the real pages (0: skip them)")
    ap.add_argument("--extra", type=int, default=0, help="filler JEN articles added to the replica")
    ap.add_argument("--profile", action="store_true", help="profile our cleaner over one round")
    ap.add_argument("--predictions", type=Path, metavar="DIR",
                    help="also write both extractors' real-page texts there, in the set's PRED.json format")
    args = ap.parse_args(argv)

    # Warm up both (imports, regex compilation, trafilatura's lazy setup) outside the timing.
    pages = load_pages(args.extra)
    for o, u, h in pages:
        ours(o, u, h)
        theirs(o, u, h)
    if args.real_rounds:
        bench_real(args.real_rounds, args.predictions)
    kb = sum(len(h) for _, _, h in pages) / len(pages) / 1024
    outlets = sorted({o for o, _, _ in pages})
    print(f"replica article pages: {len(pages)} ({kb:.0f} KB average), {args.rounds} rounds, best round counts")
    # Move the replica's own objects out of the garbage collector's way: a pass right after building the
    # site is otherwise slowed by collections of objects that are not ours or trafilatura's.
    gc.collect()
    gc.freeze()
    print(f"  {'pages':<20}{'parser':<16}{'jen clean':>10}{'trafilatura':>14}{'ratio':>8}")
    rows = [("all", pages)] + [(o, [p for p in pages if p[0] == o]) for o in outlets]
    for name, subset in rows:
        a, b = race(subset, args.rounds, ours)
        parser = "mixed" if name == "all" else "justearthnews" if name == "justearthnews" else "generic"
        print(f"  {name + f' ({len(subset)})':<20}{parser:<16}{a:>8.0f}/s{b:>12.0f}/s{a / b:>7.2f}x")
    limits(pages, args.rounds)
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for o, u, h in pages:
            ours(o, u, h)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
        print(buf.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
