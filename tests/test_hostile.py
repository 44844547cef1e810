"""The crawler survives 200+ hostile pages: no crash, every page recorded once with its reason, memory bounded.

The replica serves the hostile corpus (`replica.hostile`) on Just Earth News when built with
``hostile=True``; one real crawl (``jen crawl --here``, a subprocess) goes through it into a private Redis.

    .venv/bin/pytest -q -s tests/test_hostile.py   # -s also prints the crawl's figures
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import redis

from crawler.cleaner import generic, parse
from crawler.failures import DeadLetters
from crawler.items import RawArticle
from crawler.pipelines import CleanPipeline, DedupePipeline, StorePipeline
from crawler.redisconn import Keys
from crawler.store import RecordStore
from dedupe import DedupeParams, Detector, RedisIndex
from replica import ReplicaServer, answer_key, build_site
from replica.hostile import LIMIT, LISTING_PATH, OUTCOMES, hostile_pages
from replica.testing import RedisServer, write_replica_config
from tests.helpers import dead_letters, stored_records

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "hostile"
MAX_RSS_MB = 600
CRAWL_TIMEOUT = 240


@pytest.fixture(scope="module")
def hostile_replica() -> Any:
    """The replica with the hostile corpus, on its own free port."""
    site = build_site(hostile=True)
    with ReplicaServer(site, port=0) as server:
        yield {"site": site, "base_urls": dict(server.base_urls), "key": answer_key(site, server.base_urls)}


def _peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) in MB; None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), None)


def _run_measured(args: list[str], out: Path, err: Path, timeout: float) -> tuple[int, float, float]:
    """Run a command; (exit code, peak RSS in MB of that very process, seconds). Killed after `timeout`.

    The peak is the process's own VmHWM, read until it exits: `wait4`'s ``ru_maxrss`` would also count what the
    test process held when it forked it (Linux carries the larger of the two across exec), and a pytest worker
    that ran other tests first holds a lot.
    """
    started = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=stdout, stderr=stderr,
                                env={k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JEN_CONFIG")})
    peak = 0.0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            if (now := _peak_rss_mb(proc.pid)) is not None:
                peak = max(peak, now)
            done.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        proc.wait()
    finally:
        killer.cancel()
        done.set()
        watcher.join()
    return proc.returncode, peak, time.monotonic() - started


@pytest.fixture(scope="module")
def hostile_crawl(hostile_replica: dict, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One crawl of Just Earth News with the hostile corpus, into a private Redis; its results."""
    tmp = tmp_path_factory.mktemp("hostile")
    server = RedisServer(appendonly=False).start()
    try:
        # No page here is slow on purpose; a long timeout keeps a busy machine's delays from becoming failures.
        config = write_replica_config(tmp / "config.yaml", hostile_replica["base_urls"], prefix=PREFIX,
                                      redis_url=server.url, download_timeout=60)
        base = hostile_replica["base_urls"]["justearthnews"]
        # The usual entry points of a full crawl, plus the hostile listing that nothing links to.
        entry = [f"{base}/sitemap.xml", f"{base}/news/feeds.json", f"{base}/", f"{base}{LISTING_PATH}"]
        code, rss_mb, seconds = _run_measured(
            [sys.executable, "-m", "crawler.cli", "crawl", "--here", "--source", "justearthnews",
             "--config", str(config), *entry], tmp / "stdout", tmp / "stderr", CRAWL_TIMEOUT)
        records = stored_records(config)
        dead = dead_letters(config)
    finally:
        server.close()
    result = {"code": code, "rss_mb": rss_mb, "seconds": seconds, "records": records, "dead": dead,
              "stdout": (tmp / "stdout").read_text(errors="replace"),
              "stderr": (tmp / "stderr").read_text(errors="replace")}
    hostile = [p for p in hostile_replica["key"]["pages"] if p["kind"] == "hostile"]
    found = _outcomes(result, hostile)
    recorded = sum(1 for p in hostile if len(found[p["url"]]) == 1)
    print(f"\nhostile crawl: {len(hostile)} hostile pages tried, exit code {code}, "
          f"{result['stderr'].count('Traceback')} tracebacks, {recorded} recorded once with a reason, "
          f"{sum(1 for p in hostile if found[p['url']] and found[p['url']][0] == p['expected'])} as expected; "
          f"peak RSS {rss_mb:.0f} MB; {seconds:.1f} s; {len(records)} records, {len(dead)} dead letters")
    return result


def _outcomes(crawl: dict, pages: list[dict]) -> dict[str, list[str]]:
    """url -> every outcome class the crawl left for it (exactly one is right)."""
    wanted = {p["url"] for p in pages}
    found: dict[str, list[str]] = defaultdict(list)
    for d in crawl["dead"]:
        if d["url"] in wanted:
            found[d["url"]].append("not_article" if d["reason"] == "not_article" else f"failure:{d['reason']}")
    for r in crawl["records"]:
        if r["url"] in wanted:
            found[r["url"]].append(r["status"])
    return found


# --- the corpus ------------------------------------------------------------------------------------------


def test_the_corpus_has_200_hostile_pages_of_every_kind_with_an_expected_outcome() -> None:
    started = time.monotonic()
    pages = hostile_pages()
    families = Counter(p.family for p in pages)
    assert len(pages) >= 200
    assert len({p.path for p in pages}) == len(pages)
    assert all(n >= 5 for n in families.values()), families
    assert {p.expected for p in pages} == set(OUTCOMES)
    # Built once per process; a second site build costs nothing more than the normal replica.
    assert time.monotonic() - started < 5


def test_hostile_pages_are_served_only_when_asked_for(hostile_replica: dict) -> None:
    plain = build_site()
    assert not any(info.kind == "hostile" for info in plain.info.values())
    assert b"sitemap-hostile" not in plain.pages[("justearthnews", "/sitemap.xml")].body
    hostile = [p for p in hostile_replica["key"]["pages"] if p["kind"] == "hostile"]
    assert len(hostile) == len(hostile_pages())
    assert all(p["expected"] in OUTCOMES and p["family"] and p["variant"] for p in hostile)
    # Only the hostile listing and sitemap link to them, never an ordinary page.
    site = hostile_replica["site"]
    for (outlet, path), resp in site.pages.items():
        if path.startswith(("/sections/hostile/", "/sitemap-hostile.xml")) or resp.stream is not None:
            continue
        if site.info[(outlet, path)].kind != "hostile":
            assert b"/hostile-details/" not in resp.body, path


def _inflated_head(page: Any) -> bytes | None:
    """What a client that decompresses up to the download limit would have had (gzip/deflate pages)."""
    encoding = page.response.header("Content-Encoding") or ""
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None
    wbits = 47 if "gzip" in encoding else 15  # 47: gzip or zlib header, detected
    try:
        return zlib.decompressobj(wbits).decompress(page.body(), LIMIT)
    except zlib.error:
        try:
            return zlib.decompressobj(-15).decompress(page.body(), LIMIT)
        except zlib.error:
            return None


def test_every_hostile_body_goes_through_the_cleaner_without_raising() -> None:
    statuses: Counter[str] = Counter()
    for page in hostile_pages():
        url = "http://127.0.0.1:8000" + page.path
        body = page.body(LIMIT)  # no more than the crawler would ever hand over
        records = [parse(body, url, source="justearthnews"),  # the JEN parser, as in the crawl
                   generic.parse(body, "http://127.0.0.2:8000/2022/03/03" + page.path)]  # trafilatura
        if (inflated := _inflated_head(page)) is not None:
            records.append(parse(inflated, url, source="justearthnews"))
        for record in records:
            assert record.status in ("article", "partial", "not_article"), page.path
            assert record.status == "article" or record.problems, page.path
            assert not any("parser error" in problem for problem in record.problems), (page.path, record.problems)
            statuses[record.status] += 1
    assert statuses["not_article"] and statuses["partial"] and statuses["article"]


# --- the crawl ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_crawl_of_hostile_pages_finishes_without_crashing(hostile_crawl: dict) -> None:
    assert hostile_crawl["code"] == 0, hostile_crawl["stderr"][-3000:]
    assert "(finished: finished)" in hostile_crawl["stdout"]
    stderr = hostile_crawl["stderr"]
    assert "Traceback" not in stderr, stderr[stderr.find("Traceback") - 2000:][:6000]
    assert "Unhandled error" not in stderr
    assert "Spider error processing" not in stderr and "Error processing" not in stderr


@pytest.mark.slow
def test_every_hostile_page_is_recorded_once_with_its_expected_outcome(hostile_crawl: dict,
                                                                       hostile_replica: dict) -> None:
    pages = [p for p in hostile_replica["key"]["pages"] if p["kind"] == "hostile"]
    found = _outcomes(hostile_crawl, pages)
    wrong = [f"{p['family']}-{p['variant']}: expected {p['expected']}, got {found[p['url']]}" for p in pages
             if found[p["url"]] != [p["expected"]]]
    assert not wrong, "\n".join(wrong)
    for d in hostile_crawl["dead"]:
        assert d["reason"] and d["detail"], d
    for r in hostile_crawl["records"]:
        if r["status"] == "partial":
            assert r["problems"], r["url"]


@pytest.mark.slow
def test_the_crawl_memory_stays_bounded(hostile_crawl: dict) -> None:
    # 50 MB bodies, 1 GB bombs and 100,000-link pages: the crawler holds at most its 10 MB download limit
    # per response, and the cleaner parses at most its own input limit.
    assert hostile_crawl["rss_mb"] < MAX_RSS_MB


@pytest.mark.slow
def test_every_ordinary_jen_article_is_still_stored(hostile_crawl: dict, hostile_replica: dict) -> None:
    expected = {p["canonical_url"] for p in hostile_replica["key"]["pages"]
                if p["kind"] == "article" and p["outlet"] == "justearthnews"}
    stored = {r["canonical_url"] for r in hostile_crawl["records"]}
    assert expected - stored == set()


# --- records that would poison the dedup index -------------------------------------------------------------

BOILERPLATE = "\n".join(["Image: UNI", "Also read: Markets close higher on Friday", "Share this on WhatsApp",
                         "Advertisement", "(With inputs from UNI)", "Photo: Twitter/@someone", "Subscribe now"] * 12)


def _lsh_entries(client: redis.Redis, prefix: str) -> int:
    return sum(client.hlen(key) for key in client.scan_iter(f"{prefix}:lsh:*"))


def _raw(url: str, paragraphs: list[str]) -> RawArticle:
    html = ("<html><head><title>Poison | Just Earth News</title><meta property=\"article:published_time\" "
            "content=\"2022-03-03T10:00:00+05:30\"></head><body><h1>A headline for the poison test</h1>"
            "<div class=\"news-content\">" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></body></html>")
    return RawArticle(url=url, canonical_url=url, html=html, status=200, fetched_at="2022-03-03T10:00:00+00:00",
                      source="justearthnews")


def test_degenerate_texts_are_stored_unindexed_with_a_reason_and_no_bucket_grows(redis_url: str,
                                                                                 tmp_path: Path) -> None:
    client = redis.Redis.from_url(redis_url)
    keys = Keys("poison")
    params = DedupeParams()
    clean = CleanPipeline()
    dedupe = DedupePipeline(Detector(RedisIndex(client, prefix=keys.dedupe_prefix, params=params), params))
    records = RecordStore.open(None, tmp_path)
    store = StorePipeline(records, DeadLetters(client, keys), client, keys)

    def through_the_pipelines(record: dict) -> dict:  # what the crawl does with one record, in its batch functions
        [flags] = dedupe.decide([dedupe.document(record)])
        [stored] = store.store_batch([record | flags])
        return stored
    base = "http://127.0.0.1:8000/world-details/HC/{}/poison.html"
    poison = {  # text -> the reason it stays out of the index
        "repetitive": [" ".join(["buffalo"] * 1_000_000)],  # one word a million times
        "boilerplate": BOILERPLATE.split("\n"),  # only furniture lines
        "too_short": ["Ceasefire talks resume in Belarus today."],
    }
    for n, (reason, paragraphs) in enumerate(poison.items(), start=1):
        item = through_the_pipelines(clean.process_item(_raw(base.format(n), paragraphs)))
        stored = records.get(item["id"])
        assert (stored["indexed"], stored["dedupe_reason"]) == (False, reason)
        assert _lsh_entries(client, keys.dedupe_prefix) == 0, reason
    # An empty text: the cleaner turns such a page into a dead letter; a record that has one anyway
    # (another producer) is kept out of the index too.
    assert getattr(clean.process_item(_raw(base.format(8), [])), "reason", None) == "not_article"
    [item] = dedupe.decide([dedupe.document({"id": "justearthnews:empty", "text": "", "url": base.format(9)})])
    assert (item["indexed"], item["dedupe_reason"]) == (False, "too_short")
    assert _lsh_entries(client, keys.dedupe_prefix) == 0
    # The control: a real article's text does go into the buckets (the count above can move).
    real = build_site().stories[0]
    item = through_the_pipelines(clean.process_item(_raw(base.format(10), list(real.paragraphs))))
    assert item["indexed"] is True
    assert _lsh_entries(client, keys.dedupe_prefix) > 0
