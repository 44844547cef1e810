"""Just Earth News parser: one article page (old or new style, or a print page) -> one `CleanRecord`.

Pure: no network I/O. beautifulsoup4 (lxml tree builder, public API only). The parser finds the element
that holds most of the article's running text, whatever carries it (``<p>`` paragraphs, ``<div>`` text
blocks, runs of text separated by ``<br>``), walks it block by block and hands the blocks to the shared
clean-up (`crawler.cleaner.cleanup`), which drops captions, alt texts, file names and headline links by
comparing their text with what the page says about its images and other stories. Metadata and figures
are read by the modules every parser shares (`metadata`, `figures`).

When its rules find no body (a redesign it does not know), the record says `LAYOUT_NOT_RECOGNISED` and
`crawler.cleaner.parse` cleans the page with the generic path instead, saying so on the record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Doctype, ProcessingInstruction

from crawler.cleaner import cleanup, figures, metadata
from crawler.cleaner.cleanup import Block, Known, clean_ws, norm
from crawler.cleaner.record import CleanRecord, ImageRecord, Removal
from crawler.urls import is_article_url, is_listing_url, is_print_url

SOURCE = "justearthnews"
SITE_NAME = "Just Earth News"
HOSTS = ("justearthnews.com", "www.justearthnews.com")
LAYOUT_NOT_RECOGNISED = "JEN layout not recognised"

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select",
                       "input", "textarea", "object", "embed", "video", "audio", "canvas", "map", "head"})
LEAF_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "li",
                       "address"})
CONTAINER_TAGS = frozenset({"div", "section", "article", "main", "aside", "header", "footer", "nav", "ul",
                            "ol", "dl", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "figure", "center",
                            "body", "html", "details", "summary"})
# Elements whose own text can be a paragraph of the story (a <p>, a <div> of text, a table cell of
# <br>-separated runs); inline elements inside them belong to their text.
TEXT_BLOCK_TAGS = frozenset({"p", "div", "td", "th", "section", "article", "main", "blockquote", "center", "body",
                             "dd", "pre"})
INLINE_TAGS = frozenset({"a", "span", "em", "strong", "b", "i", "u", "s", "small", "big", "sup", "sub", "mark",
                         "abbr", "cite", "q", "time", "label", "font", "strike", "tt", "code", "ins", "del", "br",
                         "wbr", "img", "bdi", "bdo", "data", "var", "kbd", "samp", "dfn"})
# Containers that only hold page furniture; their text never belongs to an article body.
FURNITURE_TAGS = frozenset({"nav", "header", "footer"})
# Elements that may hold a story as runs of text separated by <br> rather than be one paragraph of it.
RUN_HOLDER_TAGS = frozenset({"div", "td", "th", "section", "article", "main", "center", "body"})
IMAGE_TAGS = frozenset(figures.IMAGE_TAGS)
MIN_BODY_SHARE = 0.35  # the rules' body holds less of the page's running text: they read the wrong part
MIN_STORY_CHARS = 200  # less visible text than a short news brief: not a layout problem, no story at all
MIN_BLOCK_CHARS = 25  # shorter runs of text (labels, credits, buttons) do not decide where the story is
MAX_CAPTION_GAP = 120  # a run of text this long between an image and a caption element is a paragraph

_MARKUP = re.compile(r'og:site_name"\s+content="Just Earth News"|\|\s*Just Earth News\s*</title>|'
                     r'twitter\.com/justearthnews|class="logo"[^>]*>\s*Just Earth News\s*<', re.I)
_H1_START = re.compile(r"<h1[\s>]", re.I)
_SITE_HEADER = re.compile(r"<header\b.*?</header\s*>", re.I | re.S)
_SCRIPT_STYLE = re.compile(r"<(script|style|noscript|svg|template)\b.*?</\1\s*>", re.I | re.S)


def is_markup(html: str) -> bool:
    """Cheap check for JEN pages served from another host (the replica on 127.0.0.1)."""
    head = html[:20000]
    lowered = head.lower()
    # Every pattern names the site; most pages do not, and a substring test is far cheaper than the regex.
    if "just earth news" not in lowered and "justearthnews" not in lowered:
        return False
    return bool(_MARKUP.search(head))


def parse(html: str | bytes, url: str) -> CleanRecord:
    """Clean one JEN page. Bad input gives a ``not_article`` or ``partial`` record with reasons.

    A bug raises; `crawler.cleaner.parse` is the entry point that never does.
    """
    record = CleanRecord(url=url, canonical_url=url, source=SOURCE, parser=SOURCE)
    text, problems, fatal = cleanup.prepare_input(html)
    record.problems.extend(problems)
    if fatal:
        record.status = "not_article"
        return record
    return _parse(text, url, record)


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


def make_soup(markup: str) -> BeautifulSoup:
    """The bs4 tree of a page. multi_valued_attributes=None: class lists are never needed, and splitting
    them costs per tag."""
    return BeautifulSoup(markup, "lxml", multi_valued_attributes=None)


def _tags(root: Tag) -> Iterator[Tag]:
    """Every element below `root` (bs4's find_all is slow: its filter machinery dominates a profile)."""
    for el in root.descendants:
        if isinstance(el, Tag):
            yield el


def _classes(el: Tag) -> str:
    value = el.get("class")
    return value if isinstance(value, str) else " ".join(value or ())


@dataclass
class _Page:
    """What the one walk over the tree collects."""

    h1: Tag | None = None
    time_el: Tag | None = None
    anchors: list[Tag] = field(default_factory=list)
    ticker_candidates: list[Tag] = field(default_factory=list)  # where a "Top pick:" line can sit
    text_blocks: dict[int, tuple[Tag, int, int]] = field(default_factory=dict)  # id -> (element, chars, link chars)


def _read_page(soup: BeautifulSoup) -> _Page:
    page = _Page()
    for node in soup.descendants:
        if isinstance(node, Tag):
            name = node.name
            if name in ("p", "div", "span", "li"):
                page.ticker_candidates.append(node)
            if name == "a":
                if node.get("href"):
                    page.anchors.append(node)
            elif name == "h1" and page.h1 is None:
                page.h1 = node
            elif name == "time" and page.time_el is None and node.get("datetime"):
                page.time_el = node
        elif isinstance(node, NavigableString) and not isinstance(node, Comment | Doctype | ProcessingInstruction):
            _count_text(node, page.text_blocks)
    return page


def _count_text(text: NavigableString, blocks: dict[int, tuple[Tag, int, int]]) -> None:
    """Add a string's length to the block element that owns it (its nearest non-inline ancestor)."""
    length = len(text.strip())
    if not length:
        return
    in_link = False
    owner = text.parent
    while owner is not None and owner.name in INLINE_TAGS:
        in_link = in_link or owner.name == "a"
        owner = owner.parent
    if owner is None:
        return
    _, chars, link_chars = blocks.get(id(owner), (owner, 0, 0))
    blocks[id(owner)] = (owner, chars + length, link_chars + (length if in_link else 0))


HIDDEN, MENU = 1, 2


class _Ancestry:
    """Whether an element is inside hidden markup (script, noscript, template …) or the site's menus.

    Answers are remembered for every element on the way up, so a page's elements are looked at once each,
    however deep the page nests (hostile pages nest 50,000 deep).
    """

    def __init__(self) -> None:
        self._flags: dict[int, int] = {}

    def flags(self, el: Tag) -> int:
        path: list[Tag] = []
        node: Tag | None = el
        inherited = 0
        while node is not None:
            known = self._flags.get(id(node))
            if known is not None:
                inherited = known
                break
            path.append(node)
            node = node.parent
        for node in reversed(path):
            inherited |= (HIDDEN if node.name in SKIP_TAGS else 0) | (MENU if node.name in FURNITURE_TAGS else 0)
            self._flags[id(node)] = inherited
        return inherited


def _story_blocks(text_blocks: dict[int, tuple[Tag, int, int]]) -> list[tuple[Tag, int, int]]:
    """The page's blocks of text a reader sees outside the site's menus."""
    ancestry = _Ancestry()
    return [block for block in text_blocks.values() if not ancestry.flags(block[0])]


def _parse(html: str, url: str, record: CleanRecord) -> CleanRecord:
    meta = metadata.read(html, default_tz=cleanup.IST)
    soup = make_soup(_body_part(html, meta.body_start))
    record.canonical_url = urljoin(url, meta.canonical) if meta.canonical else url
    if is_print_url(url):
        record.kind = "print"
    page = _read_page(soup)
    record.title = meta.headline(page.h1.get_text(" ") if page.h1 else "", (SITE_NAME, "JEN")) or None

    time_value = str(page.time_el["datetime"]) if page.time_el is not None else None
    record.published = meta.published or cleanup.parse_iso(time_value, cleanup.IST)
    byline_el = _find_byline(page.h1 or _title_element(soup, record.title))
    byline_text = clean_ws(byline_el.get_text(" ")) if byline_el else ""
    if not record.published and byline_text:
        record.published = cleanup.parse_byline_date(byline_text)
        if not record.published and cleanup.parse_byline_date(byline_text, need_time=False):
            record.problems.append(f"no publication time: the page shows the date only ({byline_text})")
    record.byline = _byline_name(byline_text) or meta.author or None

    # By address (the site's listing paths), or by its og:type on a page at no article address: a redesign
    # that tags its articles "website" must not lose them, the content then decides (`listing_reason`).
    at_article_address = is_article_url(url) or is_print_url(url)
    if (is_listing_url(url) and meta.page_type != "article") or (meta.page_type == "website"
                                                                 and not at_article_address):
        return _not_article(record, "listing page (home or section), not an article")

    blocks_seen = _story_blocks(page.text_blocks)
    # Text a reader would see, apart from links: without it the page has no story, whatever its layout.
    visible = sum(chars - link_chars for _, chars, link_chars in blocks_seen)
    has_story_text = visible >= MIN_STORY_CHARS
    scope = _content_scope(blocks_seen)
    if scope is None:
        return _not_article(record, LAYOUT_NOT_RECOGNISED if has_story_text else "no article body found")

    known = Known(title=record.title or "")
    if byline_text:
        known.byline_texts.add(norm(byline_text))
    blocks = list(_Walker(url, record.images, record.removed).blocks(scope))
    known.images = record.images
    known.sidebar_titles = _sidebar_titles(page.anchors, scope, url, record)
    _audit_outside(page.ticker_candidates, scope, record)
    verdicts = cleanup.judge_blocks(blocks, known)
    body = cleanup.apply_verdicts(blocks, verdicts, record)
    has_article_marks = bool(record.published or meta.page_type == "article" or record.kind == "print")
    if not has_article_marks and (reason := cleanup.listing_reason(blocks, verdicts, len(known.sidebar_titles))):
        record.body = []
        return _not_article(record, reason)
    if not body:
        return _not_article(record, LAYOUT_NOT_RECOGNISED if has_story_text else "no article body found")
    if sum(map(len, body)) < MIN_BODY_SHARE * visible:
        return _not_article(record, LAYOUT_NOT_RECOGNISED)
    return cleanup.finish(record, body, truncated=cleanup.looks_truncated(html), own_tags=("JEN",))


def _not_article(record: CleanRecord, reason: str) -> CleanRecord:
    record.status = "not_article"
    record.problems.append(reason)
    return record


# --- byline --------------------------------------------------------------------------------------------


def _title_element(soup: BeautifulSoup, title: str | None) -> Tag | None:
    """The element that prints the headline on a page without an <h1> ("<font size=5><b>Headline</b>")."""
    key = norm(title or "")
    if not key:
        return None
    for text in soup.strings:
        if len(text) < 3 * len(key) and norm(text) == key and isinstance(text.parent, Tag):
            return text.parent
    return None


def _find_byline(headline: Tag | None) -> Tag | None:
    """The short line just after the headline with the author and the date ("JEN | @x | 03 Mar 2022 …")."""
    if headline is None:
        return None
    seen = 0
    for el in headline.next_elements:
        if not isinstance(el, Tag):
            continue
        if el.name == "figure" or el.name in IMAGE_TAGS or seen > 40:
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


# A container also counts part of what its children hold (a story split by an advert into two blocks of
# paragraphs is still one story, a table of one paragraph per row is one story), but less than the element
# that holds the paragraphs itself; two levels up at most.
PARENT_SHARE = 0.6
SHARED_LEVELS = 3


def _content_scope(text_blocks: list[tuple[Tag, int, int]]) -> Tag | None:
    """The element holding most of the article's running text (not link text).

    Every block of text counts for the element that holds it: a <p> or a <div> of text for its parent, an
    element of <br>-separated runs (a table cell, a <div>) for itself; so the story's container wins
    whichever of those markups carries the paragraphs.
    """
    scores: dict[int, float] = {}
    holders: dict[int, Tag] = {}
    for el, chars, link_chars in text_blocks:
        if el.name not in TEXT_BLOCK_TAGS or chars < MIN_BLOCK_CHARS or link_chars > 0.5 * chars:
            continue
        holder = el if el.name in RUN_HOLDER_TAGS and _holds_runs(el) else el.parent
        if holder is None:
            continue
        share = float(chars)
        node: Tag | None = holder
        for _ in range(SHARED_LEVELS):
            if node is None:
                break
            scores[id(node)] = scores.get(id(node), 0.0) + share
            holders[id(node)] = node
            share *= PARENT_SHARE
            node = node.parent
    if not scores:
        return None
    return holders[max(scores, key=lambda k: scores[k])]


def _holds_runs(el: Tag) -> bool:
    """The element's own text is several runs separated by <br> (not one paragraph of its parent)."""
    return el.name == "body" or any(isinstance(c, Tag) and c.name == "br" for c in el.children)


def _inside(el: Tag, names: frozenset[str]) -> bool:
    node: Tag | None = el
    while node is not None:
        if node.name in names:
            return True
        node = node.parent
    return False


# Containers nested deeper than this below the content area are read as one block of text: each level
# is a generator frame, and hostile pages nest 10,000 deep (Python stops at 1,000).
MAX_WALK_DEPTH = 100
_DEEP_AS_LEAF = (CONTAINER_TAGS - FURNITURE_TAGS) | {"ul", "ol"}


class _Walker:
    """The content area as candidate blocks, in order; figures become image records (caption once)."""

    def __init__(self, url: str, images: list[ImageRecord], removed: list[Removal]) -> None:
        self.url = url
        self.images = images
        self.removed = removed
        self.lists = 0
        # The last image seen with no caption and no paragraph after it yet: a caption element that follows
        # it ("<img><br><span class=caption>Image: UNI</span>") is its caption, even after a short run of
        # text printed with the image (its alt text, its file name).
        self.uncaptioned: int | None = None

    def blocks(self, scope: Tag) -> Iterator[Block]:
        yield from self._walk(scope, in_list=0, depth=0)

    def _walk(self, el: Tag, in_list: int, depth: int) -> Iterator[Block]:
        buf: list[str] = []
        plain: list[str] = []  # the buffered text that is not link text
        link_chars = 0
        article_links = 0

        def flush() -> Iterator[Block]:
            nonlocal buf, plain, link_chars, article_links
            text = clean_ws("".join(buf))
            if text:
                if len(text) >= MAX_CAPTION_GAP:
                    self.uncaptioned = None  # a paragraph: what follows is no longer next to the image
                yield Block(text=text, link_chars=link_chars, article_links=article_links,
                            in_list=bool(in_list), list_id=in_list)
            buf, plain, link_chars, article_links = [], [], 0, 0

        for child in el.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment | Doctype | ProcessingInstruction):
                    buf.append(str(child))
                    plain.append(str(child))
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
            if self._is_figure(child):
                yield from flush()
                self._figure(child)
                continue
            if (self.uncaptioned is not None and figures.is_caption(name, _classes(child))
                    and not clean_ws("".join(buf))):
                self._caption_for_last_image(child)
                continue
            if name in IMAGE_TAGS:
                self._lone_image(child)
                continue
            if depth < MAX_WALK_DEPTH and (name in ("ul", "ol") or self._holds_parts(child)):
                yield from flush()
                if name in ("ul", "ol"):
                    self.lists += 1
                yield from self._walk(child, self.lists if name in ("ul", "ol") else in_list, depth + 1)
                continue
            if name in LEAF_TAGS or (depth >= MAX_WALK_DEPTH and name in _DEEP_AS_LEAF):
                yield from flush()
                self._images_in(child)
                text, lc, al = self._text_and_links(child)
                if text:
                    self.uncaptioned = None
                    yield Block(text=text, link_chars=lc, article_links=al, in_list=bool(in_list),
                                list_id=in_list, heading=name.startswith("h"))
                continue
            if name in CONTAINER_TAGS:
                yield from flush()
                if name in FURNITURE_TAGS:
                    continue
                yield from self._walk(child, in_list, depth + 1)
                continue
            # Inline element (a, span, strong, em, ...): part of the running text.
            self._images_in(child)
            text, lc, al = self._text_and_links(child)
            if lc and lc >= len(text) and link_chars and not norm("".join(plain)):
                # Headline links side by side ("Trending: <a>…</a> <a>…</a>"): one block each.
                yield from flush()
            buf.append(text if name != "a" else f" {text} " if text else "")
            if not lc or lc < len(text):
                plain.append(text)
            link_chars += lc
            article_links += al
        yield from flush()

    @staticmethod
    def _is_figure(el: Tag) -> bool:
        """An element holding an image that is one figure (see `figures.holds_one_figure`).

        Asked of every element the walk meets, so no element but a figure or a small box has its whole
        subtree looked at.
        """
        if el.name in IMAGE_TAGS or el.name in SKIP_TAGS:
            return False
        classes = _classes(el)
        if figures.is_figure(el.name, classes):
            return any(t.name in IMAGE_TAGS for t in _tags(el))
        inner = list(islice(_tags(el), figures.MAX_FIGURE_ELEMENTS + 1))
        if len(inner) > figures.MAX_FIGURE_ELEMENTS or not any(t.name in IMAGE_TAGS for t in inner):
            return False
        return figures.holds_one_figure(el.name, classes,
                                        lambda: any(figures.is_caption(t.name, _classes(t)) for t in inner),
                                        lambda: _text_chars(el, figures.MAX_CAPTION_CHARS))

    @staticmethod
    def _holds_parts(el: Tag) -> bool:
        """A paragraph element that holds more than one paragraph or a figure: walked, not read whole."""
        if el.name not in LEAF_TAGS:
            return False
        if el.name == "p" and _has_paragraph_breaks(el):
            return True  # one <p> holding a whole story in runs separated by <br><br>
        return any(t.name == "figure" for t in _tags(el))

    def _images_in(self, el: Tag) -> None:
        for img in _tags(el):
            if img.name in IMAGE_TAGS:
                self._lone_image(img)

    def _text_and_links(self, el: Tag) -> tuple[str, int, int]:
        """Text of an element, how much of it is link text, and how many links point at other stories."""
        text = clean_ws(el.get_text(" "))
        anchors = [el] if el.name == "a" else [a for a in _tags(el) if a.name == "a"]
        link_chars = 0
        article_links = 0
        for a in anchors:
            a_text = clean_ws(a.get_text(" "))
            link_chars += len(a_text)
            if a_text and cleanup.is_story_link(str(a.get("href") or ""), self.url):
                article_links += 1
        return text, link_chars, article_links

    def _figure(self, fig: Tag) -> None:
        """One figure: an image record with its caption once; every other text in it goes to the audit."""
        inner = list(_tags(fig))
        img = next(t for t in inner if t.name in IMAGE_TAGS)
        cap = next((t for t in inner if t.name == "figcaption"), None) or next(
            (t for t in inner if figures.is_caption(t.name, _classes(t))), None)
        facts = figures.Figure(src=str(img.get("src") or img.get("data-src") or ""),
                               alt=str(img.get("alt") or img.get("title") or ""))
        if cap is not None:
            facts.caption = clean_ws(cap.get_text(" "))
            facts.caption_parts = [clean_ws(t.get_text(" ")) for t in _tags(cap)]
        for child in inner:
            if child.name in IMAGE_TAGS or child.name == "figcaption" or child is cap or (
                    cap is not None and _is_descendant(child, cap)):
                continue
            if child.name not in ("span", "a", "em", "strong", "b", "i") and any(
                    isinstance(c, Tag) for c in child.children):
                continue
            if text := clean_ws(child.get_text(" ")):
                facts.extra.append(text)
        image, removed = figures.read_figure(facts, self.url)
        self.removed.extend(removed)
        if image is not None:
            self.images.append(image)

    def _lone_image(self, img: Tag) -> None:
        src = str(img.get("src") or img.get("data-src") or "")
        if not src or src.startswith("data:"):
            return
        link = img.find_parent("a")
        if link is not None and cleanup.is_story_link(str(link.get("href") or ""), self.url):
            return  # a thumbnail of another story
        self.images.append(figures.image_record(src, self.url, str(img.get("alt") or ""), ""))
        self.uncaptioned = len(self.images) - 1

    def _caption_for_last_image(self, cap: Tag) -> None:
        """A caption element right after a lone image (table and custom CMS templates) is that image's."""
        assert self.uncaptioned is not None
        image = self.images[self.uncaptioned]
        facts = figures.Figure(src=image.src, alt=image.alt, caption=clean_ws(cap.get_text(" ")),
                               caption_parts=[clean_ws(t.get_text(" ")) for t in _tags(cap)])
        captioned, removed = figures.read_figure(facts, self.url)
        self.removed.extend(removed)
        if captioned is not None:
            self.images[self.uncaptioned] = captioned
        self.uncaptioned = None


def _text_chars(el: Tag, enough: int) -> int:
    """The length of an element's text, counted no further than just past `enough`."""
    total = 0
    for piece in el.strings:
        total += len(piece.strip())
        if total > enough:
            break
    return total


def _has_paragraph_breaks(p: Tag) -> bool:
    """Two <br> in a row (white space between them aside): the element holds several paragraphs."""
    previous_br = False
    for child in p.children:
        if isinstance(child, Tag):
            if child.name == "br":
                if previous_br:
                    return True
                previous_br = True
            else:
                previous_br = False
        elif str(child).strip():
            previous_br = False
    return False


def _sidebar_titles(anchors: list[Tag], scope: Tag, url: str, record: CleanRecord) -> set[str]:
    """Headlines of other stories linked anywhere on the page; those outside the body go to the audit."""
    titles: set[str] = set()
    for a in anchors:
        text = clean_ws(a.get_text(" "))
        if len(text.split()) < 4 or not cleanup.is_story_link(str(a["href"]), url):
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
