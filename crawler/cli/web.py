"""``jen web``: the operator's web view (queues, runs, Crawl now, dead letters, records, copies side by side).

    jen web                       # http://127.0.0.1:8765/ (web.host, web.port in the config)
    jen web --port 9000
    JEN_WEB_TOKEN=... jen web --host 0.0.0.0    # any address but loopback needs a token

The JSON API is under /api/ (its OpenAPI description at /openapi.json), Prometheus metrics at /metrics.
`jen run` serves the same view when web.port is set.
"""

from __future__ import annotations

import argparse
import socket
from typing import Any

from crawler.cli import EXIT_USAGE, CommandError, cli_redis


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("web", help="the operator's web view: queues, runs, crawl now, records, copies",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", help="YAML configuration file (default: JEN_CONFIG or config/settings.yaml)")
    parser.add_argument("--host", help="address to listen on (default: web.host, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: web.port, else 8765)")
    parser.set_defaults(func=run)


def check_can_listen(host: str, port: int) -> None:
    """Fail with one line, before anything starts, when the address cannot be listened on (taken, not ours)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(f"the web view cannot listen on {host}:{port} ({exc.strerror or exc}): choose another "
                               "web.port or --port, or stop what uses it", EXIT_USAGE) from exc


def view_address(host: str, port: int) -> str:
    """The address to open in a browser."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def build_app(config: Any, redis_url: str, client: Any) -> Any:
    from crawler.web.app import WebData, create_app

    return create_app(WebData.open(config, redis_url, client))


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from crawler.config import DEFAULT_WEB_PORT, check_web_binding, load_config

    config = load_config(args.config)
    host = args.host or config.web.host
    port = args.port or config.web.port or DEFAULT_WEB_PORT
    if not 0 < port < 65536:
        raise CommandError(f"--port {port}: expected a port from 1 to 65535", EXIT_USAGE)
    check_web_binding(host, config.web.token)  # off loopback without a token: a configuration error (exit 2)
    check_can_listen(host, port)
    redis_url, client = cli_redis(config)
    client.ping()  # an unavailable Redis is one line and exit code 6 within seconds
    app = build_app(config, redis_url, client)
    print(f"web view: {view_address(host, port)}", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0
