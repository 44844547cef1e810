"""The cleaner: article page -> one `CleanRecord`. Pure functions, one parser module per publisher.

`parse(html, url, source)` picks the parser: the hand-written Just Earth News parser for
justearthnews.com, for ``source="justearthnews"`` (the replica serves JEN on 127.0.0.1) and for pages
whose markup says they are JEN; the generic trafilatura path for everything else.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.cleaner import cleanup, generic, justearthnews
from crawler.cleaner.record import CleanRecord, ImageRecord, Removal

__all__ = ["PARSERS", "CleanRecord", "ImageRecord", "Removal", "choose_parser", "clear_caches", "parse"]

# source name -> parser module; every module has `parse(html, url) -> CleanRecord`.
PARSERS = {justearthnews.SOURCE: justearthnews}


def choose_parser(html: str | bytes, url: str, source: str | None = None) -> str:
    """Name of the parser for a page: by source name, then by host, then by the page's own markup."""
    if source and source in PARSERS:
        return source
    host = (urlsplit(url).hostname or "").lower()
    for name, module in PARSERS.items():
        if host in module.HOSTS:
            return name
    if source is None:
        head = html[:20000].decode("utf-8", "replace") if isinstance(html, bytes | bytearray) else (html or "")[:20000]
        for name, module in PARSERS.items():
            if module.is_markup(head):
                return name
    return "generic"


def clear_caches() -> None:
    """Forget memoised results (text keys, link verdicts): a benchmark that replays the same pages calls this
    before each pass, so that a page is timed as if seen for the first time."""
    cleanup.clear_caches()
    justearthnews.clear_caches()
    generic.clear_caches()


def parse(html: str | bytes, url: str, source: str | None = None) -> CleanRecord:
    """Clean one page. Never raises: bad input gives a ``not_article`` or ``partial`` record with reasons."""
    name = choose_parser(html, url, source)
    if name == "generic":
        record = generic.parse(html, url, source=source)
    else:
        record = PARSERS[name].parse(html, url)
    return record
