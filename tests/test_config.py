"""Configuration errors name the key, the value and what was expected; good config loads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.config import DEFAULT_CONFIG_PATH, ConfigError, load_config, parse_config

GOOD = {
    "sources": {
        "justearthnews": {"spider": "justearthnews", "base_url": "https://justearthnews.com",
                          "allowed_domains": ["justearthnews.com"], "schedule": {"interval": "30m"}},
        "wire": {"spider": "outlet", "start_urls": ["https://example.org/"],
                 "allowed_domains": ["example.org"], "article_pattern": r"/story/", "schedule": {"cron": "0 * * * *"}},
    }
}


def test_shipped_config_loads_and_targets_the_real_site() -> None:
    config = load_config(DEFAULT_CONFIG_PATH, env={})
    assert config.source("justearthnews").base_url == "https://justearthnews.com"
    assert config.politeness.obey_robots is True


def test_intervals_and_crons_are_parsed() -> None:
    config = parse_config(GOOD, env={})
    assert config.source("justearthnews").schedule.interval_seconds == 1800
    assert config.source("wire").schedule.cron == "0 * * * *"


def test_redis_url_from_environment_overrides_file() -> None:
    config = parse_config(GOOD | {"redis": {"url": "redis://file:6379/0"}}, env={"REDIS_URL": "rediss://h:6380/1"})
    assert config.redis.url == "rediss://h:6380/1"


@pytest.mark.parametrize(
    ("patch", "key", "expected"),
    [
        ({"sourcez": {}}, "sourcez", "no such key"),
        ({"politeness": {"download_delay": "fast"}}, "politeness.download_delay", "a number >= 0"),
        ({"politeness": {"obey_robots": "yes"}}, "politeness.obey_robots", "true or false"),
        ({"redis": {"key_prefix": "a b"}}, "redis.key_prefix", "letters"),
        ({"dedupe": {"shingle_sise": 3}}, "dedupe.shingle_sise", "no such key"),
        ({"dedupe": {"num_perm": 7}}, "dedupe", "num_perm"),
    ],
)
def test_wrong_top_level_values_name_the_key(patch: dict, key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(GOOD | patch, env={})
    assert info.value.key == key
    assert expected in str(info.value)
    assert key in str(info.value)


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("schedule", {"interval": "often"}, "sources.wire.schedule.interval"),
        ("schedule", {"cron": "61 * * * *"}, "sources.wire.schedule.cron"),
        ("schedule", {"cron": "* *", "interval": "5m"}, "sources.wire.schedule"),
        ("spider", "crawly", "sources.wire.spider"),
        ("start_urls", ["ftp://example.org/"], "sources.wire.start_urls"),
        ("article_pattern", "(", "sources.wire.article_pattern"),
        ("allowed_domains", [], "sources.wire.allowed_domains"),
        ("colour", "red", "sources.wire.colour"),
    ],
)
def test_wrong_source_values_name_the_key(field: str, value: object, key: str) -> None:
    raw = yaml.safe_load(yaml.safe_dump(GOOD))
    raw["sources"]["wire"][field] = value
    with pytest.raises(ConfigError) as info:
        parse_config(raw, env={})
    assert info.value.key == key, str(info.value)


def test_password_in_a_bad_redis_url_is_not_shown() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(GOOD, env={"REDIS_URL": "http://user:s3cret@host:6379"})
    assert "s3cret" not in str(info.value)
    assert info.value.key == "REDIS_URL"


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml", env={})
    assert "nope.yaml" in str(info.value)
