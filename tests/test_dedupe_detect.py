"""Which articles the detector flags: real replica copies yes; same-event and template stories no."""

from __future__ import annotations

import pytest

from dedupe import DedupeParams, Detector, Document, MemoryIndex, RedisIndex
from dedupe.model import published_ts
from replica.stories import ALL_STORIES
from replica.variants import make_variant


def _doc(story) -> Document:
    return Document(id=f"{story.outlet}:{story.slug}", text="\n".join(story.paragraphs), published=story.published)


@pytest.fixture(params=["memory", "redis"])
def detector(request: pytest.FixtureRequest) -> Detector:
    if request.param == "memory":
        return Detector(MemoryIndex())
    client = request.getfixturevalue("redis_client")
    return Detector(RedisIndex(client, prefix="t:dedupe"))


def test_replica_clusters_are_flagged_with_their_earliest_original_and_nothing_else(detector: Detector) -> None:
    detector.add_many(_doc(s) for s in ALL_STORIES)
    by_cluster: dict[str, list] = {}
    for s in ALL_STORIES:
        if s.cluster:
            by_cluster.setdefault(s.cluster, []).append(s)
    assert by_cluster, "the replica should have syndication clusters"
    for name, stories in by_cluster.items():
        original = min(stories, key=lambda s: (published_ts(s.published), _doc(s).id))
        for s in stories:
            d = detector.decision(_doc(s).id)
            assert d.cluster == _doc(original).id, (name, _doc(s).id, d)
            if s is original:
                assert d.duplicate_of is None
            else:
                assert d.duplicate_of == _doc(original).id and d.similarity is not None and d.containment > 0
    for s in ALL_STORIES:
        if not s.cluster:
            d = detector.decision(_doc(s).id)
            assert d.duplicate_of is None and d.cluster is None, (_doc(s).id, s.resembles, d)


def test_same_event_stories_by_other_outlets_are_not_flagged(detector: Detector) -> None:
    negatives = [s for s in ALL_STORIES if s.resembles and not s.resembles.startswith("template")]
    assert negatives
    for s in negatives:  # each next to the cluster it resembles
        detector.add_many([_doc(x) for x in ALL_STORIES if x.cluster == s.resembles] + [_doc(s)])
        d = detector.decision(_doc(s).id)
        assert d.duplicate_of is None and d.cluster is None, (_doc(s).id, d)


def test_daily_reports_from_one_agency_template_are_not_copies_of_each_other(detector: Detector) -> None:
    reports = [s for s in ALL_STORIES if s.resembles and s.resembles.startswith("template")]
    assert len(reports) >= 4
    results = detector.add_many(_doc(s) for s in reports)
    assert all(d.duplicate_of is None for d in results)
    assert all(d.duplicate_of is None for d in detector.decisions(_doc(s).id for s in reports).values())
    assert detector.clusters() == []


def test_a_trimmed_copy_is_caught_by_containment_though_its_jaccard_is_low() -> None:
    import random

    story = max((s for s in ALL_STORIES if not s.cluster and not s.resembles), key=lambda s: len(s.paragraphs))
    words = "\n".join(story.paragraphs).split(" ")
    # The first third: Jaccard about 0.3 (LSH finds it; shorter trims fall below the 32x2 bands' reach).
    trimmed = " ".join(words[: len(words) // 3])
    strict = DedupeParams(containment_threshold=1.01, jaccard_threshold=0.4)  # Jaccard alone, near-dup level
    for params, flagged in ((DedupeParams(), True), (strict, False)):
        det = Detector(MemoryIndex(params))
        det.add_many([Document("orig", "\n".join(story.paragraphs), "2022-03-01T10:00:00+05:30")])
        d = det.add_many([Document("trim", trimmed, "2022-03-02T10:00:00+05:30")])[0]
        assert (d.duplicate_of == "orig") is flagged, (params, d)
    det = Detector(MemoryIndex())
    det.add_many([Document("orig", "\n".join(story.paragraphs), "2022-03-01T10:00:00+05:30")])
    d = det.add_many([Document("trim", trimmed, "2022-03-02T10:00:00+05:30")])[0]
    assert d.similarity < 0.5 and d.containment > 0.8
    # loosely edited copies, as loose as the wild ones, are still found (LSH is probabilistic: nearly all)
    found = 0
    for seed in range(10):
        loose = "\n".join(make_variant("loose", story, random.Random(seed), "Other headline of the day"))
        found += det.add_many([Document(f"loose{seed}", loose, "2022-03-03T10:00:00Z")])[0].duplicate_of == "orig"
    assert found >= 9


@pytest.mark.parametrize(("text", "reason"), [
    ("", "too_short"),
    ("Kyiv (JEN): Talks ended.", "too_short"),
    ("ceasefire " * 300, "repetitive"),
    ("\n".join(["Image: UNI", "Also read: Talks end without a deal in Belarus today again",
                "Follow us on Twitter and Facebook for the latest news from everywhere"] * 8), "boilerplate"),
])
def test_short_repetitive_or_furniture_only_texts_are_recorded_but_not_indexed(
        detector: Detector, text: str, reason: str) -> None:
    d = detector.add_many([Document("bad", text)])[0]
    assert (d.indexed, d.reason, d.duplicate_of) == (False, reason, None)
    assert detector.decision("bad") == d
    again = detector.add_many([Document("bad2", text)])[0]  # two equal bad texts are not copies either
    assert again.duplicate_of is None and not again.indexed


def test_signatures_are_datasketch_minhashes_of_the_shingles_fed_one_at_a_time() -> None:
    import numpy as np
    from datasketch import MinHash

    from dedupe.sketch import Sketch, Sketcher

    params = DedupeParams()
    sketcher = Sketcher(params)
    texts = ["\n".join(s.paragraphs) for s in ALL_STORIES[:12]]
    for text, sk in zip(texts, sketcher.sketch_many(texts), strict=True):
        assert isinstance(sk, Sketch)
        reference = MinHash(num_perm=params.num_perm, seed=params.seed, scheme="affine32", hashfunc=lambda v: v)
        for value in sketcher.shingles(text).tolist():
            reference.update(value)
        assert np.array_equal(sk.bands, reference.hashvalues[: params.bands].astype(np.uint32))
