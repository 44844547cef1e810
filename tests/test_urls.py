"""JEN address patterns: both article styles, print pages and listings are told apart."""

from __future__ import annotations

import pytest

from crawler.ids import record_id
from crawler.urls import article_key, is_article_url, is_listing_url, is_print_url, normalize_url

SEED = ("https://justearthnews.com/people-details/HC/6181/second-round-of-ukraine-russia-talks-end-with-no-"
        "cease-fire-kyiv-and-moscow-only-agree-to-humanitarian-corridors.html")


@pytest.mark.parametrize(
    ("url", "article", "printed", "listing"),
    [
        (SEED, True, False, False),
        ("http://127.0.0.1:8800/sections/world/russia-ukraine-talks/", True, False, False),
        ("https://justearthnews.com/print/HC/6181/P", False, True, False),
        ("https://justearthnews.com/", False, False, True),
        ("https://justearthnews.com/sections/world/?page=3", False, False, True),
        ("https://justearthnews.com/search?q=ukraine", False, False, False),
        ("https://justearthnews.com/news_pic/2022/abc.jpg", False, False, False),
    ],
)
def test_page_kinds_are_recognised(url: str, article: bool, printed: bool, listing: bool) -> None:
    assert (is_article_url(url), is_print_url(url), is_listing_url(url)) == (article, printed, listing)


def test_print_page_and_article_share_one_key_and_id() -> None:
    assert article_key(SEED) == article_key("https://justearthnews.com/print/HC/6181/P") == "HC/6181"
    assert record_id("justearthnews", SEED) == "justearthnews:HC/6181"


def test_tracking_parameters_and_fragments_do_not_make_a_new_address() -> None:
    assert normalize_url(SEED + "?utm_source=twitter#comments") == normalize_url(SEED)
