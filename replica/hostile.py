"""Hostile pages: a deterministic corpus of broken, lying and oversized pages on Just Earth News.

Registered only by ``build_site(hostile=True)``. Every page sits at an article-looking address,
``/hostile-details/HX/{id}/{family}-{variant}.html``, so the spider fetches it as an article. The pages
are reached only through their own listing (``/sections/hostile/``, ``?page=N``; linked from nowhere
else) and the child sitemap ``/sitemap-hostile.xml`` (listed in the sitemap index).

Families (several variants each): truncated HTML, binary served as HTML, wrong content types,
compression bombs (gzip, deflate, br, zstd), 50 MB bodies (with and without a length), 10,000-deep
nesting, lying charsets and BOMs, script-only pages, megabyte attributes, pages without <body>, empty
answers, NUL bytes, malformed entities, 100,000-link pages, broken <html> structure, degenerate text.

Large bodies are `StreamedBody` recipes (a chunk repeated), produced only while being sent; compression
bombs are a few hundred KB each, built once per process.

Expected outcome classes (the answer key's ``expected``):

* ``failure:<reason>`` — a dead letter with that reason (``too_large``, ``not_html``,
  ``connection_lost``, ``bad_encoding``)
* ``not_article`` — a dead letter with reason ``not_article`` (the cleaner found no article)
* ``partial`` / ``article`` — a stored record with that status (``partial`` lists its problems)
"""

from __future__ import annotations

import functools
import gzip
import random
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from replica.pages import (
    HTML_TYPE,
    IST,
    JEN,
    ORIGIN,
    PageInfo,
    Response,
    StreamedBody,
    esc,
    text_response,
    urlset_xml,
)

SECTION = "hostile"
CODE = "HX"
FIRST_ID = 70001
LISTING_PATH = "/sections/hostile/"
SITEMAP_PATH = "/sitemap-hostile.xml"
PER_LISTING_PAGE = 25
MB = 1024 * 1024
# The crawler's download limit (config politeness.download_maxsize); "too large" pages are well above it.
LIMIT = 10 * MB

ARTICLE, PARTIAL, NOT_ARTICLE = "article", "partial", "not_article"
TOO_LARGE, NOT_HTML = "failure:too_large", "failure:not_html"
CONNECTION_LOST, BAD_ENCODING = "failure:connection_lost", "failure:bad_encoding"
OUTCOMES = (ARTICLE, PARTIAL, NOT_ARTICLE, TOO_LARGE, NOT_HTML, CONNECTION_LOST, BAD_ENCODING)


@dataclass(frozen=True)
class HostilePage:
    """One hostile page: where it is, what it serves, and what a robust crawler records for it."""

    family: str
    variant: str
    expected: str  # one of OUTCOMES
    response: Response
    note: str = ""
    article_id: int = 0

    @property
    def path(self) -> str:
        return f"/{SECTION}-details/{CODE}/{self.article_id}/{self.family}-{self.variant}.html"

    def body(self, limit: int | None = None) -> bytes:
        """The bytes on the wire (streamed bodies: only the first `limit` bytes)."""
        if self.response.stream is None:
            return self.response.body
        return self.response.stream.head(limit if limit is not None else len(self.response.stream))


# ------------------------------------------------------------------------------------------------ text

_WORDS = (
    "river council budget harvest monsoon railway bridge school hospital festival court tariff farmer "
    "fisher trader union minister governor district village highway airport ferry flood drought cyclone "
    "forest wetland mangrove delta glacier reservoir canal refinery factory textile coffee market pension "
    "salary audit survey census panel tribunal commission patrol border convoy clinic nurse outbreak museum "
    "library theatre poet painter stadium cricket hockey coach startup satellite telescope battery turbine "
    "grid drone camera archive temple pilgrim tourist bakery orchard quarry lighthouse tramway observatory"
).split()
_PLACES = ("Agartala", "Silchar", "Tezpur", "Jorhat", "Dibrugarh", "Aizawl", "Kohima", "Itanagar", "Gangtok",
           "Siliguri", "Cuttack", "Rourkela", "Asansol", "Durgapur", "Haldia", "Bokaro")
_VERBS = ("inspected", "reopened", "delayed", "expanded", "reviewed", "funded", "questioned", "restored",
          "surveyed", "mapped", "audited", "postponed")


@dataclass(frozen=True)
class Story:
    title: str
    paragraphs: tuple[str, ...]
    published: str


def story(n: int, accents: bool = False) -> Story:
    """A unique, seeded article for hostile page `n` (six paragraphs of about 45 words)."""
    rng = random.Random(f"hostile-story:{n}")
    place = _PLACES[n % len(_PLACES)]
    a, b = rng.sample(_WORDS, 2)
    title = f"{place}: {a.title()} {b} {rng.choice(_VERBS)} after review {n}"
    paragraphs = []
    for p in range(6):
        sentences = []
        for s in range(3):
            w = rng.choices(_WORDS, k=7)
            sentences.append(f"The {w[0]} {w[1]} {rng.choice(_VERBS)} {rng.randrange(2, 990)} {w[2]} {w[3]} near "
                             f"{place} before the {w[4]} {w[5]} of the {w[6]} (item {n}.{p}.{s}).")
        text = " ".join(sentences)
        if accents:
            text = text.replace("The ", "“The ", 1).replace(").", ").” Café owners in Zürich were naïve — "
                                                                   "it’s déjà vu.", 1)
        paragraphs.append(f"{place} (JEN): {text}" if p == 0 else text)
    when = datetime(2022, 1, 15, 9, 0, tzinfo=IST) - timedelta(hours=n)
    return Story(title, tuple(paragraphs), when.isoformat())


def _byline_time(published: str) -> str:
    when = datetime.fromisoformat(published)
    return when.strftime("%d %b %Y, %I:%M ") + when.strftime("%p").lower()


def page_html(st: Story, *, charset: str = '<meta charset="utf-8">', head_extra: str = "",
              body_open: str = '<body class="details-page">', before: str = "", inside_after: str = "",
              after: str = "", content_open: str = '<div class="news-content">', content_close: str = "</div>",
              paragraphs: list[str] | None = None, tail: str = "</body>\n</html>\n") -> str:
    """A JEN-like article page with hooks where each hostile variant puts its poison."""
    paras = paragraphs if paragraphs is not None else [f"<p>{esc(p)}</p>" for p in st.paragraphs]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n" + charset + "\n"
            f"<title>{esc(st.title)} | Just Earth News</title>\n"
            "<meta property=\"og:site_name\" content=\"Just Earth News\">\n"
            "<meta property=\"og:type\" content=\"article\">\n"
            f"<meta property=\"article:published_time\" content=\"{st.published}\">\n" + head_extra +
            "</head>\n" + body_open + "\n<main class=\"container\"><article class=\"news-details\">\n"
            f"<h1>{esc(st.title)}</h1>\n<div class=\"byline\"><span class=\"author\">Just Earth News</span> | "
            f"<time datetime=\"{st.published}\">{_byline_time(st.published)}</time></div>\n" + before +
            content_open + "\n" + "\n".join(paras) + "\n" + inside_after + content_close + "\n" + after +
            "</article></main>\n<footer class=\"site-footer\"><p>© 2022 Just Earth News. All rights reserved."
            "</p></footer>\n" + tail)


def _resp(body: bytes | str, content_type: str | None = HTML_TYPE, status: int = 200,
          headers: tuple[tuple[str, str], ...] = ()) -> Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    base = (("Content-Type", content_type),) if content_type is not None else ()
    return Response(status, base + headers, data)


def _streamed(parts: list[tuple[bytes | str, int]], framing: str = "length", claimed_extra: int = 0,
              content_type: str = HTML_TYPE, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    encoded = tuple((p.encode("utf-8") if isinstance(p, str) else p, n) for p, n in parts)
    return Response(200, (("Content-Type", content_type), *headers), b"",
                    stream=StreamedBody(encoded, framing, claimed_extra))


def _split(html: str, marker: str) -> tuple[str, str]:
    """The page cut in two around `marker` (for streamed variants: prefix, then the poison, then the rest)."""
    head, sep, rest = html.partition(marker)
    return head, sep + rest


# ------------------------------------------------------------------------------------- compression bombs

def _deflate_blocks(chunk: bytes) -> tuple[bytes, bytes]:
    """Raw deflate of `chunk` ending on a full flush (repeatable back to back), and the final empty block."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    return block, co.flush(zlib.Z_FINISH)


@functools.cache
def gzip_bomb(megabytes: int, html: bool = False) -> bytes:
    """One gzip member inflating to `megabytes` MB of zeros (or of HTML), a few hundred KB on the wire."""
    chunk = _bomb_chunk(html)
    block, end = _deflate_blocks(chunk)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    size = (len(chunk) * megabytes) & 0xFFFFFFFF
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + block * megabytes + end + crc.to_bytes(4, "little") + size.to_bytes(4, "little")


@functools.cache
def zlib_bomb(megabytes: int, raw: bool = False) -> bytes:
    """Deflate (zlib-wrapped, or raw as some servers send it) inflating to `megabytes` MB of zeros."""
    chunk = _bomb_chunk(False)
    block, end = _deflate_blocks(chunk)
    if raw:
        return block * megabytes + end
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + block * megabytes + end + adler.to_bytes(4, "big")


@functools.cache
def multi_member_gzip_bomb(megabytes: int) -> bytes:
    """`megabytes` gzip members of 1 MB of zeros each: valid gzip, and no single member looks big."""
    return gzip.compress(_bomb_chunk(False), compresslevel=9, mtime=0) * megabytes


@functools.cache
def brotli_bomb(megabytes: int) -> bytes:
    import brotli

    chunk = _bomb_chunk(False)
    compressor = brotli.Compressor(quality=1)
    out = [compressor.process(chunk) for _ in range(megabytes)]
    return b"".join(out) + compressor.finish()


@functools.cache
def zstd_bomb(megabytes: int) -> bytes:
    try:
        from compression import zstd  # type: ignore[import-not-found]
    except ImportError:
        from backports import zstd  # type: ignore[import-not-found,no-redef]
    chunk = _bomb_chunk(False)
    compressor = zstd.ZstdCompressor()
    out = [compressor.compress(chunk) for _ in range(megabytes)]
    return b"".join(out) + compressor.flush()


@functools.cache
def _bomb_chunk(html: bool) -> bytes:
    if not html:
        return bytes(MB)
    unit = b'<div class="row"><p>bomb bomb bomb bomb bomb bomb bomb bomb</p></div>\n'
    return (unit * (MB // len(unit) + 1))[:MB]


# ------------------------------------------------------------------------------------------- families

Variant = tuple[str, str, Response, str]  # (variant, expected, response, note)
Builder = Callable[[int], Iterator[Variant]]


def _truncated(n: int) -> Iterator[Variant]:
    st = story(n)
    html = page_html(st).encode("utf-8")
    first_p = html.index(b"</p>") + 4
    fourth_p = first_p
    for _ in range(3):
        fourth_p = html.index(b"</p>", fourth_p) + 4
    positions = {"head": html.index(b"</title>") + 8, "lede": first_p, "late": fourth_p,
                 "end": html.index(b"</body>")}
    cuts = {
        "mid-tag": b"\n<sec",
        "mid-attribute": b'\n<a class="also" href="/world-details/HC/6181/second-round-of-talks',
        "mid-unquoted-attribute": b"\n<img src=/news_pic/2022/ab12",
        "mid-comment": b"\n<!-- ad slot 3: the rest of this page was lost in",
        "mid-entity": b"\n<p>The minister&rsqu",
        "mid-script": b'\n<script>window.dataLayer = [{"page": "',
        "mid-utf8": b"\n<p>Caf\xc3",  # the first byte of a two-byte "é"
        "mid-style": b"\n<style>.news-content p { color: #3",
        "mid-cdata": b"\n<![CDATA[ legacy widget data that never",
    }
    for where, pos in positions.items():
        for style, fragment in cuts.items():
            expected = NOT_ARTICLE if where == "head" else PARTIAL
            yield (f"{style}-{where}", expected, _resp(html[:pos] + fragment),
                   f"cut {where}: {'no body at all' if where == 'head' else 'the body so far, no </html>'}")


def _binary(n: int) -> Iterator[Variant]:
    rng = random.Random(f"hostile-binary:{n}")
    article = page_html(story(n)).encode("utf-8")
    bodies = {
        "random-1k": rng.randbytes(1024),
        "random-64k": rng.randbytes(64 * 1024),
        "random-1m": rng.randbytes(MB),
        "html-prefix-then-random": b"<!DOCTYPE html><html><head><title>x</title>" + rng.randbytes(64 * 1024),
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(32 * 1024),
        "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(32 * 1024),
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Length 9000>>stream\n" + rng.randbytes(32 * 1024),
        "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + rng.randbytes(32 * 1024),
        "elf": b"\x7fELF\x02\x01\x01\x00" + rng.randbytes(32 * 1024),
        "gzip-without-encoding": gzip.compress(article, mtime=0),
        "all-nul": bytes(64 * 1024),
        "all-ff": b"\xff" * 64 * 1024,
        "high-bytes": bytes(rng.randrange(128, 256) for _ in range(16 * 1024)),
        "utf32-without-bom": article.decode("utf-8").encode("utf-32-le"),
        "printable-no-markup": bytes(rng.randrange(33, 127) for _ in range(16 * 1024)).replace(b"<", b"."),
        "base64-blob": __import__("base64").b64encode(rng.randbytes(24 * 1024)),
    }
    for name, body in bodies.items():
        yield name, NOT_ARTICLE, _resp(body), "binary or markup-free bytes labelled text/html"


def _wrong_type(n: int) -> Iterator[Variant]:
    rng = random.Random(f"hostile-type:{n}")
    article = page_html(story(n))
    for name, ctype, body in (
        ("octet-stream", "application/octet-stream", rng.randbytes(8192)),
        ("png", "image/png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(8192)),
        ("jpeg", "image/jpeg", b"\xff\xd8\xff\xe0" + rng.randbytes(8192)),
        ("pdf", "application/pdf", b"%PDF-1.4\n" + rng.randbytes(8192)),
        ("zip", "application/zip", b"PK\x03\x04" + rng.randbytes(8192)),
        ("mp4", "video/mp4", b"\x00\x00\x00\x18ftypmp42" + rng.randbytes(8192)),
        ("json", "application/json", b'{"news": {"title": "not a page"}}'),
        ("plain-text-with-html", "text/plain; charset=utf-8", article.encode()),
        ("css", "text/css", b".news-content p { color: red }\n" * 100),
        ("javascript", "application/javascript", b"document.write('<p>hello</p>');\n" * 100),
        ("xml", "application/xml", b'<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>'),
    ):
        yield name, NOT_HTML, _resp(body, ctype), f"Content-Type {ctype}: not an HTML page"
    yield ("missing-type-binary", NOT_ARTICLE, _resp(rng.randbytes(8192), None),
           "no Content-Type: the .html address makes it HTML to Scrapy, and the cleaner finds binary")
    yield ("xhtml", ARTICLE, _resp(article, "application/xhtml+xml; charset=utf-8"),
           "application/xhtml+xml is HTML")
    yield "missing-type-html", ARTICLE, _resp(article, None), "no Content-Type, but the body is an HTML page"


def _bombs(n: int) -> Iterator[Variant]:
    st = story(n)
    just_under = page_html(st, after="<!-- " + "filler " * ((9 * MB) // 7) + " -->\n").encode()
    corrupt = random.Random(f"hostile-bomb:{n}").randbytes(4096)
    for name, body, encoding, expected, note in (
        ("gzip-300mb-zeros", gzip_bomb(300), "gzip", TOO_LARGE, "300 MB of zeros in 300 KB"),
        ("gzip-500mb-html", gzip_bomb(500, html=True), "gzip", TOO_LARGE, "500 MB of HTML"),
        ("x-gzip-300mb", gzip_bomb(300), "x-gzip", TOO_LARGE, "legacy x-gzip name"),
        ("gzip-multimember-400mb", multi_member_gzip_bomb(400), "gzip", TOO_LARGE, "400 members of 1 MB"),
        ("gzip-nested-twice", gzip.compress(gzip_bomb(300), mtime=0), "gzip, gzip", TOO_LARGE,
         "a bomb inside a gzip"),
        ("gzip-truncated-bomb", gzip_bomb(300)[: len(gzip_bomb(300)) // 2], "gzip", TOO_LARGE,
         "half a bomb still inflates to 150 MB"),
        ("gzip-just-over-limit", gzip_bomb(11), "gzip", TOO_LARGE, "11 MB: just over the 10 MB limit"),
        ("gzip-as-octet-stream", gzip_bomb(300), "gzip", TOO_LARGE, "inflated before the type is looked at"),
        ("deflate-zlib-300mb", zlib_bomb(300), "deflate", TOO_LARGE, "zlib-wrapped deflate"),
        ("deflate-raw-300mb", zlib_bomb(300, raw=True), "deflate", TOO_LARGE, "raw deflate"),
        ("br-300mb", brotli_bomb(300), "br", TOO_LARGE, "brotli"),
        ("zstd-1gb", zstd_bomb(1024), "zstd", TOO_LARGE, "zstd, 1 GB"),
        ("gzip-just-under-limit", gzip.compress(just_under, compresslevel=1, mtime=0), "gzip", PARTIAL,
         "9 MB inflated: fetched, then trimmed by the cleaner's input limit"),
        ("gzip-corrupt", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + corrupt, "gzip", BAD_ENCODING,
         "gzip header, then garbage"),
        ("deflate-corrupt", b"\x78\x9c" + corrupt, "deflate", BAD_ENCODING, "zlib header, then garbage"),
        ("br-corrupt", corrupt, "br", BAD_ENCODING, "not brotli at all"),
        ("unknown-encoding", gzip.compress(page_html(st).encode(), mtime=0), "compress", NOT_ARTICLE,
         "an encoding nobody decodes: the page stays compressed bytes"),
    ):
        ctype = "application/octet-stream" if name == "gzip-as-octet-stream" else HTML_TYPE
        yield name, expected, _resp(body, ctype, headers=(("Content-Encoding", encoding),)), note


def _huge(n: int) -> Iterator[Variant]:
    st = story(n)
    head, rest = _split(page_html(st), "</div>\n</article>")
    filler = "<p>" + "filler text that goes on and on " * 32 + "</p>\n"  # ~1 KB
    per_mb = MB // len(filler)
    attr_head, attr_rest = _split(page_html(st), "<h1>")
    for name, mb, framing in (("50mb-length", 50, "length"), ("50mb-close", 50, "close"),
                              ("50mb-chunked", 50, "chunked"), ("11mb-length", 11, "length"),
                              ("11mb-close", 11, "close"), ("100mb-chunked", 100, "chunked")):
        yield (name, TOO_LARGE, _streamed([(head, 1), (filler, per_mb * mb), (rest, 1)], framing),
               f"{mb} MB of paragraphs, framing {framing}")
    yield ("50mb-text-node-close", TOO_LARGE,
           _streamed([(head + "<p>", 1), ("x" * 4096, 50 * MB // 4096), ("</p>" + rest, 1)], "close"),
           "one 50 MB text node, no Content-Length")
    yield ("50mb-attribute-chunked", TOO_LARGE,
           _streamed([(attr_head + '<div data-blob="', 1), ("A" * 4096, 50 * MB // 4096), ('">' + attr_rest, 1)],
                     "chunked"), "one 50 MB attribute value, chunked")
    yield ("2gb-claimed", TOO_LARGE, _streamed([(page_html(st), 1)], "short", claimed_extra=2 * 1024 * MB),
           "Content-Length says 2 GB")
    yield ("short-by-200k", CONNECTION_LOST, _streamed([(page_html(st), 1)], "short", claimed_extra=200 * 1024),
           "Content-Length promises 200 KB more than is sent")
    yield ("short-by-1-byte", CONNECTION_LOST, _streamed([(page_html(st), 1)], "short", claimed_extra=1),
           "one byte short")


def _deep(n: int) -> Iterator[Variant]:
    st = story(n)
    paras = [f"<p>{esc(p)}</p>" for p in st.paragraphs]
    deep = 10_000
    for name, kwargs, expected, note in (
        ("div-around-article", {"content_open": '<div class="news-content">' + "<div>" * deep,
                                "content_close": "</div>" * deep + "</div>"}, ARTICLE, "article 10,000 divs down"),
        ("div-after-article", {"inside_after": "<div>" * deep + "deep" + "</div>" * deep}, ARTICLE,
         "10,000 divs inside the content area, after the text"),
        ("div-unclosed", {"inside_after": "<div>" * deep}, ARTICLE, "10,000 divs never closed"),
        ("div-50000", {"inside_after": "<div>" * 50_000 + "deep" + "</div>" * 50_000}, PARTIAL,
         "50,000 divs: trimmed at the cleaner's start-tag limit"),
        ("span-in-paragraph", {"paragraphs": [*paras[:-1], "<p>" + "<span>" * deep + esc(st.paragraphs[-1]) +
                                              "</span>" * deep + "</p>"]}, ARTICLE, "a paragraph 10,000 spans deep"),
        ("b-i-alternating", {"inside_after": "<b><i>" * (deep // 2) + "deep" + "</i></b>" * (deep // 2)},
         ARTICLE, "inline elements 10,000 deep"),
        ("table-cells", {"inside_after": "<table><tr><td>" * (deep // 3) + "deep" +
                         "</td></tr></table>" * (deep // 3)}, ARTICLE, "tables inside table cells"),
        ("nested-lists", {"inside_after": "<ul><li>" * (deep // 2) + "deep" + "</li></ul>" * (deep // 2)},
         ARTICLE, "lists inside list items"),
        ("blockquote-around-article", {"content_open": '<div class="news-content">' + "<blockquote>" * deep,
                                       "content_close": "</blockquote>" * deep + "</div>"}, ARTICLE,
         "article 10,000 blockquotes down"),
        ("font-unclosed-before", {"before": "<font>" * deep}, ARTICLE, "10,000 <font> never closed, before the text"),
        ("section-in-sidebar", {"after": "<aside>" + "<section>" * deep + "deep" + "</section>" * deep + "</aside>"},
         ARTICLE, "a sidebar 10,000 deep"),
        ("div-in-head", {"head_extra": "<noscript>" + "<div>" * deep + "</div>" * deep + "</noscript>\n"}, ARTICLE,
         "deep nesting inside <head>"),
    ):
        yield name, expected, _resp(page_html(st, **kwargs)), note


def _charsets(n: int) -> Iterator[Variant]:
    st = story(n, accents=True)
    text = page_html(st)
    no_meta = page_html(st, charset="")
    ja = page_html(st, paragraphs=[f"<p>{esc(p)} 東京の市場は静かだった。</p>" for p in st.paragraphs])
    html_type = "text/html"
    for name, body, ctype, expected, note in (
        ("header-utf8-body-cp1252", text.encode("cp1252"), "text/html; charset=utf-8", ARTICLE,
         "says utf-8, is cp1252: smart quotes become replacement characters"),
        ("header-utf8-body-latin1", text.encode("latin-1", "xmlcharrefreplace"), "text/html; charset=utf-8",
         ARTICLE, "says utf-8, is latin-1"),
        ("header-utf8-body-shiftjis", ja.encode("shift_jis", "xmlcharrefreplace"), "text/html; charset=utf-8",
         ARTICLE, "says utf-8, is Shift JIS"),
        ("header-latin1-body-utf8", text.encode(), "text/html; charset=iso-8859-1", ARTICLE,
         "says latin-1, is utf-8: mojibake the cleaner repairs"),
        ("header-cp1252-body-utf8", text.encode(), "text/html; charset=windows-1252", ARTICLE,
         "says cp1252, is utf-8"),
        ("meta-cp1252-header-utf8", page_html(st, charset='<meta charset="windows-1252">').encode("cp1252"),
         "text/html; charset=utf-8", ARTICLE, "header and meta disagree; the body follows the meta"),
        ("meta-utf8-body-cp1252", text.encode("cp1252"), html_type, ARTICLE,
         "no header charset; the meta says utf-8, the bytes are cp1252"),
        ("meta-shiftjis-body-utf8", page_html(st, charset='<meta charset="shift_jis">').encode(), html_type,
         ARTICLE, "meta says Shift JIS, the bytes are utf-8"),
        ("bom-utf8-header-latin1", b"\xef\xbb\xbf" + text.encode(), "text/html; charset=iso-8859-1", ARTICLE,
         "a UTF-8 BOM contradicting the header"),
        ("bom-utf16le-header-utf8", b"\xff\xfe" + text.encode("utf-16-le"), "text/html; charset=utf-8", ARTICLE,
         "UTF-16 with its BOM, header says utf-8"),
        ("bom-utf16be-body-utf8", b"\xfe\xff" + text.encode(), "text/html; charset=utf-8", ARTICLE,
         "a UTF-16 BOM in front of utf-8 bytes: read as UTF-16 no markup is left, so the crawler reads utf-8"),
        ("bom-utf8-body-cp1252", b"\xef\xbb\xbf" + text.encode("cp1252"), html_type, ARTICLE,
         "a UTF-8 BOM in front of cp1252 bytes"),
        ("double-bom", b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode(), "text/html; charset=utf-8", ARTICLE,
         "two BOMs"),
        ("header-bogus-charset", text.encode(), "text/html; charset=x-no-such-charset", ARTICLE,
         "a charset that does not exist"),
        ("header-utf16-body-utf8", text.encode(), "text/html; charset=utf-16", ARTICLE,
         "says UTF-16 without a BOM, is utf-8: no markup is left, so the crawler reads utf-8"),
        ("two-contradicting-metas", page_html(st, charset='<meta charset="utf-8"><meta http-equiv="Content-Type" '
                                                 'content="text/html; charset=koi8-r">').encode(), html_type,
         ARTICLE, "two meta charsets"),
        ("no-charset-anywhere-cp1252", no_meta.encode("cp1252"), html_type, ARTICLE,
         "no charset declared at all, cp1252 bytes"),
        ("header-utf32-body-utf8", text.encode(), "text/html; charset=utf-32", ARTICLE,
         "says UTF-32, is utf-8"),
        ("header-utf7-body-utf8", text.encode(), "text/html; charset=utf-7", ARTICLE,
         "says UTF-7 (a charset browsers refuse), is utf-8"),
        ("xml-declaration-utf16", ('<?xml version="1.0" encoding="utf-16"?>\n' + text).encode(), html_type, ARTICLE,
         "an XML declaration claiming UTF-16 on a utf-8 page"),
    ):
        yield name, expected, _resp(body, ctype), note


def _scripts(n: int) -> Iterator[Variant]:
    st = story(n)
    js_text = "".join(f"document.write('<p>{p[:60]}</p>');\n" for p in st.paragraphs)
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "' + st.title +
          '", "articleBody": "' + " ".join(st.paragraphs) + '"}</script>')
    shell = "<!DOCTYPE html><html><head><title>" + esc(st.title) + " | Just Earth News</title>"
    for name, body, note in (
        ("body-script-only", shell + "</head><body><script>" + js_text + "</script></body></html>",
         "the article is written by JavaScript"),
        ("head-script-only", shell + "<script>" + js_text + "</script></head></html>", "scripts and no body"),
        ("200kb-inline-js", shell + "</head><body><script>" + "var a = [1,2,3];\n" * 12_000 + "</script></body></html>",
         "200 KB of script"),
        ("noscript-article", shell + "</head><body><noscript>" + "".join(f"<p>{esc(p)}</p>" for p in st.paragraphs)
         + "</noscript><script>render()</script></body></html>", "the text only inside <noscript>"),
        ("template-article", shell + "</head><body><template>" + "".join(f"<p>{esc(p)}</p>" for p in st.paragraphs)
         + "</template></body></html>", "the text only inside <template>"),
        ("json-ld-only", shell + ld + "</head><body><div id=\"app\"></div></body></html>",
         "the text only in JSON-LD"),
        ("iframe-srcdoc", shell + "</head><body><iframe srcdoc=\"" + esc("".join(f"<p>{p}</p>" for p in st.paragraphs))
         + "\"></iframe></body></html>", "the text inside an iframe's srcdoc"),
        ("script-unclosed", shell + "</head><body><script>var x = 1;\n" + "".join(f"<p>{esc(p)}</p>"
                                                                                   for p in st.paragraphs)
         + "</body></html>", "a <script> that never closes swallows the page"),
        ("style-only", shell + "<style>" + "p { color: red }\n" * 5000 + "</style></head><body></body></html>",
         "only CSS"),
        ("svg-text-only", shell + "</head><body><svg><text>" + esc(" ".join(st.paragraphs))
         + "</text></svg></body></html>", "the text inside an SVG"),
    ):
        yield name, NOT_ARTICLE, _resp(body), note


def _attributes(n: int) -> Iterator[Variant]:
    st = story(n)
    html = page_html(st)
    head, rest = _split(html, '<div class="news-content">')
    p_head, p_rest = _split(html, "<p>")
    _, end = _split(html, "</div>\n</article>")
    big = 2 * MB
    for name, parts, expected, note in (
        ("data-attribute-2mb", [(head + '<div data-tracking="', 1), ("x" * 1024, big // 1024), ('">', 1),
                                (rest, 1), ("</div>", 1)], ARTICLE, "a 2 MB data- attribute around the article"),
        ("img-data-uri-3mb", [(p_head + '<img alt="chart" src="data:image/png;base64,', 1),
                              ("iVBORw0KGgo" * 93, 3 * MB // 1023), ('">', 1), (p_rest, 1)], ARTICLE,
         "a 3 MB data: URI image in the body"),
        ("href-1mb", [(p_head + '<p>See <a href="/world-details/HC/1/', 1), ("a" * 1024, 1024),
                      ('.html">the report</a> for the full figures released this morning by the council.</p>', 1),
                      (p_rest, 1)], ARTICLE, "a 1 MB link address"),
        ("class-1mb-on-body", [(html.split("<body", 1)[0] + '<body class="', 1), ("c " * 512, 1024),
                               ('">' + html.split('<body class="details-page">', 1)[1], 1)], ARTICLE,
         "a 1 MB class list on <body>"),
        ("meta-description-1mb", [(html.split("</head>", 1)[0] + '<meta name="description" content="', 1),
                                  ("d" * 1024, 1024), ('">\n</head>' + html.split("</head>", 1)[1], 1)], ARTICLE,
         "a 1 MB meta description"),
        ("style-attribute-2mb", [(head + '<div style="', 1), ("color:red;" * 100, big // 1000), ('">', 1),
                                 (rest, 1), ("</div>", 1)], ARTICLE, "a 2 MB inline style"),
        ("100k-attributes", [(head + "<div ", 1), ('a="1" ', 100_000), (">", 1), (rest, 1), ("</div>", 1)],
         ARTICLE, "one element with 100,000 attributes"),
        ("attribute-name-1mb", [(head + "<div ", 1), ("n" * 1024, 1024), ('="1">', 1), (rest, 1), ("</div>", 1)],
         ARTICLE, "a 1 MB attribute name"),
        ("title-attribute-on-every-paragraph", [(p_head, 1)] + [
            part for p in st.paragraphs for part in (('<p title="', 1), ("t" * 1024, 512), (f'">{esc(p)}</p>\n', 1))]
         + [(end, 1)], ARTICLE, "a 512 KB title attribute on every paragraph"),
    ):
        yield name, expected, _streamed(parts), note
    unterminated = html.replace('<div class="news-content">', '<div class="news-content>', 1)
    yield ("unterminated-quote", NOT_ARTICLE, _resp(unterminated),
           "an attribute quote left open swallows the article up to the next quote (as in a browser)")


def _no_body(n: int) -> Iterator[Variant]:
    st = story(n)
    html = page_html(st)
    paras = "".join(f"<p>{esc(p)}</p>\n" for p in st.paragraphs)
    byline = (f'<div class="byline">Just Earth News | <time datetime="{st.published}">'
              f"{_byline_time(st.published)}</time></div>")
    for name, body, expected, note in (
        ("no-body-tag", html.replace('<body class="details-page">', "").replace("</body>", ""), ARTICLE,
         "no <body> tags at all"),
        ("fragment-only", f"<h1>{esc(st.title)}</h1>{byline}{paras}", PARTIAL,
         "no <html>, <head> or <body>: read, but with no </html> it counts as truncated"),
        ("content-in-head", html.split("</head>", 1)[0] + f"<h1>{esc(st.title)}</h1>{byline}{paras}</head><body>"
         "</body></html>", ARTICLE, "the article inside <head>"),
        ("frameset", html.split("<body", 1)[0] + '<frameset cols="50%,50%"><frame src="/a"><frame src="/b">'
         "</frameset></html>", NOT_ARTICLE, "a frameset instead of a body"),
        ("body-closed-early", html.replace('<body class="details-page">', '<body class="details-page"></body>'),
         ARTICLE, "</body> straight after <body>"),
        ("content-after-html", html.split("<body", 1)[0] + "<body></body></html>\n" + f"<h1>{esc(st.title)}</h1>"
         + byline + paras, PARTIAL, "the article after </html>: no </html> at the end reads as truncated"),
        ("two-bodies", html.replace("<main", "</body><body class=\"second\"><main", 1), ARTICLE, "two <body> tags"),
        ("body-whitespace-only", html.split("<body", 1)[0] + "<body>\n\n   \n</body></html>", NOT_ARTICLE,
         "an empty body"),
    ):
        yield name, expected, _resp(body), note


def _empty(n: int) -> Iterator[Variant]:
    for name, body, ctype, status, note in (
        ("zero-bytes", b"", HTML_TYPE, 200, "200 with an empty body"),
        ("zero-bytes-no-type", b"", None, 200, "200, empty, no Content-Type (HTML by its .html address)"),
        ("whitespace", b" \n\t\r\n  " * 10, HTML_TYPE, 200, "only white space"),
        ("single-lt", b"<", HTML_TYPE, 200, "a single <"),
        ("empty-html", b"<html></html>", HTML_TYPE, 200, "<html></html>"),
        ("empty-body", b"<!DOCTYPE html><html><head></head><body></body></html>", HTML_TYPE, 200, "an empty body"),
        ("doctype-only", b"<!DOCTYPE html>", HTML_TYPE, 200, "only a doctype"),
        ("status-204", b"", HTML_TYPE, 204, "204 No Content at an article address"),
        ("comment-only", b"<!-- nothing here -->", HTML_TYPE, 200, "only a comment"),
    ):
        yield name, NOT_ARTICLE, _resp(body, ctype, status), note
    yield ("gzip-empty", NOT_ARTICLE, _resp(b"", HTML_TYPE, headers=(("Content-Encoding", "gzip"),)),
           "Content-Encoding gzip on an empty body")
    yield "chunked-empty", NOT_ARTICLE, _streamed([], "chunked"), "chunked transfer encoding with no chunks"


def _nul(n: int) -> Iterator[Variant]:
    st = story(n)
    html = page_html(st)
    for name, body, expected, note in (
        ("a-few-nuls", html.replace(" council ", " coun\x00cil ", 3).replace(". ", ".\x00 ", 5), ARTICLE,
         "a handful of NUL bytes in the text"),
        ("nul-in-every-word", html.split("<body", 1)[0] + "<body" + html.split("<body", 1)[1].replace(" ", " \x00"),
         NOT_ARTICLE, "a NUL in front of every word: more control bytes than text"),
        ("nul-in-tag-names", html.replace("<p>", "<p\x00>").replace("</p>", "</p\x00>"), ARTICLE,
         "NUL inside tag names"),
        ("10k-nuls-first", "\x00" * 10_000 + html, NOT_ARTICLE, "10,000 NUL bytes before the page"),
        ("nul-in-attributes", html.replace('class="news-content"', 'class="news\x00content" data-x="\x00\x00"'),
         ARTICLE, "NUL inside attribute values"),
        ("1mb-nuls-after-html", html + "\x00" * MB, NOT_ARTICLE,
         "1 MB of NUL bytes after </html>: the page is mostly binary"),
        ("nul-in-title", html.replace("<title>", "<title>\x00\x00", 1).replace("<h1>", "<h1>\x00", 1), ARTICLE,
         "NUL bytes in the title and headline"),
    ):
        yield name, expected, _resp(body), note


def _entities(n: int) -> Iterator[Variant]:
    st = story(n)
    html = page_html(st)

    def poison(what: str) -> str:
        return html.replace("</p>", f" {what}</p>", 2)

    for name, body, note in (
        ("huge-numeric", poison("&#99999999999999999999; &#x110000;"), "code points beyond Unicode"),
        ("surrogates", poison("&#xD800;&#xDFFF;&#55296;"), "surrogate code points"),
        ("zero", poison("&#0;&#x0;"), "NUL as an entity"),
        ("unterminated-100k", html.replace("</p>", " " + "&amp" * 100_000 + "</p>", 1),
         "100,000 &amp without semicolons"),
        ("unknown-named", poison("&foo; &bar; &nbspx; &notanentity; &;"), "entities that do not exist"),
        ("encoded-markup", html.replace("</p>", " &lt;script&gt;alert(1)&lt;/script&gt; &lt;p&gt;x&lt;/p&gt;</p>", 3),
         "markup written as entities"),
        ("200k-entities", html.replace("</p>", " " + "&#x41;" * 200_000 + "</p>", 1),
         "200,000 character references in one paragraph"),
        ("entities-in-head", html.replace("<title>", "<title>&#0;&#xD800;&#99999999;", 1)
         .replace('content="20', 'content="&#0;20', 1), "broken entities in <title> and a meta time"),
        ("billion-laughs", '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
         '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
         '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>\n'
         + html.split("\n", 1)[1].replace("</p>", " &f;&f;&f;</p>", 2),
         "nested entity declarations (an HTML parser must not expand them)"),
    ):
        yield name, ARTICLE, _resp(body), note


def _links(n: int) -> Iterator[Variant]:
    st = story(n)
    head, rest = _split(page_html(st), "</article>")
    c_head, c_rest = _split(page_html(st), "</div>\n</article>")
    tags = "".join(f'<li><a href="/tags/{w}-{i}/">{w} {i}</a></li>' for i, w in enumerate(_WORDS))  # ~90 links
    reps = 100_000 // len(_WORDS) + 1
    for name, parts, expected, note in (
        ("100k-sidebar-links", [(head + '<aside class="sidebar"><ul>', 1), (tags, reps), ("</ul></aside>", 1),
                                (rest, 1)], PARTIAL, "100,000 tag links in a sidebar"),
        ("100k-links-in-content", [(c_head + '<ul class="tags">', 1), (tags, reps), ("</ul>", 1), (c_rest, 1)],
         PARTIAL, "100,000 links inside the content area, after the text"),
        ("100k-same-article-link", [(head + '<aside class="sidebar">', 1),
                                    (f'<a href="/{SECTION}-details/{CODE}/{FIRST_ID}/truncated-mid-tag-head.html">'
                                     "again</a>", 100_000), ("</aside>", 1), (rest, 1)], PARTIAL,
         "100,000 links to one article-looking address"),
        ("100k-empty-anchors", [(head, 1), ('<a href="#"></a>', 100_000), (rest, 1)], PARTIAL,
         "100,000 empty anchors"),
        ("100k-links-no-article", [("<!DOCTYPE html><html><head><title>Tags | Just Earth News</title></head><body><ul>",
                                    1), (tags, reps), ("</ul></body></html>", 1)], NOT_ARTICLE,
         "a page of 100,000 links and nothing else"),
    ):
        yield name, expected, _streamed(parts), note


def _broken(n: int) -> Iterator[Variant]:
    st = story(n)
    html = page_html(st)
    paras = [f"<p>{esc(p)}</p>" for p in st.paragraphs]
    for name, body, note in (
        ("html-tag-before-every-paragraph", page_html(st, paragraphs=[f"<html>{p}" for p in paras]),
         "<html> again before every paragraph"),
        ("html-closed-early", html.replace("<h1>", "</html><h1>", 1), "</html> before the headline"),
        ("head-in-body", page_html(st, before="<head><title>Other</title><meta charset=\"koi8-r\"></head>"),
         "a second <head> inside the body"),
        ("title-in-body", page_html(st, paragraphs=[f"<title>t{i}</title>{p}" for i, p in enumerate(paras)]),
         "<title> before every paragraph"),
        ("body-closed-after-every-paragraph", page_html(st, paragraphs=[f"{p}</body></html>" for p in paras]),
         "</body></html> after every paragraph"),
        ("1000-stray-closers", page_html(st, paragraphs=[p + "</div></span></article>" * 333 for p in paras]),
         "1,000 closing tags that close nothing"),
        ("unclosed-paragraphs", page_html(st, paragraphs=[p.replace("</p>", "") for p in paras]),
         "no </p> anywhere"),
        ("misnested-inline", page_html(st, paragraphs=[p.replace("<p>", "<p><b><i>").replace("</p>", "</b></i></p>")
                                                       for p in paras], inside_after="<b><i></b></i>" * 1000),
         "<b><i></b></i> over and over"),
        ("table-soup", page_html(st, content_open='<div class="news-content"><table>',
                                 content_close="</table></div>", paragraphs=[f"<tr><td>{p}" for p in paras]),
         "paragraphs in unclosed table cells"),
        ("nested-documents", page_html(st, before="<html><head><title>x</title></head><body><p>short</p></body>"
                                                  "</html>"), "a whole document inside the body"),
        ("doctype-everywhere", page_html(st, paragraphs=[f"<!DOCTYPE html>{p}" for p in paras]),
         "<!DOCTYPE> before every paragraph"),
        ("angle-brackets-in-text", page_html(st, paragraphs=[p.replace(" the ", " < the > ", 2) for p in paras]),
         "bare < and > in running text"),
        ("cdata-sections", page_html(st, paragraphs=[f"<![CDATA[ x ]]>{p}" for p in paras]),
         "CDATA sections (XML only) in HTML"),
        ("processing-instructions", page_html(st, paragraphs=[f'<?php echo "x"; ?>{p}' for p in paras]),
         "server-side code left in the page"),
    ):
        yield name, ARTICLE, _resp(body), note
    yield ("unclosed-comment-at-start", NOT_ARTICLE, _resp(html.replace("<main", "<!-- <main", 1)),
           "a comment opened before the article and never closed")


def _text(n: int) -> Iterator[Variant]:
    st = story(n)
    head, rest = _split(page_html(st), "</div>\n</article>")
    p_head, _ = _split(page_html(st), "<p>")
    tail = "</div>\n</article></main></body></html>"
    for name, parts, expected, note in (
        ("million-word-repeats", [(p_head + "<p>", 1), ("buffalo " * 1024, 1000), ("</p>" + tail, 1)], PARTIAL,
         "one word a million times: the cleaner's input limit trims it"),
        ("4mb-without-spaces", [(head + "<p>", 1), ("x" * 4096, 1024), ("</p>", 1), (rest, 1)], ARTICLE,
         "a 4 MB word after the text"),
        ("100k-tiny-paragraphs", [(head, 1), ("<p>ok</p>", 100_000), (rest, 1)], PARTIAL,
         "100,000 two-letter paragraphs after the text"),
        ("10k-headlines", [(head, 1), ("<h1>Breaking</h1>", 10_000), (rest, 1)], ARTICLE, "10,000 <h1>"),
        ("title-1mb", [(p_head.replace("</title>", "", 1).split("<title>", 1)[0] + "<title>", 1),
                       ("Headline ", MB // 9), ("</title>\n</head><body><p>" + "</p><p>".join(st.paragraphs) +
                                                "</p></body></html>", 1)], PARTIAL,
         "a 1 MB <title>, no <h1>, no time: stored without a publication date"),
    ):
        yield name, expected, _streamed(parts), note


FAMILIES: tuple[tuple[str, Builder], ...] = (
    ("truncated", _truncated), ("binary", _binary), ("wrong-type", _wrong_type), ("bomb", _bombs),
    ("huge", _huge), ("deep", _deep), ("charset", _charsets), ("script", _scripts), ("attr", _attributes),
    ("no-body", _no_body), ("empty", _empty), ("nul", _nul), ("entity", _entities), ("links", _links),
    ("broken", _broken), ("text", _text),
)


@functools.cache
def hostile_pages() -> tuple[HostilePage, ...]:
    """Every hostile page, in a fixed order (ids from `FIRST_ID`)."""
    pages: list[HostilePage] = []
    for family, build in FAMILIES:
        for variant, expected, response, note in build(FIRST_ID + len(pages)):
            if expected not in OUTCOMES:
                raise ValueError(f"{family}-{variant}: unknown outcome {expected}")
            pages.append(HostilePage(family, variant, expected, response, note, FIRST_ID + len(pages)))
    return tuple(pages)


def _listing_html(page: int, pages_count: int, items: list[HostilePage]) -> str:
    rows = "".join(f'<li><a href="{p.path}">{esc(p.family)}: {esc(p.variant)}</a></li>\n' for p in items)
    nav = []
    if page > 1:
        nav.append(f'<a rel="prev" href="{_listing_path(page - 1)}">« Prev</a>')
    if page < pages_count:
        nav.append(f'<a rel="next" href="{_listing_path(page + 1)}">Next »</a>')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>Hostile pages | Just Earth News | Page {page}</title>\n"
            "<meta property=\"og:type\" content=\"website\">\n</head>\n<body class=\"listing-page\">\n"
            f"<h1 class=\"page-title\">Hostile pages</h1>\n<ul class=\"news-list\">\n{rows}</ul>\n"
            f"<nav class=\"pagination\">{' '.join(nav)}</nav>\n</body>\n</html>\n")


def _listing_path(page: int) -> str:
    return LISTING_PATH if page == 1 else f"{LISTING_PATH}?page={page}"


def add_hostile_pages(add: Callable[[str, str, Response, PageInfo], None]) -> None:
    """Register every hostile page on Just Earth News, with its listing pages and child sitemap."""
    pages = hostile_pages()
    for page in pages:
        add(JEN, page.path, page.response, PageInfo(
            outlet=JEN, path=page.path, kind="hostile", status=page.response.status,
            content_type=page.response.content_type, expected=page.expected,
            extra={"family": page.family, "variant": page.variant, "note": page.note}))
    count = -(-len(pages) // PER_LISTING_PAGE)
    for number in range(1, count + 1):
        chunk = pages[(number - 1) * PER_LISTING_PAGE: number * PER_LISTING_PAGE]
        path = _listing_path(number)
        add(JEN, path, text_response(_listing_html(number, count, list(chunk)), HTML_TYPE), PageInfo(
            outlet=JEN, path=path, kind="listing", next_path=_listing_path(number + 1) if number < count else None,
            extra={"page": number, "hostile": True}))
    xml = urlset_xml([(ORIGIN + p.path, "2022-01-15T09:00:00+05:30") for p in pages])
    add(JEN, SITEMAP_PATH, text_response(xml, "application/xml; charset=utf-8"),
        PageInfo(outlet=JEN, path=SITEMAP_PATH, kind="sitemap", content_type="application/xml; charset=utf-8",
                 extra={"hostile": True}))
