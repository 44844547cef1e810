"""The answer key: what every replica page is, and what a perfect crawl + clean + dedup should find.

`answer_key(site, base_urls)` returns plain JSON-serialisable data:

``{"format", "seed_id", "base_urls", "pages": [...], "clusters": {...}, "disallowed": [...],
"unlinked_faults": {...}}`` — see `page_entry` for the fields of one page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from replica.model import Story
from replica.pages import JEN, PageInfo, parse_time, story_id
from replica.site import Site

FORMAT = "jen-replica-answer-key/1"


def cluster_table(stories: Iterable[Story]) -> dict[str, dict[str, Any]]:
    """cluster -> {"original": id of the earliest published member, "members": ids oldest first}."""
    groups: dict[str, list[Story]] = {}
    for s in stories:
        if s.cluster:
            groups.setdefault(s.cluster, []).append(s)
    table = {}
    for name in sorted(groups):
        members = sorted(groups[name], key=lambda s: (parse_time(s.published), story_id(s)))
        table[name] = {"original": story_id(members[0]), "members": [story_id(s) for s in members]}
    return table


def _article_fields(story: Story, base: str, info: PageInfo, clusters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    sid = story_id(story)
    role: str | None = None
    duplicate_of: str | None = None
    if story.cluster:
        original = clusters[story.cluster]["original"]
        role = "original" if original == sid else "copy"
        duplicate_of = None if role == "original" else original
    return {
        "id": sid,
        "canonical_url": base + (info.canonical_path or info.path),
        "title": story.headline,
        "published": story.published,
        "byline": story.byline,
        "dateline": story.dateline,
        "credits": list(story.credits),
        "section": story.section,
        "paragraphs": list(story.paragraphs),
        "images": [{"src": base + img.src, "alt": img.alt, "caption": img.caption, "credit": img.credit}
                   for img in story.images],
        "cluster": story.cluster,
        "role": role,
        "duplicate_of": duplicate_of,
        "resembles": story.resembles,
        "tags": list(story.tags),
    }


def page_entry(info: PageInfo, base: str, clusters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One page: url, outlet, path, kind, status, content_type, plus kind-specific fields.

    article: id, canonical_url, title, published, byline, dateline, credits, section, paragraphs,
      images [{src, alt, caption, credit}], sidebar_headlines, also_read, ticker, furniture, cluster,
      role, duplicate_of, resembles, tags, filler (+ JEN: address_style, print_url, channel)
    print: article_id, canonical_url, placeholders, ticker
    listing / sitemap / feed: article_ids (in page order), next_url
    fault: expected (http_404 | http_500 | redirect | not_html), leads_to (redirect: article id)
    hostile (``build_site(hostile=True)`` only): expected outcome class (``failure:<reason>`` = a dead
      letter with that reason, ``not_article`` = a dead letter with reason not_article, ``partial`` /
      ``article`` = a stored record with that status), family, variant, note
    """
    entry: dict[str, Any] = {"url": base + info.path, "outlet": info.outlet, "path": info.path, "kind": info.kind,
                             "status": info.status, "content_type": info.content_type}
    if info.kind == "article" and info.story is not None:
        entry.update(_article_fields(info.story, base, info, clusters))
        entry.update({"sidebar_headlines": list(info.sidebar), "also_read": list(info.also_read),
                      "ticker": list(info.ticker), "furniture": list(info.furniture), "filler": info.filler})
        if info.outlet == JEN:
            style = info.story.address_style
            entry["address_style"] = style
            entry["print_url"] = (base + f"/print/{info.story.code}/{info.story.article_id}/P"
                                  if style == "old" else None)
            entry["channel"] = info.extra.get("channel")
            entry["sidebar_placement"] = info.extra.get("sidebar_placement")
        entry["template"] = info.extra.get("template")
    elif info.kind == "print":
        entry.update({"article_id": info.article_id, "canonical_url": base + (info.canonical_path or ""),
                      "placeholders": list(info.placeholders), "ticker": list(info.ticker)})
    elif info.kind in ("listing", "sitemap", "feed"):
        entry["article_ids"] = list(info.links)
        entry["next_url"] = base + info.next_path if info.next_path else None
        if "children" in info.extra:
            entry["children"] = [base + p for p in info.extra["children"]]  # type: ignore[union-attr]
        if "page" in info.extra:
            entry["page"] = info.extra["page"]
    elif info.kind == "fault":
        entry["expected"] = info.expected
        entry["leads_to"] = info.article_id
    elif info.kind == "hostile":
        entry.update({"expected": info.expected, "family": info.extra.get("family"),
                      "variant": info.extra.get("variant"), "note": info.extra.get("note", "")})
    return entry


def answer_key(site: Site, base_urls: dict[str, str]) -> dict[str, Any]:
    """The machine-readable answer key for `site` served at `base_urls` (outlet -> ``http://host:port``)."""
    clusters = cluster_table(site.stories)
    pages = []
    for (outlet, _path), info in sorted(site.info.items()):
        base = base_urls[outlet].rstrip("/")
        pages.append(page_entry(info, base, clusters))
    _add_discovery(pages)
    jen = base_urls[JEN].rstrip("/")
    return {
        "format": FORMAT,
        "seed_id": site.seed_id,
        "base_urls": dict(base_urls),
        "pages": pages,
        "clusters": clusters,
        "disallowed": [base_urls[o].rstrip("/") + p for o in site.outlets for p in site.disallowed.get(o, ())],
        "unlinked_faults": {
            "slow": jen + "/_fault/slow/{seconds}",
            "redirect_loop": jen + "/_fault/redirect-loop/{n}",
            "status": jen + "/_fault/status/{code}",
            "reset": jen + "/_fault/reset",
        },
    }


def _add_discovery(pages: list[dict[str, Any]]) -> None:
    """Per article: which channels reach it and the shallowest listing page that lists it."""
    found: dict[str, set[str]] = {}
    depth: dict[str, int] = {}
    headline_ids: dict[tuple[str, str], str] = {}
    for p in pages:
        if p["kind"] == "article":
            headline_ids.setdefault((p["outlet"], p["title"]), p["id"])
    for p in pages:
        kind = p["kind"]
        if kind in ("listing", "sitemap", "feed"):
            for aid in p["article_ids"]:
                found.setdefault(aid, set()).add(kind)
                if kind == "listing":
                    depth[aid] = min(depth.get(aid, 10**9), int(p.get("page", 1)))
        elif kind == "article":
            for title in (*p["sidebar_headlines"], *p["also_read"], *p["ticker"]):
                if (aid := headline_ids.get((p["outlet"], title))) and aid != p["id"]:
                    found.setdefault(aid, set()).add("links")
        elif kind == "fault" and p.get("leads_to"):
            found.setdefault(p["leads_to"], set()).add("redirect")
    for p in pages:
        if p["kind"] == "article":
            p["discovery"] = sorted(found.get(p["id"], ()))
            p["listing_depth"] = depth.get(p["id"])


def articles(key: dict[str, Any], outlet: str | None = None) -> list[dict[str, Any]]:
    """Article entries of the key (optionally of one outlet)."""
    return [p for p in key["pages"] if p["kind"] == "article" and (outlet is None or p["outlet"] == outlet)]


def clusters(key: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return key["clusters"]


def by_url(key: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["url"]: p for p in key["pages"]}
