"""Generic parser for publishers without a hand-written one: trafilatura, then the shared clean-up.

trafilatura runs with precision-leaning settings (``favor_precision``, no comments, no tables) and keeps
links, so the shared filter can still tell a headline link from a paragraph with a link in it. Metadata,
images and the page's links to other stories are read from the same lxml tree beforehand (the page is
parsed once), so captions and sidebar headlines are recognised by their text exactly as in the JEN parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from copy import copy
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.settings import Extractor

from crawler.cleaner import cleanup
from crawler.cleaner.cleanup import Block, Known, clean_ws, norm
from crawler.cleaner.record import CleanRecord, Removal
from crawler.urls import is_article_url, is_listing_url

FURNITURE = ("nav", "header", "footer", "aside")
_ARTICLE_PATH = re.compile(r"/(?:\d{4}/\d{2}/|news/|story/|article/|sections?/|[a-z-]+/)[^?#]*[a-z0-9-]{16,}")


def parse(html: str | bytes, url: str, source: str | None = None) -> CleanRecord:
    """Clean one page of any outlet. Never raises: bad input gives a ``not_article``/``partial`` record."""
    host = (urlsplit(url).hostname or "").lower()
    record = CleanRecord(url=url, canonical_url=url, source=source or host, parser="generic")
    text, problems, fatal = cleanup.prepare_input(html)
    record.problems.extend(problems)
    if fatal:
        record.status = "not_article"
        return record
    try:
        return _parse(text, url, record)
    except Exception as exc:  # a page that breaks lxml or trafilatura must not break the crawl
        record.status = "not_article"
        record.problems.append(f"parser error: {type(exc).__name__}: {exc}")
        return record


def _parse(html: str, url: str, record: CleanRecord) -> CleanRecord:
    # lxml refuses str input that carries an XML encoding declaration; drop it (the text is decoded).
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[-1]
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        record.status = "not_article"
        record.problems.append(f"unparseable HTML: {exc}")
        return record
    meta = _read_meta(tree)
    if meta.get("canonical"):
        record.canonical_url = urljoin(url, meta["canonical"])
    if "/print/" in urlsplit(url).path or "print" in (tree.body.get("class", "") if tree.body is not None else ""):
        record.kind = "print"
    site_name = meta.get("og:site_name", "")
    h1 = tree.find(".//h1")
    title = clean_ws(h1.text_content()) if h1 is not None else ""
    title = title or meta.get("og:title") or meta.get("title") or ""
    record.title = _strip_site(title, site_name) or None
    record.published = (cleanup.parse_iso(meta.get("article:published_time"))
                        or cleanup.parse_iso(meta.get("ld:datePublished"))
                        or cleanup.parse_iso(meta.get("time")))
    record.byline = meta.get("ld:author") or meta.get("author") or None

    images, figure_removed = _images(tree, url)
    record.images = images
    sidebar, outside = _other_story_links(tree, url)
    record.removed.extend(figure_removed)

    if meta.get("og:type") == "website" or (is_listing_url(url) and meta.get("og:type") != "article"):
        record.status = "not_article"
        record.problems.append("listing page (home or section), not an article")
        return record

    doc = bare_extraction(tree, url=url, options=_extractor_for(url))
    if doc is None or doc.body is None:
        record.status = "not_article"
        record.problems.append("no article body found")
        return record
    if not record.published and getattr(doc, "date", None):
        record.published = cleanup.parse_iso(doc.date)
    if not record.byline and getattr(doc, "author", None):
        record.byline = doc.author

    known = Known(title=record.title or "", images=images, sidebar_titles=sidebar)
    blocks = list(_blocks(doc.body, url))
    body = cleanup.filter_blocks(blocks, known, record)
    # Headlines trafilatura already left out are still reported, so the audit shows every one dropped.
    kept = {norm(p) for p in body}
    record.removed.extend(Removal("sidebar_headline", t) for t in outside if norm(t) not in kept)
    has_article_marks = bool(record.published or meta.get("og:type") == "article")
    if not has_article_marks and len(sidebar) >= 5 and sum(map(len, body)) < 400:
        record.status = "not_article"
        record.problems.append(f"looks like a listing: {len(sidebar)} links to stories and "
                               f"{sum(map(len, body))} characters of text")
        record.body, record.text = [], ""
        return record
    return cleanup.finish(record, body, truncated=cleanup.looks_truncated(html))


_EXTRACTOR: Extractor | None = None


def _extractor_for(url: str) -> Extractor:
    """trafilatura's options for one page, copied from one template.

    Building an `Extractor` reads trafilatura's config file section each time, which costs about as much as
    the extraction of a small page. fast: no fallback extractors (readability, jusText); precision first,
    the clean-up does the rest. Output format "xml" instead of "python": the same body tree, without
    rendering it as text we never read. No metadata, so the template's date settings are never used.
    """
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = Extractor(output_format="xml", fast=True, precision=True, comments=False, tables=False,
                               images=False, links=True, with_metadata=False, dedup=False)
    options = copy(_EXTRACTOR)
    # What Extractor(url=url) would set.
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return options


def _strip_site(title: str, site_name: str) -> str:
    title = clean_ws(title)
    if site_name:
        title = re.sub(rf"\s*[|–—-]\s*{re.escape(site_name)}\s*$", "", title, flags=re.I)
    return title.strip()


def _read_meta(tree: lxml.html.HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for tag in tree.iterfind(".//meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        value = tag.get("content")
        if key and value is not None and key.lower() not in meta:
            meta[key.lower()] = value.strip()
    title = tree.find(".//title")
    if title is not None and title.text:
        meta["title"] = clean_ws(title.text)
    for link in tree.iterfind(".//link[@rel]"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            meta["canonical"] = link.get("href", "").strip()
            break
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(v for k, v in item.items() if k == "@graph")
                if "datePublished" in item:
                    meta.setdefault("ld:datePublished", str(item["datePublished"]))
                author = item.get("author")
                if isinstance(author, list) and author:
                    author = author[0]
                if isinstance(author, dict) and author.get("name"):
                    meta.setdefault("ld:author", str(author["name"]))
    for el in tree.iterfind(".//time[@datetime]"):
        meta["time"] = el.get("datetime", "")
        break
    return meta


def _in_furniture(el: etree._Element) -> bool:
    return any(anc.tag in FURNITURE for anc in el.iterancestors())


def _story_link(href: str, page_url: str) -> bool:
    target = urljoin(page_url, href)
    if not cleanup.same_site(target, page_url) or urlsplit(target).path == urlsplit(page_url).path:
        return False
    if is_article_url(target):
        return True
    return bool(_ARTICLE_PATH.search(urlsplit(target).path)) and not is_listing_url(target)


_is_story_link = cleanup.LinkRule(_story_link)


def clear_caches() -> None:
    """Forget the link verdicts (see `crawler.cleaner.clear_caches`)."""
    _is_story_link.cache_clear()


def _images(tree: lxml.html.HtmlElement, url: str) -> tuple[list, list[Removal]]:
    """Figures of the article (not thumbnails of other stories, not in page furniture)."""
    images = []
    removed: list[Removal] = []
    for fig in tree.iterfind(".//figure"):
        if _in_furniture(fig):
            continue
        img = fig.find(".//img")
        if img is None:
            continue
        parent_a = next((a for a in img.iterancestors("a")), None)
        if parent_a is not None and _is_story_link(parent_a.get("href", ""), url):
            continue
        src = img.get("src") or img.get("data-src") or ""
        if not src:
            continue
        alt = clean_ws(img.get("alt") or img.get("title") or "")
        cap_el = fig.find(".//figcaption")
        alt_shown = bool(alt) and cap_el is not None and any(
            norm(c.text_content()) == norm(alt) for c in cap_el.iterdescendants())
        caption, extra = cleanup.split_caption(alt, cap_el.text_content() if cap_el is not None else "", alt_shown)
        removed.extend(extra)
        images.append(cleanup.image_record(src, url, alt, caption))
        for el in fig.iter():
            if el.tag in ("img", "figcaption", "figure") or any(a.tag == "figcaption" for a in el.iterancestors()):
                continue
            if len(el) and el.tag not in ("span", "a", "em", "strong", "b", "i"):
                continue
            text = clean_ws(el.text_content())
            if text:
                removed.extend(cleanup.name_figure_text(text, alt, caption))
    return images, removed


def _other_story_links(tree: lxml.html.HtmlElement, url: str) -> tuple[set[str], list[str]]:
    """Normalised headlines of every link to another story; and those outside the site's menus."""
    titles: set[str] = set()
    outside: list[str] = []
    for a in tree.iterfind(".//a[@href]"):
        text = clean_ws(a.text_content())
        if len(text.split()) < 4 or not _is_story_link(a.get("href", ""), url):
            continue
        key = norm(text)
        if key in titles:
            continue
        titles.add(key)
        # Site menus are not headlines; every other link to a story (aside, list, "Also read" box) is.
        if not any(anc.tag in ("header", "nav", "footer") for anc in a.iterancestors()):
            outside.append(text)
    return titles, outside


def _blocks(body: etree._Element, url: str) -> Iterator[Block]:
    """trafilatura's XML body as blocks: <p>, <head>, <quote>, list <item>s (judged per list)."""
    list_id = 0
    for el in body:
        if el.tag == "list":
            list_id += 1
            for item in el.iter("item"):
                yield _block(item, url, in_list=list_id)
        elif el.tag in ("p", "head", "quote", "code"):
            yield _block(el, url, in_list=0, heading=el.tag == "head")
        elif el.tag in ("graphic", "table", "lb"):
            continue
        else:
            yield _block(el, url, in_list=0)


def _block(el: etree._Element, url: str, in_list: int, heading: bool = False) -> Block:
    text = clean_ws("".join(el.itertext()))
    link_chars = 0
    article_links = 0
    for ref in el.iter("ref"):
        ref_text = clean_ws("".join(ref.itertext()))
        link_chars += len(ref_text)
        if ref_text and _is_story_link(ref.get("target", ""), url):
            article_links += 1
    return Block(text=text, link_chars=link_chars, article_links=article_links, in_list=bool(in_list),
                 list_id=in_list, heading=heading)
