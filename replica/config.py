"""A crawler configuration whose sources are the replica's outlets (the `crawler.config` YAML format)."""

from __future__ import annotations

from typing import Any

from replica import outlets as outlet_templates
from replica.pages import JEN


def replica_config(base_urls: dict[str, str]) -> dict[str, Any]:
    """A config document (the `crawler.config.parse_config` format) whose sources are the replica's outlets."""
    sources: dict[str, Any] = {}
    for outlet, base in base_urls.items():
        base = base.rstrip("/")
        host = base.split("://", 1)[1].rsplit(":", 1)[0]
        if outlet == JEN:
            sources[JEN] = {"spider": "justearthnews", "base_url": base, "allowed_domains": [host],
                            "allow_private": True, "schedule": {"interval": "30m"}}
        else:
            sources[outlet] = {"spider": "outlet", "start_urls": [base + "/"], "sitemap_urls": [base + "/sitemap.xml"],
                               "allowed_domains": [host], "article_pattern": outlet_templates.article_pattern(outlet),
                               "allow_private": True}
    return {"sources": sources}
