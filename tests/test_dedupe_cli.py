"""``jen dedupe`` and ``jen dupes`` end to end, as subprocesses, against a real Redis."""

from __future__ import annotations

import json
from pathlib import Path

from replica.stories import ALL_STORIES
from tests.helpers import run_jen


def _write_records(path: Path) -> dict[str, str | None]:
    """Replica stories as JSONL, in reverse publication order (copies before their originals)."""
    expected: dict[str, str | None] = {}
    clusters: dict[str, list] = {}
    for s in ALL_STORIES:
        if s.cluster:
            clusters.setdefault(s.cluster, []).append(s)
    lines = []
    for s in reversed(ALL_STORIES):
        sid = f"{s.outlet}:{s.slug}"
        lines.append(json.dumps({"id": sid, "url": f"https://example.org/{s.slug}", "title": s.headline,
                                 "text": "\n".join(s.paragraphs), "published": s.published, "source": s.outlet}))
        expected[sid] = None
        if s.cluster:
            first = ALL_STORIES_ORIGINAL[s.cluster]
            expected[sid] = None if first == sid else first
    lines.append(json.dumps({"id": "stub", "url": "https://example.org/stub", "text": "Too short to judge."}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return expected


ALL_STORIES_ORIGINAL = {}
for _s in ALL_STORIES:  # ALL_STORIES is in publication order: the first member of a cluster is its original
    if _s.cluster and _s.cluster not in ALL_STORIES_ORIGINAL:
        ALL_STORIES_ORIGINAL[_s.cluster] = f"{_s.outlet}:{_s.slug}"


def test_jen_dedupe_writes_one_final_decision_per_record_in_memory(tmp_path: Path) -> None:
    records = tmp_path / "in.jsonl"
    expected = _write_records(records)
    done = run_jen("dedupe", str(records))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(expected) + 1
    by_id = {d["id"]: d for d in out}
    for sid, original in expected.items():
        assert by_id[sid]["duplicate_of"] == original, sid
        if original:
            assert by_id[sid]["cluster"] == original and 0 < by_id[sid]["containment"] <= 1
    assert by_id["stub"] == {"id": "stub", "duplicate_of": None, "similarity": None, "containment": None,
                             "cluster": None, "indexed": False, "reason": "too_short"}


def test_jen_dedupe_with_redis_keeps_the_index_and_jen_dupes_lists_its_clusters(tmp_path: Path, redis_url: str) -> None:
    records = tmp_path / "in.jsonl"
    expected = _write_records(records)
    done = run_jen("dedupe", str(records), "--redis", redis_url, "--prefix", "cli:dedupe")
    assert done.returncode == 0, done.stderr
    listed = run_jen("dupes", "--redis", redis_url, "--prefix", "cli:dedupe", "--json")
    assert listed.returncode == 0, listed.stderr
    clusters = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted(c["original"] for c in clusters) == sorted(ALL_STORIES_ORIGINAL.values())
    for c in clusters:
        assert sorted(m["id"] for m in c["members"]) == sorted(k for k, v in expected.items() if v == c["original"])
    text = run_jen("dupes", "--redis", redis_url, "--prefix", "cli:dedupe")
    assert f"{len(clusters)} cluster(s)" in text.stdout and "similarity" in text.stdout
    # running the file again against the same index changes nothing
    again = run_jen("dedupe", str(records), "--redis", redis_url, "--prefix", "cli:dedupe")
    assert again.stdout == done.stdout


def test_jen_dedupe_reports_a_broken_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\nnot json\n', encoding="utf-8")
    done = run_jen("dedupe", str(bad))
    assert done.returncode != 0 and "line 2" in done.stderr
