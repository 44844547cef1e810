"""The clean record: what the users read. One per article, produced by a pure parser."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ImageRecord:
    """One image, its caption once."""

    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class Removal:
    """Something the cleaner took out of the text, and why (the audit trail)."""

    kind: str  # caption_duplicate | alt_text | file_name | sidebar_headline | placeholder | ticker | byline | furniture
    text: str


@dataclass
class CleanRecord:
    """A cleaned article page. ``status`` says whether it is a full article, partial, or not one."""

    url: str
    canonical_url: str
    source: str
    status: str = "article"  # article | partial | not_article
    problems: list[str] = field(default_factory=list)  # why partial / not an article
    kind: str = "article"  # article | print
    parser: str = ""  # which parser produced it (module name, or "generic")
    fallback_from: str | None = None  # the publisher's parser that could not clean the page, when generic did
    title: str | None = None
    published: str | None = None  # ISO 8601 with offset
    byline: str | None = None
    dateline: str | None = None
    credits: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    text: str = ""
    images: list[ImageRecord] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
