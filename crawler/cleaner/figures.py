"""Figures and captions for every parser: which elements are figures and captions, and one image record each.

Templates print a caption in many ways: ``<figure>`` + ``<figcaption>``, WordPress' ``div.wp-caption`` +
``p.wp-caption-text``, a ``<span class="caption">`` after the image in a table cell, the alt text again
beside the caption, the image's file name as text. A parser reads what its tree holds about one figure
into a `Figure` (plain strings, so the bs4 parser and the lxml parser share this module) and `read_figure`
turns it into one `ImageRecord`, caption once, with everything else the figure printed named for the audit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from crawler.cleaner.cleanup import FILE_NAME, caption_credit, clean_ws, is_caption_line, norm
from crawler.cleaner.record import ImageRecord, Removal

# Class names of elements that hold one image and its caption (WordPress, Drupal, common themes).
_FIGURE_CLASS = re.compile(r"(?:^|[\s_-])(?:wp-caption|wp-block-image|image-(?:block|box|wrap|container)|"
                           r"img-(?:box|wrap|container)|photo-(?:box|wrap)|figure|media-image|inline-image|"
                           r"article-image|story-image|picture)(?:$|[\s_-])", re.I)
# Class names of caption and credit elements.
_CAPTION_CLASS = re.compile(r"(?:^|[\s_-])(?:wp-caption-text|caption|figcaption|img-text|image-text|"
                            r"photo-text|img-caption|image-caption|photo-caption|credit|credits|photo-credit|"
                            r"image-credit|cutline)(?:$|[\s_-])", re.I)

IMAGE_TAGS = ("img", "amp-img")
# A box of an image and a caption holds no more text than a long caption.
MAX_CAPTION_CHARS = 400
# How far above its image a figure's element may stand (<figure><a><picture><img>), and how many elements
# a box of an image and its caption holds at most.
MAX_FIGURE_DEPTH = 4
MAX_FIGURE_ELEMENTS = 40
_BOX_TAGS = frozenset({"div", "span", "p", "section", "picture"})


def is_figure(tag: str, classes: str) -> bool:
    """An element that holds one image and its caption: ``<figure>`` or a figure-like class."""
    return tag == "figure" or (tag in ("div", "span", "p", "table", "section") and bool(_FIGURE_CLASS.search(classes)))


def holds_one_figure(tag: str, classes: str, has_caption: Callable[[], bool], text_chars: Callable[[], int]) -> bool:
    """An element around an image that is its figure: ``<figure>``, a figure-like class, or a small box of the
    image and a caption element ("<div><picture><img></picture><div class=media-caption>…</div></div>").

    `has_caption` and `text_chars` (the element's text length) are only asked when the answer depends on them.
    """
    if is_figure(tag, classes):
        return True
    return tag in _BOX_TAGS and text_chars() <= MAX_CAPTION_CHARS and has_caption()


def is_caption(tag: str, classes: str) -> bool:
    """A caption or credit element: ``<figcaption>`` or a caption-like class."""
    return tag == "figcaption" or (tag not in ("figure", "img", "body", "article", "main")
                                   and bool(_CAPTION_CLASS.search(classes)))


@dataclass
class Figure:
    """What a parser found in one figure: plain strings, whatever tree they came from."""

    src: str = ""
    alt: str = ""
    caption: str = ""  # the caption element's whole text
    caption_parts: list[str] = field(default_factory=list)  # texts of the elements inside the caption
    extra: list[str] = field(default_factory=list)  # every other text printed in the figure


def read_figure(fig: Figure, base_url: str) -> tuple[ImageRecord | None, list[Removal]]:
    """One image record, caption once (alt text printed before it cut off), and the audit of the rest."""
    alt = clean_ws(fig.alt)
    # The alt printed as its own element inside the caption ("<span>Alt</span> Image: UNI").
    alt_shown = bool(alt) and any(norm(part) == norm(alt) for part in fig.caption_parts)
    caption, removed = split_caption(alt, fig.caption, alt_shown)
    image = image_record(fig.src, base_url, alt, caption) if fig.src else None
    if image is None and caption:
        removed.append(Removal("caption_duplicate", caption))
    for text in fig.extra:
        removed.extend(name_figure_text(text, alt, caption))
    return image, removed


def image_record(src: str, base_url: str, alt: str, caption: str) -> ImageRecord:
    """One image record: absolute src, alt and caption cleaned, credit derived from the caption."""
    caption = clean_ws(caption)
    alt = clean_ws(alt)
    credit = caption_credit(caption) if caption else ""
    return ImageRecord(src=urljoin(base_url, src.strip()), alt=alt, caption=caption, credit=credit)


def drop_prefix(text: str, prefix: str) -> str:
    """Remove `prefix` (compared loosely, by `norm`) from the start of `text`."""
    words = text.split()
    want = norm(prefix)
    for i in range(1, len(words) + 1):
        if norm(" ".join(words[:i])) == want:
            return " ".join(words[i:])
    return text


def split_caption(alt: str, caption_text: str, alt_shown: bool = False) -> tuple[str, list[Removal]]:
    """A figure's caption once: templates print the alt text before the caption inside <figcaption>.

    The alt is cut off the front only when what follows is a credit line ("Alt Image: UNI") or the page
    prints the alt as its own element (`alt_shown`); "Jadeja celebrates a wicket on day three. Photo: X"
    merely starts with its alt and stays whole.
    """
    caption = clean_ws(caption_text)
    removed: list[Removal] = []
    if alt and caption != alt and norm(caption).startswith(norm(alt) + " "):
        rest = drop_prefix(caption, alt)
        if alt_shown or is_caption_line(rest) or norm(rest) == norm(alt):
            removed.append(Removal("alt_text", alt))
            caption = rest
        # "Image: UNI Image: UNI" (alt equal to the caption, printed before it)
    half = caption.split()
    if len(half) % 2 == 0 and half and norm(" ".join(half[: len(half) // 2])) == norm(" ".join(half[len(half) // 2:])):
        removed.append(Removal("caption_duplicate", " ".join(half[len(half) // 2:])))
        caption = " ".join(half[: len(half) // 2])
    return caption, removed


def name_figure_text(text: str, alt: str, caption: str) -> list[Removal]:
    """Name the pieces of a figure's extra visible text: leaked file name, alt text, caption again."""
    out: list[Removal] = []
    rest = text
    while m := FILE_NAME.search(rest):
        out.append(Removal("file_name", m.group(0)))
        rest = (rest[: m.start()] + " " + rest[m.end():]).strip()
    if not norm(rest):
        return out
    if alt and norm(rest).startswith(norm(alt)):
        out.append(Removal("alt_text", alt))
        rest = drop_prefix(rest, alt)
    if not norm(rest):
        return out
    if caption and norm(rest) == norm(caption):
        out.append(Removal("caption_duplicate", caption))
    else:
        out.append(Removal("furniture", clean_ws(rest)))
    return out
