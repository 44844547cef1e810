"""Just Earth News addresses: which are articles, which are print pages, which are listings.

The real site uses two article address styles (REFERENCE.md §2):

* ``/{section}-details/{code}/{id}/{slug}.html``  (e.g. ``/people-details/HC/6181/second-round….html``)
* ``/sections/{section}/{slug}/``                   (the newer design)

and print pages at ``/print/{code}/{id}/P``. The functions here look only at the path, so they work
the same on https://justearthnews.com and on the replica at http://127.0.0.1:PORT.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

OLD_ARTICLE_PATH = re.compile(
    r"^/(?P<section>[a-z0-9-]+)-details/(?P<code>[A-Za-z]{1,4})/(?P<id>\d+)/(?P<slug>[^/]+)\.html$"
)
NEW_ARTICLE_PATH = re.compile(r"^/sections/(?P<section>[a-z0-9-]+)/(?P<slug>[a-z0-9][a-z0-9-]*)/?$")
PRINT_PATH = re.compile(r"^/print/(?P<code>[A-Za-z]{1,4})/(?P<id>\d+)/P/?$")
# Home, section listings and their pagination: "/", "/sections/world/", "/world-news?page=2", ...
LISTING_PATH = re.compile(r"^/(?:sections/[a-z0-9-]+/?|[a-z0-9-]+-news/?|latest/?)?$")

# href values that are not links to another page.
NOT_LINK_PREFIXES = ("#", "mailto:", "javascript:", "tel:")

# Query parameters that never change what an article page shows.
TRACKING_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid")


def normalize_url(url: str) -> str:
    """Canonical form used for de-duplicating requests: no fragment, no tracking parameters."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
    return canonicalize_url(cleaned)


def is_article_url(url: str) -> bool:
    """True for an article page in either address style (not a print page)."""
    path = urlsplit(url).path
    return bool(OLD_ARTICLE_PATH.match(path) or NEW_ARTICLE_PATH.match(path))


def is_print_url(url: str) -> bool:
    return bool(PRINT_PATH.match(urlsplit(url).path))


def is_listing_url(url: str) -> bool:
    """Home page and section listings, with or without a ``page`` parameter."""
    return bool(LISTING_PATH.match(urlsplit(url).path))


def article_key(url: str) -> str | None:
    """A key that is the same for an old-style article page and its print page (``HC/6181``).

    New-style addresses carry no numeric id, so their key is ``section/slug``.
    """
    path = urlsplit(url).path
    if m := OLD_ARTICLE_PATH.match(path):
        return f"{m['code']}/{m['id']}"
    if m := PRINT_PATH.match(path):
        return f"{m['code']}/{m['id']}"
    if m := NEW_ARTICLE_PATH.match(path):
        return f"{m['section']}/{m['slug']}"
    return None
