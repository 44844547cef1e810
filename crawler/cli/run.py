"""``jen run`` (the scheduled service), ``jen health`` (container health check), ``jen redis`` (embedded Redis)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from crawler.config import load_config


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="the long-running service: scheduled crawls and manual triggers")
    run.add_argument("--config", help="YAML configuration file (default: JEN_CONFIG or config/settings.yaml)")
    run.add_argument("--misfire-grace", type=int, default=600, help="seconds a late scheduled run may still start")
    run.add_argument("--stop-grace", type=float, default=60.0,
                     help="seconds running crawls get to finish after SIGTERM")
    run.set_defaults(func=run_service)

    health = subparsers.add_parser("health", help="exit 0 if the service's heartbeat is fresh (for HEALTHCHECK)")
    health.add_argument("--config")
    health.set_defaults(func=check_health)

    embedded = subparsers.add_parser("redis", help="the embedded Redis under data/: status, start or stop")
    embedded.add_argument("action", choices=("status", "start", "stop"))
    embedded.add_argument("--config")
    embedded.set_defaults(func=embedded_redis)


def run_service(args: argparse.Namespace) -> int:
    from crawler.redaction import install_log_redaction, redact_url
    from crawler.redisconn import redis_client, resolve_redis_url
    from crawler.service import Service

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    install_log_redaction()
    config = load_config(args.config)  # a bad config stops here, with the key named
    redis_url = resolve_redis_url(config.redis.url, config.data_dir)
    client = redis_client(redis_url)
    client.ping()
    logging.getLogger("jen.service").info("Redis at %s", redact_url(redis_url))
    config_path = args.config or None
    service = Service(config, config_path, client, redis_url, misfire_grace_seconds=args.misfire_grace,
                      stop_grace_seconds=args.stop_grace)
    service.serve_forever()
    return 0


def check_health(args: argparse.Namespace) -> int:
    from crawler.redisconn import Keys, redis_client, resolve_redis_url

    config = load_config(args.config)
    try:
        client = redis_client(resolve_redis_url(config.redis.url, config.data_dir), socket_connect_timeout=3)
        beat = client.get(Keys(config.redis.key_prefix).service_heartbeat)
    except Exception as exc:
        print(f"unhealthy: Redis unreachable ({type(exc).__name__})", file=sys.stderr)
        return 1
    if not beat:
        print("unhealthy: no service heartbeat", file=sys.stderr)
        return 1
    print(f"healthy: {json.loads(beat)}")
    return 0


def embedded_redis(args: argparse.Namespace) -> int:
    from crawler.redisconn import EmbeddedRedis

    config = load_config(args.config)
    server = EmbeddedRedis(config.data_dir)
    if args.action == "start":
        print(server.ensure_running())
    elif args.action == "stop":
        print("stopped" if server.stop() else "not running")
    else:
        print(f"{'running' if server.is_running() else 'stopped'} {server.url}")
    return 0
