"""Pages per second: our cleaner vs trafilatura's plain ``extract()``, on the same replica article pages.

    .venv/bin/python -m bench.clean [--rounds 5] [--extra 0] [--profile]

Every article page of the replica (all outlets) is rendered once in memory, then each extractor runs over
the whole set `rounds` times on one core, the two taking turns pass by pass; time is this process's CPU
time and the best round counts (least disturbed by other processes on a shared machine). Both get the same
input, UTF-8 bytes as served; our memoised results are dropped before every pass. `--profile` prints where
our cleaner spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from collections.abc import Callable

import trafilatura

from crawler.cleaner import clear_caches, parse
from replica.pages import OUTLET_HOSTS
from replica.site import build_site

PORT = 8000  # only used to write absolute URLs into the pages; nothing is served


def load_pages(extra: int = 0) -> list[tuple[str, str, bytes]]:
    """(outlet, url, html bytes) for every article page of the replica."""
    site = build_site(extra_articles=extra)
    out = []
    for (outlet, path), info in sorted(site.info.items()):
        if info.kind != "article":
            continue
        origin = f"http://{OUTLET_HOSTS.get(outlet, '127.0.0.9')}:{PORT}"
        out.append((outlet, origin + path, site.fetch(outlet, path, origin).body))
    return out


def _pass(func: Callable[[str, str, bytes], object], pages: list[tuple[str, str, bytes]]) -> float:
    """Pages/second of one pass, in CPU seconds of this process (other jobs on a shared core do not count)."""
    # Every pass sees the pages as new: our memoised text keys and link verdicts are dropped first
    # (within a pass, pages of one site still share them, as in a crawl).
    clear_caches()
    start = time.process_time()
    for outlet, url, html in pages:
        func(outlet, url, html)
    return len(pages) / max(time.process_time() - start, 1e-9)


def best_rate(func: Callable[[str, str, bytes], object], pages: list[tuple[str, str, bytes]], rounds: int) -> float:
    """Best pages/second over `rounds` passes through all pages."""
    return max(_pass(func, pages) for _ in range(rounds))


def race(pages: list[tuple[str, str, bytes]], rounds: int) -> tuple[float, float]:
    """Best pages/second of ours and of trafilatura, passes interleaved so that a busy spell hits both."""
    a = b = 0.0
    for _ in range(rounds):
        a = max(a, _pass(ours, pages))
        b = max(b, _pass(theirs, pages))
    return a, b


def ours(outlet: str, url: str, html: bytes) -> object:
    return parse(html, url, source=outlet)


def theirs(outlet: str, url: str, html: bytes) -> object:
    return trafilatura.extract(html, url=url)


def limits(pages: list[tuple[str, str, bytes]], rounds: int) -> None:
    """Where our time goes: the bs4 tree (JEN parser) and trafilatura itself (generic path)."""
    from bs4 import BeautifulSoup
    from lxml import html as lxml_html
    from trafilatura import bare_extraction

    from crawler.cleaner import generic, justearthnews

    jen = [p for p in pages if p[0] == justearthnews.SOURCE]
    other = [p for p in pages if p[0] != justearthnews.SOURCE]

    def bs4_only(outlet: str, url: str, html: bytes) -> object:
        text = html.decode("utf-8")
        _meta, start = justearthnews._read_meta(text)
        return justearthnews.make_soup(justearthnews._body_part(text, start))

    def bs4_stock(outlet: str, url: str, html: bytes) -> object:
        text = html.decode("utf-8")
        _meta, start = justearthnews._read_meta(text)
        return BeautifulSoup(justearthnews._body_part(text, start), "lxml", multi_valued_attributes=None)

    def trafilatura_fast(outlet: str, url: str, html: bytes) -> object:
        # The same call as the generic path makes: parse once, reused trafilatura options.
        return bare_extraction(lxml_html.document_fromstring(html.decode("utf-8")), url=url,
                               options=generic._extractor_for(url))

    print("what limits it (ms per page, best round):")
    if jen:
        total = 1000 / best_rate(ours, jen, rounds)
        tree = 1000 / best_rate(bs4_only, jen, rounds)
        stock = 1000 / best_rate(bs4_stock, jen, rounds)
        print(f"  JEN parser {total:.2f} ms, of which bs4+lxml tree building of the sliced body {tree:.2f} ms "
              f"({tree / total:.0%}; stock BeautifulSoup(..., 'lxml') would take {stock:.2f} ms); the rest is "
              f"the walk and the text clean-up")
    if other:
        total = 1000 / best_rate(ours, other, rounds)
        core = 1000 / best_rate(trafilatura_fast, other, rounds)
        print(f"  generic path {total:.2f} ms, of which trafilatura (fast, no fallback) {core:.2f} ms "
              f"({core / total:.0%}): it cannot beat trafilatura by much, only skip its fallback extractors")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--extra", type=int, default=0, help="filler JEN articles added to the replica")
    ap.add_argument("--profile", action="store_true", help="profile our cleaner over one round")
    args = ap.parse_args(argv)

    pages = load_pages(args.extra)
    kb = sum(len(h) for _, _, h in pages) / len(pages) / 1024
    outlets = sorted({o for o, _, _ in pages})
    print(f"{len(pages)} article pages ({kb:.0f} KB average), {args.rounds} rounds, best round counts")
    # Warm up both (imports, regex compilation, trafilatura's lazy setup, caches) outside the timing: one full
    # pass each, as a crawler that has been running a while. Then move the replica's own objects out of the
    # garbage collector's way: a pass right after building the site is otherwise slowed by collections of
    # objects that are not ours or trafilatura's.
    for o, u, h in pages:
        ours(o, u, h)
        theirs(o, u, h)
    gc.collect()
    gc.freeze()
    print(f"{'pages':<16}{'jen clean':>12}{'trafilatura':>14}{'ratio':>8}")
    rows = [("all", pages)] + [(o, [p for p in pages if p[0] == o]) for o in outlets]
    for name, subset in rows:
        a, b = race(subset, args.rounds)
        print(f"{name + f' ({len(subset)})':<16}{a:>10.0f}/s{b:>12.0f}/s{a / b:>7.2f}x")
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
