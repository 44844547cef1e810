"""The bundled replica of Just Earth News and three other outlets, served over HTTP, with an answer key.

    site = build_site()
    with ReplicaServer(site) as server:
        key = answer_key(site, server.base_urls)
"""

from __future__ import annotations

from replica.answer_key import answer_key, articles, clusters
from replica.config import replica_config
from replica.pages import OUTLET_HOSTS, Response, story_id
from replica.server import ReplicaServer
from replica.site import Site, build_site

__all__ = ["OUTLET_HOSTS", "ReplicaServer", "Response", "Site", "answer_key", "articles", "build_site",
           "clusters", "replica_config", "story_id"]
