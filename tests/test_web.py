"""The operator's web view, in a real headless browser (Debian's chromium, driven by Playwright), on one real crawl
of the replica by a real `jen run` that serves the view (web.port), with a private Redis.

    .venv/bin/python -m pytest -q tests/test_web.py
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml

from crawler.config import ConfigError, parse_config
from crawler.failures import DeadLetters
from crawler.redisconn import Keys
from crawler.web.views import WORD, shared_passages
from replica import ReplicaServer, build_site
from replica.hostile import hostile_pages
from replica.testing import RedisServer, free_port
from tests.helpers import run_jen, start_jen, stored_records, wait_for
from tests.operating import ServiceProcess, replica_config

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
PREFIX = "webview"
SOURCES = {"justearthnews", "herald", "monitor", "wftl"}
SEED = "justearthnews:HC/6181"
TOKEN = "a-web-token-of-some-length"


# --- the one crawl, the one service, the one browser --------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_url() -> Iterator[str]:
    """The address of a hostile page whose paragraphs hold markup written as entities (text that looks like a
    <script>), on a replica with the hostile corpus (a server of its own; only this page is crawled from it)."""
    page = next(p for p in hostile_pages() if p.variant == "encoded-markup")
    with ReplicaServer(build_site(hostile=True), port=0) as server:
        yield server.base_urls["justearthnews"] + page.path


@pytest.fixture(scope="module")
def view(replica: dict, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """`jen run` with web.port set, every source scheduled (so each is crawled once at start), on the replica."""
    if redis_server.process is None:
        redis_server.start()
    tmp = tmp_path_factory.mktemp("web")
    every_hour = {"interval": "1h"}
    config = replica_config(tmp, replica["base_urls"], redis_server.url, PREFIX,
                            schedule=dict.fromkeys(SOURCES, every_hour))
    raw = yaml.safe_load(config.read_text())
    port = free_port()
    raw["web"] = {"port": port, "crawl_now_per_minute": 1}
    config.write_text(yaml.safe_dump(raw))
    client = redis.Redis.from_url(redis_server.url)
    keys = Keys(PREFIX)
    service = ServiceProcess(config, tmp / "service.log")
    try:
        def crawled() -> bool:
            done = {r["source"] for r in (json.loads(v) for v in client.hvals(keys.runs))
                    if r.get("kind") == "scheduled" and r.get("exit_code") is not None}
            assert service.process.poll() is None, service.log()[-3000:]
            return done == SOURCES
        wait_for(crawled, timeout=120, what="the first scheduled run of every source", step=0.25)
        yield {"config": config, "base": f"http://127.0.0.1:{port}", "client": client, "keys": keys,
               "service": service, "tmp": tmp}
    finally:
        service.stop()
        for key in client.scan_iter(match=f"{PREFIX}:*", count=1000):
            client.delete(key)
        client.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no {CHROMIUM}: `make test` installs Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def _press_crawl_now(page: Any, view: dict, source: str, urls: list[str] | None = None) -> Any:
    page.goto(view["base"] + "/")
    row = page.locator(f"tr.source[data-source='{source}']")
    if urls:
        row.locator("textarea[name=urls]").fill("\n".join(urls))
    row.get_by_role("button", name="Crawl now").click()
    page.wait_for_load_state()
    return page


@pytest.fixture(scope="module")
def crawled_now(view: dict, browser: Any, hostile_url: str) -> dict:
    """Crawl now pressed for Just Earth News with the hostile page's URL; waits on the overview until the run that
    it queued shows finished."""
    context = browser.new_context()
    tab = context.new_page()
    _press_crawl_now(tab, view, "justearthnews", [hostile_url])
    queued = tab.locator("p.queued code").inner_text()
    deadline = time.monotonic() + 60
    status = None
    while time.monotonic() < deadline:
        tab.goto(view["base"] + "/")
        status = tab.locator(f"tr.run[data-run='{queued}'] td.status").all_inner_texts()
        if status == ["finished"]:
            break
        time.sleep(0.5)
    context.close()
    return {"run_id": queued, "status": status}


# --- pages -----------------------------------------------------------------------------------------------
def test_overview_lists_the_four_sources_with_their_last_run_and_next_scheduled_run(view: dict, page: Any) -> None:
    page.goto(view["base"] + "/")
    rows = page.locator("tr.source")
    assert {rows.nth(i).get_attribute("data-source") for i in range(rows.count())} == SOURCES
    runs = {r["source"]: r for r in (json.loads(v) for v in view["client"].hvals(view["keys"].runs))
            if r.get("kind") == "scheduled"}
    for name in SOURCES:
        text = page.locator(f"tr.source[data-source='{name}']").inner_text()
        summary = runs[name]["summary"]
        assert f"finished: {summary['articles']} articles, {summary['pages']} pages" in text
        schedule = json.loads(view["client"].hget(view["keys"].schedule, name))
        assert schedule["next_run"] in text
    assert "service running" in page.locator("#service").inner_text()


def test_crawl_now_queues_a_run_through_the_service_that_the_overview_then_shows_finished(crawled_now: dict,
                                                                                         view: dict) -> None:
    assert crawled_now["status"] == ["finished"]
    def closed() -> dict | None:  # the service adds the exit codes once its crawl process has exited
        run = json.loads(view["client"].hget(view["keys"].runs, crawled_now["run_id"]))
        return run if "exit_code" in run else None

    run = wait_for(closed, timeout=15, what="the service to close the run")
    assert run["kind"] == "manual" and run["source"] == "justearthnews" and run["exit_code"] == 0


def test_crawl_now_refuses_the_urls_jen_crawl_refuses_with_the_same_message(view: dict, page: Any) -> None:
    urls = ["http://10.20.30.40/news/story.html", "http://127.0.0.1:99999/x", "https://user:pw@example.org/"]
    runs_before = view["client"].hlen(view["keys"].runs)
    _press_crawl_now(page, view, "wftl", urls)
    shown = page.locator("p.refusal").all_inner_texts()
    assert len(shown) == 3 and "pw" not in " ".join(shown)
    assert page.locator("p.queued").count() == 0
    assert view["client"].hlen(view["keys"].runs) == runs_before and view["client"].llen(view["keys"].triggers) == 0
    refused = [e for e in DeadLetters(view["client"], view["keys"]).iter() if e.get("referer") == "jen web"]
    assert {e["reason"] for e in refused} == {"refused", "bad_url"}  # dead-lettered, as jen crawl does
    cli = run_jen("crawl", "--config", str(view["config"]), "--source", "wftl", *urls)
    assert cli.returncode == 3
    assert shown == cli.stderr.strip().splitlines()


def test_crawl_now_is_rate_limited_per_source(view: dict, page: Any) -> None:
    refused_url = ["http://10.9.9.9/a"]  # refused: nothing is crawled, but the press counts
    _press_crawl_now(page, view, "monitor", refused_url)
    assert page.locator("p.refusal").count() == 1
    _press_crawl_now(page, view, "monitor", refused_url)
    assert "limited to 1 a minute" in page.locator("p.refusal").inner_text()
    assert view["client"].llen(view["keys"].triggers) == 0


def test_crawl_now_without_a_running_service_says_so_and_queues_nothing(view: dict) -> None:
    from crawler.config import load_config
    from crawler.web.app import WebData, crawl

    raw = yaml.safe_load(view["config"].read_text())
    raw["redis"]["key_prefix"] = "webview-idle"  # the same Redis, a prefix no service runs for
    idle = view["tmp"] / "idle.yaml"
    idle.write_text(yaml.safe_dump(raw))
    config = load_config(idle, env={})
    status, messages, runs = crawl(WebData.open(config, config.redis.url, view["client"]), "herald", [])
    assert (status, runs) == (409, [])
    assert messages == ["no service is running (start `jen run`)"]
    assert not view["client"].exists(Keys("webview-idle").triggers)


def test_a_post_without_the_csrf_token_changes_nothing(view: dict) -> None:
    request = urllib.request.Request(view["base"] + "/crawl", data=b"source=herald", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as not_allowed:
        urllib.request.urlopen(view["base"] + "/crawl?source=herald", timeout=10)  # a GET changes nothing either
    assert not_allowed.value.code == 405
    assert view["client"].llen(view["keys"].triggers) == 0
    assert not view["client"].exists(view["keys"].crawl_now_window("herald"))


def _words(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(text)]


def test_seed_story_cluster_shows_its_copies_side_by_side_with_shared_passages_marked(view: dict, page: Any) -> None:
    page.goto(view["base"] + "/copies")
    first = page.locator("tr.cluster").first
    assert SEED in first.inner_text()  # the seed story's cluster is the largest: the first one listed
    first.locator("a").first.click()
    listed = run_jen("dupes", "--json", "--config", str(view["config"])).stdout
    dupes = [json.loads(line) for line in listed.splitlines()]
    seed = next(c for c in dupes if c["original"] == SEED)
    assert len(seed["members"]) >= 3
    shown_copy = page.locator("#copy h2 a").get_attribute("href")
    member = next(m for m in seed["members"] if shown_copy.endswith(m["id"].split(":", 1)[1]))
    scores = page.locator("#scores").inner_text()
    assert f"similarity {member['similarity']:.2f}" in scores and f"containment {member['containment']:.2f}" in scores
    original_words = " ".join(_words(page.locator("#original").inner_text()))
    marks = page.locator("#copy mark").all_inner_texts()
    assert len(marks) >= 3 and page.locator("#original mark").count() >= 3
    for passage in marks:  # every passage marked in the copy is, word for word, in the original
        assert len(_words(passage)) >= 8 and " ".join(_words(passage)) in original_words
    # every other copy of the cluster is one click away, and shown beside the same original
    for other in seed["members"]:
        page.goto(view["base"] + f"/copies/{SEED}?copy={urllib.request.quote(other['id'], safe='')}")
        assert page.locator("#original h2").inner_text() == page.locator("h1").inner_text()
        assert page.locator("#copy mark").count() >= 1


def test_a_record_from_a_hostile_page_renders_as_text_and_no_script_runs(crawled_now: dict, view: dict,
                                                                         hostile_url: str, page: Any) -> None:
    record = next(r for r in stored_records(view["config"]) if r["url"] == hostile_url)
    assert any("<script>alert(1)</script>" in p for p in record["body"])  # the page's text really holds markup
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(view["base"] + f"/records/{record['id']}")
    assert page.locator("#title").inner_text() == record["title"]
    assert "<script>alert(1)</script>" in page.locator("#body").inner_text()
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.locator("#body p").count() == len(record["body"])  # '<p>x</p>' in the text made no paragraph
    page.wait_for_timeout(200)
    assert dialogs == []
    # and the record can be found by its id and by its title's words
    page.goto(view["base"] + "/records")
    page.fill("input[name=q]", record["title"].split()[0] + " " + record["title"].split()[-1])
    page.click("#search button")
    assert record["title"] in page.locator("#found").inner_text()


def test_a_record_shows_byline_images_with_their_caption_and_what_the_cleaner_removed(view: dict, page: Any) -> None:
    record = next(r for r in stored_records(view["config"]) if r["id"] == SEED)
    page.goto(view["base"] + "/records")
    page.fill("input[name=id]", SEED)
    page.click("#search button")
    assert page.url.endswith("/records/justearthnews:HC/6181")
    assert page.locator("#byline").inner_text() == record["byline"]
    captions = page.locator("figcaption").all_inner_texts()
    assert captions == [i["caption"] + (f" ({i['credit']})" if i.get("credit") else "")
                                     for i in record["images"] if i.get("caption")]
    removed = page.locator("#removed .removal").all_inner_texts()
    assert any(r.startswith("sidebar headline:") for r in removed)
    assert len(removed) == len(record["removed"])


def test_dead_letters_filter_by_source_and_reason(view: dict, page: Any) -> None:
    letters = list(DeadLetters(view["client"], view["keys"]).iter())
    jen_404 = [e for e in letters if e["source"] == "justearthnews" and e["reason"] == "http_404"]
    assert jen_404
    page.goto(view["base"] + "/dead-letters")
    page.select_option("select[name=source]", "justearthnews")
    page.select_option("select[name=reason]", "http_404")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tr.dead-letter")
    assert rows.count() == len(jen_404)
    assert jen_404[0]["url"] in rows.first.inner_text() and jen_404[0]["last_seen"] in rows.first.inner_text()


# --- API and metrics -------------------------------------------------------------------------------------
def _get(view: dict, path: str, **headers: str) -> Any:
    with urllib.request.urlopen(urllib.request.Request(view["base"] + path, headers=headers), timeout=10) as answer:
        return answer.read().decode()


def test_api_overview_and_clusters_agree_with_jen_inspect_and_jen_dupes(view: dict) -> None:
    api = json.loads(_get(view, "/api/overview"))
    cli = json.loads(run_jen("inspect", "--json", "--config", str(view["config"])).stdout)
    api_service, cli_service = api.pop("service"), cli.pop("service")  # the heartbeat's time moves on
    assert api == cli
    assert api_service["pid"] == cli_service["pid"] == view["service"].pid
    clusters = json.loads(_get(view, "/api/clusters"))
    dupes = run_jen("dupes", "--json", "--config", str(view["config"])).stdout.splitlines()
    assert clusters == [json.loads(line) for line in dupes]
    spec = json.loads(_get(view, "/openapi.json"))
    assert {"/api/overview", "/api/runs", "/api/dead-letters", "/api/records", "/api/clusters"} <= set(spec["paths"])
    record = json.loads(_get(view, f"/api/records/{SEED}"))
    assert record["id"] == SEED and record["cluster"] is not None


def _metrics(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_answer_what_redis_and_the_database_hold(view: dict) -> None:
    metrics = _metrics(_get(view, "/metrics"))
    overview = json.loads(run_jen("inspect", "--json", "--config", str(view["config"])).stdout)
    for name, s in overview["sources"].items():
        assert metrics[("jen_records_stored", (("source", name),))] == s["records"]
        assert metrics[("jen_queue_entries", (("queue", "pending"), ("source", name)))] == s["pending_requests"]
        assert metrics[("jen_queue_entries", (("queue", "start_urls"), ("source", name)))] == s["start_urls"]
    assert metrics[("jen_copies_flagged", ())] == overview["flagged_copies"] > 0
    runs = [json.loads(v) for v in view["client"].hvals(view["keys"].runs)]
    for name in SOURCES:
        summaries = [r["summary"] for r in runs if r.get("source") == name and isinstance(r.get("summary"), dict)]
        assert metrics[("jen_runs_pages_fetched", (("source", name),))] == sum(s["pages"] for s in summaries) > 0
        assert metrics[("jen_runs_articles_stored", (("source", name),))] == sum(s["articles"] for s in summaries)
        assert metrics[("jen_last_run_duration_seconds", (("source", name),))] >= 0
    letters = list(DeadLetters(view["client"], view["keys"]).iter())
    by_reason = sum(v for (n, _), v in metrics.items() if n == "jen_dead_letters")
    assert by_reason == len(letters) == overview["dead_letters"]
    assert metrics[("jen_service_up", ())] == 1


# --- binding and the token -------------------------------------------------------------------------------
def test_a_view_off_loopback_without_a_token_is_a_config_error() -> None:
    base = {"sources": {"x": {"spider": "outlet", "start_urls": ["https://example.org/"],
                              "allowed_domains": ["example.org"]}}}
    with pytest.raises(ConfigError) as error:
        parse_config(base | {"web": {"host": "0.0.0.0", "port": 8080}}, env={})
    assert error.value.key == "web.token"
    assert parse_config(base | {"web": {"host": "0.0.0.0"}}, env={"JEN_WEB_TOKEN": TOKEN}).web.token == TOKEN
    assert TOKEN not in repr(parse_config(base | {"web": {"token": TOKEN}}, env={}))


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_jen_web_off_loopback_needs_the_token_and_then_every_request_does(view: dict) -> None:
    refused = run_jen("web", "--config", str(view["config"]), "--host", "0.0.0.0", "--port", str(free_port()))
    assert refused.returncode == 2 and "web.token" in refused.stderr
    raw = yaml.safe_load(view["config"].read_text())
    raw["web"] = {"host": "0.0.0.0", "token": TOKEN}
    gated = view["tmp"] / "gated.yaml"
    gated.write_text(yaml.safe_dump(raw))
    port = free_port()
    server = start_jen("web", "--config", str(gated), "--port", str(port))
    try:
        first = server.stdout.readline()
        assert f"web view: http://127.0.0.1:{port}/" in first
        there = {"base": f"http://127.0.0.1:{port}"}
        wait_for(lambda: _answers(port), timeout=20, what="jen web to listen")
        for path in ("/", "/api/overview", "/metrics"):
            with pytest.raises(urllib.error.HTTPError) as denied:
                _get(there, path)
            assert denied.value.code == 401
        assert json.loads(_get(there, "/api/overview", Authorization=f"Bearer {TOKEN}"))["sources"]
        with pytest.raises(urllib.error.HTTPError) as wrong:
            _get(there, "/", Authorization="Bearer not-the-token-at-all")
        assert wrong.value.code == 401
        # a browser opens it once with ?token=: a cookie, and the token is dropped from the address
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/dead-letters?reason=http_404&token={TOKEN}")
        answer = connection.getresponse()
        cookie = answer.getheader("set-cookie").split(";")[0]
        assert answer.status == 303 and answer.getheader("location") == "/dead-letters?reason=http_404"
        connection.close()
        assert "http_404" in _get(there, "/dead-letters?reason=http_404", Cookie=cookie)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_jen_run_whose_web_port_is_taken_stops_at_start_with_one_line_and_claims_nothing(view: dict) -> None:
    raw = yaml.safe_load(view["config"].read_text())
    raw["redis"]["key_prefix"] = "webview-taken"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        raw["web"] = {"port": taken.getsockname()[1]}
        config = view["tmp"] / "taken.yaml"
        config.write_text(yaml.safe_dump(raw))
        result = run_jen("run", "--config", str(config), timeout=60)
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not view["client"].exists(Keys("webview-taken").service_heartbeat)


# --- pure logic ------------------------------------------------------------------------------------------
def test_shared_passages_marks_runs_of_eight_shared_words_and_nothing_else() -> None:
    original = ["One two three four five six seven eight nine ten. Unrelated words here."]
    copy = ["Intro text; ONE two three four five six seven eight nine, then other things entirely."]
    left, right, share = shared_passages(original, copy)
    assert [t for t, shared in right[0] if shared] == ["ONE two three four five six seven eight nine"]
    assert [t for t, shared in left[0] if shared] == ["One two three four five six seven eight nine"]
    assert "".join(t for t, _ in right[0]) == copy[0]  # nothing lost, nothing added
    assert 0 < share < 1
    assert shared_passages(["seven words are not enough to count"], ["seven words are not enough to count"])[2] == 0


def test_highlighting_keeps_markup_as_text() -> None:
    text = "<script>alert(1)</script> and then a long shared sentence of many words right here"
    _, right, _ = shared_passages([text], [text + " <b>"])
    assert "".join(t for t, _ in right[0]) == text + " <b>"  # segments are the text itself; templates escape them
    assert right[0][-1] == (" <b>", False)
