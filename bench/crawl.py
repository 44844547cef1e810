"""Whole-crawl throughput: the full crawl (clean, flag copies, store: Redis and the record store) beside the same
crawl with no pipelines and no Redis (``scrapy crawl ... -O``), on the replica with extra articles, politeness
off, both as whole processes in one run.

    .venv/bin/python -m bench.crawl                     # 2,000 extra articles (about 2,050 JEN articles)
    .venv/bin/python -m bench.crawl --extra 500 --rounds 2

Prints articles/s of each and their ratio (the full crawl should keep >= 0.8x), the pages of a second full
crawl of the unchanged site against the first, and the full crawl shared by two crawler processes (``--processes``,
what ``workers: 2`` does), on a fresh Redis and store.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from replica import ReplicaServer, build_site
from replica.testing import RedisServer, write_replica_config

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = 8


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JEN_CONFIG", "DATABASE_URL")}


def crawl_only(base_url: str, out: Path) -> tuple[float, int]:
    """`scrapy crawl justearthnews` with no item pipelines and no Redis; (seconds, articles)."""
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "justearthnews", "-s", f"JEN_BASE_URL={base_url}",
         "-s", "ITEM_PIPELINES={}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}", "-s", "LOG_LEVEL=WARNING", "-O", str(out)],
        cwd=ROOT, env=_env(), capture_output=True, text=True, check=True)
    seconds = time.monotonic() - started
    articles = sum(1 for line in out.read_text(encoding="utf-8").splitlines() if '"html"' in line)
    return seconds, articles


def _full_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", "--here", "--source", "justearthnews", "--config",
            str(config), "-s", "LOG_LEVEL=WARNING"]


def full_crawl(config: Path) -> tuple[float, int, int]:
    """`jen crawl --here` into Redis and the record store; (seconds, articles stored, pages fetched)."""
    started = time.monotonic()
    result = subprocess.run(_full_command(config), cwd=ROOT, env=_env(), capture_output=True, text=True, check=True)
    seconds = time.monotonic() - started
    stored = re.search(r"(\d+) articles stored, (\d+) pages fetched", result.stdout)
    assert stored, result.stdout + result.stderr[-2000:]
    return seconds, int(stored.group(1)), int(stored.group(2))


def full_crawl_processes(config: Path, processes: int) -> tuple[float, int]:
    """``processes`` `jen crawl --here` at once on one crawl (scrapy-redis shares the queue, as `workers: N` does);
    (seconds until the last ends, articles stored by all)."""
    started = time.monotonic()
    crawls = [subprocess.Popen(_full_command(config), cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(processes)]
    outputs = [crawl.communicate() for crawl in crawls]
    seconds = time.monotonic() - started
    stored = 0
    for crawl, (out, err) in zip(crawls, outputs, strict=True):
        found = re.search(r"(\d+) articles stored", out)
        assert crawl.returncode == 0 and found, out + err[-2000:]
        stored += int(found.group(1))
    return seconds, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extra", type=int, default=2000, help="extra JEN articles in the replica")
    parser.add_argument("--rounds", type=int, default=1, help="repeat each crawl this many times (median)")
    parser.add_argument("--processes", type=int, default=2,
                        help="also the full crawl shared by this many crawler processes (0: not)")
    args = parser.parse_args()
    site = build_site(extra_articles=args.extra)
    only_rates, full_rates, shared_rates = [], [], []
    with ReplicaServer(site, port=0) as server, tempfile.TemporaryDirectory() as tmp:
        base = server.base_urls["justearthnews"]
        for n in range(args.rounds):
            seconds, articles = crawl_only(base, Path(tmp) / f"only-{n}.jsonl")
            only_rates.append(articles / seconds)
            print(f"crawl only  round {n + 1}: {articles} articles in {seconds:6.1f} s = {articles / seconds:6.1f}/s",
                  flush=True)
            redis_server = RedisServer(appendonly=False).start()
            try:
                config = write_replica_config(Path(tmp) / f"full-{n}.yaml", server.base_urls, prefix="bench",
                                              redis_url=redis_server.url,
                                              concurrent_requests_per_domain=CONCURRENCY)
                seconds, stored, pages = full_crawl(config)
                full_rates.append(stored / seconds)
                print(f"full crawl  round {n + 1}: {stored} articles in {seconds:6.1f} s = {stored / seconds:6.1f}/s "
                      f"({pages} pages)", flush=True)
                again_seconds, again_stored, again_pages = full_crawl(config)
                print(f"  a second full crawl of the unchanged site: {again_pages} pages "
                      f"({again_pages / pages:.1%} of the first), {again_stored} stored, {again_seconds:.1f} s",
                      flush=True)
            finally:
                redis_server.close()
            if args.processes > 1:
                redis_server = RedisServer(appendonly=False).start()
                try:
                    config = write_replica_config(Path(tmp) / f"shared-{n}.yaml", server.base_urls, prefix="bench",
                                                  redis_url=redis_server.url,
                                                  concurrent_requests_per_domain=CONCURRENCY)
                    seconds, stored = full_crawl_processes(config, args.processes)
                    shared_rates.append(stored / seconds)
                    print(f"full crawl by {args.processes} processes round {n + 1}: {stored} articles in "
                          f"{seconds:6.1f} s = {stored / seconds:6.1f}/s", flush=True)
                finally:
                    redis_server.close()
    only, full = statistics.median(only_rates), statistics.median(full_rates)
    figures = {"extra_articles": args.extra, "crawl_only_articles_per_s": round(only, 1),
               "full_crawl_articles_per_s": round(full, 1), "ratio": round(full / only, 2)}
    print(json.dumps(figures))
    print(f"\n{'':<42}{'articles/s':>12}\n{'crawl only (scrapy crawl -O), 1 process':<42}{only:>12.1f}\n"
          f"{'full (jen crawl --here), 1 process':<42}{full:>12.1f}\n{'full / crawl only':<42}{full / only:>12.2f}x")
    if shared_rates:
        shared = statistics.median(shared_rates)
        print(f"{f'full, {args.processes} processes on one crawl':<42}{shared:>12.1f}\n"
              f"{'that / crawl only':<42}{shared / only:>12.2f}x")


if __name__ == "__main__":
    main()
