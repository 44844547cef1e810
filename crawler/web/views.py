"""What the web view shows, as plain data: no I/O here (the app reads Redis and the store, then calls these).

* `shared_passages` marks, in two articles, the words both share in runs of at least ``n`` words (word n-grams),
  so a copy beside its original shows what was taken; the text stays text (the templates escape it).
* `run_rows` / `runs_by_source` turn run records into table rows; `duration_seconds` reads their times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from crawler.service import FINAL

WORD = re.compile(r"\w+", re.UNICODE)
SHARED_RUN = 8  # words: a passage counts as shared from this many words in a row


Segment = tuple[str, bool]  # (text, shared)


def _words(paragraph: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().casefold()) for m in WORD.finditer(paragraph)]


def _grams(words: list[tuple[int, int, str]], n: int) -> Iterable[tuple[str, ...]]:
    tokens = [w for _, _, w in words]
    for i in range(len(tokens) - n + 1):
        yield tuple(tokens[i:i + n])


def _marked(paragraph: str, words: list[tuple[int, int, str]], other: set[tuple[str, ...]], n: int
            ) -> list[Segment]:
    """``paragraph`` cut into segments; a segment is shared when its words belong to an n-gram of ``other``."""
    tokens = [w for _, _, w in words]
    shared = [False] * len(words)
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i:i + n]) in other:
            for j in range(i, i + n):
                shared[j] = True
    segments: list[Segment] = []
    cursor = 0
    i = 0
    while i < len(words):
        if not shared[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and shared[j + 1]:
            j += 1
        start, end = words[i][0], words[j][1]
        if start > cursor:
            segments.append((paragraph[cursor:start], False))
        segments.append((paragraph[start:end], True))
        cursor = end
        i = j + 1
    if cursor < len(paragraph):
        segments.append((paragraph[cursor:], False))
    return segments


def shared_passages(left: list[str], right: list[str], n: int = SHARED_RUN
                    ) -> tuple[list[list[Segment]], list[list[Segment]], float]:
    """Both articles' paragraphs as segments, shared passages marked; and the share of ``right``'s words that are
    in shared passages (0..1)."""
    left_words = [_words(p) for p in left]
    right_words = [_words(p) for p in right]
    left_grams = {g for words in left_words for g in _grams(words, n)}
    right_grams = {g for words in right_words for g in _grams(words, n)}
    left_out = [_marked(p, w, right_grams, n) for p, w in zip(left, left_words, strict=True)]
    right_out = [_marked(p, w, left_grams, n) for p, w in zip(right, right_words, strict=True)]
    total = sum(len(w) for w in right_words)
    covered = sum(len(WORD.findall(text)) for para in right_out for text, shared in para if shared)
    return left_out, right_out, (covered / total if total else 0.0)


# --- runs ------------------------------------------------------------------------------------------------
def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def duration_seconds(run: dict[str, Any]) -> float | None:
    """Seconds from a run's start to its end (None while it runs, or without both times)."""
    start, end = _when(run.get("started_at")), _when(run.get("finished_at"))
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def run_row(run: dict[str, Any]) -> dict[str, Any]:
    """One run record as a table row: counts from its summary (or its progress while it runs)."""
    summary = run.get("summary") if isinstance(run.get("summary"), dict) else None
    counts: dict[str, Any] = {"pages": 0, "articles": 0, "failures": {}}
    if summary:
        counts = {"pages": summary.get("pages", 0), "articles": summary.get("articles", 0),
                  "failures": dict(summary.get("failures") or {})}
    else:
        failures: dict[str, int] = {}
        for worker in (run.get("progress") or {}).values():
            for part in (worker or {}).values():
                counts["pages"] += int(part.get("pages") or 0)
                counts["articles"] += int(part.get("articles") or 0)
                for reason, n in (part.get("failures") or {}).items():
                    failures[reason] = failures.get(reason, 0) + int(n)
        counts["failures"] = failures
    status = run.get("status") or "queued"
    return {"id": run.get("id"), "source": run.get("source"), "kind": run.get("kind"), "status": status,
            "final": status in FINAL, "requested_at": run.get("requested_at"), "started_at": run.get("started_at"),
            "finished_at": run.get("finished_at"), "duration": duration_seconds(run),
            "why": run.get("reason") or run.get("error"), **counts}


def newest_first(runs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run records, the most recently requested (or started) first."""
    return sorted(runs, key=lambda r: str(r.get("requested_at") or r.get("started_at") or ""), reverse=True)


def runs_by_source(runs: Iterable[dict[str, Any]], sources: Iterable[str], per_source: int = 3
                   ) -> dict[str, list[dict[str, Any]]]:
    """The last ``per_source`` runs of each source, newest first, as rows."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in sources}
    for run in newest_first(runs):
        rows = out.get(str(run.get("source")))
        if rows is not None and len(rows) < per_source:
            rows.append(run_row(run))
    return out


def seconds_text(value: float | None) -> str:
    """``75.2`` -> ``1 min 15 s``; None -> ``-``."""
    if value is None:
        return "-"
    if value < 60:
        return f"{value:.1f} s"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min {seconds} s"
