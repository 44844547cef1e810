"""Passwords out of logs, errors and stored entries: URLs are shown as ``scheme://user:***@host``."""

from __future__ import annotations

import logging
import re

_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s'\"]*:)[^@\s'\"]*@")


def redact_url(url: str) -> str:
    """The URL (or any text) with passwords in URLs replaced by ``***``, safe for logs and errors."""
    return _PASSWORD_IN_URL.sub(r"\1***@", url)


class RedactingFilter(logging.Filter):
    """Scrubs passwords from URLs in every log record (Scrapy logs its settings, Redis URLs included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "@" in message and _PASSWORD_IN_URL.search(message):
            record.msg, record.args = redact_url(message), None
        return True


def install_log_redaction() -> None:
    """Attach `RedactingFilter` to every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
