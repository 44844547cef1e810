"""The replica's content model: what a story is, independent of how a template renders it.

Stories are plain data (see `replica/stories/`); templates in `replica/site.py`
turn them into pages. The answer key is derived from the same data, so the expected clean record of
every article is known exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Image:
    """One image in an article, and how the page template mangles its caption."""

    src: str  # path on the outlet, e.g. "/news_pic/2022/<md5>.jpg" or "/world_pic/2017/name-1646347542.jpg"
    alt: str  # alt/title text; JEN often repeats a topic label or the headline here
    caption: str  # e.g. "Image: UNI"; "" for none
    credit: str  # e.g. "UNI", "Twitter/Stratcom Centre UA (@StratcomCentre)"; "" for none
    after_paragraph: int = 0  # 0 = lead image above the body; k = placed after body paragraph k (1-based)
    caption_twice: bool = False  # the template prints the caption a second time below the image
    alt_as_text: bool = False  # the alt/title text is also printed as visible text
    leak_filename: bool = False  # a fragment of the file name leaks into the text ("-1646347542.jpg)")


@dataclass(frozen=True)
class Story:
    """One article on one outlet. `paragraphs` is exactly the body a perfect cleaner returns."""

    outlet: str  # "justearthnews" or an outlet name from replica/outlets
    slug: str
    headline: str
    section: str  # world, india, business, sports, people, ...
    published: str  # ISO 8601 with offset; JEN uses +05:30
    paragraphs: tuple[str, ...]  # body paragraphs, the first may start with a dateline "Kyiv (JEN): "
    images: tuple[Image, ...] = ()
    byline: str = "Just Earth News"
    dateline: str | None = None  # "Kyiv" for "Kyiv (JEN): ..."; None when the lede has none
    credits: tuple[str, ...] = ()  # agency credits of the text, e.g. ("UNI",)
    # JEN addressing: "old" = /{section}-details/{code}/{id}/{slug}.html, "new" = /sections/{section}/{slug}/
    address_style: str = "old"
    code: str = "HC"
    article_id: int | None = None  # numeric id for old-style addresses and print pages
    # Syndication ground truth: stories sharing a cluster are copies of one wire story; the earliest
    # published member is the original. None = not part of any cluster.
    cluster: str | None = None
    # Hard negatives name the cluster/event they resemble without being copies (for the evaluation).
    resembles: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
