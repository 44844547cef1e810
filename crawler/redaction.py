"""Passwords out of logs, errors and stored entries: URLs are shown as ``scheme://user:***@host``."""

from __future__ import annotations

import logging
import re

_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s'\"]*:)[^@\s'\"]*@")
# ``user:password@host`` without its scheme, as some errors quote it ("invalid hostname: user:pw@127.0.0.1").
_BARE_USERINFO = re.compile(r"(^|[\s'\"(<\[=,])([^\s:/@'\"(<\[=,]+:)[^\s@'\"/]+@(?=[\w\[])")


def redact_url(url: str) -> str:
    """The URL (or any text) with passwords in URLs replaced by ``***``, safe for logs and errors."""
    return _BARE_USERINFO.sub(r"\1\2***@", _PASSWORD_IN_URL.sub(r"\1***@", url))


def has_password(text: str) -> bool:
    return "@" in text and bool(_PASSWORD_IN_URL.search(text) or _BARE_USERINFO.search(text))


class RedactingFilter(logging.Filter):
    """Scrubs passwords from URLs in every log record (Scrapy logs its settings, Redis URLs included), its
    traceback included."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if has_password(message):
            record.msg, record.args = redact_url(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text and has_password(record.exc_text):
            record.exc_text = redact_url(record.exc_text)
        if record.stack_info and has_password(record.stack_info):
            record.stack_info = redact_url(record.stack_info)
        return True


def install_log_redaction() -> None:
    """Attach `RedactingFilter` to every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
