"""Tunable dedup parameters; defaults are chosen by measurement (see bench/dedupe_eval.py).

Every field here is also a valid key of the ``dedupe:`` section of config/settings.yaml
(crawler/config.py validates the section against these field names).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class DedupeParams:
    """How texts are shingled, sketched, bucketed and judged.

    A pair of documents is a copy when its estimated Jaccard similarity reaches
    ``jaccard_threshold`` or the estimated containment of the shorter text in the longer reaches
    ``containment_threshold``. Candidates come from ``bands`` LSH bands of ``rows`` signature values.
    """

    shingle_size: int = 2  # words per shingle (word pairs found most loose copies, bench/dedupe_eval.py)
    num_perm: int = 128  # signature length (16-bit min-hash values)
    bands: int = 32  # LSH bands; bands * rows signature values feed the index
    rows: int = 2  # values per band; small rows find loose copies (Jaccard ~0.2)
    min_tokens: int = 40  # texts with fewer words are recorded but not indexed
    jaccard_threshold: float = 0.3
    containment_threshold: float = 0.6
    # Agency-template reports (daily pollution, case counts) share boilerplate but not their figures:
    # when both texts carry at least `min_figures` distinct figures and fewer than this share of the
    # smaller set of figures is shared, the pair is not a copy. 0 switches the test off.
    figure_containment: float = 0.75
    min_figures: int = 5
    min_shingles: int = 25  # fewer distinct informative shingles than this: not indexed
    drop_stopword_shingles: bool = True  # shingles made only of function words say nothing about copying
    seed: int = 1  # seeds the hash functions; every process sharing an index must use the same

    def __post_init__(self) -> None:
        def need(ok: bool, name: str, expected: str) -> None:
            if not ok:
                raise ValueError(f"dedupe.{name}: got {getattr(self, name)!r}, expected {expected}")

        for name in ("shingle_size", "num_perm", "bands", "rows", "min_tokens", "min_shingles", "min_figures", "seed"):
            value = getattr(self, name)
            need(isinstance(value, int) and not isinstance(value, bool), name, "a whole number")
        need(1 <= self.shingle_size <= 8, "shingle_size", "1 to 8")
        need(8 <= self.num_perm <= 512, "num_perm", "8 to 512")
        need(1 <= self.rows <= 16, "rows", "1 to 16")
        need(1 <= self.bands <= 255, "bands", "1 to 255")
        need(self.bands * self.rows <= self.num_perm, "bands", f"bands * rows <= num_perm ({self.num_perm})")
        need(self.min_tokens >= 1, "min_tokens", ">= 1")
        need(self.min_shingles >= 1, "min_shingles", ">= 1")
        for name in ("jaccard_threshold", "containment_threshold"):
            value = getattr(self, name)
            need(isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1.01,
                 name, "a number in (0, 1] (values above 1 switch the test off)")
        need(isinstance(self.figure_containment, int | float) and not isinstance(self.figure_containment, bool)
             and 0 <= self.figure_containment <= 1, "figure_containment", "a number in [0, 1] (0 = off)")
        need(self.min_figures >= 1, "min_figures", ">= 1")
        need(isinstance(self.drop_stopword_shingles, bool), "drop_stopword_shingles", "true or false")

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> DedupeParams:
        """Build from the ``dedupe:`` config section (unknown keys raise ``TypeError``)."""
        return cls(**(section or {}))

    def fingerprint(self) -> str:
        """All parameters as one string. Stored decisions depend on every one of them, so an index
        refuses a Detector whose parameters differ from those it was built with."""
        return ",".join(f"{k}={v}" for k, v in sorted(asdict(self).items()))
