"""Golden pages, Fundus style: each saved page must clean to exactly its reviewed expected record.

The expected JSON of a replica page is built by `tests.golden.regenerate` from the replica's answer key
(body, title, date, images ...) and checked audit fields; that of a layout variant (the seed story in
another markup the site could move to, `tests.golden.layouts`) from the reviewed seed record. One
parametrized test covers them all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.cleaner import parse

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(GOLDEN.glob("*/*.json"))


def test_every_page_type_has_a_golden_fixture() -> None:
    names = {f"{p.parent.name}/{p.stem}" for p in CASES}
    assert {"justearthnews/seed", "justearthnews/old_style_aside", "justearthnews/new_style",
            "justearthnews/also_read", "justearthnews/print_seed", "justearthnews/listing_home",
            "justearthnews/broken_truncated", "wftl/article", "herald/article", "monitor/article"} <= names
    layouts = {n for n in names if n.startswith("justearthnews/layout_")}
    assert len(layouts) >= 5, layouts  # four markups the JEN rules read, one they hand to the generic path


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_golden_page_cleans_to_its_expected_record(case: Path) -> None:
    expected = json.loads(case.read_text(encoding="utf-8"))
    fixture = expected.pop("_fixture", {})
    html = case.with_suffix(".html").read_bytes()
    got = parse(html, expected["url"], source=case.parent.name).to_dict()
    # Field by field first, so a failure names the field rather than dumping two whole records.
    for field in ("status", "kind", "canonical_url", "title", "published", "byline", "dateline", "credits",
                  "body", "images"):
        assert got[field] == expected[field], field
    assert got == expected
    if fixture.get("layout_of"):
        # A layout variant: the seed's 12 paragraphs exactly, its 4 images, no caption or headline in the body.
        seed = json.loads((GOLDEN / f"{fixture['layout_of']}.json").read_text(encoding="utf-8"))
        assert got["body"] == seed["body"] and len(got["body"]) == 12
        assert [i["caption"] for i in got["images"]] == [i["caption"] for i in seed["images"]]
        junk = {i["caption"] for i in seed["images"]} | {r["text"] for r in seed["removed"]}
        assert not any(t in got["text"] for t in junk)
