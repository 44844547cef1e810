"""Templates of the other outlets: each its own markup, furniture and article address pattern.

* ``wftl`` (127.0.0.2) — WordPress-like radio station site. Articles ``/YYYY/MM/DD/{slug}/``; home ``/``
  with ``/page/N/`` (10 per page); ``<article class="post"><div class="entry-content">`` holding the body,
  a copyright line, a "Share this:" box and "Related Posts".
* ``herald`` (127.0.0.3) — newspaper. Articles ``/news/{slug}-{n}.html``; ``itemprop="articleBody"`` with an
  "Also read" block inside the body; a "Most Read" aside.
* ``monitor`` (127.0.0.4) — aggregator. Articles ``/story/{slug}``; a "Latest news" list after the story.

Each has ``/``, ``/sitemap.xml`` (a urlset) and ``/robots.txt``. Outlet names beyond these three reuse
the templates in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from replica.model import Story
from replica.pages import (
    ORIGIN,
    PageInfo,
    Response,
    body_html,
    esc,
    html_response,
    json_ld,
    parse_time,
    robots_txt,
    story_id,
    summary,
    text_response,
    urlset_xml,
)

TEMPLATES = ("wordpress", "newspaper", "aggregator")
OUTLET_TEMPLATE = {"wftl": "wordpress", "herald": "newspaper", "monitor": "aggregator"}
# Regexes for the article addresses of each template; use with re.search on a path or a full URL.
ARTICLE_PATTERNS = {
    "wordpress": r"/\d{4}/\d{2}/\d{2}/[a-z0-9][a-z0-9-]*/(?:$|[?#])",
    "newspaper": r"/news/[a-z0-9][a-z0-9-]*-\d+\.html(?:$|[?#])",
    "aggregator": r"/story/[a-z0-9][a-z0-9-]*(?:$|[?#])",
}
_ROBOTS = {"wordpress": ("/wp-admin/",), "newspaper": ("/search",), "aggregator": ("/admin/",)}
WP_PER_PAGE = 10

AddPage = Callable[[str, str, Response, PageInfo], None]


def template_of(name: str) -> str:
    if name in OUTLET_TEMPLATE:
        return OUTLET_TEMPLATE[name]
    return TEMPLATES[sum(map(ord, name)) % len(TEMPLATES)]


def article_pattern(name: str) -> str:
    return ARTICLE_PATTERNS[template_of(name)]


def disallowed_paths(name: str) -> tuple[str, ...]:
    return _ROBOTS[template_of(name)]


def _oldest_first(stories: list[Story]) -> list[Story]:
    return sorted(stories, key=lambda s: (parse_time(s.published), s.slug))


def article_paths(name: str, stories: list[Story]) -> dict[str, str]:
    """story id -> path on the outlet."""
    template = template_of(name)
    out = {}
    for n, s in enumerate(_oldest_first(stories), start=1):
        if template == "wordpress":
            path = f"/{s.published[:4]}/{s.published[5:7]}/{s.published[8:10]}/{s.slug}/"
        elif template == "newspaper":
            path = f"/news/{s.slug}-{48100 + n}.html"
        else:
            path = f"/story/{s.slug}"
        out[story_id(s)] = path
    return out


def _long_date(published: str) -> str:
    when = parse_time(published)
    return f"{when.strftime('%B')} {when.day}, {when.year}"


def _meta(story: Story, canonical: str, site_title: str, image: str | None) -> str:
    rows = [
        f'<link rel="canonical" href="{esc(canonical)}">',
        f'<meta name="description" content="{esc(summary(story))}">',
        f'<meta name="author" content="{esc(story.byline)}">',
        f'<meta property="og:site_name" content="{esc(site_title)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(story.headline)}">',
        f'<meta property="og:url" content="{esc(canonical)}">',
        f'<meta property="article:published_time" content="{esc(story.published)}">',
        f'<meta property="article:section" content="{esc(story.section.title())}">',
    ]
    if image:
        rows.append(f'<meta property="og:image" content="{esc(image)}">')
    return "\n".join(rows)


def _copyright(story: Story, site_title: str) -> str:
    owner = "ABC Audio" if any("ABC" in c for c in (story.byline, *story.credits)) else site_title
    return f"Copyright © 2022, {owner}. All rights reserved."


def _wordpress_article(story: Story, path: str, meta: dict[str, str], related: list[tuple[str, Story]],
                       recent: list[tuple[str, Story]]) -> tuple[str, tuple[str, ...]]:
    title = meta["title"]
    canonical = ORIGIN + path
    image = ORIGIN + story.images[0].src if story.images else None
    post_id = 1000 + sum(map(ord, story.slug)) % 9000
    copyright_line = meta.get("footer") or _copyright(story, title)
    share = ("<div class=\"sharedaddy sd-sharing-enabled\"><h3 class=\"sd-title\">Share this:</h3><ul>"
             f"<li><a class=\"share-facebook\" href=\"https://www.facebook.com/sharer.php?u={esc(canonical)}\">"
             "Facebook</a></li><li><a class=\"share-twitter\" href=\"https://twitter.com/share\">Twitter</a></li>"
             "<li><a class=\"share-email\" href=\"mailto:?subject=news\">Email</a></li></ul></div>")
    rel = ""
    if related:
        items = "".join(f'<li><a class="jp-relatedposts-post-a" href="{p}">{esc(s.headline)}</a></li>'
                        for p, s in related)
        rel = (f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
               f"<em>Related Posts</em></h3><ul>{items}</ul></div>")
    recent_html = "".join(f'<li><a href="{p}">{esc(s.headline)}</a></li>' for p, s in recent)
    page = (
        f"<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<meta charset=\"UTF-8\">\n"
        f"<title>{esc(story.headline)} – {esc(title)}</title>\n{_meta(story, canonical, title, image)}\n"
        "<link rel=\"stylesheet\" id=\"wp-block-library-css\" "
        "href=\"/wp-includes/css/dist/block-library/style.min.css\">\n"
        "</head>\n"
        f"<body class=\"post-template-default single single-post postid-{post_id} single-format-standard\">\n"
        "<div id=\"page\" class=\"site\">\n<header id=\"masthead\" class=\"site-header\">"
        f"<p class=\"site-title\"><a href=\"/\" rel=\"home\">{esc(title)}</a></p>"
        f"<p class=\"site-description\">{esc(meta.get('description', ''))}</p>"
        "<nav id=\"site-navigation\" class=\"main-navigation\"><ul id=\"primary-menu\" class=\"menu\">"
        "<li><a href=\"/\">Home</a></li></ul></nav></header>\n"
        "<div id=\"content\" class=\"site-content\"><div id=\"primary\" class=\"content-area\">"
        "<main id=\"main\" class=\"site-main\">\n"
        f"<article id=\"post-{post_id}\" class=\"post-{post_id} post type-post status-publish format-standard "
        "hentry category-news\">\n<header class=\"entry-header\">"
        f"<h1 class=\"entry-title\">{esc(story.headline)}</h1>\n<div class=\"entry-meta\"><span class=\"posted-on\">"
        f"Posted on <a href=\"{path}\" rel=\"bookmark\"><time class=\"entry-date published\" "
        f"datetime=\"{esc(story.published)}\">{_long_date(story.published)}</time></a></span>"
        f"<span class=\"byline\"> by <span class=\"author vcard\">{esc(story.byline)}</span></span></div>"
        "</header>\n<div class=\"entry-content\">\n"
        f"{body_html(story, 'wp-block-image')}\n<p class=\"copyright\">{esc(copyright_line)}</p>\n{share}\n{rel}\n"
        "</div>\n<footer class=\"entry-footer\"><span class=\"cat-links\">Posted in <a href=\"/\" rel=\"category\">"
        "News</a></span></footer>\n</article>\n</main></div>\n"
        "<aside id=\"secondary\" class=\"widget-area\"><section class=\"widget widget_recent_entries\">"
        f"<h2 class=\"widget-title\">Recent Posts</h2><ul>{recent_html}</ul></section></aside>\n</div>\n"
        f"<footer id=\"colophon\" class=\"site-footer\"><div class=\"site-info\">Copyright © 2022 {esc(title)}. "
        "All rights reserved. Powered by WordPress.</div></footer>\n</div>\n</body>\n</html>\n")
    furniture = (copyright_line, "Share this:", "Facebook", "Twitter", "Email", *(("Related Posts",) if rel else ()))
    return page, furniture


def _newspaper_article(story: Story, path: str, meta: dict[str, str], also: tuple[str, Story] | None,
                       most_read: list[tuple[str, Story]]) -> tuple[str, tuple[str, ...]]:
    title = meta["title"]
    canonical = ORIGIN + path
    images = [ORIGIN + img.src for img in story.images]
    insert = {}
    if also is not None:
        k = min(2, max(1, len(story.paragraphs) - 1))
        insert[k] = (f'<div class="also-read"><span class="also-read-label">Also read</span> '
                     f'<a href="{also[0]}">{esc(also[1].headline)}</a></div>')
    when = parse_time(story.published)
    most = "".join(f'<li><a href="{p}">{esc(s.headline)}</a></li>' for p, s in most_read)
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{esc(story.headline)} - {esc(title)}</title>\n"
        f"{_meta(story, canonical, title, images[0] if images else None)}\n"
        f"{json_ld(story, canonical, images, title)}\n</head>\n<body class=\"article-page\">\n"
        f"<header class=\"masthead\"><a class=\"brand\" href=\"/\">{esc(title)}</a>"
        f"<span class=\"tagline\">{esc(meta.get('description', ''))}</span>"
        "<nav class=\"menu\"><a href=\"/\">Home</a> <a href=\"/search?q=\">Search</a></nav></header>\n"
        "<div class=\"page\">\n<div class=\"article\" itemscope itemtype=\"https://schema.org/NewsArticle\">\n"
        f"<h1 itemprop=\"headline\">{esc(story.headline)}</h1>\n<div class=\"article-meta\">"
        f"<span class=\"author\" itemprop=\"author\">{esc(story.byline)}</span> | "
        f"<time itemprop=\"datePublished\" datetime=\"{esc(story.published)}\">"
        f"{when.strftime('%b')} {when.day}, {when.year} {when.strftime('%H:%M')}</time></div>\n"
        f"<div class=\"article-body\" itemprop=\"articleBody\">\n{body_html(story, 'article-image', insert)}\n</div>\n"
        "</div>\n"
        f"<aside class=\"most-read\"><h3>Most Read</h3><ol>{most}</ol></aside>\n</div>\n"
        f"<footer class=\"site-footer\">{esc(meta.get('footer') or f'© {title} 2022. All rights reserved.')}"
        "</footer>\n</body>\n</html>\n")
    return page, (("Also read",) if also else ())


def _aggregator_article(story: Story, path: str, meta: dict[str, str],
                        latest: list[tuple[str, Story]]) -> tuple[str, tuple[str, ...]]:
    title = meta["title"]
    canonical = ORIGIN + path
    image = ORIGIN + story.images[0].src if story.images else None
    items = "".join(f'<li><a href="{p}">{esc(s.headline)}</a></li>' for p, s in latest)
    latest_html = f'<section class="latest-news"><h2>Latest news</h2><ul>{items}</ul></section>\n' if latest else ""
    page = (
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{esc(story.headline)} | {esc(title)}</title>\n{_meta(story, canonical, title, image)}\n</head>\n"
        f"<body>\n<div class=\"topbar\"><a href=\"/\">{esc(title)}</a> — {esc(meta.get('description', ''))}</div>\n"
        "<main>\n<div class=\"story\">\n"
        f"<h1>{esc(story.headline)}</h1>\n<p class=\"meta\">{esc(story.byline)} · "
        f"<time datetime=\"{esc(story.published)}\">{_long_date(story.published)}</time></p>\n"
        f"<div class=\"story-text\">\n{body_html(story, 'story-image')}\n</div>\n</div>\n"
        f"{latest_html}</main>\n<footer><p>{esc(meta.get('footer') or title + ' collects headlines.')}</p></footer>\n"
        "</body>\n</html>\n")
    return page, ()


def _home(name: str, meta: dict[str, str], items: list[tuple[str, Story]], canonical_path: str,
          next_path: str | None, prev_path: str | None) -> str:
    title = meta["title"]
    rels = (("prev", prev_path), ("next", next_path))
    links = "".join(f'<link rel="{r}" href="{ORIGIN}{p}">\n' for r, p in rels if p)
    rows = "\n".join(f'<li class="entry"><h2><a href="{p}">{esc(s.headline)}</a></h2>'
                     f'<p>{esc(summary(s))}</p>'
                     f'<time datetime="{esc(s.published)}">{_long_date(s.published)}</time></li>'
                     for p, s in items)
    nav = " ".join(f'<a class="{c}" href="{p}">{t}</a>' for c, p, t in
                   (("prev", prev_path, "« Newer posts"), ("next", next_path, "Older posts »")) if p)
    heading = "Latest news" if template_of(name) == "aggregator" else esc(title)
    return ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(title)} – {esc(meta.get('description', ''))}</title>\n"
            f"<link rel=\"canonical\" href=\"{ORIGIN}{canonical_path}\">\n{links}"
            f"<meta property=\"og:site_name\" content=\"{esc(title)}\">\n"
            "<meta property=\"og:type\" content=\"website\">\n"
            f"</head>\n<body class=\"home\">\n<header><a href=\"/\">{esc(title)}</a></header>\n<main>\n"
            f"<h1>{heading}</h1>\n<ul class=\"posts\">\n{rows}\n</ul>\n"
            + (f"<nav class=\"pagination\">{nav}</nav>\n" if nav else "") + "</main>\n</body>\n</html>\n")


def build_outlet(name: str, meta: dict[str, str], stories: list[Story], add: AddPage) -> None:
    """Render one outlet: articles, home listing, sitemap, robots.txt."""
    template = template_of(name)
    paths = article_paths(name, stories)
    newest = list(reversed(_oldest_first(stories)))
    linked = [(paths[story_id(s)], s) for s in newest]
    for i, story in enumerate(newest):
        sid = story_id(story)
        path = paths[sid]
        others = [pair for pair in linked if pair[1] is not story]
        also: tuple[str, Story] | None = None
        if template == "wordpress":
            related = others[i % max(1, len(others)):][:3] or others[:3]
            page, furniture = _wordpress_article(story, path, meta, related, others[:5])
            # "Related Posts" inside the content, then the "Recent Posts" widget beside it.
            sidebar = tuple(dict.fromkeys(s.headline for _, s in [*related, *others[:5]]))
        elif template == "newspaper":
            also = others[(i + 1) % len(others)] if others else None
            most = [p for p in others if p is not also][:5]
            page, furniture = _newspaper_article(story, path, meta, also, most)
            sidebar = tuple(s.headline for _, s in most)
        else:
            latest = others[:5]
            page, furniture = _aggregator_article(story, path, meta, latest)
            sidebar = tuple(s.headline for _, s in latest)
        add(name, path, html_response(page), PageInfo(
            outlet=name, path=path, kind="article", story=story, article_id=sid, canonical_path=path,
            sidebar=sidebar, also_read=(also[1].headline,) if also else (), furniture=furniture,
            extra={"template": template}))

    per_page = WP_PER_PAGE if template == "wordpress" else max(1, len(linked))
    count = max(1, -(-len(linked) // per_page))
    for page in range(1, count + 1):
        path = "/" if page == 1 else f"/page/{page}/"
        chunk = linked[(page - 1) * per_page: page * per_page]
        next_p = f"/page/{page + 1}/" if page < count else None
        prev_p = None if page == 1 else ("/" if page == 2 else f"/page/{page - 1}/")
        add(name, path, html_response(_home(name, meta, chunk, path, next_p, prev_p)), PageInfo(
            outlet=name, path=path, kind="listing", links=tuple(story_id(s) for _, s in chunk), next_path=next_p,
            extra={"page": page}))

    xml = urlset_xml([(ORIGIN + p, s.published) for p, s in linked])
    add(name, "/sitemap.xml", text_response(xml, "application/xml; charset=utf-8"), PageInfo(
        outlet=name, path="/sitemap.xml", kind="sitemap", content_type="application/xml; charset=utf-8",
        links=tuple(story_id(s) for _, s in linked)))
    add(name, "/robots.txt", text_response(robots_txt(_ROBOTS[template]), "text/plain; charset=utf-8"), PageInfo(
        outlet=name, path="/robots.txt", kind="robots", content_type="text/plain; charset=utf-8"))


def outlet_summary() -> dict[str, Any]:
    """Template and article pattern of each known outlet (for docs and the config writer)."""
    return {name: {"template": t, "article_pattern": ARTICLE_PATTERNS[t]} for name, t in OUTLET_TEMPLATE.items()}
