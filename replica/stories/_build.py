"""Small builders that keep the story modules readable: prose blocks, slugs, image paths, copy edits.

Story prose is written as triple-quoted blocks (paragraphs separated by a blank line, lines wrapped
for the line-length limit) and joined back into one string per paragraph by `paras`. Syndicated copies
are built with `rework`, which says exactly which paragraphs of the original a copy kept, merged or
replaced and which words it swapped, the way a wire desk edits a story.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime

from replica.model import Image, Story

JEN = "justearthnews"

# Section -> the one- or two-letter code JEN puts in old-style addresses.
SECTION_CODES = {
    "world": "W",
    "india": "I",
    "business": "B",
    "sports": "S",
    "people": "HC",
    "environment": "HC",
    "entertainment": "P",
}


def paras(text: str) -> tuple[str, ...]:
    """Split a prose block into paragraphs; the lines of one paragraph are joined with single spaces."""
    blocks = re.split(r"\n[ \t]*\n", text.strip())
    return tuple(" ".join(line.strip() for line in block.splitlines() if line.strip()) for block in blocks)


def slugify(headline: str) -> str:
    """JEN-style slug: lower case, every run of non-alphanumerics becomes one hyphen."""
    text = headline.lower().replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def md5_src(folder: str, key: str) -> str:
    """A newer-style image path, `/news_pic/2022/<md5>.jpg`, stable for a given key."""
    return f"/{folder}/2022/{hashlib.md5(key.encode()).hexdigest()}.jpg"


def ts_src(section: str, name: str, published: str, minutes_later: int = 7) -> str:
    """An older-style image path, `/<section>_pic/2022/<name>-<unix ts>.jpg`; the upload follows the story."""
    ts = int(datetime.fromisoformat(published).timestamp()) + minutes_later * 60 + 17
    return f"/{section}_pic/2022/{name}-{ts}.jpg"


def rework(
    paragraphs: Sequence[str],
    layout: Sequence[int | tuple[int, ...] | str],
    swaps: Sequence[tuple[str, str]] = (),
) -> tuple[str, ...]:
    """Build a copy's body from an original's paragraphs.

    `layout` lists the copy's paragraphs in order: an int keeps that (0-based) paragraph of the original,
    a tuple of ints merges those paragraphs into one, a string is a paragraph written for the copy.
    Paragraphs left out are dropped; stopping early trims the end. `swaps` are (old, new) replacements
    applied to the result; each must change something, so an edit can never silently miss.
    """
    out: list[str] = []
    for item in layout:
        if isinstance(item, int):
            out.append(paragraphs[item])
        elif isinstance(item, tuple):
            out.append(" ".join(paragraphs[i] for i in item))
        else:
            out.append(item)
    for old, new in swaps:
        hits = [i for i, p in enumerate(out) if old in p]
        if not hits:
            raise ValueError(f"swap {old!r} matches nothing")
        out = [p.replace(old, new) for p in out]
    return tuple(out)


def jen(
    headline: str,
    section: str,
    published: str,
    body: Sequence[str],
    *,
    images: Sequence[Image] = (),
    dateline: str | None = None,
    credits: Sequence[str] = (),
    article_id: int | None = None,
    code: str | None = None,
    new: bool = False,
    cluster: str | None = None,
    resembles: str | None = None,
    tags: Sequence[str] = (),
    slug: str | None = None,
    byline: str = "Just Earth News",
) -> Story:
    """A Just Earth News story; old-style address unless `new`, slug derived from the headline."""
    if dateline is not None and not body[0].startswith(f"{dateline} (JEN): "):
        raise ValueError(f"{headline!r}: lede does not carry the dateline {dateline!r}")
    if not new and article_id is None:
        raise ValueError(f"{headline!r}: old-style JEN address needs an article_id")
    return Story(
        outlet=JEN,
        slug=slug or slugify(headline),
        headline=headline,
        section=section,
        published=published,
        paragraphs=tuple(body),
        images=tuple(images),
        byline=byline,
        dateline=dateline,
        credits=tuple(credits),
        address_style="new" if new else "old",
        code=code or SECTION_CODES[section],
        article_id=None if new else article_id,
        cluster=cluster,
        resembles=resembles,
        tags=tuple(tags),
    )


def outlet_story(
    outlet: str,
    headline: str,
    section: str,
    published: str,
    body: Sequence[str],
    *,
    byline: str,
    images: Sequence[Image] = (),
    dateline: str | None = None,
    credits: Sequence[str] = (),
    cluster: str | None = None,
    resembles: str | None = None,
    tags: Sequence[str] = (),
    slug: str | None = None,
) -> Story:
    """A story on one of the other outlets; they have no numeric ids, so the address is slug-only."""
    return Story(
        outlet=outlet,
        slug=slug or slugify(headline),
        headline=headline,
        section=section,
        published=published,
        paragraphs=tuple(body),
        images=tuple(images),
        byline=byline,
        dateline=dateline,
        credits=tuple(credits),
        address_style="new",
        code="",
        article_id=None,
        cluster=cluster,
        resembles=resembles,
        tags=tuple(tags),
    )
