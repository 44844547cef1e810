"""The values the detector takes and gives: documents in, decisions and clusters out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

UNDATED = 1e18  # sorts after every real time: an undated article is never preferred as the original


@dataclass(frozen=True)
class Document:
    """One article as the detector sees it."""

    id: str
    text: str
    published: str | None = None  # ISO 8601; naive times are taken as UTC
    source: str | None = None
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Decision:
    """The flag of one document, as the index holds it now.

    ``duplicate_of`` is the original of the document's cluster (its earliest-published member) when the
    document is a copy, None for originals and unique articles. ``similarity`` (shared words over the
    words of both, Jaccard-like) and ``containment`` (share of the shorter text found in the longer) are
    measured against that original. ``cluster`` names the cluster (the original's id) for originals and
    copies. ``indexed`` is False, with a ``reason``, for texts too short, degenerate or unreadable to
    compare, and for ids that cannot be stored.
    """

    id: str
    duplicate_of: str | None = None
    similarity: float | None = None
    containment: float | None = None
    cluster: str | None = None
    indexed: bool = True
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "duplicate_of": self.duplicate_of, "similarity": self.similarity,
                "containment": self.containment, "cluster": self.cluster, "indexed": self.indexed,
                "reason": self.reason}


@dataclass(frozen=True)
class Cluster:
    """An original and its copies: members are (doc_id, similarity, containment) against the original."""

    id: str
    original: str
    members: list[tuple[str, float, float]]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "original": self.original,
                "members": [{"id": m, "similarity": s, "containment": c} for m, s, c in self.members]}


def published_ts(value: str | None) -> float:
    """ISO 8601 text -> POSIX seconds; missing or unreadable -> `UNDATED`."""
    if not value or not isinstance(value, str):
        return UNDATED
    text = value.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return UNDATED
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return when.timestamp()
    except (OverflowError, OSError, ValueError):
        return UNDATED
