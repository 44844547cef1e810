"""Shared pieces of the replica: responses, per-page facts for the answer key, small HTML helpers.

Pages are rendered once with the placeholder origin `ORIGIN` in every absolute URL; the server swaps in
the origin of the request (``http://<Host header>``), so one build serves on any port.
"""

from __future__ import annotations

import hashlib
import html
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from replica.model import Image, Story

ORIGIN = "http://replica.invalid"
JEN = "justearthnews"
# Loopback address of each outlet; one server process binds all of them on one port.
OUTLET_HOSTS: dict[str, str] = {JEN: "127.0.0.1", "wftl": "127.0.0.2", "herald": "127.0.0.3", "monitor": "127.0.0.4"}
HTML_TYPE = "text/html; charset=utf-8"
IST = timezone(timedelta(hours=5, minutes=30))


# How a streamed body is framed on the wire (see `StreamedBody`).
FRAMINGS = ("length", "close", "chunked", "short")


@dataclass(frozen=True)
class StreamedBody:
    """A large body made on demand, chunk by chunk, so the replica never holds it whole.

    `parts` are ``(chunk, times)`` pairs sent in order. `framing`: ``length`` sends a true Content-Length;
    ``close`` sends none and closes the connection after the body; ``chunked`` uses chunked transfer
    encoding; ``short`` claims `claimed_extra` more bytes than it sends, then hangs up (data loss).
    """

    parts: tuple[tuple[bytes, int], ...]
    framing: str = "length"
    claimed_extra: int = 0

    def __post_init__(self) -> None:
        if self.framing not in FRAMINGS:
            raise ValueError(f"framing {self.framing!r} is not one of {FRAMINGS}")

    def __len__(self) -> int:
        return sum(len(chunk) * times for chunk, times in self.parts)

    def chunks(self, size: int = 256 * 1024) -> Iterator[bytes]:
        """The body in pieces of about `size` bytes (small repeated chunks are sent in batches)."""
        for chunk, times in self.parts:
            if not chunk or times <= 0:
                continue
            batch = max(1, size // len(chunk))
            block = chunk * min(batch, times)
            full, rest = divmod(times, batch)
            for _ in range(full):
                yield block
            if rest:
                yield chunk * rest

    def head(self, limit: int) -> bytes:
        """The first `limit` bytes (what a client that stops at its size limit would have seen)."""
        out = bytearray()
        for piece in self.chunks():
            out += piece[: limit - len(out)]
            if len(out) >= limit:
                break
        return bytes(out)

    def fingerprint(self) -> bytes:
        """Stable digest of the content and framing, without producing the body."""
        h = hashlib.sha256(f"{self.framing}\0{self.claimed_extra}\0".encode())
        for chunk, times in self.parts:
            h.update(hashlib.sha256(chunk).digest() + times.to_bytes(8, "big"))
        return h.digest()


@dataclass(frozen=True)
class Response:
    """One HTTP answer. `delay_seconds` makes the server sleep first; `reset` drops the connection.

    `stream`, when set, replaces `body`: the server produces it chunk by chunk (see `StreamedBody`).
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    delay_seconds: float = 0.0
    reset: bool = False
    stream: StreamedBody | None = None

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def content_type(self) -> str:
        return self.header("Content-Type") or ""

    def with_origin(self, origin: str) -> Response:
        """The same response with the placeholder origin replaced by a real one."""
        headers = tuple((k, v.replace(ORIGIN, origin)) for k, v in self.headers)
        # A streamed body is sent as it is: it is too large to rewrite, and holds no absolute URLs.
        return replace(self, headers=headers, body=self.body.replace(ORIGIN.encode(), origin.encode()))


@dataclass
class PageInfo:
    """What the answer key says about one served page (paths are relative to the outlet's origin)."""

    outlet: str
    path: str
    kind: str  # article | print | listing | sitemap | feed | robots | fault | hostile
    status: int = 200
    content_type: str = HTML_TYPE
    story: Story | None = None
    article_id: str | None = None  # the article shown, printed, or redirected to
    canonical_path: str | None = None
    sidebar: tuple[str, ...] = ()
    also_read: tuple[str, ...] = ()
    ticker: tuple[str, ...] = ()
    furniture: tuple[str, ...] = ()  # other text inside the content area that is not body (copyright, share)
    expected: str | None = None  # faults: http_404, http_500, redirect, not_html; hostile: see hostile.py
    links: tuple[str, ...] = ()  # listings, sitemaps, feed: article ids they point at
    next_path: str | None = None
    placeholders: tuple[str, ...] = ()
    filler: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def stable_int(text: str) -> int:
    """A hash that is the same in every process (unlike `hash()`)."""
    return zlib.crc32(text.encode("utf-8"))


def story_id(story: Story) -> str:
    """Stable article id: ``justearthnews:6181``, ``justearthnews:world/slug``, ``wftl:slug``."""
    if story.outlet == JEN:
        if story.address_style == "old" and story.article_id is not None:
            return f"{JEN}:{story.article_id}"
        return f"{JEN}:{story.section}/{story.slug}"
    return f"{story.outlet}:{story.slug}"


def parse_time(published: str) -> datetime:
    return datetime.fromisoformat(published)


def summary(story: Story, words: int = 28) -> str:
    text = story.paragraphs[0] if story.paragraphs else story.headline
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def html_response(body: str, status: int = 200, extra_headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, (("Content-Type", HTML_TYPE), *extra_headers), body.encode("utf-8"))


def text_response(body: str, content_type: str, status: int = 200) -> Response:
    return Response(status, (("Content-Type", content_type),), body.encode("utf-8"))


_TS_FILE = re.compile(r"(-\d{9,11}\.(?:jpe?g|png|gif|webp))$", re.IGNORECASE)


def leak_fragment(src: str) -> str:
    """The piece of a file name a broken image embed leaves in the text: ``-1646347542.jpg)``."""
    name = src.rsplit("/", 1)[-1]
    m = _TS_FILE.search(name)
    return (m.group(1) if m else name) + ")"


def figure_html(img: Image, css_class: str = "news-image") -> str:
    """An image with the template's caption mangling, as the Image flags describe.

    Seen by a text extractor as (at most) two lines: the "title" line (leaked file name, alt text,
    caption again) and the caption line (alt text when it is printed, then the caption).
    """
    first: list[str] = []
    if img.leak_filename:
        first.append(f'<span class="img-src">{esc(leak_fragment(img.src))}</span>')
    if img.alt_as_text and img.alt:
        first.append(f'<span class="img-title">{esc(img.alt)}</span>')
    if img.caption_twice and img.caption:
        first.append(f'<span class="img-credit">{esc(img.caption)}</span>')
    second: list[str] = []
    if img.alt_as_text and img.alt:
        second.append(f'<span class="img-alt">{esc(img.alt)}</span>')
    if img.caption:
        second.append(esc(img.caption))
    parts = [f'<figure class="{css_class}">',
             f'<img src="{esc(img.src)}" alt="{esc(img.alt)}" title="{esc(img.alt)}" loading="lazy">']
    if first:
        parts.append(f'<div class="img-text">{" ".join(first)}</div>')
    if second:
        parts.append(f"<figcaption>{' '.join(second)}</figcaption>")
    parts.append("</figure>")
    return "\n".join(parts)


def body_html(story: Story, figure_class: str = "news-image",
              insert: dict[int, str] | None = None) -> str:
    """Paragraphs as <p> with images placed after their paragraph; `insert` adds blocks after paragraph k."""
    insert = insert or {}
    by_pos: dict[int, list[Image]] = {}
    last = len(story.paragraphs)
    for img in story.images:
        by_pos.setdefault(min(img.after_paragraph, last), []).append(img)
    out = [figure_html(img, figure_class) for img in by_pos.get(0, [])]
    for k, para in enumerate(story.paragraphs, start=1):
        out.append(f"<p>{esc(para)}</p>")
        out.extend(figure_html(img, figure_class) for img in by_pos.get(k, []))
        if k in insert:
            out.append(insert[k])
    return "\n".join(out)


def json_ld(story: Story, canonical: str, image_urls: list[str], publisher: str) -> str:
    import json

    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline,
        "datePublished": story.published,
        "articleSection": story.section,
        "author": {"@type": "Organization" if story.byline == publisher else "Person", "name": story.byline},
        "publisher": {"@type": "Organization", "name": publisher},
        "mainEntityOfPage": canonical,
        "image": image_urls,
    }
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def urlset_xml(entries: list[tuple[str, str]]) -> str:
    rows = [f"<url><loc>{esc(loc)}</loc><lastmod>{esc(mod)}</lastmod></url>" for loc, mod in entries]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n")


def robots_txt(disallow: tuple[str, ...]) -> str:
    lines = ["User-agent: *", *(f"Disallow: {d}" for d in disallow), "", f"Sitemap: {ORIGIN}/sitemap.xml", ""]
    return "\n".join(lines)


def not_found_html(site_name: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Page not found | {esc(site_name)}</title>"
            f"</head><body><h1>404 Not Found</h1><p>The page you asked for is not on {esc(site_name)}.</p>"
            "<p><a href=\"/\">Home</a></p></body></html>")
