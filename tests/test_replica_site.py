"""The replica over real HTTP: every page of the answer key, discovery paths, faults, determinism, scale."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import yaml

from crawler.config import parse_config
from crawler.urls import is_listing_url
from replica.answer_key import answer_key, articles, by_url
from replica.config import replica_config
from replica.server import ReplicaServer
from replica.site import build_site
from tests.helpers import http_get

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ROOT = Path(__file__).resolve().parents[1]


def test_every_answer_key_page_answers_with_its_status_kind_and_canonical(served: tuple[ReplicaServer, dict]) -> None:
    _, key = served
    kinds = {p["kind"] for p in key["pages"]}
    assert {"article", "print", "listing", "sitemap", "feed", "robots", "fault"} <= kinds

    def check(page: dict) -> None:
        status, headers, body = http_get(page["url"])
        assert status == page["status"], page["url"]
        assert headers["content-type"] == page["content_type"], page["url"]
        if page["kind"] in ("article", "print"):
            doc = lxml.html.fromstring(body)
            assert doc.xpath("//link[@rel='canonical']/@href") == [page["canonical_url"]], page["url"]
        if page["kind"] == "article":
            assert doc.xpath("//h1")[0].text_content() == page["title"]
            assert doc.xpath("//meta[@property='og:url']/@content") == [page["canonical_url"]]
            text = doc.text_content()
            assert all(p in text for p in page["paragraphs"]), page["url"]
            for headline in page["sidebar_headlines"] + page["also_read"]:
                assert headline in text and all(headline not in p for p in page["paragraphs"])
        if page["kind"] == "sitemap":
            ET.fromstring(body)
        if page["kind"] == "feed":
            json.loads(body)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(check, key["pages"]))


def test_jen_articles_come_in_both_address_styles_with_json_ld_on_some(served: tuple[ReplicaServer, dict]) -> None:
    _, key = served
    jen = articles(key, "justearthnews")
    styles = {a["address_style"] for a in jen}
    assert styles == {"old", "new"}
    assert any(a["also_read"] for a in jen), "some article has an 'Also read' block in its body"
    with_ld = [a for a in jen if b"application/ld+json" in http_get(a["url"])[2]]
    assert 0 < len(with_ld) < len(jen)


def _crawl_listings(start: str) -> tuple[set[str], dict[str, int]]:
    """Follow only listing pages from `start`; collect the article URLs they link and the page they are on."""
    seen, queue, found = {start}, [start], {}
    while queue:
        url = queue.pop()
        status, _, body = http_get(url)
        assert status == 200, url
        doc = lxml.html.fromstring(body)
        page = int(dict(p.split("=") for p in urlsplit(url).query.split("&") if p).get("page", 1))
        for anchor in doc.xpath("//a[@href]"):
            target = urljoin(url, anchor.get("href"))
            if urlsplit(target).netloc != urlsplit(start).netloc:
                continue
            if is_listing_url(target):
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
            elif anchor.xpath("ancestor::div[@class='news-item']"):
                found[target] = min(found.get(target, 99), page)
    return seen, found


def test_pagination_reaches_every_listed_article_some_only_from_page_three(
        served: tuple[ReplicaServer, dict]) -> None:
    server, key = served
    base = server.base_url("justearthnews")
    pages = by_url(key)
    listings, found = _crawl_listings(base + "/")
    listed = {a["url"] for a in articles(key, "justearthnews") if "listing" in a["discovery"]}
    assert set(found) == listed
    # Every listing page reached has a "Next »" anchor and a rel=next link unless it is the last page.
    for url in listings:
        entry = pages[url]
        _, _, body = http_get(url)
        doc = lxml.html.fromstring(body)
        nexts = doc.xpath("//link[@rel='next']/@href")
        if entry["next_url"]:
            assert nexts == [entry["next_url"]]
            assert doc.xpath("//a[normalize-space()='Next »']/@href")
        else:
            assert nexts == []
    deep = [u for u, depth in found.items() if depth >= 3]
    assert deep, "some articles are reachable only from page 3 or later"
    assert all(pages[u]["discovery"] == ["listing"] for u in deep if pages[u]["channel"] == "archive-only")


def test_sitemap_and_feed_are_valid_and_point_at_real_articles(served: tuple[ReplicaServer, dict]) -> None:
    server, key = served
    base = server.base_url("justearthnews")
    pages = by_url(key)
    status, _, robots = http_get(base + "/robots.txt")
    assert status == 200
    assert "Disallow: /search" in robots.decode() and "Disallow: /admin/" in robots.decode()
    assert f"Sitemap: {base}/sitemap.xml" in robots.decode()

    index = ET.fromstring(http_get(base + "/sitemap.xml")[2])
    assert index.tag == SM + "sitemapindex"
    children = [loc.text for loc in index.iter(SM + "loc")]
    assert len(children) == 2
    in_sitemap = set()
    for child in children:
        urlset = ET.fromstring(http_get(child)[2])
        assert urlset.tag == SM + "urlset"
        in_sitemap |= {loc.text for loc in urlset.iter(SM + "loc")}
    assert all(pages[u]["kind"] == "article" for u in in_sitemap)

    feed = json.loads(http_get(base + "/news/feeds.json")[2])
    assert set(feed) == {"news"} and "news" in feed["news"]
    in_feed = set()
    for section, items in feed["news"].items():
        for item in items:
            assert {"id", "title", "description", "content", "imageName", "url"} <= set(item)
            assert pages[item["url"]]["kind"] == "article" and pages[item["url"]]["title"] == item["title"]
            assert section == "news" or pages[item["url"]]["section"] == section
            in_feed.add(item["url"])

    jen = articles(key, "justearthnews")
    assert in_sitemap == {a["url"] for a in jen if "sitemap" in a["discovery"]}
    assert in_feed == {a["url"] for a in jen if "feed" in a["discovery"]}
    only = {ch: [a for a in jen if a["discovery"] == [ch]] for ch in ("sitemap", "feed")}
    assert only["sitemap"] and only["feed"], "some articles are only in the sitemap, some only in the feed"
    assert [a for a in jen if "sitemap" not in a["discovery"] and "feed" not in a["discovery"]]


def test_print_pages_keep_image_placeholders_and_point_to_their_article(served: tuple[ReplicaServer, dict]) -> None:
    _, key = served
    pages = by_url(key)
    prints = [p for p in key["pages"] if p["kind"] == "print"]
    assert prints
    for p in prints:
        article = next(a for a in articles(key) if a["id"] == p["article_id"])
        assert article["print_url"] == p["url"]
        body = http_get(p["url"])[2].decode()
        doc = lxml.html.fromstring(body)
        assert doc.xpath("//link[@rel='canonical']/@href") == [article["canonical_url"]]
        assert pages[article["canonical_url"]]["kind"] == "article"
        assert doc.xpath("//div[@class='ticker']")[0].text_content().startswith("Top pick: ")
        for n in range(1, len(article["images"]) + 1):
            assert f"{{image_{n}}}" in body
        byline = doc.xpath("//div[@class='byline']")[0].text_content()
        assert re.fullmatch(r".+ \| @justearthnews \| \d\d [A-Z][a-z]{2} \d{4}", byline), byline
    new_style = [a for a in articles(key, "justearthnews") if a["address_style"] == "new"]
    assert all(a["print_url"] is None for a in new_style)


def test_linked_faults_fail_the_way_the_answer_key_says(served: tuple[ReplicaServer, dict]) -> None:
    server, key = served
    faults = {p["expected"]: p for p in key["pages"] if p["kind"] == "fault"}
    assert set(faults) == {"http_404", "http_500", "redirect", "not_html"}
    home = http_get(server.base_url("justearthnews") + "/")[2].decode()
    for page in faults.values():
        assert f'href="{page["path"]}"' in home  # a crawl meets every one of them
    assert http_get(faults["http_404"]["url"])[0] == 404
    assert http_get(faults["http_500"]["url"])[0] == 500
    status, headers, _ = http_get(faults["redirect"]["url"])
    target = next(a for a in articles(key) if a["id"] == faults["redirect"]["leads_to"])
    assert status == 301 and headers["location"] == target["canonical_url"]
    status, headers, body = http_get(faults["not_html"]["url"])
    assert status == 200 and headers["content-type"] == "application/pdf" and body.startswith(b"%PDF")


def test_fault_paths_sleep_loop_fail_and_reset_while_the_server_stays_responsive(
        served: tuple[ReplicaServer, dict]) -> None:
    server, _ = served
    base = server.base_url("justearthnews")
    slow_result: dict[str, float] = {}

    def slow() -> None:
        started = time.monotonic()
        status, _, _ = http_get(base + "/_fault/slow/2")
        slow_result["status"], slow_result["seconds"] = status, time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    assert http_get(base + "/")[0] == 200
    assert time.monotonic() - started < 1.0, "a sleeping request must not block others"
    thread.join()
    assert slow_result["status"] == 200 and slow_result["seconds"] >= 2.0
    with pytest.raises(TimeoutError):
        http_get(base + "/_fault/slow/3", timeout=0.5)

    status, headers, _ = http_get(base + "/_fault/redirect-loop/1")
    assert status == 302 and headers["location"] == base + "/_fault/redirect-loop/2"
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(base + "/_fault/redirect-loop/1", timeout=5)
    assert excinfo.value.code == 302  # urllib gave up at its redirect limit

    assert http_get(base + "/_fault/status/503")[0] == 503
    assert http_get(base + "/_fault/status/429")[0] == 429
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        http_get(base + "/_fault/reset")
    assert http_get(base + "/")[0] == 200


def test_robots_disallowed_search_link_is_on_every_jen_page(served: tuple[ReplicaServer, dict]) -> None:
    _, key = served
    html_pages = [p for p in key["pages"] if p["outlet"] == "justearthnews" and p["kind"] in ("article", "listing")]
    for p in html_pages[:40]:
        assert b'href="/search?q=' in http_get(p["url"])[2]
    assert any(u.endswith("/search?q=ukraine") for u in key["disallowed"])


def test_other_outlets_have_their_own_host_template_and_address_pattern(served: tuple[ReplicaServer, dict]) -> None:
    server, key = served
    config = replica_config(server.base_urls)
    markers = {"wftl": (b'<div class="entry-content">', b"Related Posts", b"Share this:", b"Copyright \xc2\xa9"),
               "herald": (b'itemprop="articleBody"', b"Also read"),
               "monitor": (b"Latest news",)}
    for outlet, needles in markers.items():
        base = server.base_url(outlet)
        assert base.startswith("http://127.0.0.")
        pattern = re.compile(config["sources"][outlet]["article_pattern"])
        mine = articles(key, outlet)
        assert mine
        home = http_get(base + "/")[2].decode()
        assert any(f'href="{urlsplit(a["url"]).path}"' in home for a in mine)
        assert "Sitemap:" in http_get(base + "/robots.txt")[2].decode()
        locs = {loc.text for loc in ET.fromstring(http_get(base + "/sitemap.xml")[2]).iter(SM + "loc")}
        assert locs == {a["url"] for a in mine}
        for a in mine:
            assert pattern.search(a["url"]) and pattern.search(urlsplit(a["url"]).path)
            body = http_get(a["url"])[2]
            if len(mine) > 1:
                assert all(n in body for n in needles), (outlet, a["url"])
            assert b'property="article:published_time"' in body
        for p in key["pages"]:
            if p["outlet"] == outlet and p["kind"] != "article":
                assert not pattern.search(p["url"]), p["url"]
    # Each host only serves its own outlet.
    seed = next(a for a in articles(key) if a["id"] == key["seed_id"])
    assert http_get(server.base_url("wftl") + urlsplit(seed["url"]).path)[0] == 404


def test_answer_key_marks_originals_copies_and_is_json(served: tuple[ReplicaServer, dict]) -> None:
    _, key = served
    json.dumps(key)
    by_id = {a["id"]: a for a in articles(key)}
    assert key["clusters"]
    for name, cluster in key["clusters"].items():
        members = [by_id[m] for m in cluster["members"]]
        original = by_id[cluster["original"]]
        assert original["role"] == "original" and original["duplicate_of"] is None
        assert all(m["role"] == "copy" and m["duplicate_of"] == original["id"] for m in members if m is not original)
        assert all(m["cluster"] == name for m in members)
    assert all(a["role"] is None for a in by_id.values() if a["cluster"] is None)


def test_config_written_for_the_replica_is_valid(served: tuple[ReplicaServer, dict]) -> None:
    server, _ = served
    config = parse_config(yaml.safe_load(yaml.safe_dump(replica_config(server.base_urls))), env={})
    jen = config.source("justearthnews")
    assert jen.spider == "justearthnews" and jen.base_url == server.base_url("justearthnews")
    assert jen.allowed_domains == ("127.0.0.1",) and jen.allow_private and jen.schedule.interval_seconds == 1800
    for outlet in ("wftl", "herald", "monitor"):
        src = config.source(outlet)
        assert src.spider == "outlet" and src.allow_private
        assert src.sitemap_urls == (server.base_url(outlet) + "/sitemap.xml",)
        assert src.allowed_domains == (urlsplit(server.base_url(outlet)).hostname,)


def test_builds_are_byte_identical_and_served_bytes_differ_only_by_origin() -> None:
    first, second = build_site(), build_site()
    assert first.digest() == second.digest()
    assert build_site(5).digest() == build_site(5).digest()
    assert build_site(5).digest() != first.digest()
    with ReplicaServer(first) as a, ReplicaServer(second) as b:
        for path in ("/", "/sitemap.xml", "/news/feeds.json"):
            body_a = http_get(a.base_url("justearthnews") + path)[2]
            body_b = http_get(b.base_url("justearthnews") + path)[2]
            assert body_a.replace(f":{a.port}".encode(), b":PORT") == body_b.replace(f":{b.port}".encode(), b":PORT")


def test_two_thousand_extra_articles_build_fast_and_all_are_reachable_via_sitemap() -> None:
    started = time.perf_counter()
    site = build_site(extra_articles=2000)
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, f"build took {elapsed:.2f} s"
    with ReplicaServer(site) as server:
        key = answer_key(site, server.base_urls)
        filler = [a for a in articles(key, "justearthnews") if a["filler"]]
        assert len(filler) == 2000
        assert len({"\n".join(a["paragraphs"]) for a in filler}) == 2000, "every filler article has its own text"
        base = server.base_url("justearthnews")
        index = ET.fromstring(http_get(base + "/sitemap.xml")[2])
        locs: list[str] = []
        for child in index.iter(SM + "loc"):
            locs += [loc.text for loc in ET.fromstring(http_get(child.text)[2]).iter(SM + "loc")]
        assert {a["url"] for a in filler} <= set(locs)
        assert len(locs) == len(set(locs))

        def status(url: str) -> int:
            return http_get(url)[0]

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(status, locs))
        assert statuses == [200] * len(locs)


@pytest.mark.slow
def test_cli_serves_until_sigterm_and_writes_key_and_config(tmp_path: Path) -> None:
    key_file, config_file = tmp_path / "key.json", tmp_path / "replica.yaml"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "replica", "--port", "0", "--extra-articles", "3",
                             "--answer-key", str(key_file), "--config-out", str(config_file)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
            if "Ctrl-C" in line:
                break
        base = next(re.search(r"http://127\.0\.0\.1:\d+", ln).group(0) for ln in lines if "justearthnews" in ln)
        key = json.loads(key_file.read_text())
        assert key["base_urls"]["justearthnews"] == base
        assert http_get(base + "/")[0] == 200
        assert sum(1 for a in articles(key) if a["filler"]) == 3
        config = parse_config(yaml.safe_load(config_file.read_text()), env={})
        assert config.source("justearthnews").base_url == base
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
