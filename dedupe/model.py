"""The values the detector takes and gives: documents in, decisions and clusters out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

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
    """The flag of one document.

    ``duplicate_of`` is the earliest-published member of the document's cluster when the document is
    a copy (None for originals and unique articles); ``similarity`` is the estimated Jaccard
    similarity and ``containment`` the estimated share of the shorter text found in the longer, both
    against that original. ``cluster`` names the cluster (the original's id) for originals and copies.
    ``indexed`` is False, with a ``reason``, for texts too short or too degenerate to compare.
    """

    id: str
    duplicate_of: str | None = None
    similarity: float | None = None
    containment: float | None = None
    cluster: str | None = None
    indexed: bool = True
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Result:
    """What adding one document did: its decision, and decisions of other documents it changed."""

    decision: Decision
    revised: list[Decision] = field(default_factory=list)


@dataclass(frozen=True)
class Cluster:
    """An original and its copies: members are (doc_id, similarity, containment) against the original."""

    id: str
    original: str
    members: list[tuple[str, float, float]]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "original": self.original,
                "members": [{"id": m, "similarity": s, "containment": c} for m, s, c in self.members]}


class Row(NamedTuple):
    """An index's raw answer for one document; the detector turns it into a `Decision`."""

    id: str
    duplicate_of: str | None
    cluster: str | None
    matches: int  # signature positions agreeing with the original
    size: int  # distinct shingles of this document
    original_size: int
    indexed: bool
    reason: str | None


def published_ts(value: str | None) -> float:
    """ISO 8601 text -> POSIX seconds; missing or unreadable -> `UNDATED`."""
    if not value:
        return UNDATED
    text = value.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return UNDATED
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()
