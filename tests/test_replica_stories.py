"""Invariants of the replica's story data (replica/stories): the ground truth everything else
(the site, the answer key, the cleaner and dedup evaluations) is derived from."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest

from replica.model import Story
from replica.stories import (
    ALL_STORIES,
    CLUSTERS,
    JEN,
    JEN_STORIES,
    OUTLET_STORIES,
    OUTLETS,
    SEED_SLUG,
    SEED_STORY,
    SIDEBAR_STORIES,
    TEMPLATES,
    cluster_members,
    original_of,
)
from tests.helpers import shared_file

SEED_FILE = shared_file("seed", "000_c63315699bf4d3ef.txt")
IST = timedelta(hours=5, minutes=30)
SEED_SIDEBAR = (
    "Pakistan: Balochistan bomb blast leaves eight people, including 7 Levis personnel, injured",
    "Pakistan: Police kill three gunmen during encounter",
    "Pakistani politician survives blast inside Lower South Waziristan mosque",
    "Israel-Lebanon: IDF eliminates Hezbollah leader Abbas Hassan Karky",
    "Pakistan: Sick child dies during prolonged check by Pakistani forces",
)


def _shingles(story: Story, k: int = 3) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", " ".join(story.paragraphs).lower())
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def _containment(a: Story, b: Story) -> float:
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / min(len(sa), len(sb))


def _seed_lines() -> list[str]:
    if not SEED_FILE.exists():
        pytest.skip(f"seed file not found at {SEED_FILE} (no shared directory found)")
    return SEED_FILE.read_text(encoding="utf-8").splitlines()


def _is_body_line(line: str) -> bool:
    # Body paragraphs start flush left; image furniture is indented, or is a bare caption line.
    return bool(line) and not line[0].isspace() and not line.startswith(("Image:", "- ", "Just Earth News |"))


def test_seed_story_body_is_the_seed_text_character_for_character() -> None:
    lines = _seed_lines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Kyiv (JEN): "))
    end = next(i for i, line in enumerate(lines) if line.endswith("were going according to plan."))
    body = [line for line in lines[start : end + 1] if _is_body_line(line)]
    assert len(body) == 12
    assert list(SEED_STORY.paragraphs) == body


def test_seed_story_images_sit_where_the_seed_shows_their_captions() -> None:
    lines = _seed_lines()
    seen, placed = 0, set()
    for line in lines:
        if line.startswith("- "):
            break  # the sidebar
        if _is_body_line(line):
            seen += 1
        elif line.startswith("Image: ") and seen:
            placed.add((seen, line))  # the second, bare copy of a mid-body caption
    expected = {(img.after_paragraph, img.caption) for img in SEED_STORY.images if img.after_paragraph}
    assert placed == expected == {
        (5, "Image: Twitter/Stratcom Centre UA (@StratcomCentre)"),
        (7, "Image: UNI"),
        (10, "Image: UNI"),
    }
    lead = SEED_STORY.images[0]
    assert (lead.after_paragraph, lead.alt, lead.caption, lead.alt_as_text) == (
        0,
        "Russia-Ukraine Negotiations",
        "Image: UNI",
        True,
    )
    leaked = [img for img in SEED_STORY.images if img.leak_filename]
    assert len(leaked) == 1 and leaked[0].src.endswith("-1646347542.jpg")


def test_seed_story_address_and_metadata() -> None:
    assert SEED_STORY.slug == SEED_SLUG
    assert SEED_STORY.slug == (
        "second-round-of-ukraine-russia-talks-end-with-no-cease-fire-kyiv-and-moscow-only-agree-to-"
        "humanitarian-corridors"
    )
    assert (SEED_STORY.outlet, SEED_STORY.section, SEED_STORY.code, SEED_STORY.article_id) == (
        JEN,
        "people",
        "HC",
        6181,
    )
    assert SEED_STORY.published == "2022-03-03T16:05:00+05:30"
    assert SEED_STORY.dateline == "Kyiv" and SEED_STORY.credits == ("UNI",)
    assert SEED_STORY in JEN_STORIES


def test_seed_sidebar_is_five_real_jen_stories_in_seed_order() -> None:
    sidebar = [s for s in JEN_STORIES if "seed-sidebar" in s.tags]
    by_headline = {s.headline: s for s in sidebar}
    assert set(by_headline) == set(SEED_SIDEBAR)
    assert tuple(s.headline for s in SIDEBAR_STORIES) == SEED_SIDEBAR
    for story in sidebar:
        assert len(story.paragraphs) >= 4 and story.cluster is None


def test_jen_has_at_least_44_stories_across_sections() -> None:
    assert len(JEN_STORIES) >= 44
    sections = Counter(s.section for s in JEN_STORIES)
    for section in ("world", "india", "business", "sports", "people"):
        assert sections[section] >= 3, sections


def test_every_outlet_has_enough_stories_and_a_description() -> None:
    counts = Counter(s.outlet for s in OUTLET_STORIES)
    assert set(counts) == set(OUTLETS)
    for name, info in OUTLETS.items():
        assert counts[name] >= 8, (name, counts[name])
        assert info["name"] == name and info["title"] and info["description"]


def test_outlet_and_slug_pairs_are_unique() -> None:
    pairs = Counter((s.outlet, s.slug) for s in ALL_STORIES)
    assert [p for p, n in pairs.items() if n > 1] == []
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", s.slug) for s in ALL_STORIES)


def test_old_style_jen_stories_have_unique_ids_and_known_codes() -> None:
    old = [s for s in JEN_STORIES if s.address_style == "old"]
    ids = [s.article_id for s in old]
    assert None not in ids
    assert len(set(ids)) == len(ids)
    assert {s.code for s in old} <= {"HC", "W", "I", "B", "S", "P"}
    new = [s for s in JEN_STORIES if s.address_style == "new"]
    assert 0.2 <= len(new) / len(JEN_STORIES) <= 0.35
    assert {s.address_style for s in ALL_STORIES} <= {"old", "new"}


def test_published_times_parse_with_offset_and_jen_times_are_distinct_ist() -> None:
    for story in ALL_STORIES:
        when = datetime.fromisoformat(story.published)
        assert when.utcoffset() is not None, story.slug
        assert datetime(2022, 2, 1).date() <= when.date() <= datetime(2022, 3, 31).date(), story.slug
    jen_times = [s.published for s in JEN_STORIES]
    assert len(set(jen_times)) == len(jen_times)
    assert all(datetime.fromisoformat(t).utcoffset() == IST for t in jen_times)


def test_image_positions_are_within_the_body() -> None:
    for story in ALL_STORIES:
        for image in story.images:
            assert 0 <= image.after_paragraph <= len(story.paragraphs), (story.slug, image.src)


def test_jen_images_and_captions_vary_over_every_mangling_form() -> None:
    images = [(s, i) for s in JEN_STORIES for i in s.images]
    assert all(1 <= len(s.images) <= 4 for s in JEN_STORIES)
    for flag in ("caption_twice", "alt_as_text", "leak_filename"):
        assert sum(getattr(i, flag) for _, i in images) >= 5, flag
    assert sum(i.alt == i.caption for _, i in images) >= 3
    assert sum(i.alt == s.headline for s, i in images) >= 3
    assert all(i.credit for _, i in images if i.caption)
    for _, image in images:
        if image.leak_filename:  # the leaked fragment is "-<unix ts>.jpg"
            assert re.search(r"-\d{10}\.jpg$", image.src), image.src


def test_jen_bodies_have_realistic_length_and_matching_datelines() -> None:
    for story in JEN_STORIES:
        words = len(" ".join(story.paragraphs).split())
        assert 120 <= words <= 450, (story.slug, words)
        if story.cluster != "uni-talks":
            assert 4 <= len(story.paragraphs) <= 10, story.slug
        if story.dateline:
            assert story.paragraphs[0].startswith(f"{story.dateline} (JEN): "), story.slug
        else:
            assert "(JEN)" not in story.paragraphs[0], story.slug
    assert 3 <= sum(s.dateline is None for s in JEN_STORIES) <= len(JEN_STORIES) // 3
    assert len({s.paragraphs for s in ALL_STORIES}) == len(ALL_STORIES)


def test_every_cluster_has_three_members_on_two_outlets_and_one_original() -> None:
    clusters = {s.cluster for s in ALL_STORIES if s.cluster}
    assert clusters == set(CLUSTERS) and len(clusters) >= 4
    for cluster in clusters:
        members = cluster_members(cluster)
        assert len(members) >= 3 and len({s.outlet for s in members}) >= 2, cluster
        times = sorted(datetime.fromisoformat(s.published) for s in members)
        assert times[0] < times[1], f"{cluster}: two members tie for the original"
    assert original_of("uni-talks") is SEED_STORY


def test_uni_talks_cluster_has_the_described_copies() -> None:
    members = cluster_members("uni-talks")
    by_outlet = Counter(s.outlet for s in members)
    assert by_outlet == {JEN: 2, "wftl": 1, "herald": 1, "monitor": 1}
    repost = next(s for s in members if s.outlet == JEN and s is not SEED_STORY)
    assert (repost.address_style, repost.section) == ("new", "world")
    assert repost.headline != SEED_STORY.headline and len(repost.paragraphs) == 11
    wftl = next(s for s in members if s.outlet == "wftl")
    assert wftl.paragraphs[0].startswith("(NEW YORK) — Peace talks resumed")
    text = " ".join(wftl.paragraphs)
    assert "There are decisions only on the organisation of humanitarian corridors" in text
    assert 'Ukraine will "demilitarize"' in text and 'Kyiv will "demilitarize"' not in text
    assert any("Getty Images" in i.credit for i in wftl.images)
    monitor = next(s for s in members if s.outlet == "monitor")
    assert monitor.paragraphs[1:] == SEED_STORY.paragraphs[1 : len(monitor.paragraphs)]
    assert 5 <= len(monitor.paragraphs) <= 6


def test_copies_share_wording_with_their_original_but_are_edited() -> None:
    for cluster in CLUSTERS:
        original, *copies = cluster_members(cluster)
        for copy in copies:
            shared = _containment(original, copy)
            assert shared >= 0.4, (cluster, copy.outlet, copy.slug, shared)
            assert copy.paragraphs != original.paragraphs
            assert copy.paragraphs[0] != original.paragraphs[0] or len(copy.paragraphs) < len(
                original.paragraphs
            ), (cluster, copy.slug)


def test_hard_negatives_name_a_known_group_and_are_not_copies() -> None:
    groups = set(CLUSTERS) | set(TEMPLATES)
    negatives = [s for s in ALL_STORIES if s.resembles]
    assert all(s.cluster is None and s.resembles in groups for s in negatives)
    by_group = defaultdict(list)
    for story in negatives:
        by_group[story.resembles].append(story)
    assert set(by_group) == groups
    talks = [s for s in by_group["uni-talks"] if s.outlet != JEN]
    assert len(talks) >= 4
    for cluster in CLUSTERS:
        for negative in by_group[cluster]:
            for member in cluster_members(cluster):
                assert _containment(negative, member) < 0.15, (negative.slug, member.slug)


def test_template_series_share_boilerplate_but_each_report_is_its_own_story() -> None:
    for template in TEMPLATES:
        reports = [s for s in ALL_STORIES if s.resembles == template]
        assert len(reports) >= 6 and {s.outlet for s in reports} == {JEN, "monitor"}
        assert len({s.headline for s in reports}) == len(reports)
        dates = {datetime.fromisoformat(s.published).date() for s in reports}
        assert len(dates) == len(reports)
        first = reports[0]
        for other in reports[1:]:
            shared = _containment(first, other)
            assert 0.3 <= shared < 0.9, (template, other.slug, shared)
