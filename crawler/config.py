"""Configuration: read once, from one YAML file plus environment overrides, validated.

Everything else receives plain values from the `Config` built here. A wrong key or value raises
`ConfigError` naming the key, the value and what was expected.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crawler.redaction import redact_url

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "settings.yaml"
CONFIG_ENV = "JEN_CONFIG"


class ConfigError(ValueError):
    """A configuration key or value is wrong; the message names the key and what was expected."""

    def __init__(self, key: str, value: Any, expected: str) -> None:
        self.key, self.value, self.expected = key, value, expected
        super().__init__(f"config key '{key}': got {value!r}, expected {expected}")


@dataclass(frozen=True)
class Schedule:
    interval_seconds: int | None = None
    cron: str | None = None


@dataclass(frozen=True)
class Source:
    name: str
    spider: str  # "justearthnews" or "outlet"
    allowed_domains: tuple[str, ...]
    base_url: str | None = None
    start_urls: tuple[str, ...] = ()
    sitemap_urls: tuple[str, ...] = ()
    article_pattern: str | None = None
    schedule: Schedule | None = None
    allow_private: bool = False  # may fetch loopback/private addresses (the bundled replica does)
    workers: int = 1  # crawler processes `jen run` starts for each run of this source, sharing one crawl


@dataclass(frozen=True)
class Politeness:
    user_agent: str = "jen-syndication/0.1 (+news syndication research; contact: ops@example.org)"
    obey_robots: bool = True
    autothrottle: bool = True
    download_delay: float = 0.5
    concurrent_requests_per_domain: int = 4
    download_timeout: float = 30.0
    download_maxsize: int = 10 * 1024 * 1024
    retry_times: int = 2


@dataclass(frozen=True)
class RedisSettings:
    url: str | None = None  # None: the embedded Redis under data_dir
    key_prefix: str = "jen"


@dataclass(frozen=True)
class Retention:
    """Caps on what Redis keeps besides the queues and the dedup index (oldest entries go first)."""

    dead_letters: int = 10_000  # distinct failures (one per source, URL and reason, with a count)
    events: int = 10_000  # entries of the stream of recent events (records stored) for live consumers


@dataclass(frozen=True)
class RunSettings:
    """The ``runs:`` section: how many run records and run logs are kept, and how big a run log may grow."""

    keep: int = 500  # run records kept in Redis (the newest; older finished ones are trimmed)
    keep_logs: int = 100  # run logs kept under <data_dir>/logs/runs (the newest)
    log_max_bytes: int = 5 * 1024 * 1024  # each run log is cut (rolled over once) beyond about this size


@dataclass(frozen=True)
class WebSettings:
    """The ``web:`` section: where the operator's web view listens (``jen web``; ``jen run`` when ``port`` is set)."""

    host: str = "127.0.0.1"
    port: int | None = None  # None: `jen run` serves no web view (`jen web` then listens on DEFAULT_WEB_PORT)
    # Required when host is not a loopback address (JEN_WEB_TOKEN overrides); kept out of repr().
    token: str | None = field(default=None, repr=False)
    crawl_now_per_minute: int = 2  # Crawl now presses accepted per source and minute


DEFAULT_WEB_PORT = 8765


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: an address only this machine can reach."""
    import ipaddress

    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_web_binding(host: str, token: str | None) -> None:
    """A web view bound to an address other machines can reach must ask for a token."""
    if not is_loopback(host) and not token:
        raise ConfigError("web.token", None, f"a token (web.token or JEN_WEB_TOKEN) when the web view listens on "
                                             f"{host!r}, which is not a loopback address")


@dataclass(frozen=True)
class Config:
    sources: dict[str, Source]
    redis: RedisSettings = field(default_factory=RedisSettings)
    politeness: Politeness = field(default_factory=Politeness)
    dedupe: dict[str, Any] = field(default_factory=dict)
    data_dir: Path = Path("data")
    database_url: str | None = None  # None: the embedded SQLite file <data_dir>/records.sqlite3
    retention: Retention = field(default_factory=Retention)
    runs: RunSettings = field(default_factory=RunSettings)
    web: WebSettings = field(default_factory=WebSettings)

    def source(self, name: str) -> Source:
        if name not in self.sources:
            raise ConfigError("sources", name, f"one of {sorted(self.sources)}")
        return self.sources[name]


_DURATION = re.compile(r"^(?P<n>\d+)\s*(?P<unit>s|m|h|d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SPIDERS = ("justearthnews", "outlet")


def parse_duration(key: str, value: Any) -> int:
    """``90``, ``"90s"``, ``"30m"``, ``"6h"``, ``"1d"`` -> seconds (> 0)."""
    if isinstance(value, bool):
        raise ConfigError(key, value, "a duration such as 30s, 15m, 6h or a number of seconds")
    if isinstance(value, int | float) and value > 0:
        return int(value)
    if isinstance(value, str) and (m := _DURATION.match(value.strip())) and int(m["n"]) > 0:
        return int(m["n"]) * _UNIT_SECONDS[m["unit"]]
    raise ConfigError(key, value, "a duration such as 30s, 15m, 6h or a number of seconds")


def _check_keys(prefix: str, mapping: Any, allowed: set[str]) -> dict[str, Any]:
    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        raise ConfigError(prefix, mapping, "a mapping")
    for key in mapping:
        if key not in allowed:
            raise ConfigError(f"{prefix}.{key}" if prefix else key, mapping[key],
                              f"no such key; allowed: {', '.join(sorted(allowed))}")
    return mapping


def _typed(key: str, value: Any, kind: type, expected: str) -> Any:
    if not isinstance(value, kind):
        raise ConfigError(key, value, expected)
    return value


def _str_list(key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(key, value, "a list of non-empty strings")
    return tuple(value)


def _url_list(key: str, value: Any) -> tuple[str, ...]:
    urls = _str_list(key, value)
    for url in urls:
        if not re.match(r"^https?://[^/\s]+", url):
            raise ConfigError(key, redact_url(url), "an http:// or https:// URL")
        if re.match(r"^https?://[^/\s]*@", url):
            raise ConfigError(key, redact_url(url), "a URL without user:password@ (crawls do not log in, and a "
                                                    "password in a URL would end up in logs)")
    return urls


def _schedule(key: str, raw: Any) -> Schedule | None:
    raw = _check_keys(key, raw, {"interval", "cron"})
    if not raw:
        return None
    if ("interval" in raw) == ("cron" in raw):
        raise ConfigError(key, raw, "exactly one of 'interval' or 'cron'")
    if "interval" in raw:
        return Schedule(interval_seconds=parse_duration(f"{key}.interval", raw["interval"]))
    cron = raw["cron"]
    if not isinstance(cron, str) or len(cron.split()) != 5:
        raise ConfigError(f"{key}.cron", cron, "a 5-field crontab expression such as '*/30 * * * *'")
    try:
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger.from_crontab(cron)
    except ValueError as exc:
        raise ConfigError(f"{key}.cron", cron, f"a valid crontab expression ({exc})") from exc
    _check_cron_fires(f"{key}.cron", cron, trigger)
    return Schedule(cron=cron)


def _check_cron_fires(key: str, cron: str, trigger: Any) -> None:
    """A crontab that never matches a real date (``0 0 30 2 *``, February 30th) would make the job vanish."""
    from datetime import UTC, datetime

    if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
        raise ConfigError(key, cron, "a crontab expression that matches a real date (this one never fires)")


def _source(name: str, raw: Any) -> Source:
    key = f"sources.{name}"
    raw = _check_keys(key, raw, {"spider", "base_url", "start_urls", "sitemap_urls", "allowed_domains",
                                 "article_pattern", "schedule", "allow_private", "workers"})
    spider = raw.get("spider", "outlet")
    if spider not in _SPIDERS:
        raise ConfigError(f"{key}.spider", spider, f"one of {', '.join(_SPIDERS)}")
    base_url = raw.get("base_url")
    if base_url is not None:
        base_url = _url_list(f"{key}.base_url", base_url)[0].rstrip("/")
    start_urls = _url_list(f"{key}.start_urls", raw.get("start_urls"))
    sitemap_urls = _url_list(f"{key}.sitemap_urls", raw.get("sitemap_urls"))
    if spider == "justearthnews" and not base_url:
        raise ConfigError(f"{key}.base_url", base_url, "the site's root URL, e.g. https://justearthnews.com")
    if spider == "outlet" and not (start_urls or sitemap_urls):
        raise ConfigError(f"{key}.start_urls", None, "at least one start URL or sitemap URL for an outlet")
    domains = _str_list(f"{key}.allowed_domains", raw.get("allowed_domains"))
    if not domains:
        raise ConfigError(f"{key}.allowed_domains", raw.get("allowed_domains"), "a list of host names")
    pattern = raw.get("article_pattern")
    if pattern is not None:
        _typed(f"{key}.article_pattern", pattern, str, "a regular expression")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{key}.article_pattern", pattern, f"a valid regular expression ({exc})") from exc
    allow_private = _typed(f"{key}.allow_private", raw.get("allow_private", False), bool, "true or false")
    workers = _whole_number(f"{key}.workers", raw.get("workers", 1), minimum=1, maximum=MAX_WORKERS)
    return Source(name=name, spider=spider, allowed_domains=domains, base_url=base_url,
                  start_urls=start_urls, sitemap_urls=sitemap_urls, article_pattern=pattern,
                  schedule=_schedule(f"{key}.schedule", raw.get("schedule")), allow_private=allow_private,
                  workers=workers)


MAX_WORKERS = 32  # crawler processes per source run; each is a whole Scrapy process


def _whole_number(key: str, value: Any, minimum: int, maximum: int | None = None, why: str = "") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum or (
            maximum is not None and value > maximum):
        bound = f"from {minimum} to {maximum}" if maximum is not None else f">= {minimum}"
        raise ConfigError(key, value, f"a whole number {bound}{why}")
    return value


def _runs(raw: Any) -> RunSettings:
    raw = _check_keys("runs", raw, set(RunSettings.__dataclass_fields__))
    return RunSettings(**{name: _whole_number(f"runs.{name}", value, minimum=1) for name, value in raw.items()})


def _web(raw: Any, env: dict[str, str]) -> WebSettings:
    raw = _check_keys("web", raw, set(WebSettings.__dataclass_fields__))
    host = _typed("web.host", raw.get("host", "127.0.0.1"), str, "an address to listen on, e.g. 127.0.0.1")
    if not host.strip():
        raise ConfigError("web.host", host, "an address to listen on, e.g. 127.0.0.1")
    port = raw.get("port")
    if port is not None:
        port = _whole_number("web.port", port, minimum=1, maximum=65535)
    token = env.get("JEN_WEB_TOKEN") or raw.get("token")
    if token is not None and (not isinstance(token, str) or len(token) < 16):
        raise ConfigError("JEN_WEB_TOKEN" if env.get("JEN_WEB_TOKEN") else "web.token", "***",
                          "a secret of at least 16 characters, or null")
    rate = _whole_number("web.crawl_now_per_minute", raw.get("crawl_now_per_minute", 2), minimum=1, maximum=600)
    check_web_binding(host, token)
    return WebSettings(host=host, port=port, token=token, crawl_now_per_minute=rate)


def _politeness(raw: Any) -> Politeness:
    defaults = Politeness()
    raw = _check_keys("politeness", raw, set(Politeness.__dataclass_fields__))
    values: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"politeness.{name}"
        default = getattr(defaults, name)
        if isinstance(default, bool):
            values[name] = _typed(key, value, bool, "true or false")
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(key, value, "a whole number >= 0")
            values[name] = value
        elif isinstance(default, float):
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ConfigError(key, value, "a number >= 0")
            values[name] = float(value)
        else:
            values[name] = _typed(key, value, str, "a string")
        if name in _POSITIVE_POLITENESS and values[name] <= 0:
            raise ConfigError(key, value, _POSITIVE_POLITENESS[name])
    return Politeness(**values)


# Politeness values for which 0 is not a limit but no limit (or no crawl at all).
_POSITIVE_POLITENESS = {
    "concurrent_requests_per_domain": "a whole number > 0 (0 would never send a request)",
    "download_timeout": "a number of seconds > 0 (0 would time every request out at once)",
    "download_maxsize": "a number of bytes > 0 (0 would turn the size limit off)",
}


def parse_config(raw: Any, env: dict[str, str] | None = None) -> Config:
    """Validate a parsed YAML document and apply environment overrides (``REDIS_URL``)."""
    env = dict(os.environ) if env is None else env
    raw = _check_keys("", raw, {"sources", "redis", "politeness", "dedupe", "data_dir", "database", "retention",
                                "runs", "web"})
    sources_raw = raw.get("sources")
    if not isinstance(sources_raw, dict) or not sources_raw:
        raise ConfigError("sources", sources_raw, "a mapping of source name to source settings")
    sources = {str(name): _source(str(name), body) for name, body in sources_raw.items()}
    redis_raw = _check_keys("redis", raw.get("redis"), {"url", "key_prefix"})
    url = env.get("REDIS_URL") or redis_raw.get("url")
    if url is not None and not re.match(r"^(redis|rediss|unix)://", str(url)):
        raise ConfigError("REDIS_URL" if env.get("REDIS_URL") else "redis.url", redact_url(str(url)),
                          "a redis://, rediss:// or unix:// URL")
    prefix = redis_raw.get("key_prefix", "jen")
    if not isinstance(prefix, str) or not re.match(r"^[A-Za-z0-9_.-]+$", prefix):
        raise ConfigError("redis.key_prefix", prefix, "letters, digits, '_', '-' or '.'")
    dedupe = raw.get("dedupe")
    if dedupe is None:
        dedupe = {}
    elif not isinstance(dedupe, dict):
        raise ConfigError("dedupe", dedupe, "a mapping")
    elif dedupe:  # checked by the dedupe package, whose import (datasketch) costs a second: only when there is one
        dedupe = _check_keys("dedupe", dedupe, _dedupe_keys())
        _check_dedupe_values(dict(dedupe))
    data_dir = Path(env.get("JEN_DATA_DIR") or raw.get("data_dir") or "data")
    database = _check_keys("database", raw.get("database"), {"url"})
    database_url = env.get("DATABASE_URL") or database.get("url")
    if database_url is not None and not (isinstance(database_url, str) and re.match(r"^[a-z][a-z0-9+]*://",
                                                                                   database_url)):
        raise ConfigError("DATABASE_URL" if env.get("DATABASE_URL") else "database.url", redact_url(str(database_url)),
                          "a postgresql:// URL, a sqlite:/// file URL, or null for the embedded SQLite file")
    return Config(sources=sources, redis=RedisSettings(url=url, key_prefix=prefix),
                  politeness=_politeness(raw.get("politeness")), dedupe=dict(dedupe), data_dir=data_dir,
                  database_url=database_url, retention=_retention(raw.get("retention")), runs=_runs(raw.get("runs")),
                  web=_web(raw.get("web"), env))


def _retention(raw: Any) -> Retention:
    raw = _check_keys("retention", raw, set(Retention.__dataclass_fields__))
    for name, value in raw.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"retention.{name}", value, "a whole number >= 1")
    return Retention(**raw)


def _check_dedupe_values(section: dict[str, Any]) -> None:
    """The dedup parameters are checked by `DedupeParams` itself; its complaint becomes a ConfigError."""
    from dedupe.params import DedupeParams

    try:
        DedupeParams(**section)
    except (TypeError, ValueError) as exc:
        raise ConfigError("dedupe", section, f"valid dedup parameters ({exc})") from exc


def _dedupe_keys() -> set[str]:
    from dedupe.params import DedupeParams

    return set(DedupeParams.__dataclass_fields__)


def load_config(path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Config:
    """Read and validate the YAML file (``JEN_CONFIG`` or config/settings.yaml)."""
    env = dict(os.environ) if env is None else env
    local = Path("config/settings.yaml")  # run from a checkout or the container's /app
    path = Path(path or env.get(CONFIG_ENV) or (local if local.is_file() else DEFAULT_CONFIG_PATH))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(CONFIG_ENV, str(path), f"a readable YAML file ({exc.strerror})") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), "<file>", f"valid YAML ({exc})") from exc
    return parse_config(raw, env)
