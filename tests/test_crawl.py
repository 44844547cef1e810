"""Crawling the replica over real HTTP: every article of the answer key exactly once, failures recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import redis

from crawler.redisconn import Keys
from replica.testing import write_replica_config
from tests.helpers import ROOT, dead_letters, run_jen, stored_count, stored_records

pytestmark = pytest.mark.slow


def _expected(key: dict, outlet: str | None = None) -> dict[str, dict]:
    """Articles of the answer key by canonical URL."""
    return {p["canonical_url"]: p for p in key["pages"]
            if p["kind"] == "article" and (outlet is None or p["outlet"] == outlet)}


@pytest.fixture(scope="module")
def scrapy_feed(replica: dict, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """`scrapy crawl justearthnews -s JEN_BASE_URL=...` from the repository root, as the README says."""
    out = tmp_path_factory.mktemp("feed") / "items.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JEN_CONFIG")}
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "justearthnews", "-s",
         f"JEN_BASE_URL={replica['base_urls']['justearthnews']}", "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=INFO", "-O", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_scrapy_crawl_finds_every_jen_article_exactly_once(scrapy_feed: list[dict], replica: dict) -> None:
    expected = _expected(replica["key"], "justearthnews")
    records = [item for item in scrapy_feed if "body" in item]
    found = Counter(record["canonical_url"] for record in records)
    assert set(found) == set(expected)
    assert [url for url, n in found.items() if n > 1] == []


def test_no_listing_or_print_page_is_counted_as_an_article(scrapy_feed: list[dict], replica: dict) -> None:
    not_articles = {p["url"] for p in replica["key"]["pages"] if p["kind"] in ("listing", "print", "sitemap", "feed")}
    records = [item for item in scrapy_feed if "body" in item]
    assert not {r["url"] for r in records} & not_articles
    assert not {r["canonical_url"] for r in records} & not_articles


def test_articles_only_reachable_deep_in_pagination_are_found(scrapy_feed: list[dict], replica: dict) -> None:
    deep = [p for p in _expected(replica["key"], "justearthnews").values()
            if p.get("discovery") == ["listing"] and (p.get("listing_depth") or 0) >= 3]
    assert deep, "the replica should have articles reachable only on page 3+ of a listing"
    found = {item["canonical_url"] for item in scrapy_feed if "body" in item}
    assert {p["canonical_url"] for p in deep} <= found


def test_each_fault_is_recorded_with_its_reason(scrapy_feed: list[dict], replica: dict) -> None:
    failures = {item["url"]: item["reason"] for item in scrapy_feed if "reason" in item}
    for fault in (p for p in replica["key"]["pages"] if p["kind"] == "fault"):
        if fault["expected"] == "redirect":
            assert fault["url"] not in failures  # followed to the article it leads to
        else:
            assert failures.get(fault["url"]) == fault["expected"], fault["url"]


def test_crawl_into_redis_stores_every_article_of_every_outlet_once(replica: dict, redis_url: str,
                                                                   tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "config.yaml", replica["base_urls"], prefix="t1", redis_url=redis_url)
    result = run_jen("crawl", "--here", "--config", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    client = redis.Redis.from_url(redis_url)
    keys = Keys("t1")
    records = stored_records(config)
    expected = _expected(replica["key"])
    assert Counter(r["canonical_url"] for r in records) == Counter(set(expected))
    dead = dead_letters(config)
    assert sorted(d["reason"] for d in dead) == ["http_404", "http_500", "not_html"]
    assert all(d["detail"] and d["source"] == "justearthnews" for d in dead)
    # Nothing left queued or leased once the crawl is over.
    for source in replica["base_urls"]:
        assert client.zcard(keys.requests(source)) == 0
        assert client.zcard(keys.inflight_deadlines(source)) == 0

    again = run_jen("crawl", "--here", "--config", str(config))
    assert again.returncode == 0, again.stderr[-3000:]
    assert stored_count(config) == len(records)
    assert "already stored" in again.stdout


def test_manual_urls_outside_the_source_are_refused_and_not_fetched(replica: dict, redis_url: str,
                                                                    tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "config.yaml", replica["base_urls"], prefix="t2", redis_url=redis_url)
    other_outlet = replica["base_urls"]["wftl"] + "/"
    for url in (other_outlet, "file:///etc/passwd", "http://10.0.0.1/x"):
        result = run_jen("crawl", "--here", "--source", "justearthnews", url, "--config", str(config))
        assert result.returncode == 3, result.stderr
        assert f"refused {url}" in result.stderr
    assert stored_count(config) == 0


def test_robots_txt_is_obeyed_for_a_triggered_url(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "config.yaml", replica["base_urls"], prefix="t3", redis_url=redis_url)
    search = replica["base_urls"]["justearthnews"] + "/search?q=ukraine"
    result = run_jen("crawl", "--here", "--source", "justearthnews", search, "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    assert stored_count(config) == 0
    assert dead_letters(config) == []  # obeying robots.txt is not a failure
    assert "robots_disallowed" in result.stderr or "Forbidden by robots.txt" in result.stderr


def test_crawl_flags_every_replica_copy_against_its_original_and_no_negative(
        replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "config.yaml", replica["base_urls"], prefix="t4", redis_url=redis_url)
    result = run_jen("crawl", "--here", "--config", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    stored = {r["canonical_url"]: r for r in stored_records(config)}
    expected = _expected(replica["key"])
    id_of = {p["id"]: stored[p["canonical_url"]]["id"] for p in expected.values()}
    wrong = []
    for page in expected.values():
        record = stored[page["canonical_url"]]
        want = id_of[page["duplicate_of"]] if page.get("role") == "copy" else None
        if record["duplicate_of"] != want:
            wrong.append((page["id"], page.get("role"), page.get("resembles"), record["duplicate_of"], want))
    assert wrong == []
    copies = [p for p in expected.values() if p.get("role") == "copy"]
    assert len(copies) >= 10
    for page in copies:
        record = stored[page["canonical_url"]]
        assert record["similarity"] is not None and record["containment"] >= record["similarity"]
        assert record["cluster"] == stored[expected_by_id(replica["key"])[page["duplicate_of"]]]["cluster"]
    # `jen dupes` shows the same clusters an analyst would read.
    dupes = run_jen("dupes", "--json", "--config", str(config))
    assert dupes.returncode == 0, dupes.stderr
    clusters = [json.loads(line) for line in dupes.stdout.splitlines()]  # one JSON object per cluster
    assert len(clusters) == len({p["cluster"] for p in copies})


def expected_by_id(key: dict) -> dict[str, str]:
    """Answer-key article id -> canonical URL."""
    return {p["id"]: p["canonical_url"] for p in key["pages"] if p["kind"] == "article"}


def test_a_print_page_is_stored_as_its_canonical_article(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "config.yaml", replica["base_urls"], prefix="t5", redis_url=redis_url)
    seed = replica["key"]["seed_id"]
    article = next(p for p in replica["key"]["pages"] if p.get("id") == seed)
    print_page = next(p for p in replica["key"]["pages"] if p["kind"] == "print" and p["article_id"] == seed)
    result = run_jen("crawl", "--here", "--source", "justearthnews", print_page["url"], "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    records = stored_records(config)
    assert [(r["id"], r["canonical_url"], r["kind"]) for r in records] == [
        ("justearthnews:HC/6181", article["canonical_url"], "article")]
    assert records[0]["body"] == article["paragraphs"]


def test_export_writes_every_stored_record_as_json_lines(replica: dict, redis_url: str, tmp_path: Path) -> None:
    config = write_replica_config(tmp_path / "config.yaml", replica["base_urls"], prefix="t6", redis_url=redis_url)
    assert run_jen("crawl", "--here", "--config", str(config)).returncode == 0
    out = tmp_path / "records.jsonl"
    result = run_jen("export", "-o", str(out), "--config", str(config))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == len(_expected(replica["key"])) == stored_count(config)
    flagged = run_jen("export", "--flagged", "--config", str(config))
    copies = [json.loads(line) for line in flagged.stdout.splitlines()]
    assert copies and all(c["duplicate_of"] for c in copies)
    assert len(copies) == sum(1 for p in _expected(replica["key"]).values() if p.get("role") == "copy")
