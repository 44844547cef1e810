"""Tunable dedup parameters; defaults are chosen by measurement (see bench/dedupe_eval.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DedupeParams:
    shingle_size: int = 3
    num_perm: int = 128
    bands: int = 32
    min_tokens: int = 40  # texts shorter than this are stored but not indexed
    jaccard_threshold: float = 0.3
    containment_threshold: float = 0.5
