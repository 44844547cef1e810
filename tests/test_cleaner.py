"""The cleaner on bad input, on template changes, and through the `jen clean` command."""

from __future__ import annotations

import json
import logging
import random
import re
from pathlib import Path

import pytest

from crawler.cleaner import choose_parser, generic, justearthnews, metadata, parse
from crawler.cleaner.cleanup import MAX_INPUT_CHARS, caption_credit, dateline_of, parse_byline_date
from crawler.cli import main as jen_main
from replica.server import ReplicaServer
from replica.site import build_site

GOLDEN = Path(__file__).resolve().parent / "golden"
SEED_HTML = (GOLDEN / "justearthnews" / "seed.html").read_text(encoding="utf-8")
SEED = json.loads((GOLDEN / "justearthnews" / "seed.json").read_text(encoding="utf-8"))
SEED_URL = SEED["url"]
SEED_BODY: list[str] = SEED["body"]
SIDEBAR = [r["text"] for r in SEED["removed"] if r["kind"] == "sidebar_headline"]


# --- the seed page -------------------------------------------------------------------------------------

def test_seed_page_gives_the_twelve_paragraphs_and_nothing_else() -> None:
    r = parse(SEED_HTML, SEED_URL)
    assert len(r.body) == 12
    assert r.body[0].startswith("Kyiv (JEN): The second round of negotiations")
    assert r.body[-1].endswith("were going according to plan.")
    text = r.text
    for junk in ("Image:", ".jpg", "Print", "@justearthnews", r.title or "-", *SIDEBAR):
        assert junk not in text
    assert r.text == "\n\n".join(r.body)
    assert (r.title, r.published, r.byline, r.dateline, r.credits) == (
        "Second round of Ukraine-Russia talks end with no cease-fire, Kyiv and Moscow only agree to "
        "humanitarian corridors", "2022-03-03T16:05:00+05:30", "Just Earth News", "Kyiv", ["UNI"])
    assert [i.caption for i in r.images] == ["Image: UNI", "Image: Twitter/Stratcom Centre UA (@StratcomCentre)",
                                             "Image: UNI", "Image: UNI"]
    assert all(i.src.startswith("http://127.0.0.1:8000/") for i in r.images)
    assert len(SIDEBAR) == 5


def test_jen_markup_is_recognised_on_any_host_and_by_source_name() -> None:
    assert choose_parser(SEED_HTML, SEED_URL) == "justearthnews"
    assert choose_parser("<html></html>", "https://justearthnews.com/x.html") == "justearthnews"
    assert choose_parser("<html></html>", "http://127.0.0.1:1/x", source="justearthnews") == "justearthnews"
    assert choose_parser("<html><title>x</title></html>", "http://127.0.0.2:1/x") == "generic"
    assert parse(SEED_HTML, SEED_URL).parser == "justearthnews"


# --- template changes: duplicates are found by their text ---------------------------------------------

def _moved_captions(html: str) -> str:
    """A redesign: figures lose their extra spans; captions, alt text and file names become paragraphs."""
    html = re.sub(r'<div class="img-text">.*?</div>\n', "", html)
    html = html.replace('<figcaption><span class="img-alt">Russia-Ukraine Negotiations</span> Image: UNI</figcaption>',
                        "<figcaption>Image: UNI</figcaption>")
    html = html.replace("</figure>\n<p>Kyiv (JEN)",
                        '</figure>\n<p class="pic-title">Russia-Ukraine Negotiations</p>\n'
                        '<div class="credit-line">Image: UNI</div>\n<p>Kyiv (JEN)', 1)
    html = html.replace('</figure>\n<p>Russian Foreign Minister',
                        '</figure>\n<p>-1646347542.jpg)</p>\n<p class="x">Image: Twitter/Stratcom Centre UA '
                        '(@StratcomCentre)</p>\n<p>Russian Foreign Minister', 1)
    return html.replace("</figure>\n<p>When Russia said",
                        "</figure>\n<p><em>image: uni</em></p>\n<p>When Russia said", 1)


@pytest.mark.parametrize("source", ["justearthnews", "generic-outlet"])
def test_caption_duplicates_are_removed_whatever_markup_carries_them(source: str) -> None:
    html = _moved_captions(SEED_HTML)
    assert '<p class="pic-title">' in html and "<p>-1646347542.jpg)</p>" in html
    r = parse(html, SEED_URL, source=source)
    assert r.body == SEED_BODY
    kinds = {(x.kind, x.text) for x in r.removed}
    assert ("file_name", "-1646347542.jpg)") in kinds
    assert any(k == "alt_text" and t == "Russia-Ukraine Negotiations" for k, t in kinds)


def test_headline_printed_as_image_text_is_dropped_as_alt_text() -> None:
    title = SEED["title"]
    html = SEED_HTML.replace('alt="Russia-Ukraine Negotiations"', f'alt="{title}"').replace(
        "</figure>\n<p>Kyiv (JEN)", f"</figure>\n<p>{title}</p>\n<p>Kyiv (JEN)", 1)
    r = parse(html, SEED_URL)
    assert r.body == SEED_BODY
    assert ("alt_text", title) in {(x.kind, x.text) for x in r.removed}


# --- sidebars: headline links go, paragraphs with links stay -------------------------------------------

def test_link_lists_inside_the_body_go_but_paragraphs_with_inline_links_stay() -> None:
    inline = ('Pakistan has also seen unrest this week: <a href="/world-details/W/6197/pakistan-balochistan.html">'
              "a bomb blast in Balochistan</a> injured eight people, officials in Quetta said on Saturday.")
    mention = "Balochistan and Waziristan were not discussed at the talks, a Russian official said."
    links = "".join(f'<li><a href="/world-details/W/{6100 + i}/x-{i}.html">{h}</a></li>' for i, h in enumerate(SIDEBAR))
    html = SEED_HTML.replace(
        f"<p>{SEED_BODY[-1]}</p>".replace("'", "&#x27;"),
        f"<p>{SEED_BODY[-1]}</p>".replace("'", "&#x27;") + f"\n<p>{inline}</p>\n<p>{mention}</p>\n"
        f"<h4>Also read</h4>\n<ul>{links}</ul>\n"
        '<p><strong>Also read:</strong> <a href="/world-details/W/6300/abc.html">India and Russia hold talks on '
        "rupee trade as sanctions bite</a></p>")
    assert inline in html
    r = parse(html, SEED_URL)
    plain_inline = re.sub(r"<[^>]+>", "", inline)
    assert r.body == [*SEED_BODY, plain_inline, mention]
    removed = {x.text for x in r.removed if x.kind == "sidebar_headline"}
    assert set(SIDEBAR) | {"India and Russia hold talks on rupee trade as sanctions bite"} <= removed


# --- bad input: a record with a reason, never an exception ---------------------------------------------

@pytest.mark.parametrize("html", ["", "   \n", b"", None])
def test_empty_input_is_not_an_article(html: str | bytes | None) -> None:
    r = parse(html, "http://127.0.0.1:8000/x.html", source="justearthnews")  # type: ignore[arg-type]
    assert r.status == "not_article" and r.problems == ["empty input"] and r.body == []


@pytest.mark.parametrize("source", ["justearthnews", None])
def test_binary_garbage_is_not_an_article(source: str | None) -> None:
    data = random.Random(7).randbytes(50_000)
    r = parse(data, "http://127.0.0.2:8000/file.bin", source=source)
    assert r.status == "not_article"
    assert "binary" in r.problems[0]


def test_listing_page_is_not_an_article() -> None:
    html = (GOLDEN / "justearthnews" / "listing_home.html").read_text(encoding="utf-8")
    r = parse(html, "http://127.0.0.1:8000/sections/world/?page=2")
    assert r.status == "not_article" and r.body == []
    assert "listing" in r.problems[0]


def test_page_without_title_and_date_is_partial_and_says_so() -> None:
    html = re.sub(r"<h1>.*?</h1>|<title>.*?</title>|<meta property=\"(?:og:title|article:published_time)\"[^>]*>|"
                  r'<script type="application/ld\+json">.*?</script>|<div class="byline">.*?</div>', "", SEED_HTML,
                  flags=re.S)
    r = parse(html, SEED_URL)
    assert r.status == "partial"
    assert r.title is None and r.published is None
    assert "no title" in r.problems and "no publication date" in r.problems
    assert r.body == SEED_BODY


def test_lying_charset_and_mojibake_still_give_the_right_text() -> None:
    lying = SEED_HTML.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">').encode("utf-8")
    assert parse(lying, SEED_URL).body == SEED_BODY
    # The same page already decoded with the declared (wrong) charset: "didnâ€™t" is repaired.
    misread = lying.decode("latin-1")
    assert "didnâ" in misread
    assert parse(misread, SEED_URL).body == SEED_BODY
    # Truly Latin-1 bytes (not valid UTF-8) are read with the charset the page declares.
    latin = SEED_HTML.replace("’", "'").replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    latin = latin.replace("Kyiv (JEN): The second", "Kyiv (JEN): The café second").encode("latin-1", "replace")
    assert parse(latin, SEED_URL).body[0].startswith("Kyiv (JEN): The café second")


def test_huge_input_is_trimmed_and_noted() -> None:
    huge = SEED_HTML.replace("</body>", "<!--" + "x" * (MAX_INPUT_CHARS + 1000) + "--></body>")
    r = parse(huge, SEED_URL)
    assert r.status == "partial"
    assert any("trimmed" in p for p in r.problems)
    assert r.body == SEED_BODY


@pytest.mark.parametrize("seed", range(6))
def test_mangled_pages_never_raise(seed: int) -> None:
    rng = random.Random(seed)
    html = SEED_HTML
    cut = rng.randrange(len(html))
    mangled = [html[:cut], html[cut:], html.replace("<", "", rng.randrange(50, 500)),
               "".join(rng.sample(html, 3000)), "<html>" + "<div>" * 5000 + "text", "<p>" + "a " * 10_000]
    for page in mangled:
        for source in ("justearthnews", None):
            r = parse(page, SEED_URL, source=source)
            assert r.status in ("article", "partial", "not_article")
            assert r.status == "article" or r.problems


# --- a redesign the JEN rules do not know, and parser bugs: the generic path, and the record says so -------

def test_unrecognised_jen_layout_is_cleaned_by_the_generic_path_and_says_so() -> None:
    html = (GOLDEN / "justearthnews" / "layout_story_elements.html").read_text(encoding="utf-8")
    r = parse(html, SEED_URL)
    assert (r.parser, r.fallback_from, r.source) == ("generic", "justearthnews", "justearthnews")
    assert r.problems[0] == "JEN layout not recognised" and r.status == "partial"
    assert r.body == SEED_BODY
    assert parse(SEED_HTML, SEED_URL).fallback_from is None


def test_jen_rules_that_read_a_promo_box_instead_of_the_story_hand_the_page_to_the_generic_path() -> None:
    html = (GOLDEN / "justearthnews" / "layout_story_elements.html").read_text(encoding="utf-8")
    promo = "<p>Get the Just Earth News morning briefing in your inbox every day.</p>"
    html = html.replace('<aside class="rail">', f'<aside class="rail"><div class="promo">{promo}</div>', 1)
    assert promo in html
    r = parse(html, SEED_URL)
    assert (r.parser, r.fallback_from, r.problems[0]) == ("generic", "justearthnews", "JEN layout not recognised")
    assert r.body == SEED_BODY


def test_a_redesign_that_tags_articles_as_websites_loses_no_article() -> None:
    html = SEED_HTML.replace('property="og:type" content="article"', 'property="og:type" content="website"')
    assert 'content="website"' in html
    r = parse(html, SEED_URL)
    assert (r.parser, r.status, r.body) == ("justearthnews", "article", SEED_BODY)


def test_jen_page_without_any_story_text_is_not_an_article_and_not_a_layout_change() -> None:
    html = SEED_HTML.split("<body", 1)[0] + '<body><div id="app"></div><script>render()</script></body></html>'
    r = parse(html, SEED_URL)
    assert r.status == "not_article" and r.parser == "justearthnews" and r.fallback_from is None
    assert r.problems == ["no article body found"]


def test_a_parser_bug_is_logged_with_the_url_and_the_page_still_cleaned(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(html: object, url: str) -> None:
        raise KeyError("datetime")

    monkeypatch.setattr(justearthnews, "parse", broken)
    with caplog.at_level(logging.ERROR, logger="jen.cleaner"):
        r = parse(SEED_HTML, SEED_URL)
    assert r.problems[0].startswith("parser error:") and "KeyError" in r.problems[0]
    assert (r.parser, r.fallback_from, r.status) == ("generic", "justearthnews", "partial")
    assert r.body == SEED_BODY  # the generic path's result
    assert any(SEED_URL in rec.getMessage() and rec.exc_info for rec in caplog.records)


def test_a_generic_parser_bug_gives_a_not_article_record_that_names_it(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(html: object, url: str, source: str | None = None) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(generic, "parse", broken)
    with caplog.at_level(logging.ERROR, logger="jen.cleaner"):
        r = parse("<html><body><p>x</p></body></html>", "http://127.0.0.9:8000/story/x")
    assert r.status == "not_article"
    assert r.problems == ["parser error: generic parser: RecursionError: maximum recursion depth exceeded"]
    assert any("http://127.0.0.9:8000/story/x" in rec.getMessage() for rec in caplog.records)


def test_a_date_reader_bug_costs_the_date_not_the_story(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("year 0 is out of range")

    monkeypatch.setattr(metadata, "find_date", broken)
    undated = re.sub(r'<meta property="article:published_time"[^>]*>|<time [^>]*>', "", SEED_HTML)
    with caplog.at_level(logging.ERROR, logger="jen.cleaner"):
        r = parse(undated, SEED_URL, source="generic-outlet")
    assert r.body == SEED_BODY and r.published is None and r.status == "partial"
    assert "parser error: htmldate: ValueError: year 0 is out of range" in r.problems
    assert any(SEED_URL in rec.getMessage() for rec in caplog.records)


# --- helpers -------------------------------------------------------------------------------------------

def test_helpers_read_datelines_credits_and_byline_times() -> None:
    assert dateline_of("Kyiv (JEN): The second round") == ("Kyiv", "JEN")
    assert dateline_of("(NEW YORK) — Peace talks resumed") == ("NEW YORK", None)
    assert dateline_of("Mohali, March 6 (IANS) Ravindra Jadeja") == ("Mohali", "IANS")
    assert dateline_of("The talks ended on Thursday.") == (None, None)
    assert caption_credit("Image: UNI") == "UNI"
    assert caption_credit("Photo courtesy: Twitter/@Podolyak_M") == "Twitter/@Podolyak_M"
    assert caption_credit("Cattle in northern Kenya. Photo: AP") == "AP"
    assert caption_credit("Maxim Guchek/BELTA/AFP via Getty Images") == "Maxim Guchek/BELTA/AFP via Getty Images"
    assert parse_byline_date("Just Earth News | 03 Mar 2022, 04:05 pm Print") == "2022-03-03T16:05:00+05:30"
    assert parse_byline_date("03 Mar 2022") is None


# --- the jen clean command -----------------------------------------------------------------------------

def test_cli_prints_the_record_of_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "seed.html"
    page.write_text(SEED_HTML, encoding="utf-8")
    assert jen_main(["clean", str(page), "--url", SEED_URL, "--source", "justearthnews"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["url"] == SEED_URL and out["body"] == SEED_BODY


def test_cli_jsonl_gives_one_line_per_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text(SEED_HTML, encoding="utf-8")
    b.write_bytes(b"")
    assert jen_main(["clean", str(a), str(b), "--jsonl"]) == 1  # one input is not an article
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["body"] == SEED_BODY
    assert json.loads(lines[1])["status"] == "not_article"


def test_cli_fetches_a_url_over_http(capsys: pytest.CaptureFixture[str]) -> None:
    site = build_site()
    with ReplicaServer(site, port=0) as server:
        url = server.base_url("justearthnews") + "/print/HC/6181/P"
        assert jen_main(["clean", url]) == 0
        missing = server.base_url("justearthnews") + "/_fault/status/404"
        assert jen_main(["clean", missing, "--jsonl"]) == 1
    first, _, second = capsys.readouterr().out.rpartition("\n{")
    record = json.loads(first)
    assert record["kind"] == "print" and record["body"] == SEED_BODY
    assert "fetch failed" in json.loads("{" + second)["problems"][0]
