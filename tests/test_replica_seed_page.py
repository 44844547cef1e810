"""The replica's seed page reads, to a text extractor, exactly like the real page the seed file was taken from."""

from __future__ import annotations

from urllib.parse import urlsplit

import lxml.html
import pytest

from replica.answer_key import by_url
from replica.server import ReplicaServer
from tests.helpers import http_get, shared_file

SEED_FILE = shared_file("seed", "000_c63315699bf4d3ef.txt")
BLOCK_TAGS = {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
              "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
              "pre", "section", "table", "tr", "ul", "br"}
SKIP_TAGS = {"script", "style", "noscript", "h1"}


def visible_lines(container: lxml.html.HtmlElement) -> list[str]:
    """Text as a block-level extractor sees it: one line per block, "- " before list items, h1 left out."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        if text:
            lines.append(text)
        buf.clear()

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag and tag not in SKIP_TAGS:
            block = tag in BLOCK_TAGS
            if block:
                flush()
            if tag == "li":
                buf.append("- ")
            buf.append(el.text or "")
            for child in el:
                walk(child)
            if block:
                flush()
        buf.append(el.tail or "")

    buf.append(container.text or "")
    for child in container:
        walk(child)
    flush()
    return lines


@pytest.fixture(scope="module")
def seed_entry(served: tuple[ReplicaServer, dict]) -> dict:
    _, key = served
    return next(p for p in key["pages"] if p["kind"] == "article" and p["id"] == key["seed_id"])


@pytest.mark.skipif(not SEED_FILE.exists(), reason=f"seed file not found at {SEED_FILE} (no shared directory found)")
def test_seed_page_text_matches_the_seed_file_line_by_line(seed_entry: dict) -> None:
    status, _, body = http_get(seed_entry["url"])
    assert status == 200
    doc = lxml.html.fromstring(body)
    article = doc.xpath("//article")[0]
    got = visible_lines(article)
    want = [line.strip() for line in SEED_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n, (g, w) in enumerate(zip(got, want, strict=False), start=1):
        assert g == w, f"line {n} differs"
    assert len(got) == len(want)


def test_seed_page_head_and_links_work_on_any_host(served: tuple[ReplicaServer, dict], seed_entry: dict) -> None:
    server, _ = served
    assert urlsplit(seed_entry["url"]).path.startswith("/people-details/HC/6181/")
    status, _, body = http_get(seed_entry["url"], headers={"Host": f"localhost:{server.port}"})
    assert status == 200
    doc = lxml.html.fromstring(body)
    assert doc.findtext(".//title") == f"{seed_entry['title']} | Just Earth News"
    assert doc.xpath("//h1")[0].text_content() == seed_entry["title"]
    canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
    assert canonical == f"http://localhost:{server.port}{urlsplit(seed_entry['url']).path}"
    assert doc.xpath("//meta[@property='og:type']/@content") == ["article"]
    assert doc.xpath("//meta[@property='article:published_time']/@content") == [seed_entry["published"]]
    # The Print link leads to the print page of the same article.
    print_href = doc.xpath("//a[text()='Print']/@href")[0]
    assert print_href == "/print/HC/6181/P"
    status, _, printed = http_get(seed_entry["url"].split("/people-details")[0] + print_href)
    assert status == 200 and b"{image_1}" in printed and b"{image_4}" in printed


def test_seed_sidebar_headlines_link_to_their_own_articles(served: tuple[ReplicaServer, dict],
                                                           seed_entry: dict) -> None:
    server, key = served
    pages = by_url(key)
    status, _, body = http_get(seed_entry["url"])
    doc = lxml.html.fromstring(body)
    links = doc.xpath("//article//ul/li/a")
    assert [a.text_content() for a in links] == seed_entry["sidebar_headlines"]
    assert len(links) == 5
    base = server.base_url("justearthnews")
    for a in links:
        target = pages[base + a.get("href")]
        assert target["kind"] == "article" and target["title"] == a.text_content()
        status, _, page = http_get(target["url"])
        assert status == 200
        assert lxml.html.fromstring(page).xpath("//h1")[0].text_content() == a.text_content()
    # None of them is part of the expected clean body.
    body_text = "\n".join(seed_entry["paragraphs"])
    assert not any(h in body_text for h in seed_entry["sidebar_headlines"])
