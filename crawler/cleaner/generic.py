"""Generic parser for publishers without a hand-written one: trafilatura, then the shared clean-up.

The page is parsed once, as trafilatura parses it (`trafilatura.load_html`). The shared metadata reader
takes the title, author and site name from the page's tags and the date from htmldate; trafilatura extracts
the main text, with settings chosen by measurement on real news pages (bench/clean.py): balanced focus, no
comments, and its fallback extractors only when the fast pass finds next to nothing. Links are kept in its
output, so the clean-up can tell a headline link from a paragraph with a link in it. Figures and the page's
links to other stories are read from the same tree, so captions and other stories' headlines are
recognised by their text, as in the JEN parser, and every removal is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from copy import copy
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from trafilatura import bare_extraction, load_html
from trafilatura.settings import Extractor

from crawler.cleaner import cleanup, figures, metadata
from crawler.cleaner.cleanup import Block, Known, clean_ws, norm
from crawler.cleaner.record import CleanRecord, ImageRecord, Removal
from crawler.urls import is_listing_url

FURNITURE = frozenset({"nav", "header", "footer", "aside"})
MENUS = frozenset({"nav", "header", "footer"})


def parse(html: str | bytes, url: str, source: str | None = None) -> CleanRecord:
    """Clean one page of any outlet. Bad input gives a ``not_article``/``partial`` record with reasons.

    A bug raises; `crawler.cleaner.parse` is the entry point that never does.
    """
    record = CleanRecord(url=url, canonical_url=url, source=source or _host(url), parser="generic")
    text, problems, fatal = cleanup.prepare_input(html)
    record.problems.extend(problems)
    if fatal:
        record.status = "not_article"
        return record
    tree = _tree(text)
    if tree is None:
        record.status = "not_article"
        record.problems.append("unparseable HTML")
        return record
    return _parse(text, tree, url, record)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _tree(html: str) -> lxml.html.HtmlElement | None:
    """The page as trafilatura parses it (comments and processing instructions left out), else as lxml does."""
    tree = load_html(html)
    if tree is None:
        # trafilatura refuses what does not start like a whole document; a fragment may still be a story.
        try:
            tree = lxml.html.document_fromstring(html.split("?>", 1)[-1] if html.lstrip().startswith("<?xml")
                                                 else html)
        except (etree.ParserError, ValueError):
            return None
    return tree if len(tree) else None


def _parse(html: str, tree: lxml.html.HtmlElement, url: str, record: CleanRecord) -> CleanRecord:
    meta = metadata.read(html, tree, url)
    record.problems.extend(meta.problems)
    if meta.canonical:
        record.canonical_url = urljoin(url, meta.canonical)
    body_el = tree.find("body")
    if "/print/" in urlsplit(url).path or "print" in (body_el.get("class", "") if body_el is not None else ""):
        record.kind = "print"
    h1 = tree.find(".//h1")
    record.title = meta.headline(_text(h1) if h1 is not None else "") or None
    record.published = meta.published
    if not record.published and meta.date_only:
        record.problems.append(f"no publication time: the page shows the date only ({meta.date_only})")
    record.byline = meta.author or None

    images, figure_removed = _images(tree, url)
    record.images = images
    record.removed.extend(figure_removed)
    sidebar, outside = _other_story_links(tree, url)
    if _is_home_page(url, meta):
        return _not_article(record, "listing page (home or section), not an article")

    doc = _main_text(tree, url)
    if doc is None:
        return _not_article(record, "no article body found")
    known = Known(title=record.title or "", images=images, sidebar_titles=sidebar)
    if record.byline:
        known.byline_texts.add(norm(record.byline))
    blocks = list(_blocks(doc.body, url))
    verdicts = cleanup.judge_blocks(blocks, known)
    body = cleanup.apply_verdicts(blocks, verdicts, record)
    # Headlines trafilatura already left out are still reported, so the audit shows every one dropped.
    kept = {norm(p) for p in body}
    record.removed.extend(Removal("sidebar_headline", t) for t in outside if norm(t) not in kept)
    if not meta.says_article and (reason := cleanup.listing_reason(blocks, verdicts, len(sidebar))):
        record.body, record.text = [], ""
        return _not_article(record, reason)
    return cleanup.finish(record, body, truncated=cleanup.looks_truncated(html))


def _not_article(record: CleanRecord, reason: str) -> CleanRecord:
    record.status = "not_article"
    record.problems.append(reason)
    return record


def _is_home_page(url: str, meta: metadata.PageMeta) -> bool:
    """A home or section page by its address, and the page does not call itself an article."""
    return not meta.says_article and (meta.page_type == "website" or not meta.page_type) and is_listing_url(url)


_EXTRACTORS: dict[bool, Extractor] = {}
# A fast pass that finds less text than a short news brief is tried again with the fallback extractors,
# and their result taken when it holds clearly more. (On the real pages measured, a higher bar lets the
# fallback's furniture into short stories more often than it recovers text.)
RETRY_BELOW = 500
RETRY_GAIN = 2.0


def _main_text(tree: lxml.html.HtmlElement, url: str) -> Any:
    """trafilatura's main text of the page (its document, with the XML body), or None when it finds none."""
    doc = _extract(tree, url, fast=True)
    found = len("".join(doc.body.itertext())) if doc is not None else 0
    if found < RETRY_BELOW:
        slow = _extract(tree, url, fast=False)
        if slow is not None and len("".join(slow.body.itertext())) > RETRY_GAIN * found:
            return slow
    return doc


def _extract(tree: lxml.html.HtmlElement, url: str, fast: bool) -> Any:
    """One trafilatura extraction (a document with a non-empty XML body), or None."""
    doc = bare_extraction(tree, url=url, options=_extractor_for(url, fast))
    return doc if doc is not None and doc.body is not None and len(doc.body) else None


def _extractor_for(url: str, fast: bool) -> Extractor:
    """trafilatura's options for one page, copied from one template.

    Building an `Extractor` reads trafilatura's config file section each time, which costs about as much as
    the extraction of a small page. Balanced focus without comments: on the real pages measured, it keeps
    more of the story than the precision focus and the clean-up removes what it lets through. fast: no
    comparison with the readability/jusText extractors, which on those pages let more furniture in than
    they recovered text; they still run when the fast pass finds nothing. Output format "xml": the body
    tree, without rendering it as text we never read.
    """
    template = _EXTRACTORS.get(fast)
    if template is None:
        template = _EXTRACTORS[fast] = Extractor(output_format="xml", fast=fast, comments=False, tables=True,
                                                 images=False, links=True, with_metadata=False, dedup=False)
    options = copy(template)
    # What Extractor(url=url) would set.
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return options


def _in(el: etree._Element, names: frozenset[str]) -> bool:
    return any(anc.tag in names for anc in el.iterancestors())


def _text(el: etree._Element) -> str:
    return clean_ws(el.text_content())


def _images(tree: lxml.html.HtmlElement, url: str) -> tuple[list[ImageRecord], list[Removal]]:
    """Figures of the article (not thumbnails of other stories, not in page furniture)."""
    images: list[ImageRecord] = []
    removed: list[Removal] = []
    seen: set[etree._Element] = set()
    for img in tree.iter(*figures.IMAGE_TAGS):
        src = img.get("src") or img.get("data-src") or ""
        if not src or src.startswith("data:"):
            continue
        parent_a = next(img.iterancestors("a"), None)
        if parent_a is not None and cleanup.is_story_link(parent_a.get("href", ""), url):
            continue  # a thumbnail of another story
        fig = _figure_of(img)
        if fig is None or fig in seen or _in(fig, FURNITURE):
            continue
        seen.add(fig)
        found, extra = figures.read_figure(_figure_facts(fig, img), url)
        removed.extend(extra)
        if found is not None:
            images.append(found)
    return images, removed


def _figure_of(img: etree._Element) -> etree._Element | None:
    """The figure an image stands in: the nearest of its few closest ancestors that holds one figure."""
    for depth, el in enumerate(img.iterancestors()):
        if depth >= figures.MAX_FIGURE_DEPTH or el.tag in ("body", "article", "main"):
            return None
        if figures.holds_one_figure(el.tag, el.get("class") or "", lambda el=el: _has_caption(el),
                                    lambda el=el: _text_chars(el, figures.MAX_CAPTION_CHARS)):
            return el
    return None


def _text_chars(el: etree._Element, enough: int) -> int:
    """The length of an element's text (lxml builds it in C: cheaper than counting piece by piece)."""
    return len(el.text_content().strip())


def _has_caption(el: etree._Element) -> bool:
    inner = list(islice(el.iterdescendants(), figures.MAX_FIGURE_ELEMENTS + 1))
    return len(inner) <= figures.MAX_FIGURE_ELEMENTS and any(
        isinstance(d.tag, str) and figures.is_caption(d.tag, d.get("class") or "") for d in inner)


def _figure_facts(fig: etree._Element, img: etree._Element) -> figures.Figure:
    """What one figure element prints: its image, caption, and any other text (file names, alt again)."""
    cap = next(fig.iter("figcaption"), None)
    if cap is None:
        cap = next((el for el in fig.iterdescendants() if isinstance(el.tag, str)
                    and figures.is_caption(el.tag, el.get("class") or "")), None)
    facts = figures.Figure(src=img.get("src") or img.get("data-src") or "",
                           alt=img.get("alt") or img.get("title") or "")
    if cap is not None:
        facts.caption = _text(cap)
        facts.caption_parts = [_text(el) for el in cap.iterdescendants() if isinstance(el.tag, str)]
    inside_caption = set(cap.iter()) if cap is not None else set()
    for el in fig.iterdescendants():
        if not isinstance(el.tag, str) or el.tag in figures.IMAGE_TAGS or el in inside_caption:
            continue
        if len(el) and el.tag not in ("span", "a", "em", "strong", "b", "i"):
            continue
        if text := _text(el):
            facts.extra.append(text)
    return facts


def _other_story_links(tree: lxml.html.HtmlElement, url: str) -> tuple[set[str], list[str]]:
    """Normalised headlines of every link to another story; and those outside the site's menus."""
    titles: set[str] = set()
    outside: list[str] = []
    for a in tree.iter("a"):
        href = a.get("href")
        if not href:
            continue
        text = _text(a)
        if len(text.split()) < 4 or not cleanup.is_story_link(href, url):
            continue
        key = norm(text)
        if key in titles:
            continue
        titles.add(key)
        # Site menus are not headlines; every other link to a story (aside, list, "Also read" box) is.
        if not _in(a, MENUS):
            outside.append(text)
    return titles, outside


def _blocks(body: etree._Element, url: str) -> Iterator[Block]:
    """trafilatura's XML body as blocks: <p>, <head>, <quote>, list <item>s (judged per list), table rows,
    and the text it leaves loose between them (an element's tail: a paragraph that had no <p> of its own)."""
    if body.text and body.text.strip():
        yield Block(text=clean_ws(body.text))
    list_id = 0
    for el in body:
        if el.tag == "list":
            list_id += 1
            for item in el.iter("item"):
                yield _block(item, url, in_list=list_id)
        elif el.tag == "table":
            for row in el.iter("row"):
                yield _block(row, url, in_list=0, sep=" ")
        elif el.tag not in ("graphic", "lb"):
            yield _block(el, url, in_list=0, heading=el.tag == "head")
        if el.tail and el.tail.strip():
            yield Block(text=clean_ws(el.tail))


def _block(el: etree._Element, url: str, in_list: int, heading: bool = False, sep: str = "") -> Block:
    text = clean_ws(sep.join(el.itertext()))
    link_chars = 0
    article_links = 0
    for ref in el.iter("ref"):
        ref_text = clean_ws("".join(ref.itertext()))
        link_chars += len(ref_text)
        if ref_text and cleanup.is_story_link(ref.get("target", ""), url):
            article_links += 1
    return Block(text=text, link_chars=link_chars, article_links=article_links, in_list=bool(in_list),
                 list_id=in_list, heading=heading)
