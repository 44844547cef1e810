"""Tunable dedup parameters; defaults are chosen by measurement on real copies (bench/dedupe_eval.py).

Every field here is also a valid key of the ``dedupe:`` section of config/settings.yaml
(crawler/config.py validates the section against these field names).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class DedupeParams:
    """How texts are shingled, sketched, bucketed and judged (see dedupe/verify.py and dedupe/engine.py).

    Candidates come from ``bands`` LSH bands of ``rows`` datasketch MinHash values over content
    shingles; each candidate is verified on the word runs the two texts share.
    """

    shingle_size: int = 4  # content words per shingle (about eight words of running text)
    num_perm: int = 32  # MinHash permutations (datasketch); bands * rows of them feed the LSH index
    bands: int = 32
    rows: int = 1  # one minimum per band: a band is shared with probability = Jaccard (loose copies ~0.1)
    min_tokens: int = 40  # texts with fewer words are recorded but not indexed
    min_shingles: int = 25  # fewer distinct content shingles than this: not indexed
    # A pair is a copy when, in the window the two texts share (from the first to the last shared run,
    # plus `tail_weight` times the text both still carry after it), the shared runs fill at least
    # `containment_threshold`; or when their overall (Jaccard) overlap reaches `jaccard_threshold`.
    containment_threshold: float = 0.3
    jaccard_threshold: float = 0.5
    weak_containment: float = 0.25  # evidence that counts only beside a verified copy of another member
    min_shared: int = 20  # shared content words (weighted) below this are a quote or a phrase, not a copy
    quote_weight: float = 0.25  # weight of shared words inside quotations (other stories quote them too)
    tail_weight: float = 2.0  # both texts going on with other words after the shared part: a template intro
    figure_disagreements: int = 3  # this many figures that differ in shared sentences: a template report
    # Words a document shares with n earlier neighbours of other stories weigh 1 / (1 + rarity * n):
    # boilerplate (a template's background paragraph, a series intro) recurs across stories.
    rarity: float = 1.0
    max_days_apart: int = 7  # two dated pages further apart are other days' stories (0: no date rule)
    bucket_cap: int = 64  # an LSH bucket holding this many documents takes no more (it is still read)
    max_candidates: int = 24  # earlier documents verified per document (those sharing the most bands)
    seed: int = 1  # seeds the hash functions; every process sharing an index must use the same

    def __post_init__(self) -> None:
        def need(ok: bool, name: str, expected: str) -> None:
            if not ok:
                raise ValueError(f"dedupe.{name}: got {getattr(self, name)!r}, expected {expected}")

        ints = ("shingle_size", "num_perm", "bands", "rows", "min_tokens", "min_shingles", "min_shared",
                "figure_disagreements", "max_days_apart", "bucket_cap", "max_candidates", "seed")
        for name in ints:
            value = getattr(self, name)
            need(isinstance(value, int) and not isinstance(value, bool), name, "a whole number")
        need(1 <= self.shingle_size <= 8, "shingle_size", "1 to 8")
        need(8 <= self.num_perm <= 512, "num_perm", "8 to 512")
        need(1 <= self.rows <= 16, "rows", "1 to 16")
        need(1 <= self.bands <= 64, "bands", "1 to 64")
        need(self.bands * self.rows <= self.num_perm, "bands", f"bands * rows <= num_perm ({self.num_perm})")
        need(self.min_tokens >= 1, "min_tokens", ">= 1")
        need(self.min_shingles >= 1, "min_shingles", ">= 1")
        need(self.min_shared >= 1, "min_shared", ">= 1")
        need(self.figure_disagreements >= 1, "figure_disagreements", ">= 1")
        need(0 <= self.max_days_apart <= 3650, "max_days_apart", "0 (off) to 3650")
        need(2 <= self.bucket_cap <= 255, "bucket_cap", "2 to 255")
        need(1 <= self.max_candidates <= 64, "max_candidates", "1 to 64")
        for name in ("jaccard_threshold", "containment_threshold", "weak_containment"):
            value = getattr(self, name)
            need(_number(value) and 0 < value <= 1.01, name, "a number in (0, 1] (values above 1 switch the test off)")
        for name in ("quote_weight", "rarity", "tail_weight"):
            value = getattr(self, name)
            need(_number(value) and 0 <= value <= 10, name, "a number in [0, 10]")

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> DedupeParams:
        """Build from the ``dedupe:`` config section (unknown keys raise ``TypeError``)."""
        return cls(**(section or {}))

    def fingerprint(self) -> str:
        """All parameters as one string. Stored sketches and decisions depend on them, and every process
        sharing an index must decide alike, so an index refuses a Detector whose parameters differ."""
        return ",".join(f"{k}={v}" for k, v in sorted(asdict(self).items()))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
