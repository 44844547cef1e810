"""Prometheus metrics, read from Redis and the record store at each scrape (a custom collector), never counted in
the web process: every ``jen web`` and ``jen run`` answers the same figures for the same data.

Per source: queue sizes, records stored, dead letters by reason, the pages fetched, articles stored and failures
by reason of the runs kept (``runs.keep``), and the last finished run's duration; copies flagged in total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from crawler.web.views import duration_seconds


class JenCollector(Collector):
    """Collects from ``overview()`` (the `Inspector`'s, as `jen inspect --json`), the run records and the dead
    letters, given as callables so each scrape reads them afresh."""

    def __init__(self, overview: Callable[[], dict[str, Any]], runs: Callable[[], list[dict[str, Any]]],
                 dead_letters: Callable[[], Iterator[dict[str, Any]]]) -> None:
        self.overview = overview
        self.runs = runs
        self.dead_letters = dead_letters

    def collect(self) -> Iterator[GaugeMetricFamily]:
        data = self.overview()
        sources = data["sources"]
        queue = GaugeMetricFamily("jen_queue_entries", "Entries in a source's crawl queues", labels=["source", "queue"])
        stored = GaugeMetricFamily("jen_records_stored", "Articles in the record store", labels=["source"])
        running = GaugeMetricFamily("jen_crawl_running", "1 while a crawl of the source runs", labels=["source"])
        for name, s in sources.items():
            for queue_name, field in (("pending", "pending_requests"), ("in_flight", "in_flight"),
                                      ("start_urls", "start_urls")):
                queue.add_metric([name, queue_name], s[field])
            stored.add_metric([name], s["records"])
            running.add_metric([name], 1 if s["crawl_running"] else 0)
        yield from (queue, stored, running)
        copies = GaugeMetricFamily("jen_copies_flagged", "Stored records flagged as syndicated copies")
        copies.add_metric([], data["flagged_copies"])
        yield copies
        service = GaugeMetricFamily("jen_service_up", "1 when a jen run service's heartbeat is fresh")
        service.add_metric([], 1 if data.get("service") else 0)
        yield service
        triggers = GaugeMetricFamily("jen_pending_triggers", "Manual crawl triggers not yet started")
        triggers.add_metric([], data["pending_triggers"])
        yield triggers
        yield from self._runs(list(sources))
        letters = GaugeMetricFamily("jen_dead_letters", "Dead letters (distinct failures) by source and reason",
                                    labels=["source", "reason"])
        counts: dict[tuple[str, str], int] = {}
        for entry in self.dead_letters():
            key = (str(entry.get("source") or ""), str(entry.get("reason") or ""))
            counts[key] = counts.get(key, 0) + 1
        for (source, reason), n in sorted(counts.items()):
            letters.add_metric([source, reason], n)
        yield letters

    def _runs(self, sources: list[str]) -> Iterator[GaugeMetricFamily]:
        pages = GaugeMetricFamily("jen_runs_pages_fetched", "Pages fetched by the runs kept", labels=["source"])
        articles = GaugeMetricFamily("jen_runs_articles_stored", "Articles stored by the runs kept", labels=["source"])
        failures = GaugeMetricFamily("jen_runs_failures", "Failures of the runs kept, by reason",
                                     labels=["source", "reason"])
        last = GaugeMetricFamily("jen_last_run_duration_seconds", "Duration of the source's last finished run",
                                 labels=["source"])
        totals = {name: {"pages": 0, "articles": 0, "failures": {}} for name in sources}
        latest: dict[str, tuple[str, float]] = {}
        for run in self.runs():
            summary = run.get("summary")
            source = str(run.get("source"))
            if source not in totals or not isinstance(summary, dict):
                continue
            total = totals[source]
            total["pages"] += int(summary.get("pages") or 0)
            total["articles"] += int(summary.get("articles") or 0)
            for reason, n in (summary.get("failures") or {}).items():
                total["failures"][reason] = total["failures"].get(reason, 0) + int(n)
            took = duration_seconds(run)
            finished = str(run.get("finished_at") or "")
            if took is not None and finished >= latest.get(source, ("", 0.0))[0]:
                latest[source] = (finished, took)
        for name, total in totals.items():
            pages.add_metric([name], total["pages"])
            articles.add_metric([name], total["articles"])
            for reason, n in sorted(total["failures"].items()):
                failures.add_metric([name, reason], n)
            if name in latest:
                last.add_metric([name], latest[name][1])
        yield from (pages, articles, failures, last)


def registry_for(collector: JenCollector) -> CollectorRegistry:
    """A registry of its own (not the process-wide default) holding only ``collector``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry
