"""Items the spiders hand to the pipelines.

Spiders only fetch and hand over: a `RawArticle` per article page, a `FetchFailure` per page that
could not be fetched or is not usable. The pipelines turn raw articles into clean records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


def utc_now() -> str:
    """Now, as the ISO 8601 UTC text every record and failure carries."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class RawArticle:
    """One fetched article page, exactly as the server sent it (decoded to text)."""

    url: str  # the address that was fetched (after redirects)
    canonical_url: str  # rel=canonical if the page names one, else the fetched address, canonicalised
    html: str
    status: int
    fetched_at: str  # ISO 8601, UTC
    source: str  # the source name from config, e.g. "justearthnews"
    encoding: str = "utf-8"
    via: str = ""  # where the link was found (sitemap, feed, listing URL), for the operator
    redirected_from: list[str] = field(default_factory=list)  # addresses that redirected here, first asked first


@dataclass
class FetchFailure:
    """A page that could not be fetched or used, with the reason; never silently dropped."""

    url: str
    reason: str  # short machine-readable kind: http_404, timeout, dns, not_html, too_large, ...
    detail: str
    source: str
    failed_at: str
    status: int | None = None
    referer: str = ""
    extra: dict = field(default_factory=dict)
