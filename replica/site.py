"""The replica's pages: Just Earth News and the other outlets, rendered deterministically from story data.

`build_site()` returns a `Site`, a map of (outlet, path-with-query) -> `Response`, plus the facts the
answer key is made from (`Site.info`). No wall clock and no unseeded randomness: two builds are byte
for byte identical (`Site.digest()`).

Just Earth News (outlet ``justearthnews``) pages:

* articles ``/{section}-details/{code}/{id}/{slug}.html`` (old) and ``/sections/{section}/{slug}/`` (new)
* print pages ``/print/{code}/{id}/P`` (old-style articles only)
* home ``/`` (latest 10), ``/sections/{section}/`` and ``/latest/`` with ``?page=N`` (5 per page)
* ``/robots.txt``, ``/sitemap.xml`` (index) -> ``/sitemap-articles-1.xml``, ``/sitemap-articles-2.xml``,
  ``/news/feeds.json``
* linked faults (see `JEN_FAULTS`) and unlinked ``/_fault/...`` paths (see `Site.get`)
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from types import ModuleType, SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from replica import hostile as hostile_pages
from replica import outlets as outlet_templates
from replica.model import Image, Story
from replica.pages import (
    HTML_TYPE,
    IST,
    JEN,
    ORIGIN,
    OUTLET_HOSTS,
    PageInfo,
    Response,
    body_html,
    esc,
    html_response,
    json_ld,
    not_found_html,
    parse_time,
    robots_txt,
    stable_int,
    story_id,
    summary,
    text_response,
    urlset_xml,
)

JEN_TITLE = "Just Earth News"
JEN_HANDLE = "@justearthnews"
PER_PAGE = 5
HOME_COUNT = 10
FEED_PER_SECTION = 20
SECTION_ORDER = ("world", "india", "business", "sports", "people", "environment", "health", "science",
                 "lifestyle", "entertainment")
TRACKING = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid")

# Discovery channels of a JEN article (a tag of the same name on a story forces it).
ALL_CHANNELS, SITEMAP_ONLY, FEED_ONLY, LISTING_ONLY, ARCHIVE_ONLY = (
    "all", "sitemap-only", "feed-only", "listing-only", "archive-only")

PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")
# 1x1 transparent GIF, served for every image path so pages look complete to a browser.
GIF_BYTES = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


@dataclass
class Site:
    """Every page of every outlet, plus the facts behind them."""

    pages: dict[tuple[str, str], Response]
    info: dict[tuple[str, str], PageInfo]
    stories: tuple[Story, ...]  # every article served (JEN, filler, other outlets)
    seed_id: str
    outlets: tuple[str, ...]
    outlet_info: dict[str, dict[str, str]]
    disallowed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # outlet -> example disallowed paths
    # /_fault/busy/<seconds>/<name> answers 503 with Retry-After the first time a name is asked for, then 200:
    # when each name was first asked for (time.monotonic()).
    busy_since: dict[str, float] = field(default_factory=dict)

    def get(self, outlet: str, target: str) -> Response:
        """The response for a path-with-query, including the dynamic fault paths and a 404 fallback."""
        if (outlet, target) in self.pages:
            return self.pages[(outlet, target)]
        parts = urlsplit(target)
        path = parts.path or "/"
        if parts.query:  # tracking parameters never change the page
            kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in TRACKING]
            candidate = path + ("?" + urlencode(kept) if kept else "")
            if candidate != target and (outlet, candidate) in self.pages:
                return self.pages[(outlet, candidate)]
        if path.startswith("/_fault/busy/"):
            return self._busy(path)
        if path.startswith("/_fault/"):
            return _dynamic_fault(path)
        if outlet == JEN and path == "/search":
            query = dict(parse_qsl(parts.query)).get("q", "")
            return html_response(f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"robots\" "
                                 f"content=\"noindex\"><title>Search: {esc(query)} | {JEN_TITLE}</title></head>"
                                 f"<body><h1>Search results for “{esc(query)}”</h1><p>No results.</p></body></html>")
        if path.startswith(("/admin", "/wp-admin")):
            return html_response("<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>", 403)
        if re.search(r"\.(jpe?g|png|gif|webp)$", path, re.IGNORECASE):
            return Response(200, (("Content-Type", "image/gif"),), GIF_BYTES)
        name = JEN_TITLE if outlet == JEN else self.outlet_info.get(outlet, {}).get("title", outlet)
        return html_response(not_found_html(name), 404)

    def _busy(self, path: str) -> Response:
        """A server that is overloaded once: 503 with ``Retry-After`` on the first request for a name, then
        the page (asked again before Retry-After has passed, it is still busy)."""
        seconds, _, name = path.removeprefix("/_fault/busy/").partition("/")
        if not seconds.isdigit() or not name:
            return html_response(not_found_html("fault"), 404)
        first = self.busy_since.setdefault(name, time.monotonic())  # dict.setdefault is atomic under the GIL
        if time.monotonic() - first < int(seconds):
            return Response(503, (("Content-Type", HTML_TYPE), ("Retry-After", seconds)),
                            b"<html><body><h1>Busy: come back later</h1></body></html>")
        return html_response(f"<!DOCTYPE html><html><head><title>Back | {JEN_TITLE}</title></head><body>"
                             f"<h1>Back after {seconds} s</h1><p>The server answered this time.</p></body></html>")

    def fetch(self, outlet: str, target: str, origin: str) -> Response:
        """`get` with absolute URLs pointing at `origin` (e.g. ``http://127.0.0.1:8000``)."""
        return self.get(outlet, target).with_origin(origin.rstrip("/"))

    def digest(self) -> str:
        """SHA-256 over every page, in a fixed order: equal digests mean byte-identical builds."""
        h = hashlib.sha256()
        for (outlet, path) in sorted(self.pages):
            resp = self.pages[(outlet, path)]
            h.update(f"{outlet}\0{path}\0{resp.status}\0{resp.headers!r}\0".encode())
            h.update(resp.body)
            if resp.stream is not None:  # hashed by recipe: producing it would take seconds
                h.update(resp.stream.fingerprint())
        return h.hexdigest()

    def story_by_id(self) -> dict[str, Story]:
        return {story_id(s): s for s in self.stories}


def _dynamic_fault(path: str) -> Response:
    parts = path.strip("/").split("/")
    kind = parts[1] if len(parts) > 1 else ""
    arg = parts[2] if len(parts) > 2 else ""
    if kind == "slow" and re.fullmatch(r"\d+(\.\d+)?", arg):
        seconds = min(float(arg), 120.0)
        return replace(html_response(f"<!DOCTYPE html><html><body><h1>Slow page</h1><p>Answered after {arg} s."
                                     "</p></body></html>"), delay_seconds=seconds)
    if kind == "redirect-loop" and arg.isdigit():
        # An endless chain n -> n+1 -> ...: every client must give up at its redirect limit.
        return Response(302, (("Location", f"{ORIGIN}/_fault/redirect-loop/{int(arg) + 1}"),
                              ("Content-Type", HTML_TYPE)), b"")
    if kind == "status" and arg.isdigit() and 200 <= int(arg) <= 599:
        code = int(arg)
        body = b"" if code in (204, 304) else f"<html><body><h1>Status {code}</h1></body></html>".encode()
        return Response(code, (("Content-Type", HTML_TYPE),), body)
    if kind == "reset" and not arg:
        return Response(0, (), b"", reset=True)
    return html_response(not_found_html("fault"), 404)


# ---------------------------------------------------------------------------------------------- JEN paths

def jen_article_path(story: Story) -> str:
    if story.address_style == "old":
        return f"/{story.section}-details/{story.code}/{story.article_id}/{story.slug}.html"
    return f"/sections/{story.section}/{story.slug}/"


def jen_print_path(story: Story) -> str | None:
    return f"/print/{story.code}/{story.article_id}/P" if story.address_style == "old" else None


def listing_path(base: str, page: int) -> str:
    return base if page == 1 else f"{base}?page={page}"


def byline_time(published: str, with_time: bool = True) -> str:
    """``03 Mar 2022, 04:05 pm`` in IST, as the JEN byline prints it."""
    when = parse_time(published).astimezone(IST)
    if not with_time:
        return when.strftime("%d %b %Y")
    return when.strftime("%d %b %Y, %I:%M ") + when.strftime("%p").lower()


def section_title(section: str) -> str:
    return section.replace("-", " ").title()


def _sections(stories: Iterable[Story]) -> list[str]:
    present = {s.section for s in stories}
    return [s for s in SECTION_ORDER if s in present] + sorted(present - set(SECTION_ORDER))


def _newest_first(stories: Iterable[Story]) -> list[Story]:
    return sorted(stories, key=lambda s: (parse_time(s.published), s.slug), reverse=True)


# ------------------------------------------------------------------------------------------- JEN templates

def _jen_head(title: str, canonical: str, extra: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<link rel=\"canonical\" href=\"{esc(canonical)}\">\n"
            "<link rel=\"stylesheet\" href=\"/css/style.css\">\n"
            f"<link rel=\"alternate\" type=\"application/json\" href=\"{ORIGIN}/news/feeds.json\">\n{extra}</head>\n")


def _jen_header(sections: list[str], ticker: list[Story]) -> str:
    nav = "".join(f'<li><a href="/sections/{s}/">{esc(section_title(s))}</a></li>' for s in sections)
    tick = " • ".join(f'<a href="{jen_article_path(s)}">{esc(s.headline)}</a>' for s in ticker)
    return ("<header class=\"site-header\">\n<div class=\"top-bar\"><a class=\"logo\" href=\"/\">Just Earth News</a>"
            " <form class=\"search-form\" action=\"/search\" method=\"get\"><input type=\"text\" name=\"q\">"
            "<button type=\"submit\">Search</button></form> <a class=\"search-link\" href=\"/search?q=ukraine\">"
            "Search</a></div>\n"
            f"<nav class=\"main-nav\"><ul><li><a href=\"/\">Home</a></li>{nav}"
            "<li><a href=\"/latest/\">Latest</a></li></ul></nav>\n"
            f"<div class=\"ticker\"><span class=\"ticker-label\">Breaking</span> {tick}</div>\n</header>\n")


_JEN_FOOTER = ("<footer class=\"site-footer\"><p>© 2022 Just Earth News. All rights reserved.</p>"
               "<p><a href=\"/sections/world/\">World</a> | <a href=\"/latest/\">Archive</a> | "
               "<a href=\"/admin/\">Staff login</a></p></footer>\n</body>\n</html>\n")


def _headline_list(stories: list[Story], css: str) -> str:
    items = "".join(f'<li><a href="{jen_article_path(s)}">{esc(s.headline)}</a></li>' for s in stories)
    return f'<ul class="{css}">{items}</ul>'


def _jen_article(story: Story, sections: list[str], ticker: list[Story], sidebar: list[Story],
                 also: Story | None, variant: int, with_ld: bool) -> str:
    path = jen_article_path(story)
    canonical = ORIGIN + path
    images = [ORIGIN + img.src for img in story.images]
    meta = [
        f'<meta name="description" content="{esc(summary(story))}">',
        f'<meta name="author" content="{esc(story.byline)}">',
        '<meta property="og:site_name" content="Just Earth News">',
        f'<meta property="og:title" content="{esc(story.headline)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{esc(canonical)}">',
        f'<meta property="og:image" content="{esc(images[0] if images else ORIGIN + "/images/logo.png")}">',
        f'<meta property="article:published_time" content="{esc(story.published)}">',
        f'<meta property="article:section" content="{esc(section_title(story.section))}">',
    ]
    if with_ld:
        meta.append(json_ld(story, canonical, images, JEN_TITLE))
    head = _jen_head(f"{story.headline} | {JEN_TITLE}", canonical, "\n".join(meta) + "\n")
    printp = jen_print_path(story)
    when = byline_time(story.published)
    dt = esc(story.published)
    if story.address_style == "old":
        byline = (f'<div class="byline"><span class="author">{esc(story.byline)}</span> | '
                  f'<a href="https://twitter.com/justearthnews" rel="nofollow">{JEN_HANDLE}</a> | '
                  f'<time datetime="{dt}">{when}</time> <a class="print-link" href="{printp}">Print</a></div>')
    else:
        byline = (f'<p class="story-meta"><span class="author">{esc(story.byline)}</span> | {JEN_HANDLE} | '
                  f'<time datetime="{dt}">{when}</time></p>')
    insert = {}
    if also is not None:
        k = min(2, max(1, len(story.paragraphs) - 1))
        insert[k] = (f'<p class="also-read"><strong>Also read:</strong> '
                     f'<a href="{jen_article_path(also)}">{esc(also.headline)}</a></p>')
    body_class = "news-content" if story.address_style == "old" else "story-body"
    body = f'<div class="{body_class}">\n{body_html(story, insert=insert)}\n</div>'
    article_class = "news-details" if story.address_style == "old" else "story"
    inner_list = _headline_list(sidebar, "related-news") if variant == 0 else ""
    aside = ""
    if variant != 0:
        aside = (f'<aside class="sidebar"><h3>Latest News</h3>{_headline_list(sidebar, "latest-news")}</aside>\n')
    crumbs = ""
    if story.address_style == "new":
        crumbs = (f'<nav class="breadcrumb"><a href="/">Home</a> › '
                  f'<a href="/sections/{story.section}/">{esc(section_title(story.section))}</a></nav>\n')
    return (head + f'<body class="details-page">\n{_jen_header(sections, ticker)}<main class="container">\n'
            f'{crumbs}<div class="row">\n<article class="{article_class}">\n<h1>{esc(story.headline)}</h1>\n'
            f'{byline}\n{body}\n{inner_list}\n</article>\n{aside}</div>\n</main>\n{_JEN_FOOTER}')


def _jen_print(story: Story, top_pick: Story) -> tuple[str, tuple[str, ...]]:
    """Print page: ticker line, headline, byline without time, body with raw {image_N} placeholders."""
    marks: dict[int, list[str]] = {}
    last = len(story.paragraphs)
    names = []
    for n, img in enumerate(story.images, start=1):
        name = f"{{image_{n}}}"
        names.append(name)
        marks.setdefault(min(img.after_paragraph, last), []).append(name)
    blocks = [f"<p>{m}</p>" for m in marks.get(0, [])]
    for k, para in enumerate(story.paragraphs, start=1):
        blocks.append(f"<p>{esc(para)}</p>")
        blocks.extend(f"<p>{m}</p>" for m in marks.get(k, []))
    canonical = ORIGIN + jen_article_path(story)
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(story.headline)} | {JEN_TITLE}</title>\n<link rel=\"canonical\" href=\"{esc(canonical)}\">\n"
            "<meta name=\"robots\" content=\"noindex, follow\">\n</head>\n<body class=\"print-page\" "
            "onload=\"window.print()\">\n"
            f"<div class=\"ticker\">Top pick: <a href=\"{jen_article_path(top_pick)}\">{esc(top_pick.headline)}</a>"
            f"</div>\n<div class=\"print-article\">\n<h1>{esc(story.headline)}</h1>\n"
            f"<div class=\"byline\">{esc(story.byline)} | {JEN_HANDLE} | {byline_time(story.published, False)}</div>\n"
            + "\n".join(blocks) + "\n</div>\n</body>\n</html>\n")
    return page, tuple(names)


def _jen_listing(title: str, canonical_path: str, sections: list[str], ticker: list[Story], items: list[Story],
                 prev_path: str | None, next_path: str | None, extra_html: str = "") -> str:
    links = []
    if prev_path:
        links.append(f'<link rel="prev" href="{ORIGIN}{prev_path}">')
    if next_path:
        links.append(f'<link rel="next" href="{ORIGIN}{next_path}">')
    head = _jen_head(title, ORIGIN + canonical_path, "\n".join(links) + ("\n" if links else ""))
    rows = []
    for s in items:
        url = jen_article_path(s)
        img = f'<a href="{url}"><img src="{esc(s.images[0].src)}" alt="{esc(s.headline)}"></a>' if s.images else ""
        rows.append(f'<div class="news-item">{img}<h3><a href="{url}">{esc(s.headline)}</a></h3>'
                    f'<p class="summary">{esc(summary(s))}</p><span class="date">{byline_time(s.published)}</span>'
                    "</div>")
    nav = []
    if prev_path:
        nav.append(f'<a class="prev" rel="prev" href="{prev_path}">« Prev</a>')
    if next_path:
        nav.append(f'<a class="next" rel="next" href="{next_path}">Next »</a>')
    pager = f'<nav class="pagination">{" ".join(nav)}</nav>\n' if nav else ""
    return (head + f'<body class="listing-page">\n{_jen_header(sections, ticker)}<main class="container">\n'
            f'<h1 class="page-title">{esc(title.split(" | ")[0])}</h1>\n<div class="news-list">\n'
            + "\n".join(rows) + f"\n</div>\n{pager}{extra_html}</main>\n{_JEN_FOOTER}")


# --------------------------------------------------------------------------------------------- filler text

_FILLER_WORDS = (
    "council budget river harvest monsoon transport railway bridge school hospital vaccine festival court "
    "election tariff export import farmer fisher trader union strike minister governor mayor district village "
    "highway airport port ferry flood drought heatwave cyclone earthquake landslide forest tiger elephant "
    "wetland mangrove coral delta glacier reservoir canal pipeline refinery factory textile tea coffee jute rice "
    "wheat sugar cotton spice market index bond rupee taka dollar inflation subsidy pension salary tax audit "
    "report survey census study panel committee tribunal commission police patrol border militia convoy "
    "clinic doctor nurse patient outbreak dengue malaria cholera measles museum library theatre cinema poet "
    "novelist painter dancer singer stadium cricket hockey football tennis chess wrestler sprinter coach "
    "startup software satellite rocket telescope laboratory battery solar wind turbine grid blackout drone "
    "camera archive manuscript temple mosque church shrine pilgrim tourist hotel restaurant bakery orchard"
).split()
_FILLER_VERBS = ("approved", "rejected", "inspected", "reopened", "delayed", "expanded", "reviewed", "funded",
                 "questioned", "praised", "criticised", "announced", "suspended", "restored", "surveyed",
                 "mapped", "audited", "launched", "completed", "postponed")
_FILLER_PLACES = ("Kolkata", "Guwahati", "Shillong", "Patna", "Ranchi", "Bhubaneswar", "Agartala", "Imphal",
                  "Dhaka", "Kathmandu", "Thimphu", "Colombo", "Male", "Lucknow", "Jaipur", "Pune", "Nagpur",
                  "Surat", "Kochi", "Mysuru", "Madurai", "Vizag", "Raipur", "Dehradun", "Shimla")
_FILLER_SECTIONS = ("world", "india", "business", "sports", "environment", "health")


def _filler_sentence(rng: random.Random, n: int) -> str:
    # choices() rather than sample(): several times faster, and repeats do not matter for filler text.
    words = rng.choices(_FILLER_WORDS, k=9)
    verb, place = rng.choice(_FILLER_VERBS), rng.choice(_FILLER_PLACES)
    return (f"The {words[0]} {words[1]} {verb} {int(rng.random() * 988) + 2} {words[2]} {words[3]} near "
            f"{place} after the {words[4]} {words[5]} {words[6]} of {words[7]} {words[8]} case {n}.")


def filler_stories(count: int, first_id: int = 20001) -> list[Story]:
    """`count` unique procedurally written JEN articles, older than the real ones (seeded, fast)."""
    rng = random.Random(20220303)
    out = []
    base = parse_time("2022-02-20T09:00:00+05:30")
    from datetime import timedelta

    for i in range(count):
        topic = rng.choices(_FILLER_WORDS, k=3)
        place = _FILLER_PLACES[i % len(_FILLER_PLACES)]
        headline = f"{place}: {topic[0].title()} {topic[1]} {_FILLER_VERBS[i % len(_FILLER_VERBS)]} over {topic[2]}"
        slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-") + f"-{i + 1}"
        paragraphs = []
        for p in range(4 + i % 3):
            text = " ".join(_filler_sentence(rng, i * 10 + p) for _ in range(3))
            paragraphs.append(f"{place} (JEN): {text}" if p == 0 else text)
        when = (base - timedelta(hours=3 * i, minutes=7 * (i % 9))).isoformat()
        style = "new" if i % 4 == 3 else "old"
        section = _FILLER_SECTIONS[i % len(_FILLER_SECTIONS)]
        images = (Image(f"/news_pic/2022/{hashlib.md5(slug.encode()).hexdigest()}.jpg", headline, "Image: UNI",
                        "UNI", 0),) if i % 2 == 0 else ()
        out.append(Story(outlet=JEN, slug=slug, headline=headline, section=section, published=when,
                         paragraphs=tuple(paragraphs), images=images, dateline=place, credits=(),
                         address_style=style, code="HC", article_id=first_id + i if style == "old" else None,
                         tags=("filler",)))
    return out


# ------------------------------------------------------------------------------------------------- build

def load_stories() -> Any:
    """The bundled story data (`replica.stories`)."""
    from replica import stories

    return stories


def _flatten(value: Any) -> list[Story]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in v]
    return list(value)


def _channels(jen: list[Story], seed: Story, fixed: set[str]) -> dict[str, str]:
    """Which discovery channels lead to each JEN article (see the *_ONLY constants)."""
    forced = {SITEMAP_ONLY, FEED_ONLY, LISTING_ONLY, ARCHIVE_ONLY}
    out: dict[str, str] = {}
    candidates = []
    for s in _newest_first(jen):
        sid = story_id(s)
        tagged = [t for t in s.tags if t in forced]
        if tagged:
            out[sid] = tagged[0]
        elif sid in fixed or "filler" in s.tags:
            out[sid] = ALL_CHANNELS
        else:
            candidates.append(sid)
    # The two oldest free stories are only in the archive listing, deep in its pagination.
    if len(candidates) >= 12:
        for sid in candidates[-2:]:
            out[sid] = ARCHIVE_ONLY
        candidates = candidates[:-2]
    rotation = {1: SITEMAP_ONLY, 3: FEED_ONLY, 5: LISTING_ONLY}
    for i, sid in enumerate(candidates):
        out.setdefault(sid, rotation.get(i % 6, ALL_CHANNELS))
    return out


def _fix_ids(jen: list[Story]) -> list[Story]:
    """Old-style stories need a numeric id; give one (stable) to any that lacks it."""
    used = {s.article_id for s in jen if s.article_id is not None}
    out = []
    for s in jen:
        if s.address_style == "old" and s.article_id is None:
            n = 30000 + stable_int(s.slug) % 10000
            while n in used:
                n += 1
            used.add(n)
            s = replace(s, article_id=n)
        out.append(s)
    return out


def build_site(extra_articles: int = 0, stories: ModuleType | SimpleNamespace | Any = None,
               hostile: bool = False) -> Site:
    """Render every page of the replica. `extra_articles` adds that many filler JEN articles.

    `stories` is anything with ``JEN_STORIES``, ``OUTLET_STORIES``, ``SEED_STORY`` and ``OUTLETS``
    (default: `replica.stories`). `hostile` adds the corpus of hostile pages to Just Earth News
    (see `replica.hostile`); without it, nothing of that corpus is served.
    """
    data = stories if stories is not None else load_stories()
    seed: Story = data.SEED_STORY
    # Every story once, whichever collections it appears in (ALL_STORIES may hold more than the others).
    unique: dict[str, Story] = {}
    for s in [*data.JEN_STORIES, *_flatten(data.OUTLET_STORIES), *getattr(data, "ALL_STORIES", ())]:
        unique.setdefault(story_id(s), s)
    jen = _fix_ids([s for s in unique.values() if s.outlet == JEN])
    if not any(s.slug == seed.slug for s in jen):
        jen.insert(0, seed)
    seed = next(s for s in jen if s.slug == seed.slug)
    max_id = max((s.article_id or 0) for s in jen)
    jen_all = jen + filler_stories(extra_articles, first_id=max(20001, max_id + 1000))
    outlet_stories = [s for s in unique.values() if s.outlet != JEN]
    outlet_info: dict[str, dict[str, str]] = {k: dict(v) for k, v in dict(data.OUTLETS).items()}

    pages: dict[tuple[str, str], Response] = {}
    info: dict[tuple[str, str], PageInfo] = {}

    def add(outlet: str, path: str, resp: Response, page: PageInfo) -> None:
        if (outlet, path) in pages:
            raise ValueError(f"two pages at {outlet}{path}")
        pages[(outlet, path)] = resp
        info[(outlet, path)] = page

    # The seed's sidebar, in the order the seed page shows it: the data's own list when it has one,
    # else the tagged stories newest first (a "latest news" box).
    tagged = {story_id(s) for s in jen if "seed-sidebar" in s.tags}
    listed_order = [story_id(s) for s in getattr(data, "SIDEBAR_STORIES", ())]
    order = ([i for i in listed_order if i in tagged]
             or [story_id(s) for s in _newest_first(jen) if story_id(s) in tagged])
    by_id = {story_id(s): s for s in jen}
    _build_jen(jen_all, seed, [by_id[i] for i in order], add,
               extra_sitemaps=(hostile_pages.SITEMAP_PATH,) if hostile else ())
    if hostile:
        hostile_pages.add_hostile_pages(add)
    names = [n for n in OUTLET_HOSTS if n != JEN]
    names += sorted({s.outlet for s in outlet_stories} - set(names))
    for name in names:
        mine = [s for s in outlet_stories if s.outlet == name]
        if not mine:
            continue
        meta = outlet_info.setdefault(name, {"title": name.title(), "description": ""})
        outlet_templates.build_outlet(name, meta, mine, add)
    served_outlets = tuple([JEN] + [n for n in names if any(s.outlet == n for s in outlet_stories)])
    disallowed = {JEN: ("/search?q=ukraine", "/admin/")}
    for name in served_outlets[1:]:
        disallowed[name] = outlet_templates.disallowed_paths(name)
    return Site(pages=pages, info=info, stories=tuple(jen_all + outlet_stories), seed_id=story_id(seed),
                outlets=served_outlets, outlet_info=outlet_info, disallowed=disallowed)


# Deliberate faults linked from the home page's "Trending" box: (path, expected, label).
JEN_FAULTS = (
    ("/world-details/HC/9001/ukraine-live-updates-page-removed.html", "http_404",
     "Ukraine live updates: day eight"),
    ("/india-details/HC/9002/budget-session-live-blog-day-two.html", "http_500", "Budget session live blog"),
    ("/people-details/HC/5181/ukraine-talks-old-address.html", "redirect", "Ukraine talks: what we know"),
    ("/business-details/HC/9003/annual-report-2021-22.html", "not_html", "Annual report 2021-22"),
)


def _build_jen(jen: list[Story], seed: Story, seed_sidebar: list[Story], add: Any,
               extra_sitemaps: tuple[str, ...] = ()) -> None:
    fixed = {story_id(seed), *(story_id(s) for s in seed_sidebar)}
    channels = _channels(jen, seed, fixed)
    newest = _newest_first(jen)
    sections = _sections(jen)
    listed = [s for s in newest if channels[story_id(s)] in (ALL_CHANNELS, LISTING_ONLY, ARCHIVE_ONLY)]
    in_sections = [s for s in listed if channels[story_id(s)] != ARCHIVE_ONLY]
    # Stories other pages may link to (sidebars, ticker, also-read): never the channel-restricted ones.
    pool = [s for s in newest if channels[story_id(s)] in (ALL_CHANNELS, LISTING_ONLY) and "filler" not in s.tags]
    if len(pool) < 6:
        pool = [s for s in newest if channels[story_id(s)] in (ALL_CHANNELS, LISTING_ONLY)][:50]
    ticker = pool[:3]
    redirect_target = next((s for s in pool if s is not seed), seed)

    for index, story in enumerate(newest):
        sid = story_id(story)
        if story is seed:
            sidebar, variant, also = seed_sidebar, 0, None
        else:
            rng = random.Random(f"sidebar:{sid}")
            others = [s for s in pool if s is not story]
            sidebar = rng.sample(others, min(5, len(others)))
            variant = stable_int(sid) % 3
            shown = {id(s) for s in sidebar}
            rest = [s for s in others if id(s) not in shown]
            also = rest[rng.randrange(len(rest))] if variant == 2 and rest else None
        with_ld = story.address_style == "new" or stable_int("ld:" + sid) % 2 == 0
        html = _jen_article(story, sections, ticker, sidebar, also, variant, with_ld)
        path = jen_article_path(story)
        add(JEN, path, html_response(html), PageInfo(
            outlet=JEN, path=path, kind="article", story=story, article_id=sid, canonical_path=path,
            sidebar=tuple(s.headline for s in sidebar), also_read=(also.headline,) if also else (),
            ticker=tuple(s.headline for s in ticker), filler="filler" in story.tags,
            extra={"channel": channels[sid], "json_ld": with_ld, "template": f"jen-{story.address_style}",
                   "sidebar_placement": ("list-in-article", "aside", "aside+also-read")[variant]}))
        printp = jen_print_path(story)
        if printp:
            top = pool[(index + 1) % len(pool)] if pool else story
            page, names = _jen_print(story, top)
            add(JEN, printp, html_response(page), PageInfo(
                outlet=JEN, path=printp, kind="print", story=story, article_id=sid, canonical_path=path,
                ticker=(top.headline,), placeholders=names, filler="filler" in story.tags))

    # Home: latest 10 and the trending box with the deliberate faults.
    trending = "".join(f'<li><a href="{p}">{esc(label)}</a></li>' for p, _, label in JEN_FAULTS)
    extra = (f'<section class="trending"><h2>Trending</h2><ul>{trending}</ul></section>\n'
             '<p class="more"><a href="/latest/">More news »</a></p>\n')
    home_items = in_sections[:HOME_COUNT]
    add(JEN, "/", html_response(_jen_listing(f"{JEN_TITLE} | Latest news from around the world", "/", sections,
                                             ticker, [s for s in home_items], None, None, extra)),
        PageInfo(outlet=JEN, path="/", kind="listing", links=tuple(story_id(s) for s in home_items),
                 extra={"fault_links": [p for p, _, _ in JEN_FAULTS]}))
    for base, title, items in [(f"/sections/{sec}/", section_title(sec), [s for s in in_sections if s.section == sec])
                               for sec in sections] + [("/latest/", "Latest news", listed)]:
        pages_count = max(1, -(-len(items) // PER_PAGE))
        for page in range(1, pages_count + 1):
            chunk = items[(page - 1) * PER_PAGE: page * PER_PAGE]
            path = listing_path(base, page)
            prev_p = listing_path(base, page - 1) if page > 1 else None
            next_p = listing_path(base, page + 1) if page < pages_count else None
            html = _jen_listing(f"{title} | {JEN_TITLE}" + (f" | Page {page}" if page > 1 else ""), path,
                                sections, ticker, chunk, prev_p, next_p)
            add(JEN, path, html_response(html), PageInfo(
                outlet=JEN, path=path, kind="listing", links=tuple(story_id(s) for s in chunk), next_path=next_p,
                extra={"page": page}))

    # Faults linked from the home page.
    for path, expected, label in JEN_FAULTS:
        if expected == "http_404":
            resp = html_response(not_found_html(JEN_TITLE), 404)
        elif expected == "http_500":
            resp = html_response("<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1>"
                                 "<p>Database connection failed.</p></body></html>", 500)
        elif expected == "redirect":
            resp = Response(301, (("Location", ORIGIN + jen_article_path(redirect_target)),
                                  ("Content-Type", HTML_TYPE)), b"")
        else:
            resp = Response(200, (("Content-Type", "application/pdf"),), PDF_BYTES)
        add(JEN, path, resp, PageInfo(
            outlet=JEN, path=path, kind="fault", status=resp.status, content_type=resp.content_type,
            expected=expected, article_id=story_id(redirect_target) if expected == "redirect" else None,
            extra={"label": label}))

    # Sitemaps: an index and two children, newest first.
    in_sitemap = [s for s in newest if channels[story_id(s)] in (ALL_CHANNELS, SITEMAP_ONLY)]
    half = (len(in_sitemap) + 1) // 2
    children = [("/sitemap-articles-1.xml", in_sitemap[:half]), ("/sitemap-articles-2.xml", in_sitemap[half:])]
    index_rows = "".join(f"<sitemap><loc>{ORIGIN}{p}</loc><lastmod>{chunk[0].published if chunk else ''}</lastmod>"
                         "</sitemap>\n" for p, chunk in children)
    index_rows += "".join(f"<sitemap><loc>{ORIGIN}{p}</loc></sitemap>\n" for p in extra_sitemaps)
    index_xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
                 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + index_rows + "</sitemapindex>\n")
    add(JEN, "/sitemap.xml", text_response(index_xml, "application/xml; charset=utf-8"),
        PageInfo(outlet=JEN, path="/sitemap.xml", kind="sitemap", content_type="application/xml; charset=utf-8",
                 extra={"children": [p for p, _ in children] + list(extra_sitemaps)}))
    for path, chunk in children:
        xml = urlset_xml([(ORIGIN + jen_article_path(s), s.published) for s in chunk])
        add(JEN, path, text_response(xml, "application/xml; charset=utf-8"),
            PageInfo(outlet=JEN, path=path, kind="sitemap", content_type="application/xml; charset=utf-8",
                     links=tuple(story_id(s) for s in chunk)))

    # JSON feed shaped like the sister site's: {"news": {"news": [...], "<section>": [...]}}.
    in_feed_pool = [s for s in newest if channels[story_id(s)] in (ALL_CHANNELS, FEED_ONLY)]
    feed: dict[str, list[dict[str, Any]]] = {"news": []}
    chosen: list[Story] = []
    for s in in_feed_pool[:FEED_PER_SECTION]:
        chosen.append(s)
    for sec in sections:
        items = [s for s in in_feed_pool if s.section == sec]
        keep = items[:FEED_PER_SECTION] + [s for s in items[FEED_PER_SECTION:] if channels[story_id(s)] == FEED_ONLY]
        feed[sec] = [_feed_item(s) for s in keep]
        chosen.extend(keep)
    feed["news"] = [_feed_item(s) for s in in_feed_pool[:FEED_PER_SECTION]]
    feed_ids = list(dict.fromkeys(story_id(s) for s in chosen))
    add(JEN, "/news/feeds.json", text_response(json.dumps({"news": feed}, ensure_ascii=False, indent=1),
                                               "application/json; charset=utf-8"),
        PageInfo(outlet=JEN, path="/news/feeds.json", kind="feed", content_type="application/json; charset=utf-8",
                 links=tuple(feed_ids)))

    robots = robots_txt(("/search", "/admin/"))
    add(JEN, "/robots.txt", text_response(robots, "text/plain; charset=utf-8"),
        PageInfo(outlet=JEN, path="/robots.txt", kind="robots", content_type="text/plain; charset=utf-8"))


def _feed_item(story: Story) -> dict[str, Any]:
    numeric = story.article_id if story.article_id is not None else 900000 + stable_int(story.slug) % 100000
    return {
        "id": numeric,
        "title": story.headline,
        "description": summary(story),
        "content": "".join(f"<p>{esc(p)}</p>" for p in story.paragraphs),
        "imageName": story.images[0].src.rsplit("/", 1)[-1] if story.images else "",
        "section": story.section,
        "published": story.published,
        "url": ORIGIN + jen_article_path(story),
    }
