"""The cleaner: article page -> one `CleanRecord`. Pure functions, one parser module per publisher.

`parse(html, url, source)` picks the parser: the hand-written Just Earth News parser for
justearthnews.com, for ``source="justearthnews"`` (the replica serves JEN on 127.0.0.1) and for pages
whose markup says they are JEN; the generic trafilatura path for everything else. When a publisher's
parser does not recognise the page's layout, or fails, the generic path cleans the page and the record
says so (``parser == "generic"``, ``fallback_from`` the publisher's parser, a problem naming why).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from crawler.cleaner import cleanup, generic, justearthnews
from crawler.cleaner.record import CleanRecord, ImageRecord, Removal

__all__ = ["PARSERS", "CleanRecord", "ImageRecord", "Removal", "choose_parser", "clear_caches", "parse"]

LOG = logging.getLogger("jen.cleaner")

# source name -> parser module; every module has `parse(html, url) -> CleanRecord` and `LAYOUT_NOT_RECOGNISED`.
PARSERS = {justearthnews.SOURCE: justearthnews}
PARSER_ERROR = "parser error"


def choose_parser(html: str | bytes, url: str, source: str | None = None) -> str:
    """Name of the parser for a page: by source name, then by host, then by the page's own markup."""
    if source and source in PARSERS:
        return source
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # "http://[bad]/": no host to go by
        host = ""
    for name, module in PARSERS.items():
        if host in module.HOSTS:
            return name
    if source is None:
        # Markup tags are ASCII: the page's first bytes are looked at as Latin-1, which cannot fail.
        head = bytes(html[:20000]).decode("latin-1") if isinstance(html, bytes | bytearray) else (html or "")[:20000]
        for name, module in PARSERS.items():
            if module.is_markup(head):
                return name
    return "generic"


def clear_caches() -> None:
    """Forget memoised results (text keys, link verdicts): a benchmark that replays the same pages calls this
    before each pass, so that a page is timed as if seen for the first time."""
    cleanup.clear_caches()


def parse(html: str | bytes, url: str, source: str | None = None) -> CleanRecord:
    """Clean one page. Never raises: bad input gives a ``not_article`` or ``partial`` record with reasons.

    A bug in a parser is logged (logger ``jen.cleaner``, with the URL) and noted on the record as a problem
    starting with "parser error:"; the record then holds what the generic path makes of the page.
    """
    name = choose_parser(html, url, source)
    if name == "generic":
        return _generic(html, url, source)
    module = PARSERS[name]
    try:
        record = module.parse(html, url)
    except Exception as exc:
        LOG.exception("the %s parser failed on %s", name, url)
        return _fall_back(html, url, name, f"{PARSER_ERROR}: {name} parser: {type(exc).__name__}: {exc}")
    if record.status == "not_article" and module.LAYOUT_NOT_RECOGNISED in record.problems:
        LOG.info("%s layout not recognised on %s: cleaned by the generic path", name, url)
        return _fall_back(html, url, name, module.LAYOUT_NOT_RECOGNISED)
    return record


def _fall_back(html: str | bytes, url: str, name: str, why: str) -> CleanRecord:
    """The generic path's record for a page the `name` parser could not clean, saying why."""
    record = _generic(html, url, name)
    record.fallback_from = name
    record.problems.insert(0, why)
    if record.status == "article":
        record.status = "partial"
    return record


def _generic(html: str | bytes, url: str, source: str | None) -> CleanRecord:
    try:
        return generic.parse(html, url, source=source)
    except Exception as exc:
        LOG.exception("the generic parser failed on %s", url)
        return CleanRecord(url=url, canonical_url=url, source=source or "", status="not_article", parser="generic",
                           problems=[f"{PARSER_ERROR}: generic parser: {type(exc).__name__}: {exc}"])
