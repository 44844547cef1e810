"""Everything the replica serves, as plain data: Just Earth News and three other outlets.

* `SEED_STORY` — the seed article of REFERENCE.md §1, body character for character as in the seed.
* `JEN_STORIES` — every Just Earth News story (the seed, its five sidebar stories tagged
  "seed-sidebar", cluster members, template reports and unrelated news).
* `OUTLET_STORIES` — every story on the other outlets; `OUTLETS` describes those outlets.
* `ALL_STORIES` — both, ordered by publication time.
* `CLUSTERS` / `TEMPLATES` — the syndication-cluster ids and the agency-template series ids.

Ground truth: stories sharing `cluster` are copies of one wire story and the earliest published is
the original; a story with `resembles` set is a hard negative (same event or same template, not a copy).
"""

from __future__ import annotations

from datetime import datetime

from replica.model import Story
from replica.stories import (
    jen_business,
    jen_culture,
    jen_india,
    jen_people,
    jen_sports,
    jen_world,
    outlets,
    templates,
    uni_talks,
    wire,
)
from replica.stories._build import JEN
from replica.stories.jen_seed import SEED_SLUG, SEED_STORY, SIDEBAR, SIDEBAR_STORIES
from replica.stories.outlets import OUTLETS


def _by_time(stories: list[Story]) -> tuple[Story, ...]:
    return tuple(sorted(stories, key=lambda s: datetime.fromisoformat(s.published)))


_EVERY: list[Story] = [
    SEED_STORY,
    *SIDEBAR_STORIES,
    *uni_talks.STORIES,
    *wire.STORIES,
    *templates.STORIES,
    *jen_world.STORIES,
    *jen_india.STORIES,
    *jen_business.STORIES,
    *jen_sports.STORIES,
    *jen_people.STORIES,
    *jen_culture.STORIES,
    *outlets.STORIES,
]

ALL_STORIES: tuple[Story, ...] = _by_time(_EVERY)
JEN_STORIES: tuple[Story, ...] = tuple(s for s in ALL_STORIES if s.outlet == JEN)
OUTLET_STORIES: tuple[Story, ...] = tuple(s for s in ALL_STORIES if s.outlet != JEN)

CLUSTERS: tuple[str, ...] = (uni_talks.CLUSTER, wire.REFUGEES, wire.GDP, wire.MOHALI, wire.IPCC)
TEMPLATES: tuple[str, ...] = (templates.AQI, templates.COVID)


def stories_of(outlet: str) -> tuple[Story, ...]:
    """Every story of one outlet ("justearthnews", "wftl", "herald", "monitor"), oldest first."""
    return tuple(s for s in ALL_STORIES if s.outlet == outlet)


def cluster_members(cluster: str) -> tuple[Story, ...]:
    """The members of one syndication cluster, oldest (the original) first."""
    return tuple(s for s in ALL_STORIES if s.cluster == cluster)


def original_of(cluster: str) -> Story:
    """The original of a cluster: its earliest published member."""
    return cluster_members(cluster)[0]


__all__ = [
    "ALL_STORIES",
    "CLUSTERS",
    "JEN",
    "JEN_STORIES",
    "OUTLETS",
    "OUTLET_STORIES",
    "SEED_SLUG",
    "SEED_STORY",
    "SIDEBAR",
    "SIDEBAR_STORIES",
    "TEMPLATES",
    "cluster_members",
    "original_of",
    "stories_of",
]
