"""The cleaner over the whole replica: every article and print page fetched over real HTTP and cleaned.

Checked against the answer key: body paragraphs (exact for Just Earth News, paragraph level for the
generic path on the other outlets), no caption / alt / file-name duplicate and no headline of another
story left in any body, metadata, and print pages pointing at their article.
Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from crawler.cleaner import parse
from crawler.cleaner.cleanup import norm
from crawler.cleaner.record import CleanRecord
from replica.answer_key import answer_key
from replica.server import ReplicaServer
from replica.site import build_site

JEN = "justearthnews"
FILE_NAME = re.compile(r"\.(?:jpe?g|png|gif|webp)\b", re.I)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.read()


@pytest.fixture(scope="module")
def cleaned() -> Iterator[tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, CleanRecord]]]:
    """(answer key, article entries by id, records by url) for every article and print page."""
    site = build_site()
    with ReplicaServer(site, port=0) as server:
        key = answer_key(site, server.base_urls)
        pages = [p for p in key["pages"] if p["kind"] in ("article", "print")]
        with ThreadPoolExecutor(max_workers=4) as pool:
            bodies = list(pool.map(_get, [p["url"] for p in pages]))
    records = {p["url"]: parse(body, p["url"], source=p["outlet"]) for p, body in zip(pages, bodies, strict=True)}
    articles = {p["id"]: p for p in key["pages"] if p["kind"] == "article"}
    yield key, articles, records


def _article_pages(key: dict[str, Any], outlet: str | None = None, generic: bool | None = None) -> list[dict]:
    return [p for p in key["pages"] if p["kind"] == "article" and (outlet is None or p["outlet"] == outlet)
            and (generic is None or (p["outlet"] != JEN) == generic)]


def test_every_jen_article_body_equals_the_answer_key_exactly(cleaned: Any) -> None:
    key, _, records = cleaned
    pages = _article_pages(key, JEN)
    wrong = [p["url"] for p in pages if records[p["url"]].body != p["paragraphs"]]
    print(f"\nJEN exact body match: {len(pages) - len(wrong)}/{len(pages)}")
    assert len(pages) >= 20
    assert wrong == []


@pytest.mark.parametrize("outlet", ["wftl", "herald", "monitor"])
def test_other_outlets_match_the_answer_key_paragraph_by_paragraph(cleaned: Any, outlet: str) -> None:
    key, _, records = cleaned
    pages = _article_pages(key, outlet)
    expected = found = extra = exact = 0
    for p in pages:
        body = records[p["url"]].body
        want = p["paragraphs"]
        expected += len(want)
        found += sum(1 for para in want if para in body)
        extra += sum(1 for para in body if para not in want)
        exact += body == want
    recall = found / expected
    precision = (found / (found + extra)) if found + extra else 0.0
    print(f"\n{outlet}: {len(pages)} pages, exact {exact}/{len(pages)}, paragraph recall {recall:.3f}, "
          f"precision {precision:.3f}")
    assert pages
    assert recall >= 0.95 and precision >= 0.95


def test_no_caption_alt_or_file_name_is_left_in_any_body(cleaned: Any) -> None:
    key, _, records = cleaned
    leaks = []
    for p in _article_pages(key):
        body = records[p["url"]].body
        furniture = {norm(t) for img in p["images"] for t in (img["caption"], img["alt"]) if t}
        for para in body:
            if para in p["paragraphs"]:
                continue
            if norm(para) in furniture or FILE_NAME.search(para) or para.startswith(("Image:", "Photo:")):
                leaks.append((p["url"], para))
    assert leaks == []


def test_no_headline_of_another_story_is_left_in_any_body(cleaned: Any) -> None:
    key, _, records = cleaned
    leaks = []
    for p in _article_pages(key):
        text = norm(records[p["url"]].text)
        own = norm(" ".join(p["paragraphs"]))
        for headline in (*p["sidebar_headlines"], *p["also_read"], *p["ticker"]):
            h = norm(headline)
            if h in text and h not in own:  # a story may quote a headline-like phrase itself
                leaks.append((p["url"], headline))
    assert leaks == []


def test_sidebar_and_also_read_headlines_are_listed_as_removed(cleaned: Any) -> None:
    key, _, records = cleaned
    missing = []
    for p in _article_pages(key):
        removed = {norm(r.text) for r in records[p["url"]].removed if r.kind == "sidebar_headline"}
        missing += [(p["url"], h) for h in (*p["sidebar_headlines"], *p["also_read"]) if norm(h) not in removed]
    assert missing == []


def test_metadata_matches_the_answer_key(cleaned: Any) -> None:
    key, _, records = cleaned
    fields = ("title", "published", "byline", "dateline", "canonical_url")
    wrong: list[tuple[str, str, Any, Any]] = []
    images_wrong = []
    for p in _article_pages(key):
        r = records[p["url"]]
        assert r.status == "article", (p["url"], r.problems)
        wrong += [(p["url"], f, getattr(r, f), p[f]) for f in fields if getattr(r, f) != p[f]]
        if [vars(i) for i in r.images] != p["images"]:
            images_wrong.append(p["url"])
    assert wrong == []
    assert images_wrong == []


def test_print_pages_clean_to_their_article_with_placeholders_and_ticker_audited(cleaned: Any) -> None:
    key, articles, records = cleaned
    prints = [p for p in key["pages"] if p["kind"] == "print"]
    assert prints
    for p in prints:
        r = records[p["url"]]
        article = articles[p["article_id"]]
        assert r.kind == "print"
        assert r.canonical_url == article["canonical_url"]
        assert r.body == article["paragraphs"], p["url"]
        removed = {(x.kind, x.text) for x in r.removed}
        assert {("placeholder", ph) for ph in p["placeholders"]} <= removed
        assert any(k == "ticker" and p["ticker"][0] in t for k, t in removed)
        assert not any("{image" in para for para in r.body)
