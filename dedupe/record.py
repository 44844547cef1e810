"""A document as the decision rules see it, and its sketch as stored in the index (``rec:{h/128}``).

Layout of a stored sketch: `RecordHeader` (published, token and figure counts, band count), the band
values (u32), the shingles (u16, document order), the quote bits (one per token), the figures'
positions (u16) and values (u16).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from dedupe.keys import FORMATS, RecordHeader, pack, unpack
from dedupe.sketch import Sketch

_HEADER = struct.calcsize(FORMATS["RecordHeader"])


@dataclass(frozen=True)
class Stored:
    """An indexed document: handle, id, publication time (POSIX seconds) and sketch."""

    handle: int
    id: str
    published: float
    sketch: Sketch

    @property
    def key(self) -> tuple[float, bytes]:
        """Publication order: earlier first, ties by id (code points). Decisions follow this order."""
        return self.published, self.id.encode("utf-8", "surrogatepass")


def encode(sketch: Sketch, published: float) -> bytes:
    where = np.flatnonzero(sketch.figures).astype("<u2")
    header = RecordHeader(published, sketch.size, where.size, sketch.bands.size)
    return b"".join((pack(header), sketch.bands.astype("<u4").tobytes(), sketch.shingles.astype("<u2").tobytes(),
                     np.packbits(sketch.quoted).tobytes(), where.tobytes(),
                     sketch.figures[where].astype("<u2").tobytes()))


def decode(handle: int, doc_id: str, raw: bytes, shingle_size: int) -> Stored:
    header = unpack("RecordHeader", raw[:_HEADER])
    assert isinstance(header, RecordHeader)
    n, nf, nb = header.tokens, header.figures, header.bands
    at = _HEADER
    bands = np.frombuffer(raw, dtype="<u4", count=nb, offset=at)
    at += 4 * nb
    n_sh = max(n - shingle_size + 1, 0)
    shingles = np.frombuffer(raw, dtype="<u2", count=n_sh, offset=at)
    at += 2 * n_sh
    qbytes = (n + 7) // 8
    quoted = np.unpackbits(np.frombuffer(raw, dtype=np.uint8, count=qbytes, offset=at))[:n].astype(bool)
    at += qbytes
    where = np.frombuffer(raw, dtype="<u2", count=nf, offset=at)
    values = np.frombuffer(raw, dtype="<u2", count=nf, offset=at + 2 * nf)
    figures = np.zeros(n, dtype=np.uint16)
    figures[where] = values
    sketch = Sketch(bands.astype(np.uint32), shingles.astype(np.uint16), quoted, figures, b"")
    return Stored(handle, doc_id, header.published, sketch)
