"""The ``jen`` command: one entry point, one sub-command module each.

Each sub-command module exposes ``register(subparsers)``, which adds its parser(s) and sets
``func=callable(args) -> int``. Only the module of the command being run is imported (``jen --help`` imports
none of them, so it starts fast), and every failure a command meets at runtime ends as one line on stderr and
one of the exit codes below, never a traceback (``JEN_DEBUG=1`` shows the traceback of an unexpected error).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import logging
import os
import sys
from dataclasses import dataclass
from typing import Any

# Exit codes, the same for every command (documented in `jen --help` and the README).
EXIT_OK = 0
EXIT_FAILED = 1  # the command ran and says what did not work (a crawl interrupted, an unhealthy service, ...)
EXIT_USAGE = 2  # a wrong argument, option, -s setting, configuration key or input file
EXIT_URLS_REFUSED = 3  # some URLs given were refused and dead-lettered (the others were crawled)
EXIT_NO_SERVICE = 4  # no `jen run` is running for this Redis and key prefix, or it stopped while waited for
EXIT_TIMEOUT = 5  # `jen crawl --wait` waited --timeout seconds
EXIT_REDIS = 6  # Redis unreachable, not answering, refusing the password, or refusing writes (MISCONF, OOM, ...)
EXIT_FILES = 7  # a file or directory cannot be written (read-only, full, permissions): data_dir, -o FILE, output
EXIT_ALREADY_RUNNING = 8  # `jen run`: another service already runs for this key prefix
EXIT_BUG = 70  # an unexpected error: a bug (run again with JEN_DEBUG=1 and report the traceback)
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_CLOSED_PIPE = 141  # the reader of the output went away (`jen export | head`): ends quietly, like SIGPIPE

EXIT_CODES_HELP = """exit codes:
  0    success
  1    the command ran, and says what did not work (crawl interrupted, service unhealthy, ...)
  2    wrong argument, option, -s setting, configuration key or input file
  3    some URLs given were refused and dead-lettered; the others were crawled
  4    no `jen run` is running for this Redis and key prefix (or it stopped while waited for)
  5    `jen crawl --wait` timed out
  6    Redis unreachable, not answering, refusing the password, or refusing writes (MISCONF, OOM, READONLY)
  7    a file or directory cannot be written: data_dir, -o FILE or the output (read-only, full, permissions)
  8    `jen run`: another service already runs for this key prefix
  70   unexpected error (a bug: run again with JEN_DEBUG=1 and report the traceback)
  130  interrupted (Ctrl-C)
  141  the reader of the output went away (e.g. `jen export | head`): stops quietly
"""


@dataclass(frozen=True)
class Command:
    module: str
    help: str


# Sub-commands, in the order `jen --help` lists them, and the module that registers each.
COMMANDS = {
    "replica": Command("crawler.cli.replica", "serve the replica of Just Earth News and other outlets"),
    "run": Command("crawler.cli.run", "the long-running service: scheduled crawls and manual triggers"),
    "health": Command("crawler.cli.run", "exit 0 if the service's heartbeat is fresh (for HEALTHCHECK)"),
    "redis": Command("crawler.cli.run", "the embedded Redis under data/: status, start or stop"),
    "crawl": Command("crawler.cli.crawl", "trigger a crawl now (through the service, or --here)"),
    "inspect": Command("crawler.cli.inspect", "show the queues (counts, or --peek at one)"),
    "export": Command("crawler.cli.export", "write stored records or dead letters as JSON Lines"),
    "show": Command("crawler.cli.export", "one stored record, by id, with its current copy flags"),
    "requeue": Command("crawler.cli.deadletters", "send dead letters back to their source's queue"),
    "purge": Command("crawler.cli.deadletters", "drop dead letters (those not seen for a while, say)"),
    "clean": Command("crawler.cli.clean", "clean article pages (files or URLs) into records"),
    "dedupe": Command("crawler.cli.dedupe", "flag syndicated copies in a JSONL file of articles"),
    "dupes": Command("crawler.cli.dedupe", "list the clusters of copies stored in Redis"),
    "web": Command("crawler.cli.web", "the operator's web view: queues, runs, crawl now, records, copies"),
    "demo": Command("crawler.cli.demo", "serve the replica, run the service on it, show what it found"),
}

# How long a CLI command waits out an unavailable Redis before it says so (the service waits much longer).
CLI_REDIS_WAIT = 5.0


class CommandError(Exception):
    """A runtime failure a command reports as one line (``message``: what failed, what to do) and ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, that command's module is imported and its full parser registered."""
    parser = argparse.ArgumentParser(prog="jen", description="Just Earth News crawler and syndication detector.",
                                     epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command in COMMANDS:
        importlib.import_module(COMMANDS[command].module).register(subparsers)
    for name, entry in COMMANDS.items():
        if name not in subparsers.choices:  # listed for --help; never parsed (its own module registers it)
            subparsers.add_parser(name, help=entry.help)
    return parser


def _command_in(argv: list[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = _command_in(argv)
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    name = f"jen {args.command}"
    # Retry warnings (`jen.redis`) belong in a service's or a crawl's log; a plain command says one line at the end.
    logging.getLogger("jen").addHandler(logging.NullHandler())
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _closed_pipe()
    except Exception as exc:
        if os.environ.get("JEN_DEBUG"):
            raise
        message, code = describe_error(exc)
        if code == EXIT_CLOSED_PIPE:
            return _closed_pipe()
        with contextlib.suppress(OSError):
            print(f"{name}: {message}", file=sys.stderr)
        return code


def _closed_pipe() -> int:
    """The reader went away: say nothing, and keep Python from complaining when it flushes stdout at exit."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_CLOSED_PIPE


# --- runtime failures as one line --------------------------------------------------------------------
_redis_url_in_use: list[str] = []  # the (redacted) URL of the Redis this command talks to, for messages


def note_redis_url(url: str) -> None:
    """Remember which Redis this command talks to, so a failure message can name it (password redacted)."""
    _redis_url_in_use.append(_redacted(url))


def describe_error(exc: BaseException) -> tuple[str, int]:
    """(one line: what failed and what to do, exit code) for an exception a command did not handle."""
    from crawler.config import ConfigError

    if isinstance(exc, CommandError):
        return str(exc), exc.code
    if isinstance(exc, ConfigError):
        return f"configuration error: {exc}", EXIT_USAGE
    if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        return "", EXIT_CLOSED_PIPE
    if type(exc).__module__.split(".")[0] == "redis":
        return describe_redis_error(exc), EXIT_REDIS
    if isinstance(exc, OSError):
        return describe_os_error(exc), EXIT_FILES
    return (f"unexpected error: {type(exc).__name__}: {_redacted(str(exc))[:300]} (a bug: run again with "
            "JEN_DEBUG=1 and report the traceback)", EXIT_BUG)


def _redacted(text: str) -> str:
    from crawler.redaction import redact_url

    return redact_url(text)


def describe_redis_error(exc: BaseException) -> str:
    """What a Redis error means for the operator, and what to do about it."""
    import redis

    where = f"Redis at {_redis_url_in_use[-1]}" if _redis_url_in_use else "Redis"
    detail = _redacted(str(exc)).strip() or type(exc).__name__
    reply = detail.split(" ", 1)[0].upper()
    if isinstance(exc, redis.AuthenticationError) or reply in ("NOAUTH", "WRONGPASS", "NOPERM"):
        return f"{where} refused the credentials ({detail}): check the password in REDIS_URL or redis.url"
    if isinstance(exc, redis.BusyLoadingError) or reply == "LOADING":
        return f"{where} is still loading its data ({detail}): try again in a moment"
    if isinstance(exc, redis.TimeoutError):
        return (f"{where} does not answer ({detail}): check that it is running and not stopped or overloaded, "
                "then try again")
    if isinstance(exc, redis.ConnectionError):
        return (f"cannot reach {where} ({detail}): start it, or point REDIS_URL (or redis.url in the config) at "
                "a running one")
    if reply == "MISCONF":
        return (f"{where} refuses writes because it cannot save to disk ({detail[:200]}): free space on its disk "
                "(the embedded Redis keeps its data in <data_dir>/redis), then try again")
    if reply == "OOM":
        return f"{where} is out of memory ({detail[:200]}): raise its maxmemory or free memory, then try again"
    if reply == "READONLY":
        return f"{where} is a read-only replica ({detail[:200]}): point REDIS_URL at the primary"
    if reply == "BUSY":
        return f"{where} is busy running a script ({detail[:200]}): wait for it to end, or SCRIPT KILL it"
    return f"{where} refused a command ({detail[:300]})"


def describe_os_error(exc: OSError) -> str:
    """A file-system failure: which file, why, and what to do."""
    what = f"cannot write {exc.filename}" if exc.filename else "cannot write the output"
    why = exc.strerror or str(exc)
    advice = {
        errno.ENOSPC: "free some space on that file system",
        errno.EDQUOT: "free some space (disk quota exceeded)",
        errno.EROFS: "the file system is read-only: choose a writable place (data_dir, JEN_DATA_DIR or -o)",
        errno.EACCES: "permission denied: choose a writable place or fix its permissions",
        errno.EPERM: "not permitted: choose a writable place or fix its permissions",
        errno.ENOTDIR: "a part of that path is a file, not a directory",
        errno.ENOENT: "no such file or directory",
    }.get(exc.errno or 0, "check the file system")
    return f"{what}: {why}: {advice}"


def writable_dir(folder: Any) -> Any:
    """Create ``folder`` if needed and prove it can be written (a read-only or full file system fails here, with
    the path in the error, instead of in the middle of a run); returns it."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".writable-{os.getpid()}"
    try:
        with probe.open("w") as out:
            out.write("ok")
    except OSError as exc:
        exc.filename = exc.filename or str(folder)
        raise
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    return folder


def cli_redis(config: Any, wait_seconds: float = CLI_REDIS_WAIT, **params: Any) -> tuple[str, Any]:
    """(URL, client) of the configured Redis (the embedded one is started if needed) for a CLI command: a short
    wait for an unavailable Redis, so the command says what is wrong within seconds instead of minutes."""
    return connect_redis(config.redis.url, config.data_dir, wait_seconds, **params)


def connect_redis(url: str | None, data_dir: Any, wait_seconds: float = CLI_REDIS_WAIT, **params: Any
                  ) -> tuple[str, Any]:
    """`cli_redis` for a URL (None: the embedded Redis under ``data_dir``)."""
    import subprocess

    from crawler.redisconn import EmbeddedRedis, redis_client, resolve_redis_url

    if url:
        note_redis_url(url)
    try:
        resolved = resolve_redis_url(url, data_dir)
    except (subprocess.SubprocessError, RuntimeError) as exc:
        where = EmbeddedRedis(data_dir).dir
        raise CommandError(f"the embedded Redis under {where} did not start ({_redacted(str(exc))[:200]}): see "
                           f"{where / 'redis.log'}, make {data_dir} writable with free space, or set REDIS_URL",
                           EXIT_REDIS) from exc
    note_redis_url(resolved)
    options = {"socket_connect_timeout": 2, "socket_timeout": 10, **params}
    return resolved, redis_client(resolved, wait_seconds=wait_seconds, **options)


def cli_records(config: Any, redis_url: str, client: Any) -> Any:
    """The stored records with their current copy flags, for a reading command: the dedup index is opened with
    the command's own client (short waits). A Redis that refuses writes (MISCONF from a full disk, a read-only
    replica, OOM) refuses to open the index, but the records are still readable: then they come with the flags
    they were stored with, and a note says why."""
    import redis

    from crawler.records import Records
    from crawler.redisconn import Keys
    from crawler.store import shared_store
    from dedupe import DedupeParams, Detector, RedisIndex

    store = shared_store(config.database_url, config.data_dir)
    if not redis_url:
        return Records(store, None)
    params = DedupeParams(**dict(config.dedupe))
    try:
        index = RedisIndex(client, prefix=Keys(config.redis.key_prefix).dedupe_prefix, params=params)
    except redis.ResponseError as exc:
        if str(exc).split(" ", 1)[0] not in ("MISCONF", "READONLY", "OOM"):
            raise
        with contextlib.suppress(OSError):
            print(f"note: {describe_redis_error(exc)}; copy flags are shown as they were stored", file=sys.stderr)
        return Records(store, None)
    return Records(store, Detector(index, params))
