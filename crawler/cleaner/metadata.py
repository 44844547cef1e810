"""Page metadata for every parser: title, publication time, author, site name, canonical URL, page type.

One reader. It scans the page's own tags (``<meta>``, ``<link rel=canonical>``, ``<title>``, JSON-LD) with
regular expressions: no tree, well under a millisecond. Given the page's lxml tree as well (the generic
path), it asks htmldate for the publication date when the tags give no timestamp, because htmldate knows
the many ways outlets print a date. (trafilatura's `extract_metadata` would also read the author from the
text, but it costs about 10 ms a page on real news pages, a third of trafilatura's whole extraction: the
generic path would then be slower than trafilatura, and the tags give the author on most pages that have one.)
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import unescape
from typing import Any

from htmldate import find_date

from crawler.cleaner.cleanup import clean_ws, norm

LOG = logging.getLogger("jen.cleaner")

# Where the head ends. An <h1> ends it too: pages with no <body> and no </head> (fragments, or an article
# inside <head>) would otherwise be read as 50,000 characters of head.
_HEAD_END = re.compile(r"<body[\s>]|</head\s*>|<h1[\s>]", re.I)
_META_TAG = re.compile(r"<meta\s[^>]*>", re.I)
_LINK_TAG = re.compile(r"<link\s[^>]*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_LD_JSON = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script\s*>", re.I | re.S)
# JSON-LD types that say "this page is one story".
ARTICLE_TYPES = frozenset({"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
                           "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "blogposting",
                           "socialmediaposting", "liveblogposting", "report", "scholarlyarticle", "techarticle"})
# What htmldate is asked for: the original publication time, with its offset when the page gives one.
_DATE_PARAMS = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
_PUBLISHED_TAGS = ("article:published_time", "ld:datepublished", "datepublished", "og:published_time",
                   "pubdate", "publishdate", "date")


@dataclass
class PageMeta:
    """What a page says about itself. Empty strings where it says nothing."""

    tags: dict[str, str] = field(default_factory=dict)  # meta name/property/itemprop -> content (first wins)
    title: str = ""  # the <title>
    canonical: str = ""
    author: str = ""
    site_name: str = ""
    published: str | None = None  # ISO 8601 with offset
    date_only: str = ""  # a date the page shows without a time (or without a zone), when that is all
    ld_types: set[str] = field(default_factory=set)  # JSON-LD @type values, lower-case
    body_start: int = 0  # offset in the HTML where the head ends
    problems: list[str] = field(default_factory=list)  # what went wrong while reading (for the record)

    @property
    def page_type(self) -> str:
        """og:type, lower-case ("article", "website", ...)."""
        return self.tags.get("og:type", "").lower()

    @property
    def says_article(self) -> bool:
        """The page calls itself one story (og:type, JSON-LD type or a publication-time tag)."""
        return (self.page_type == "article" or bool(self.ld_types & ARTICLE_TYPES)
                or "article:published_time" in self.tags)

    def headline(self, h1: str = "", site_names: tuple[str, ...] = ()) -> str:
        """The story's headline: the page's <h1> when its title tags agree, else the title tags' headline.

        A template's <h1> is sometimes the site's logo or a section name; og:title, the JSON-LD headline and
        the <title> (without the site's name) say which headline the page means.
        """
        names = (self.site_name, *site_names)
        claimed = [strip_site_name(t, names) for t in (self.tags.get("og:title"), self.tags.get("ld:headline"),
                                                       self.tags.get("twitter:title"), self.title) if t]
        h1 = clean_ws(h1)
        key = norm(h1)
        if key and (not claimed or any(_same_headline(key, norm(c)) for c in claimed)):
            return h1
        return next((c for c in claimed if c), h1)


def _same_headline(h1: str, claimed: str) -> bool:
    """The <h1> is the headline the title tags name: equal, or one a part of the other (a title tag may add a
    tagline, an <h1> a kicker), unless the <h1> is a single word (a logo, a section name)."""
    return h1 == claimed or ((h1 in claimed or claimed in h1) and len(h1.split()) >= 2)


def read(html: str, tree: Any = None, url: str = "", default_tz: timezone | None = None) -> PageMeta:
    """The page's metadata. Given `tree` (the page as an lxml tree), htmldate reads the date the tags do not give.

    `default_tz` is the zone of times printed without one (a publisher's own local time); without it such a
    time only counts as a date.
    """
    meta = _read_tags(html)
    for key in _PUBLISHED_TAGS:
        meta.published, date_only = _from_value(meta.tags.get(key), default_tz)
        meta.date_only = meta.date_only or date_only
        if meta.published:
            break
    if tree is not None and meta.published is None:
        try:
            found = find_date(tree, url=url or None, **_DATE_PARAMS)
        except Exception as exc:  # a bug in a date heuristic must not cost the page its body
            LOG.exception("htmldate failed on %s", url)
            meta.problems.append(f"parser error: htmldate: {type(exc).__name__}: {exc}")
            found = None
        meta.published, date_only = _from_value(found, default_tz)
        meta.date_only = meta.date_only or date_only
    if meta.published:
        meta.date_only = ""
    return meta


def _read_tags(html: str) -> PageMeta:
    end_match = _HEAD_END.search(html)
    head_end = end_match.start() if end_match else min(len(html), 50_000)
    head = html[:head_end]
    meta = PageMeta(body_start=head_end)
    for tag in _META_TAG.findall(head):
        a = attributes(tag)
        key = a.get("property") or a.get("name") or a.get("itemprop")
        if key and "content" in a:
            meta.tags.setdefault(key.lower(), a["content"].strip())
    for tag in _LINK_TAG.findall(head):
        a = attributes(tag)
        if "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            meta.canonical = meta.canonical or a["href"].strip()
    if m := _TITLE_TAG.search(head):
        meta.title = clean_ws(unescape(m.group(1)))
    for block in _LD_JSON.findall(html):
        for item in json_ld_items(block):
            kinds = item.get("@type")
            for kind in kinds if isinstance(kinds, list) else [kinds]:
                if isinstance(kind, str):
                    meta.ld_types.add(kind.lower())
            if isinstance(item.get("headline"), str):
                meta.tags.setdefault("ld:headline", clean_ws(item["headline"]))
            if "datePublished" in item:
                meta.tags.setdefault("ld:datepublished", str(item["datePublished"]))
            author = item.get("author")
            if isinstance(author, list) and author:
                author = author[0]
            if isinstance(author, dict) and author.get("name"):
                meta.tags.setdefault("ld:author", clean_ws(str(author["name"])))
    meta.author = meta.tags.get("ld:author") or meta.tags.get("author") or ""
    meta.site_name = meta.tags.get("og:site_name", "")
    return meta


def attributes(tag: str) -> dict[str, str]:
    """The attributes of one start tag's source text, names lower-case, entities decoded."""
    return {m[1].lower(): unescape(m[2] if m[2] is not None else m[3] if m[3] is not None else m[4])
            for m in _ATTR.finditer(tag)}


def json_ld_items(text: str) -> Iterator[dict]:
    """Every object of one JSON-LD block, ``@graph`` members included; nothing if it is not JSON."""
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


def _from_value(value: str | None, default_tz: timezone | None) -> tuple[str | None, str]:
    """(ISO timestamp with offset, or None; the date alone when that is all the value gives)."""
    if not value:
        return None, ""
    text = value.strip().replace("Z", "+00:00")
    # "+0530" (htmldate's %z) -> "+05:30", which fromisoformat reads on every Python 3.11 build.
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None, ""
    if when.tzinfo is None and default_tz is not None and "T" in text:
        when = when.replace(tzinfo=default_tz)
    if when.tzinfo is None:
        return None, when.date().isoformat()
    return when.isoformat(), ""


def strip_site_name(title: str, site_names: tuple[str, ...]) -> str:
    """"Headline | Site" -> "Headline", for any of `site_names`."""
    title = clean_ws(title)
    for name in site_names:
        if name:
            title = re.sub(rf"\s*[|–—:-]\s*{re.escape(name)}\s*$", "", title, flags=re.I)
    return title.strip()
