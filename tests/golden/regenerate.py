"""(Re)save golden pages from the replica and write their expected records, checked against the answer key.

    .venv/bin/python -m tests.golden.regenerate          # write tests/golden/<publisher>/<name>.{html,json}
    .venv/bin/python -m tests.golden.regenerate --check  # only report where the cleaner and the key disagree

The JEN layout variants (`tests.golden.layouts`) are written and checked in the same run.

The expected JSON is NOT the parser's output copied: every field the answer key knows (body, text, title,
published, byline, dateline, images, canonical url, kind) is taken from the key, and the audit fields the
key cannot know (removed, problems, status, credits) from the parser, but only after checking them
against the key (every sidebar / also-read headline and placeholder audited, status as expected). Any
disagreement is printed, and the golden test then fails until the cleaner is fixed.
"""

from __future__ import annotations

import argparse
import html as htmlmod
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.cleaner import parse
from crawler.cleaner.cleanup import norm
from replica.answer_key import answer_key
from replica.pages import OUTLET_HOSTS
from replica.site import Site, build_site
from tests.golden import layouts

GOLDEN_DIR = Path(__file__).resolve().parent
PORT = 8000  # fixed, so saved pages and expected URLs never change between runs


def base_urls(site: Site) -> dict[str, str]:
    return {o: f"http://{OUTLET_HOSTS.get(o, '127.0.0.9')}:{PORT}" for o in site.outlets}


Pick = Callable[[list[dict[str, Any]]], dict[str, Any]]
_SITE: Site | None = None  # set by `build`, so a pick can look at the rendered page


def _first(pages: list[dict[str, Any]], html_has: str = "", **want: Any) -> dict[str, Any]:
    for p in pages:
        if all((p.get(k) == v) if not callable(v) else v(p.get(k)) for k, v in want.items()):
            if html_has and _SITE is not None and html_has.encode() not in _SITE.get(p["outlet"], p["path"]).body:
                continue
            return p
    raise LookupError(f"no replica page with {want} {html_has}")


# (publisher, name, how to pick the page from the answer key's pages, what the page is)
FIXTURES: list[tuple[str, str, Pick, str]] = [
    ("justearthnews", "seed", lambda ps: _first(ps, kind="article", id="justearthnews:6181"),
     "the seed article (old style, related-news list under the body)"),
    ("justearthnews", "old_style_aside", lambda ps: _first(ps, kind="article", outlet="justearthnews",
                                                              address_style="old", also_read=[],
                                                              html_has='<aside class="sidebar">'),
     "old-style article with an aside of latest news"),
    ("justearthnews", "new_style", lambda ps: _first(ps, kind="article", outlet="justearthnews",
                                                        address_style="new"),
     "new-style /sections/<section>/<slug>/ article"),
    ("justearthnews", "also_read", lambda ps: _first(ps, kind="article", outlet="justearthnews",
                                                        also_read=lambda v: bool(v)),
     "article with an 'Also read' link inside the body"),
    ("justearthnews", "print_seed", lambda ps: _first(ps, kind="print", article_id="justearthnews:6181"),
     "print page of the seed: ticker, {image_N} placeholders"),
    ("justearthnews", "listing_home", lambda ps: _first(ps, kind="listing", outlet="justearthnews", path="/"),
     "home page listing (not an article)"),
    ("justearthnews", "broken_truncated", lambda ps: _first(ps, kind="article", id="justearthnews:6181"),
     "the seed page cut off in the middle of paragraph 7"),
    ("wftl", "article", lambda ps: _first(ps, kind="article", outlet="wftl", cluster="uni-talks"),
     "WordPress radio-station copy: copyright line, share box, related posts"),
    ("herald", "article", lambda ps: _first(ps, kind="article", outlet="herald", cluster="uni-talks"),
     "newspaper copy: itemprop=articleBody, 'Also read' inside the body, Most Read aside"),
    ("monitor", "article", lambda ps: _first(ps, kind="article", outlet="monitor", cluster="uni-talks"),
     "aggregator copy: latest-news list after the story"),
    ("wftl", "listing_home", lambda ps: _first(ps, kind="listing", outlet="wftl", path="/"),
     "WordPress home page (not an article)"),
]
TRUNCATE_AFTER_PARAGRAPH = 6  # broken page: paragraphs 1..6 whole, then part of paragraph 7


def truncate(page: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    """The page cut in the middle of paragraph 7, and the body a cleaner can still recover from it."""
    para = paragraphs[TRUNCATE_AFTER_PARAGRAPH]
    words = para.split()
    kept = " ".join(words[: len(words) // 2])
    start = page.index("<p>" + htmlmod.escape(para, quote=True))
    cut = start + 3 + len(htmlmod.escape(kept, quote=True))
    return page[:cut], [*paragraphs[:TRUNCATE_AFTER_PARAGRAPH], kept]


def expected_record(entry: dict[str, Any], article: dict[str, Any] | None, got: dict[str, Any],
                    body: list[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Expected record from the key (and checked audit fields from the parser); plus the disagreements."""
    issues: list[str] = []
    exp = dict(got)
    if article is None:  # listing: not an article, nothing extracted
        exp.update(status="not_article", body=[], text="")
        for k in ("status", "body"):
            if got[k] != exp[k]:
                issues.append(f"{k}: cleaner {got[k]!r} != expected {exp[k]!r}")
        return exp, issues
    paragraphs = body if body is not None else article["paragraphs"]
    exp.update(
        canonical_url=article["canonical_url"], title=article["title"], byline=article["byline"],
        dateline=article["dateline"], body=paragraphs, text="\n\n".join(paragraphs),
        kind="print" if entry["kind"] == "print" else "article",
    )
    if entry["kind"] == "print":
        # The print page shows no images and only the date: the key's images and time are not on it.
        exp["images"] = []
        exp["published"] = None
    else:
        exp["images"] = article["images"]
        exp["published"] = article["published"]
    for k in ("canonical_url", "title", "byline", "dateline", "body", "kind", "images", "published"):
        if got[k] != exp[k]:
            issues.append(f"{k}: cleaner {got[k]!r} != key {exp[k]!r}")
    removed = {(r["kind"], norm(r["text"])) for r in got["removed"]}
    for h in [*article.get("sidebar_headlines", []), *article.get("also_read", [])]:
        if entry["kind"] == "article" and ("sidebar_headline", norm(h)) not in removed:
            issues.append(f"sidebar headline not audited: {h!r}")
    for ph in entry.get("placeholders", []):
        if ("placeholder", norm(ph)) not in removed:
            issues.append(f"placeholder not audited: {ph!r}")
    for t in entry.get("ticker", []) if entry["kind"] == "print" else []:
        if not any(k == "ticker" and norm(t) in txt for k, txt in removed):
            issues.append(f"ticker not audited: {t!r}")
    return exp, issues


def build(check_only: bool = False) -> int:
    global _SITE
    site = _SITE = build_site()
    bases = base_urls(site)
    key = answer_key(site, bases)
    pages = key["pages"]
    articles = {p["id"]: p for p in pages if p["kind"] == "article"}
    problems = 0
    for publisher, name, pick, what in FIXTURES:
        entry = pick(pages)
        page = site.fetch(entry["outlet"], entry["path"], bases[entry["outlet"]]).body.decode("utf-8")
        article = articles.get(entry.get("id") or entry.get("article_id") or "")
        body = None
        if name.startswith("broken"):
            assert article is not None
            page, body = truncate(page, article["paragraphs"])
        got = parse(page.encode("utf-8"), entry["url"], source=publisher).to_dict()
        if name.startswith("broken"):
            # Only what survived the cut is on the page: the first images, no sidebar after the body.
            assert article is not None
            article = dict(article, sidebar_headlines=[], also_read=[],
                           images=[i for i in article["images"] if i["src"].split(":8000", 1)[1] in page])
        exp, issues = expected_record(entry, article, got, body)
        if name.startswith("broken"):
            exp["status"] = "partial"
            if got["status"] != "partial" or not any("truncated" in p for p in got["problems"]):
                issues.append(f"broken page: status {got['status']!r}, problems {got['problems']!r}")
        exp["_fixture"] = {"page": what, "replica_url": entry["url"]}
        status = "ok" if not issues else f"{len(issues)} DISAGREEMENT(S)"
        print(f"{publisher}/{name}: {status}")
        for issue in issues:
            print(f"    {issue}")
        problems += len(issues)
        if not check_only:
            folder = GOLDEN_DIR / publisher
            folder.mkdir(exist_ok=True)
            (folder / f"{name}.html").write_bytes(page.encode("utf-8"))
            (folder / f"{name}.json").write_text(json.dumps(exp, ensure_ascii=False, indent=2) + "\n",
                                                 encoding="utf-8")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare only, write nothing")
    check_only = ap.parse_args(argv).check
    return max(build(check_only=check_only), layouts.build(check_only=check_only))


if __name__ == "__main__":
    sys.exit(main())
