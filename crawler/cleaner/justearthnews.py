"""Just Earth News parser: one article page (old or new style, or a print page) -> one `CleanRecord`.

Pure: no network I/O. beautifulsoup4 with the lxml tree builder. The parser finds the element that holds
most of the article's paragraph text, walks it block by block and hands the blocks to the shared
clean-up (`crawler.cleaner.cleanup`), which drops captions, alt texts, file names and headline links by
comparing their text with what the page says about its images and other stories.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from html import unescape
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder import LXMLTreeBuilder
from bs4.element import Comment, Doctype, ProcessingInstruction
from lxml import etree

from crawler.cleaner import cleanup
from crawler.cleaner.cleanup import Block, Known, clean_ws, norm
from crawler.cleaner.record import CleanRecord, ImageRecord, Removal
from crawler.urls import is_article_url, is_listing_url, is_print_url

SOURCE = "justearthnews"
SITE_NAME = "Just Earth News"
HOSTS = ("justearthnews.com", "www.justearthnews.com")
# " | Just Earth News", " - Just Earth News" at the end of a <title> or og:title.
_TITLE_SUFFIX = re.compile(r"\s*[|–—-]\s*(?:Just Earth News|JEN)\s*$", re.I)

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select",
                       "input", "textarea", "object", "embed", "video", "audio", "canvas", "map", "head"})
LEAF_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "td", "th",
                       "li", "address"})
CONTAINER_TAGS = frozenset({"div", "section", "article", "main", "aside", "header", "footer", "nav", "ul",
                            "ol", "dl", "table", "tbody", "thead", "tr", "figure", "center", "body", "html",
                            "details", "summary"})
# Containers that only hold page furniture; their text never belongs to an article body.
FURNITURE_TAGS = frozenset({"nav", "header", "footer"})


_MARKUP = re.compile(r'og:site_name"\s+content="Just Earth News"|\|\s*Just Earth News\s*</title>|'
                     r'twitter\.com/justearthnews|class="logo"[^>]*>\s*Just Earth News\s*<', re.I)


def is_markup(html: str) -> bool:
    """Cheap check for JEN pages served from another host (the replica on 127.0.0.1)."""
    return bool(_MARKUP.search(html[:20000]))


def parse(html: str | bytes, url: str) -> CleanRecord:
    """Clean one JEN page. Never raises: bad input gives a ``not_article`` or ``partial`` record."""
    record = CleanRecord(url=url, canonical_url=url, source=SOURCE, parser=SOURCE)
    text, problems, fatal = cleanup.prepare_input(html)
    record.problems.extend(problems)
    if fatal:
        record.status = "not_article"
        return record
    try:
        return _parse(text, url, record)
    except Exception as exc:  # a parser bug must not take the crawl down; report it on the record
        record.status = "not_article"
        record.problems.append(f"parser error: {type(exc).__name__}: {exc}")
        return record


# Regex scanning of <head>: cheaper than building a tree for it, and the tags there are simple.
# An <h1> ends the head too: pages with no <body> and no </head> (fragments, or an article inside <head>)
# would otherwise be read as 50,000 characters of head.
_HEAD_END = re.compile(r"<body[\s>]|</head\s*>|<h1[\s>]", re.I)
_META_TAG = re.compile(r"<meta\s[^>]*>", re.I)
_LINK_TAG = re.compile(r"<link\s[^>]*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_LD_JSON = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script\s*>", re.I | re.S)
_H1_START = re.compile(r"<h1[\s>]", re.I)
_SITE_HEADER = re.compile(r"<header\b.*?</header\s*>", re.I | re.S)
_SCRIPT_STYLE = re.compile(r"<(script|style|noscript|svg|template)\b.*?</\1\s*>", re.I | re.S)


def _attrs(tag: str) -> dict[str, str]:
    return {m[1].lower(): unescape(m[2] if m[2] is not None else m[3] if m[3] is not None else m[4])
            for m in _ATTR.finditer(tag)}


def _read_meta(html: str) -> tuple[dict[str, str], int]:
    """og:/article: meta tags, <title>, canonical link, JSON-LD date/author; and where <body> starts."""
    end_match = _HEAD_END.search(html)
    head_end = end_match.start() if end_match else min(len(html), 50_000)
    head = html[:head_end]
    meta: dict[str, str] = {}
    for tag in _META_TAG.findall(head):
        a = _attrs(tag)
        key = a.get("property") or a.get("name") or a.get("itemprop")
        if key and "content" in a:
            meta.setdefault(key.lower(), a["content"].strip())
    for tag in _LINK_TAG.findall(head):
        a = _attrs(tag)
        if "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            meta.setdefault("canonical", a["href"].strip())
    if m := _TITLE_TAG.search(head):
        meta["title"] = clean_ws(unescape(m.group(1)))
    for block in _LD_JSON.findall(html):
        for item in _json_ld_items(block):
            if "datePublished" in item:
                meta.setdefault("ld:datePublished", str(item["datePublished"]))
            author = item.get("author")
            if isinstance(author, list) and author:
                author = author[0]
            if isinstance(author, dict) and author.get("name"):
                meta.setdefault("ld:author", str(author["name"]))
    return meta, head_end


def _body_part(html: str, start: int) -> str:
    """The page from <body> on, without scripts and without a site header that sits above the headline.

    Only cuts what can never hold the article, so a template change makes parsing slower, never wrong.
    """
    body = html[start:]
    h1 = _H1_START.search(body)
    if h1:
        head_part = body[: h1.start()]
        head_part = _SITE_HEADER.sub(lambda m: _ticker_only(m.group(0)), head_part)
        body = head_part + body[h1.start():]
    return _SCRIPT_STYLE.sub("", body)


def _ticker_only(header: str) -> str:
    # The site header goes, but a "Top pick:" line in it is still reported as a dropped ticker.
    return "".join(f"<div>{m.group(0)}</div>" for m in re.finditer(r"Top pick\s*:[^<]*(?:<a[^>]*>[^<]*</a>)?",
                                                                    header, re.I))


class _Builder(LXMLTreeBuilder):
    """bs4's lxml HTML tree builder, made cheaper per page and per tag; the tree it builds is the same.

    One lxml parser is kept and reused (making one per page costs more than parsing a small page: lxml
    inspects the target's methods each time), and the per-tag namespace bookkeeping is skipped, because
    lxml's HTML parser reports no namespaces; anything namespaced still goes through bs4's own code.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._html_parser: etree.HTMLParser | None = None

    def default_parser(self, encoding: str | None) -> object:
        if encoding is not None:
            return super().default_parser(encoding)
        if self._html_parser is None:
            self._html_parser = etree.HTMLParser(target=self, recover=True, huge_tree=self.huge_tree)
        return self._html_parser

    def feed(self, markup: str | bytes) -> None:  # type: ignore[override]
        try:
            super().feed(markup)
        except BaseException:
            # A parser stopped half-way (bs4 then retries with other settings) would carry that page's
            # state into the next one: start afresh.
            self._html_parser = None
            raise

    def start(self, tag: str | bytes, attrib: dict, nsmap: dict | None = None) -> None:  # type: ignore[override]
        if nsmap or len(self.nsmaps) > 1 or not isinstance(tag, str) or tag[:1] == "{":
            return super().start(tag, attrib, nsmap or {})
        # A plain dict will do: the Tag copies it into bs4's attribute dict class anyway.
        attrs = dict(attrib)
        for key, value in attrs.items():
            if not isinstance(key, str) or key[:1] == "{" or not isinstance(value, str):
                return super().start(tag, attrib, nsmap or {})
        assert self.soup is not None
        self.soup.handle_starttag(tag, None, None, attrs, namespaces=self.active_namespace_prefixes[-1])
        return None


# A builder holds the document being built, so each thread gets its own.
_builders = threading.local()


def make_soup(markup: str) -> BeautifulSoup:
    """``BeautifulSoup(markup, "lxml", multi_valued_attributes=None)``, with a reused tree builder.

    multi_valued_attributes=None: class lists are never needed, and splitting them costs per tag.
    """
    builder = getattr(_builders, "builder", None)
    if builder is None:
        builder = _builders.builder = _Builder(multi_valued_attributes=None)
    try:
        return BeautifulSoup(markup, builder=builder)
    except BaseException:
        _builders.builder = None  # a parse that failed half-way may leave the parser in any state
        raise


def _tags(root: Tag) -> Iterator[Tag]:
    """Every element below `root` (bs4's find_all is slow: its filter machinery dominates a profile)."""
    for el in root.descendants:
        if isinstance(el, Tag):
            yield el


def _parse(html: str, url: str, record: CleanRecord) -> CleanRecord:
    meta, body_start = _read_meta(html)
    soup = make_soup(_body_part(html, body_start))
    record.canonical_url = urljoin(url, meta["canonical"]) if meta.get("canonical") else url
    if is_print_url(url):
        record.kind = "print"

    h1: Tag | None = None
    paragraphs: list[Tag] = []
    anchors: list[Tag] = []
    time_el: Tag | None = None
    ticker_candidates: list[Tag] = []  # elements a "Top pick:" line can sit in, for `_audit_outside`
    for el in _tags(soup):
        name = el.name
        if name == "p":
            paragraphs.append(el)
            ticker_candidates.append(el)
        elif name in ("div", "span", "li"):
            ticker_candidates.append(el)
        elif name == "a":
            if el.get("href"):
                anchors.append(el)
        elif name == "h1" and h1 is None:
            h1 = el
        elif name == "time" and time_el is None and el.get("datetime"):
            time_el = el
    title = clean_ws(h1.get_text(" ")) if h1 else ""
    title = title or meta.get("og:title") or meta.get("title") or ""
    record.title = _TITLE_SUFFIX.sub("", title).strip() or None

    record.published = (
        cleanup.parse_iso(meta.get("article:published_time"), cleanup.IST)
        or cleanup.parse_iso(meta.get("ld:datepublished") or meta.get("ld:datePublished"), cleanup.IST)
        or cleanup.parse_iso(str(time_el["datetime"]) if time_el is not None else None, cleanup.IST)
    )
    byline_el = _find_byline(h1)
    byline_text = clean_ws(byline_el.get_text(" ")) if byline_el else ""
    if not record.published and byline_text:
        record.published = cleanup.parse_byline_date(byline_text)
        if not record.published and cleanup.parse_byline_date(byline_text, need_time=False):
            record.problems.append(f"no publication time: the page shows the date only ({byline_text})")
    record.byline = _byline_name(byline_text) or meta.get("ld:author") or meta.get("author") or None

    if meta.get("og:type") == "website" or (is_listing_url(url) and meta.get("og:type") != "article"):
        return _not_article(record, "listing page (home or section), not an article")

    scope = _content_scope(paragraphs)
    if scope is None:
        return _not_article(record, "no article body found")

    known = Known(title=record.title or "")
    if byline_text:
        known.byline_texts.add(norm(byline_text))
    blocks = list(_blocks(scope, url, record.images, record.removed))
    known.images = record.images
    known.sidebar_titles = _sidebar_titles(anchors, scope, url, record)
    _audit_outside(ticker_candidates, scope, record)
    body = cleanup.filter_blocks(blocks, known, record)
    has_article_marks = bool(record.published or meta.get("og:type") == "article" or record.kind == "print")
    if not has_article_marks and len(known.sidebar_titles) >= 5 and sum(map(len, body)) < 400:
        record.body = []
        return _not_article(record, f"looks like a listing: {len(known.sidebar_titles)} links to stories and "
                                    f"{sum(map(len, body))} characters of text")
    return cleanup.finish(record, body, truncated=cleanup.looks_truncated(html), own_tags=("JEN",))


def _not_article(record: CleanRecord, reason: str) -> CleanRecord:
    record.status = "not_article"
    record.problems.append(reason)
    return record


# --- metadata ------------------------------------------------------------------------------------------


def _json_ld_items(text: str) -> Iterator[dict]:
    try:
        data = json.loads(text)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "@graph" in item:
                stack.append(item["@graph"])
            yield item


_BYLINE_HINT = re.compile(r"\b(?:by|byline|author|meta|info|date|posted)\b", re.I)


def _find_byline(h1: Tag | None) -> Tag | None:
    """The short line just after the headline with the author and the date ("JEN | @x | 03 Mar 2022 …")."""
    if h1 is None:
        return None
    seen = 0
    for el in h1.next_elements:
        if not isinstance(el, Tag):
            continue
        if el.name in ("figure", "img") or seen > 40:
            break
        seen += 1
        text = clean_ws(el.get_text(" "))
        if 0 < len(text) < 200 and cleanup.parse_byline_date(text, need_time=False):
            return el
        if el.name == "p" and len(text) >= 200:
            break
    return None


def _byline_name(text: str) -> str | None:
    """"Just Earth News | @justearthnews | 03 Mar 2022, 04:05 pm Print" -> "Just Earth News"."""
    if not text:
        return None
    first = re.split(r"\s[|•·]\s|\s@|\s\d{1,2}\s+[A-Z][a-z]{2}", text, maxsplit=1)[0]
    first = re.sub(r"^(?:by|written by|posted by)\s+", "", first.strip(), flags=re.I).strip(" |,")
    if not first or cleanup.parse_byline_date(first) or len(first) > 80:
        return None
    return first


# --- the content area ----------------------------------------------------------------------------------


def _content_scope(paragraphs: list[Tag]) -> Tag | None:
    """The element holding most of the article's paragraph text (not link text)."""
    scores: dict[int, float] = {}
    parents: dict[int, Tag] = {}
    for p in paragraphs:
        text_len = len(p.get_text().strip())
        if text_len < 25:
            continue
        link_len = sum(len(a.get_text()) for a in _tags(p) if a.name == "a")
        if link_len > 0.5 * text_len:
            continue
        parent = p.parent
        if parent is None or _inside(parent, FURNITURE_TAGS):
            continue
        scores[id(parent)] = scores.get(id(parent), 0.0) + text_len
        parents[id(parent)] = parent
    if not scores:
        return None
    return parents[max(scores, key=lambda k: scores[k])]


def _inside(el: Tag, names: frozenset[str]) -> bool:
    node: Tag | None = el
    while node is not None:
        if node.name in names:
            return True
        node = node.parent
    return False


def _article_link(href: str, page_url: str) -> bool:
    """A link to another story on the same site (not to this page, a section or a file)."""
    target = urljoin(page_url, href)
    if not cleanup.same_site(target, page_url):
        return False
    if urlsplit(target).path == urlsplit(page_url).path:
        return False
    if is_article_url(target) or is_print_url(target):
        return True
    path = urlsplit(target).path.rstrip("/")
    # Other sites' article paths: deep, with a long slug.
    return path.count("/") >= 2 and len(path.rsplit("/", 1)[-1]) >= 20 and not is_listing_url(target)


_article_href = cleanup.LinkRule(_article_link)


def clear_caches() -> None:
    """Forget the link verdicts (see `crawler.cleaner.clear_caches`)."""
    _article_href.cache_clear()


def _blocks(scope: Tag, url: str, images: list[ImageRecord], removed: list[Removal]) -> Iterator[Block]:
    """The content area as candidate blocks, in order; figures become image records (caption once)."""
    list_counter = [0]
    yield from _walk(scope, url, images, removed, list_counter, in_list=0)


# Containers nested deeper than this below the content area are read as one block of text: each level
# is a generator frame, and hostile pages nest 10,000 deep (Python stops at 1,000).
MAX_WALK_DEPTH = 100
_DEEP_AS_LEAF = (CONTAINER_TAGS - FURNITURE_TAGS) | {"ul", "ol"}


def _walk(el: Tag, url: str, images: list[ImageRecord], removed: list[Removal], counter: list[int],
          in_list: int, depth: int = 0) -> Iterator[Block]:
    buf: list[str] = []
    link_chars = 0
    article_links = 0

    def flush() -> Iterator[Block]:
        nonlocal buf, link_chars, article_links
        text = clean_ws("".join(buf))
        if text:
            yield Block(text=text, link_chars=link_chars, article_links=article_links,
                        in_list=bool(in_list), list_id=in_list)
        buf, link_chars, article_links = [], 0, 0

    for child in el.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, Comment | Doctype | ProcessingInstruction):
                buf.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in SKIP_TAGS:
            continue
        if name == "br":
            buf.append("\n")
            yield from flush()
            continue
        if name == "figure":
            yield from flush()
            _figure(child, url, images, removed)
            continue
        if name == "img":
            _lone_image(child, url, images)
            continue
        if name in ("ul", "ol") and depth < MAX_WALK_DEPTH:
            yield from flush()
            counter[0] += 1
            yield from _walk(child, url, images, removed, counter, in_list=counter[0], depth=depth + 1)
            continue
        if name in LEAF_TAGS or (depth >= MAX_WALK_DEPTH and name in _DEEP_AS_LEAF):
            yield from flush()
            for img in _tags(child):
                if img.name == "img":
                    _lone_image(img, url, images)
            text, lc, al = _text_and_links(child, url)
            if text:
                yield Block(text=text, link_chars=lc, article_links=al, in_list=bool(in_list),
                            list_id=in_list, heading=name.startswith("h"))
            continue
        if name in CONTAINER_TAGS:
            yield from flush()
            if name in FURNITURE_TAGS:
                continue
            yield from _walk(child, url, images, removed, counter, in_list, depth + 1)
            continue
        # Inline element (a, span, strong, em, ...): part of the running text.
        for img in _tags(child):
            if img.name == "img":
                _lone_image(img, url, images)
        text, lc, al = _text_and_links(child, url)
        buf.append(text if name != "a" else f" {text} " if text else "")
        link_chars += lc
        article_links += al
    yield from flush()


def _text_and_links(el: Tag, url: str) -> tuple[str, int, int]:
    """Text of an element, how much of it is link text, and how many links point at other stories."""
    text = clean_ws(el.get_text(" "))
    anchors = [el] if el.name == "a" else [a for a in _tags(el) if a.name == "a"]
    link_chars = 0
    article_links = 0
    for a in anchors:
        a_text = clean_ws(a.get_text(" "))
        link_chars += len(a_text)
        if a_text and _article_href(str(a.get("href") or ""), url):
            article_links += 1
    return text, link_chars, article_links


def _figure(fig: Tag, url: str, images: list[ImageRecord], removed: list[Removal]) -> None:
    """One <figure>: an image record with its caption once; every other text in it goes to the audit."""
    inner = list(_tags(fig))
    img = next((t for t in inner if t.name == "img"), None)
    src = ""
    alt = ""
    if img is not None:
        src = str(img.get("src") or img.get("data-src") or "")
        alt = clean_ws(str(img.get("alt") or img.get("title") or ""))
    cap_el = next((t for t in inner if t.name == "figcaption"), None)
    alt_shown = cap_el is not None and any(
        norm(c.get_text(" ")) == norm(alt) for c in _tags(cap_el)) if alt else False
    caption, extra = cleanup.split_caption(alt, clean_ws(cap_el.get_text(" ")) if cap_el else "", alt_shown)
    removed.extend(extra)
    if src:
        images.append(cleanup.image_record(src, url, alt, caption))
    elif caption:
        removed.append(Removal("caption_duplicate", caption))
    # Everything else printed in the figure (leaked file name, alt again, caption again) is furniture.
    for child in inner:
        if child.name in ("img", "figcaption") or (cap_el is not None and _is_descendant(child, cap_el)):
            continue
        if child.name not in ("span", "a", "em", "strong", "b", "i") and any(
                isinstance(c, Tag) for c in child.children):
            continue
        text = clean_ws(child.get_text(" "))
        if not text:
            continue
        removed.extend(cleanup.name_figure_text(text, alt, caption))


def _lone_image(img: Tag, url: str, images: list[ImageRecord]) -> None:
    src = str(img.get("src") or img.get("data-src") or "")
    if not src or src.startswith("data:"):
        return
    if img.find_parent("a") is not None and _article_href(str(img.find_parent("a").get("href") or ""), url):
        return  # a thumbnail of another story
    images.append(cleanup.image_record(src, url, str(img.get("alt") or ""), ""))


def _sidebar_titles(anchors: list[Tag], scope: Tag, url: str, record: CleanRecord) -> set[str]:
    """Headlines of other stories linked anywhere on the page; those outside the body go to the audit."""
    titles: set[str] = set()
    for a in anchors:
        text = clean_ws(a.get_text(" "))
        if len(text.split()) < 4 or not _article_href(str(a["href"]), url):
            continue
        if a.parent is not None and cleanup.TICKER.match(clean_ws(a.parent.get_text(" "))):
            continue  # the print page's "Top pick:" line is audited as a ticker
        titles.add(norm(text))
        if not _is_descendant(a, scope) and not _inside(a, FURNITURE_TAGS):
            record.removed.append(Removal("sidebar_headline", text))
    return titles


def _is_descendant(el: Tag, ancestor: Tag) -> bool:
    node = el.parent
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def _audit_outside(candidates: list[Tag], scope: Tag, record: CleanRecord) -> None:
    """A ticker line ("Top pick: …") outside the content area is dropped too; note it.

    `candidates`: the page's div, p, span and li elements in document order (collected in the one walk).
    """
    for el in candidates:
        # More than one child is what bs4's `el.string is None` meant here (the element has a text child),
        # without its recursion through single-child chains: quadratic, and a RecursionError, when hostile
        # pages nest 10,000 deep.
        if len(el.contents) > 1:
            first = next((c for c in el.children if isinstance(c, NavigableString) and c.strip()), None)
            if first is not None and cleanup.TICKER.match(first.strip()) and not _is_descendant(el, scope):
                record.removed.append(Removal("ticker", clean_ws(el.get_text(" "))))
