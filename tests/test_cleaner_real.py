"""The cleaner on real news pages, beside trafilatura, scored in the same run by the set's own scorer.

The pages are read in place from the shared real-data folder (never copied into the repository):
``$JEN_REAL_DATA`` (the ``real/`` directory), else ``<repo>/../shared/real``, else ``/work/shared/real``.
Without it the tests are skipped, saying where they looked. Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import trafilatura

from crawler.cleaner import parse

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = [Path(p) for p in (os.environ.get("JEN_REAL_DATA"), ROOT.parent / "shared" / "real", "/work/shared/real")
              if p]


def _extraction_dir() -> Path | None:
    for real in CANDIDATES:
        if (real / "extraction" / "score.py").is_file():
            return real / "extraction"
    return None


FOLDER = _extraction_dir()
pytestmark = pytest.mark.skipif(FOLDER is None, reason="no real extraction set (looked in "
                                + ", ".join(str(c / "extraction") for c in CANDIDATES) + "; set JEN_REAL_DATA)")


def _scorer(folder: Path) -> ModuleType:
    """The set's own score.py, imported by path: its metric, not a copy of it."""
    spec = importlib.util.spec_from_file_location("real_extraction_score", folder / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run() -> dict[str, Any]:
    """Both extractors over every page of the set: texts, our records, the gold and the scorer."""
    assert FOLDER is not None
    gold = json.loads((FOLDER / "gold.json").read_text(encoding="utf-8"))
    snippets = json.loads((FOLDER / "snippets.json").read_text(encoding="utf-8"))
    urls = {key: entry.get("url") for key, entry in (gold | snippets).items()}
    ours: dict[str, str] = {}
    theirs: dict[str, str] = {}
    records = {}
    for page in sorted((FOLDER / "pages").glob("*.html.gz")):
        key = page.name.removesuffix(".html.gz")
        html = gzip.decompress(page.read_bytes())
        url = urls.get(key) or f"https://unknown.invalid/{key}"
        records[key] = parse(html, url)
        ours[key] = records[key].text
        theirs[key] = trafilatura.extract(html) or ""  # the set's baseline: default settings, raw bytes
    return {"gold": gold, "snippets": snippets, "ours": ours, "theirs": theirs, "records": records,
            "score": _scorer(FOLDER)}


def _full_text(run: dict[str, Any], texts: dict[str, str]) -> tuple[float, float, float]:
    score = run["score"]
    return score.aggregate([score.doc_counts(g["articleBody"], texts[k]) for k, g in sorted(run["gold"].items())])


def _snippet_pass(run: dict[str, Any], texts: dict[str, str]) -> float:
    counts = [run["score"].snippet_counts(item, texts[k]) for k, item in sorted(run["snippets"].items())]
    return sum(found == wanted and leaked == 0 for found, wanted, leaked, _ in counts) / len(counts)


def test_full_text_f1_and_precision_are_at_least_trafilaturas(run: dict[str, Any]) -> None:
    (f1, p, r), (tf1, tp, tr) = _full_text(run, run["ours"]), _full_text(run, run["theirs"])
    print(f"\nfull text ({len(run['gold'])} pages): ours F1 {f1:.3f} P {p:.3f} R {r:.3f}; "
          f"trafilatura F1 {tf1:.3f} P {tp:.3f} R {tr:.3f}")
    assert len(run["gold"]) >= 200
    assert f1 >= tf1 and p >= tp


def test_snippet_pass_rate_is_at_least_trafilaturas(run: dict[str, Any]) -> None:
    ours, theirs = _snippet_pass(run, run["ours"]), _snippet_pass(run, run["theirs"])
    print(f"\nsnippets ({len(run['snippets'])} pages): ours PASS {ours:.3f}; trafilatura PASS {theirs:.3f}")
    assert len(run["snippets"]) >= 100
    assert ours >= theirs


def test_no_real_article_is_lost_and_no_parser_fails(run: dict[str, Any]) -> None:
    # Every page of the set is a news article: none may be called not_article, none may carry a parser error.
    lost = {k: r.problems for k, r in run["records"].items() if r.status == "not_article"}
    failed = {k: p for k, r in run["records"].items() for p in r.problems if p.startswith("parser error")}
    assert len(run["records"]) == len(run["gold"]) + len(run["snippets"])
    assert lost == {} and failed == {}
    assert all(r.body and r.text == "\n\n".join(r.body) for r in run["records"].values())
