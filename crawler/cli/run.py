"""``jen run`` (the scheduled service), ``jen health`` (container health check), ``jen redis`` (embedded Redis)."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from typing import Any

from crawler.cli import EXIT_ALREADY_RUNNING, EXIT_FAILED, EXIT_REDIS, EXIT_USAGE, CommandError, cli_redis

# `jen health` must answer well within the container's health-check timeout (10 s), whatever Redis does.
HEALTH_SOCKET_TIMEOUT = 1.5  # for the connection, then for the one command: 3 s at most, whatever Redis does
# `jen run` waits this long at start for a Redis that is not up yet, then says so.
START_REDIS_WAIT = 10.0


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="the long-running service: scheduled crawls and manual triggers",
                                description="The scheduled service: one per Redis key prefix.")
    run.add_argument("--config", help="YAML configuration file (default: JEN_CONFIG or config/settings.yaml)")
    run.add_argument("--misfire-grace", type=int, default=600, help="seconds a late scheduled run may still start")
    run.add_argument("--stop-grace", type=float, default=60.0,
                     help="seconds running crawls get to finish after SIGTERM")
    run.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                     help="Scrapy setting for every crawl the service starts (repeatable)")
    run.set_defaults(func=run_service)

    health = subparsers.add_parser("health", help="exit 0 if the service's heartbeat is fresh (for HEALTHCHECK)",
                                   description="Exit 0 if the service's heartbeat is fresh, 1 if not; answers "
                                               "within about 5 s whatever Redis does.")
    health.add_argument("--config")
    health.set_defaults(func=check_health)

    embedded = subparsers.add_parser("redis", help="the embedded Redis under data/: status, start or stop",
                                     description="The embedded Redis under data_dir/redis. With an external Redis "
                                                 "(REDIS_URL or redis.url) `status` reports that one instead.")
    embedded.add_argument("action", choices=("status", "start", "stop"))
    embedded.add_argument("--force", action="store_true",
                          help="stop: shut down without saving when saving fails (e.g. the disk is full)")
    embedded.add_argument("--config")
    embedded.set_defaults(func=embedded_redis)


def extra_settings(pairs: list[str]) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs, checked against the settings' kinds; a bad one is a usage error (exit 2)."""
    from crawler.config import ConfigError
    from crawler.runner import check_extra_settings

    extra = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CommandError(f"-s expects NAME=VALUE, got {pair!r}", EXIT_USAGE)
        extra[name.strip()] = value
    try:
        return check_extra_settings(extra)
    except ConfigError as exc:
        raise CommandError(f"{exc.key}={exc.value}: expected {exc.expected}", EXIT_USAGE) from exc


def run_service(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.redaction import install_log_redaction, redact_url
    from crawler.redisconn import redis_client
    from crawler.service import Service, ServiceAlreadyRunning

    config = load_config(args.config)  # a bad config stops here, with the key named
    settings = extra_settings(args.set)
    check_data_dir(config)
    redis_url, probe = cli_redis(config, wait_seconds=START_REDIS_WAIT)
    probe.ping()  # a Redis that is not up within START_REDIS_WAIT is one line and exit code 6
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    install_log_redaction()
    # The service's own client waits out Redis outages far longer than a CLI command does.
    service = Service(config, args.config or None, redis_client(redis_url), redis_url,
                      misfire_grace_seconds=args.misfire_grace, stop_grace_seconds=args.stop_grace,
                      crawl_settings=settings)
    if config.web.port:  # a web view that cannot listen stops the service before it claims anything
        from crawler.cli.web import check_can_listen

        check_can_listen(config.web.host, config.web.port)
    try:
        service.claim()  # before anything else: a second `jen run` stops here, with one line
    except ServiceAlreadyRunning as exc:
        raise CommandError(str(exc), EXIT_ALREADY_RUNNING) from exc
    logging.getLogger("jen.service").info("Redis at %s", redact_url(redis_url))
    try:
        web = start_web_view(config, redis_url, probe)
    except BaseException:
        service.stop()  # releases the claim it just made
        raise
    try:
        service.serve_forever()
    finally:
        if web is not None:
            web.should_exit = True
    return EXIT_FAILED if service.lost_claim else 0


def start_web_view(config: Any, redis_url: str, client: Any) -> Any:
    """With ``web.port`` set, the web view in a thread of the service (its reads use ``client``, a command's short
    waits); returns the uvicorn server, or None."""
    if not config.web.port:
        return None
    from crawler.cli.web import build_app, view_address
    from crawler.web import serve_in_thread

    server = serve_in_thread(build_app(config, redis_url, client), config.web.host, config.web.port)
    logging.getLogger("jen.service").info("web view at %s", view_address(config.web.host, config.web.port))
    return server


def check_data_dir(config: Any) -> None:
    """The service keeps run logs under data_dir: fail at start, with the path, if it cannot."""
    from crawler.cli import writable_dir
    from crawler.service import LOG_DIR

    writable_dir(config.data_dir / LOG_DIR)


def no_retry() -> Any:
    """A redis-py retry policy that does not retry: for answers that must come within seconds."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return Retry(NoBackoff(), 0)


def check_health(args: argparse.Namespace) -> int:
    """Healthy = a fresh heartbeat; never waits on Redis for more than a few seconds."""
    import redis

    from crawler.cli import describe_redis_error, note_redis_url
    from crawler.config import load_config
    from crawler.redisconn import EmbeddedRedis, Keys

    config = load_config(args.config)
    # Never start the embedded Redis from a health check: a stopped one is unhealthy.
    url = config.redis.url or EmbeddedRedis(config.data_dir).url
    note_redis_url(url)
    client = redis.Redis.from_url(url, socket_connect_timeout=HEALTH_SOCKET_TIMEOUT,
                                  socket_timeout=HEALTH_SOCKET_TIMEOUT, retry=no_retry(),
                                  lib_name=None, lib_version=None)  # no handshake: one command, one timeout
    try:
        beat = client.get(Keys(config.redis.key_prefix).service_heartbeat)
    except redis.RedisError as exc:
        print(f"unhealthy: {describe_redis_error(exc)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        client.close()
    if not beat:
        print("unhealthy: no service heartbeat", file=sys.stderr)
        return EXIT_FAILED
    data = json.loads(beat)
    print(f"healthy: service pid {data.get('pid')} on host {data.get('host')}, beat at {data.get('at')}")
    return 0


def embedded_redis(args: argparse.Namespace) -> int:
    import redis

    from crawler.config import load_config
    from crawler.redaction import redact_url
    from crawler.redisconn import EmbeddedRedis

    config = load_config(args.config)
    if config.redis.url:
        where = redact_url(config.redis.url)
        if args.action != "status":
            raise CommandError(f"Redis is external here ({where}, from REDIS_URL or redis.url): jen starts and stops "
                               "only the embedded one; manage that server yourself", EXIT_USAGE)
        client = redis.Redis.from_url(config.redis.url, socket_connect_timeout=2, socket_timeout=2,
                                      retry=no_retry())
        try:
            client.ping()
            print(f"external, running {where}")
        except redis.RedisError as exc:
            print(f"external, not answering {where} ({type(exc).__name__}: {redact_url(str(exc))})")
            return EXIT_REDIS
        finally:
            client.close()
        return 0
    server = EmbeddedRedis(config.data_dir)
    if args.action == "start":
        print(server.ensure_running())
    elif args.action == "stop":
        return _stop_embedded(server, args.force)
    else:
        print(f"{'running' if server.is_running() else 'stopped'} {server.url}")
    return 0


def _stop_embedded(server: Any, force: bool) -> int:
    import redis

    try:
        print("stopped" if server.stop() else "not running")
        return 0
    except redis.ResponseError as exc:
        if not force:
            raise CommandError(f"the embedded Redis refused to shut down ({exc}): it cannot save its data (is "
                               f"{server.dir} full or read-only?); free space and try again, or `jen redis stop "
                               "--force` to stop without saving the last writes", EXIT_REDIS) from exc
    client = redis.Redis(unix_socket_path=str(server.socket_path), socket_timeout=5)
    with contextlib.suppress(redis.ConnectionError):  # the server closes the connection as it exits
        client.shutdown(nosave=True)
    print("stopped (without saving)")
    return 0
