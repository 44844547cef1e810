"""The seed story poured into other plausible Just Earth News layouts: golden fixtures for a redesign.

    .venv/bin/python -m tests.golden.layouts          # write tests/golden/justearthnews/layout_*.{html,json}
    .venv/bin/python -m tests.golden.layouts --check  # only report where the cleaner and the seed disagree

Each layout is a markup the site could move to: a table CMS with ``<br><br>`` between paragraphs and
captions in ``<span>``s, ``<div>`` paragraphs with inline "Also Read" and "Trending" boxes, a WordPress
theme with ``wp-caption`` blocks and widget lists, an AMP page whose metadata is only in JSON-LD, and one
the JEN rules cannot read (the story as a list of content elements), which the generic path cleans instead. The expected
JSON is the reviewed seed record (``seed.json``: its 12 paragraphs, 4 images, title, date, byline), not
the parser's output; only the audit fields (removed, problems, parser) come from the parser, and only
after checking that every other story's headline of the layout is audited and no caption or headline
is left in the body.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.cleaner import parse
from crawler.cleaner.cleanup import norm

FOLDER = Path(__file__).resolve().parent / "justearthnews"
SEED = json.loads((FOLDER / "seed.json").read_text(encoding="utf-8"))
BYLINE_TIME = "03 Mar 2022, 04:05 pm"
# Other stories the layouts link to (the seed page's related news).
OTHER_STORIES = [
    ("/world-details/W/6197/pakistan-balochistan-bomb-blast-leaves-eight-people-including-7-levis-personnel-injured"
     ".html", "Pakistan: Balochistan bomb blast leaves eight people, including 7 Levis personnel, injured"),
    ("/world-details/W/6195/pakistan-police-kill-three-gunmen-during-encounter.html",
     "Pakistan: Police kill three gunmen during encounter"),
    ("/world-details/W/6193/pakistani-politician-survives-blast-inside-lower-south-waziristan-mosque.html",
     "Pakistani politician survives blast inside Lower South Waziristan mosque"),
    ("/world-details/W/6192/israel-lebanon-idf-eliminates-hezbollah-leader-abbas-hassan-karky.html",
     "Israel-Lebanon: IDF eliminates Hezbollah leader Abbas Hassan Karky"),
    ("/world-details/W/6190/pakistan-sick-child-dies-during-prolonged-check-by-pakistani-forces.html",
     "Pakistan: Sick child dies during prolonged check by Pakistani forces"),
    ("/sections/business/lic-files-draft-papers-for-indias-biggest-ipo-government-to-sell-5-pc-stake/",
     "LIC files draft papers for India's biggest IPO, government to sell 5 pc stake"),
]
# After which paragraph (1-based) each of the seed's four images stands.
IMAGE_AFTER = (0, 5, 7, 10)


def e(text: str) -> str:
    return html.escape(text, quote=True)


def path_of(url: str) -> str:
    return url.split(":8000", 1)[1]


def link(i: int) -> str:
    href, title = OTHER_STORIES[i]
    return f'<a href="{href}">{e(title)}</a>'


def head(extra: str = "", og: bool = True) -> str:
    title = e(SEED["title"])
    tags = (f'<meta property="og:site_name" content="Just Earth News">\n<meta property="og:title" content="{title}">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="article:published_time" content="{SEED["published"]}">\n') if og else ""
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title} | Just Earth News</title>\n"
            f'<link rel="canonical" href="{SEED["canonical_url"]}">\n<meta name="author" content="Just Earth News">\n'
            f"{tags}{extra}</head>\n")


def story(paragraph: Callable[[int, str], str], image: Callable[[int, dict[str, str]], str],
          between: dict[int, str] | None = None) -> str:
    """The seed's paragraphs and images in order, each rendered by the layout; `between[n]` after paragraph n."""
    between = between or {}
    out = []
    for n in range(len(SEED["body"]) + 1):
        for k, after in enumerate(IMAGE_AFTER):
            if after == n:
                out.append(image(k, SEED["images"][k]))
        if n in between:
            out.append(between[n])
        if n < len(SEED["body"]):
            out.append(paragraph(n, SEED["body"][n]))
    return "\n".join(out)


def table_cms() -> str:
    """An old table CMS: paragraphs as runs separated by <br><br>, captions in <span>s, a link column."""
    def image(k: int, img: dict[str, str]) -> str:
        alt = f' alt="{e(img["alt"])}"' if img["alt"] else ""
        # What such templates print with an image: its alt text again, its file name leaking as text.
        shown = f"<i>{e(img['alt'])}</i><br>\n" if img["alt"] else ""
        name = img["src"].rsplit("/", 1)[1]
        leaked = f"{e(name[name.rfind('-'):])})<br>\n" if "-" in name else ""
        return (f'<img src="{path_of(img["src"])}"{alt} border="0"><br>\n{shown}{leaked}'
                f'<span class="caption">{e(img["caption"])}</span><br><br>')
    body = story(lambda n, p: f"{e(p)}<br><br>", image)
    latest = "<br>\n".join(link(i) for i in range(5))
    return (head() + '<body bgcolor="#ffffff">\n<table width="100%" cellpadding="4" class="layout">\n'
            '<tr><td colspan="3" class="masthead"><a href="/"><img src="/images/jen-logo.gif" alt="Just Earth News">'
            '</a></td></tr>\n<tr>\n<td width="15%" valign="top" class="leftnav"><a href="/">Home</a><br>'
            '<a href="/sections/world/">World</a><br><a href="/sections/india/">India</a><br>'
            '<a href="/sections/business/">Business</a></td>\n'
            '<td width="60%" valign="top" class="story">\n'
            f'<font size="5"><b>{e(SEED["title"])}</b></font><br>\n'
            f'<font size="2" color="#666666">Just Earth News | {BYLINE_TIME}</font><br><br>\n{body}\n</td>\n'
            f'<td width="25%" valign="top" class="rightcol"><b>Latest News</b><br>\n{latest}</td>\n</tr>\n'
            '<tr><td colspan="3" class="copyright">© 2022 Just Earth News. All rights reserved.</td></tr>\n'
            "</table>\n</body>\n</html>\n")


def div_paragraphs() -> str:
    """A newer theme: every paragraph a <div>, the lead image in a media box, inline Also Read / Trending boxes."""
    def image(k: int, img: dict[str, str]) -> str:
        credit = f'<span class="credit">{e(img["caption"])}</span>' if k == 0 else ""  # printed twice
        return (f'<div class="media-box"><picture><img src="{path_of(img["src"])}" alt="{e(img["alt"])}"></picture>'
                f'<div class="media-caption">{e(img["caption"])}</div>{credit}</div>')
    boxes = {
        2: f'<div class="also-read-box"><strong>Also Read:</strong> {link(0)}</div>',
        6: f'<div class="trending-box"><div class="box-title">Trending</div>{link(1)} {link(2)}</div>',
        9: f'<div class="also-read-box"><span>Also Read</span> {link(5)}</div>',
    }
    body = story(lambda n, p: f'<div class="story-para">{e(p)}</div>', image, boxes)
    return (head() + '<body class="story-page">\n<div class="app">\n<div class="top-nav"><a class="logo" href="/">'
            'Just Earth News</a> <a href="/sections/world/">World</a> <a href="/sections/india/">India</a></div>\n'
            f'<div class="story-wrap">\n<h1 class="story-title">{e(SEED["title"])}</h1>\n'
            f'<div class="story-meta">By <span class="author">Just Earth News</span> • '
            f'<time datetime="{SEED["published"]}">{BYLINE_TIME}</time></div>\n'
            f'<div class="story-text">\n{body}\n</div>\n'
            f'<div class="more-box"><div class="box-title">Related</div>{link(3)} {link(4)}</div>\n</div>\n'
            "</div>\n</body>\n</html>\n")


def wordpress() -> str:
    """A WordPress theme: wp-caption blocks, Jetpack related posts, a recent-posts widget in the sidebar."""
    def image(k: int, img: dict[str, str]) -> str:
        return (f'<div id="attachment_{100 + k}" class="wp-caption aligncenter" style="width: 810px">'
                f'<img class="size-full wp-image-{100 + k}" src="{path_of(img["src"])}" alt="{e(img["alt"])}" '
                f'width="800" height="450"><p class="wp-caption-text">{e(img["caption"])}</p></div>')
    body = story(lambda n, p: f"<p>{e(p)}</p>", image)
    related = "".join(f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">{link(i)}</h4>'
                      '<p class="jp-relatedposts-post-date">March 2, 2022</p></div>' for i in (0, 1, 2))
    widget = "".join(f"<li>{link(i)}</li>" for i in (3, 4, 5))
    return (head() + '<body class="post-template-default single single-post">\n<div id="page" class="site">\n'
            '<header id="masthead" class="site-header"><p class="site-title"><a href="/">Just Earth News</a></p>'
            '<nav class="main-navigation"><ul><li><a href="/sections/world/">World</a></li></ul></nav></header>\n'
            '<div id="content" class="site-content"><div id="primary" class="content-area">'
            '<main id="main" class="site-main">\n'
            '<article id="post-6181" class="post-6181 post type-post status-publish">\n'
            f'<header class="entry-header"><h1 class="entry-title">{e(SEED["title"])}</h1>\n'
            '<div class="entry-meta"><span class="byline">Just Earth News</span> | <span class="posted-on">'
            f'<time class="entry-date published" datetime="{SEED["published"]}">{BYLINE_TIME}</time></span></div>'
            f'</header>\n<div class="entry-content">\n{body}\n'
            '<div id="jp-relatedposts" class="jp-relatedposts">'
            '<h3 class="jp-relatedposts-headline"><em>Related</em></h3>'
            f'<div class="jp-relatedposts-items">{related}</div></div>\n</div>\n'
            '<footer class="entry-footer"><span class="cat-links">Posted in <a href="/sections/people/">People</a>'
            '</span></footer>\n</article>\n</main></div>\n'
            '<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries">'
            f'<h2 class="widget-title">Recent Posts</h2><ul>{widget}</ul></section></aside>\n</div>\n'
            '<footer class="site-footer">© 2022 Just Earth News</footer>\n</div>\n</body>\n</html>\n')


def amp_json_ld() -> str:
    """An AMP page: no og: tags, the metadata only in JSON-LD, images as <amp-img>, related news in a carousel list."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": SEED["title"],
          "datePublished": SEED["published"], "dateModified": "2022-03-03T18:20:00+05:30",
          "author": {"@type": "Organization", "name": "Just Earth News"},
          "publisher": {"@type": "Organization", "name": "Just Earth News",
                        "logo": {"@type": "ImageObject", "url": "http://127.0.0.1:8000/images/jen-logo.png"}},
          "image": [img["src"] for img in SEED["images"]], "mainEntityOfPage": SEED["canonical_url"]}
    extra = ('<script async src="https://cdn.ampproject.org/v0.js"></script>\n'
             f'<script type="application/ld+json">{json.dumps(ld)}</script>\n'
             "<style amp-custom>body{font-family:sans-serif}.amp-date{color:#666}</style>\n")

    def image(k: int, img: dict[str, str]) -> str:
        return (f'<figure class="amp-figure"><amp-img src="{path_of(img["src"])}" alt="{e(img["alt"])}" width="800" '
                f'height="450" layout="responsive"></amp-img><figcaption>{e(img["caption"])}</figcaption></figure>')
    body = story(lambda n, p: f"<p>{e(p)}</p>", image)
    related = "".join(f"<li>{link(i)}</li>" for i in range(5))
    return (head(extra, og=False).replace('<html lang="en">', '<html amp lang="en">')
            + '<body>\n<header class="amp-header"><a href="/">Just Earth News</a></header>\n'
            f'<article class="amp-article">\n<h1 class="amp-title">{e(SEED["title"])}</h1>\n'
            f'<p class="amp-byline">By Just Earth News <span class="amp-date">{BYLINE_TIME}</span></p>\n{body}\n'
            f'<section class="amp-related"><h3>Related News</h3><ul>{related}</ul></section>\n</article>\n'
            '<amp-analytics type="gtag"><script type="application/json">{"vars": {"gtag_id": "G-XXXX"}}</script>'
            "</amp-analytics>\n</body>\n</html>\n")


def story_elements() -> str:
    """A front end that renders the story as a list of content elements (one <li> per paragraph or image),
    headline and byline in the story's <header>: the JEN rules find no paragraph, the generic path must."""
    def image(k: int, img: dict[str, str]) -> str:
        return (f'<li class="element element-image"><figure><img src="{path_of(img["src"])}" alt="{e(img["alt"])}">'
                f"<figcaption>{e(img['caption'])}</figcaption></figure></li>")
    body = story(lambda n, p: f'<li class="element element-text">{e(p)}</li>', image)
    related = "".join(f"<li>{link(i)}</li>" for i in range(5))
    return (head() + '<body>\n<header class="masthead"><a href="/">Just Earth News</a></header>\n<main>\n'
            f'<article class="story">\n<header class="story-header"><h1>{e(SEED["title"])}</h1>\n'
            f'<div class="byline">Just Earth News | <time datetime="{SEED["published"]}">{BYLINE_TIME}</time></div>'
            f'</header>\n<ol class="story-elements">\n{body}\n</ol>\n</article>\n'
            f'<aside class="rail"><h3>Latest</h3><ul>{related}</ul></aside>\n</main>\n</body>\n</html>\n')


# name -> (what it is, the page, the parser that must produce the record)
LAYOUTS: dict[str, tuple[str, Callable[[], str], str]] = {
    "layout_table_cms": ("table CMS: <br><br> paragraphs, caption <span>s, a link column", table_cms, "justearthnews"),
    "layout_div_paragraphs": ("<div> paragraphs, inline Also Read / Trending / Related boxes", div_paragraphs,
                              "justearthnews"),
    "layout_wordpress": ("WordPress: wp-caption, Jetpack related posts, recent-posts widget", wordpress,
                         "justearthnews"),
    "layout_amp": ("AMP: <amp-img>, metadata only in JSON-LD", amp_json_ld, "justearthnews"),
    "layout_story_elements": ("story as a list of content elements: not recognised, cleaned by the generic path",
                              story_elements, "generic"),
}


def expected_record(name: str, got: dict[str, Any], parser: str) -> tuple[dict[str, Any], list[str]]:
    """The seed's reviewed record with this layout's checked audit fields; and the disagreements."""
    exp = dict(got)
    for key in ("url", "canonical_url", "source", "kind", "title", "published", "byline", "dateline", "credits",
                "body", "text", "images"):
        exp[key] = SEED[key]
    exp["status"] = "article" if parser == "justearthnews" else "partial"
    exp["parser"] = parser
    exp["fallback_from"] = None if parser == "justearthnews" else "justearthnews"
    issues = [f"{k}: cleaner {got[k]!r} != seed {exp[k]!r}" for k in exp if got[k] != exp[k] and k != "problems"]
    if parser != "justearthnews" and got["problems"][:1] != ["JEN layout not recognised"]:
        issues.append(f"problems: {got['problems']!r} (a fallback must say so first)")
    if parser == "justearthnews" and got["problems"]:
        issues.append(f"problems: {got['problems']!r}")
    removed = {norm(r["text"]) for r in got["removed"] if r["kind"] == "sidebar_headline"}
    page = LAYOUTS[name][1]()
    for _, title in OTHER_STORIES:
        if e(title) in page and norm(title) not in removed:
            issues.append(f"headline not audited: {title!r}")
    junk = {norm(t) for img in SEED["images"] for t in (img["caption"], img["alt"]) if t}
    junk |= {norm(t) for _, t in OTHER_STORIES}
    issues += [f"caption or headline in the body: {p!r}" for p in got["body"] if norm(p) in junk]
    return exp, issues


def build(check_only: bool = False) -> int:
    problems = 0
    for name, (what, render, parser) in LAYOUTS.items():
        page = render()
        got = parse(page.encode("utf-8"), SEED["url"], source="justearthnews").to_dict()
        exp, issues = expected_record(name, got, parser)
        exp["_fixture"] = {"page": what, "layout_of": "justearthnews/seed"}
        print(f"justearthnews/{name}: {'ok' if not issues else f'{len(issues)} DISAGREEMENT(S)'}")
        for issue in issues:
            print(f"    {issue}")
        problems += len(issues)
        if not check_only:
            (FOLDER / f"{name}.html").write_text(page, encoding="utf-8")
            (FOLDER / f"{name}.json").write_text(json.dumps(exp, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare only, write nothing")
    return build(check_only=ap.parse_args(argv).check)


if __name__ == "__main__":
    sys.exit(main())
