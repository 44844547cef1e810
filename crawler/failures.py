"""Failures: turn whatever went wrong with a request into a short reason an operator can act on, and record
it in the dead letters."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from twisted.python.failure import Failure

from crawler.items import FetchFailure

# Exception class name -> reason. Names rather than classes, because Scrapy and Twisted have renamed and
# added download exceptions across versions and we accept a range of both.
_REASONS_BY_CLASS = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "UserTimeoutError": "timeout",
    "CannotResolveHostError": "dns_error",
    "DNSLookupError": "dns_error",
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionRefusedError": "connection_refused",
    "ResponseDataLossError": "connection_lost",
    "ResponseFailed": "connection_lost",
    "ResponseNeverReceived": "connection_lost",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "ConnectionResetError": "connection_lost",
    "DownloadFailedError": "connection_lost",
    "DownloadCancelledError": "too_large",
    "CancelledError": "too_large",
    "UnsupportedURLSchemeError": "unsupported_scheme",
}

# A body that says it is compressed but is not (zlib.error, brotli.error, ...): named by module, since
# those classes are all called "error".
_DECODING_MODULES = frozenset({"zlib", "gzip", "brotli", "_brotli", "brotlicffi", "compression.zstd",
                               "backports.zstd", "_zstd"})
_DECODING_CLASSES = frozenset({"BadGzipFile", "ZstdError"})
_CANCELLED = frozenset({"CancelledError", "DownloadCancelledError"})

# IgnoreRequest carries its reason only in its message.
_IGNORE_MESSAGES = {
    # HttpCompressionMiddleware's decompression-bomb guard: "... exceeded DOWNLOAD_MAXSIZE (N B) during
    # decompression."
    "download_maxsize": "too_large",
    "robots.txt": "robots_disallowed",
    "max redirections": "redirect_loop",
    "offsite": "offsite",
    "refused:": "refused",
    "already stored": "already_stored",
}


def classify_failure(failure: Failure, received: int = 0, limit: int = 0) -> tuple[str, str, int | None]:
    """(reason, detail, HTTP status or None) for a request's errback failure.

    `received` is how many body bytes had arrived and `limit` the download size limit: Scrapy stops a body
    without a Content-Length that outgrows the limit with a bare (Download)CancelledError, known only by
    that count.
    """
    exc = failure.value
    detail = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    response = getattr(exc, "response", None)
    status = getattr(response, "status", None)
    names = [cls.__name__ for cls in type(exc).__mro__]
    if type(exc).__module__ in _DECODING_MODULES or _DECODING_CLASSES.intersection(names):
        return "bad_encoding", f"body does not decode as its Content-Encoding says: {detail}", status
    if _CANCELLED.intersection(names) and limit and received > limit:
        return "too_large", f"{detail}: stopped after {received:,} bytes, over the {limit:,}-byte limit", status
    if "HttpError" in names and status is not None:
        return f"http_{status}", detail, status
    if "IgnoreRequest" in names:
        message = str(exc).lower()
        for needle, reason in _IGNORE_MESSAGES.items():
            if needle in message:
                return reason, detail, status
        return "ignored", detail, status
    for name in names:
        if name in _REASONS_BY_CLASS:
            reason = _REASONS_BY_CLASS[name]
            if reason == "too_large" and "max size" not in str(exc).lower() and "maxsize" not in str(exc):
                reason = "cancelled"
            return reason, detail, status
    return f"error_{type(exc).__name__}", detail, status


def record_failure(client: Any, keys: Any, failure: FetchFailure) -> None:
    """Append a failure to the dead letters (JSON, readable with ``jen inspect dead_letters``)."""
    client.rpush(keys.dead_letters, json.dumps(asdict(failure), ensure_ascii=False))
