"""Stable article ids: the same article gets the same id whatever address or print page it came from."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.urls import article_key


def record_id(source: str, canonical_url: str) -> str:
    """``justearthnews:HC/6181`` for JEN (old style and print page alike), ``source:path`` elsewhere."""
    if source == "justearthnews" and (key := article_key(canonical_url)):
        return f"{source}:{key}"
    parts = urlsplit(canonical_url)
    path = parts.path.strip("/").removesuffix(".html") or parts.netloc
    if parts.query:
        path = f"{path}?{parts.query}"
    return f"{source}:{path}"
