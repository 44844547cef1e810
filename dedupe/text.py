"""Text normalisation and tokenising: page furniture out, one hash per word, vectorised.

Copies of a wire story differ in the lines around the story (photo credits, "Also read" links,
"(With inputs from UNI)") and in the dateline. Those lines are removed before shingling so they neither
hide a copy nor make two different stories look alike.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

import numpy as np

# Lines that are page furniture, not story text (checked on each line, case-insensitive).
_FURNITURE = re.compile(
    r"""^\s*(?:
        (?:image|images|photo|photos|picture|pic|file\ photo|representational\ image|representative\ image
          |credit|credits|courtesy|source|video|graphic|illustration)\s*(?:[:|/-]|credit)
      | \(?\s*(?:with\ (?:additional\ )?inputs?\ from|inputs?\ from|edited\ by|written\ by|reporting\ by
          |additional\ reporting|compiled\ by)\b
      | (?:also\ read|read\ also|read\ more|must\ read|related|watch|follow\ us|subscribe|share\ this|share\ on
          |click\ here|advertisement|print|top\ pick|trending|recommended|more\ from)\b
      | (?:\(?\s*(?:getty\ images|ap\ photo|reuters|afp|uni|pti|ians|anadolu\ agency)\s*\)?\s*$)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A dateline opening the first line: "Kyiv (JEN): ", "(NEW YORK) -- ", "NEW DELHI, March 3 (PTI) - ".
_DATELINE = re.compile(r"^\s*(?:[^\W\d_][^()\n]{0,40}?\s*)?\([^()\n]{1,30}\)\s*(?::|—|–|-{1,2})\s*")
# Captions that leak into a paragraph ("... ceasefire. Image: UNI") and file-name fragments.
_INLINE_CAPTION = re.compile(r"\b(?:image|photo)\s*:\s*[^.\n]{0,60}$", re.IGNORECASE)
_INLINE_FILENAME = re.compile(r"[\w./-]*\d{6,}\.(?:jpe?g|png|webp|gif)\)?", re.IGNORECASE)
SHORT_LINE_WORDS = 5  # shorter lines are labels, captions or headlines, not story paragraphs


def _punctuation_table() -> dict[int, int]:
    """Map every punctuation, symbol, separator and control character to a space."""
    table = {}
    for cp in range(0x3000):
        cat = unicodedata.category(chr(cp))
        if cat[0] in "PSZC" and chr(cp) != " ":
            table[cp] = 32
    return table


_PUNCT = _punctuation_table()


def clean_lines(text: str) -> str:
    """Drop furniture lines, leaked captions and the dateline; return the story text."""
    text = unicodedata.normalize("NFKC", text)
    kept: list[str] = []
    for line in text.splitlines():
        low = line[-80:].lower()
        if "image" in low or "photo" in low:  # cheap test first: the regexes are slow on long lines
            line = _INLINE_CAPTION.sub(" ", line)
        if "." in line and ("jp" in line or "png" in line or "gif" in line or "webp" in line):
            line = _INLINE_FILENAME.sub(" ", line)
        line = line.strip()
        if not line or line.count(" ") < SHORT_LINE_WORDS - 1 or _FURNITURE.match(line):
            continue
        if not kept:
            line = _DATELINE.sub("", line, count=1)
        kept.append(line)
    return "\n".join(kept)


_FIGURE = re.compile(r"\d[\d,.]*\d")  # two or more characters: single digits are not figures
_FIGURE_ASCII = re.compile(r"[0-9][0-9,.]*[0-9]")  # the same on ASCII text, and a third faster to scan
FIGURE_BITS = 256


def figure_mask(cleaned: str) -> bytes:
    """The figures of a text (numbers of two or more characters, "505,000" = "505000") as a 256-bit set.

    Reports from one agency template differ in exactly these; copies of one story keep them.
    """
    mask = 0
    for f in (_FIGURE_ASCII if cleaned.isascii() else _FIGURE).findall(cleaned):
        mask |= 1 << (zlib.crc32(f.replace(",", "").encode()) % FIGURE_BITS)
    return mask.to_bytes(FIGURE_BITS // 8, "little")


def words(text: str) -> str:
    """Lower-case, punctuation replaced by spaces (a word is then any run of non-space bytes)."""
    return text.lower().translate(_PUNCT)


# --- vectorised word hashing -------------------------------------------------------------------------
# Each word gets a 64-bit polynomial hash computed with prefix sums over the UTF-8 bytes, so no Python
# code runs per word (a per-word loop costs ~200 µs per 500-word text; this costs ~20 µs).
_BASE = np.uint64(0x100000001B3)  # odd, hence invertible modulo 2**64
_BASE_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_pow_cache: dict[str, np.ndarray] = {}


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    cur = _pow_cache.get("p")
    if cur is None or len(cur) < n:
        size = max(n, 2 * len(cur) if cur is not None else 1 << 14)
        with np.errstate(over="ignore"):
            p = np.cumprod(np.full(size, _BASE, dtype=np.uint64), dtype=np.uint64)
            p = np.concatenate(([np.uint64(1)], p[:-1]))
            pinv = np.cumprod(np.full(size, _BASE_INV, dtype=np.uint64), dtype=np.uint64)
            pinv = np.concatenate(([np.uint64(1)], pinv[:-1]))
        _pow_cache["p"], _pow_cache["pinv"] = p, pinv
    return _pow_cache["p"], _pow_cache["pinv"]


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over the output."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def word_hashes(normalised: str) -> np.ndarray:
    """One 64-bit hash per word of a `words()` string, in order."""
    return word_hashes_at(normalised.encode("utf-8"))[0]


def word_hashes_at(data_bytes: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Word hashes of UTF-8 `words()` bytes, and the byte offset where each word starts."""
    data = np.frombuffer(data_bytes, dtype=np.uint8)
    empty = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
    if data.size == 0:
        return empty
    is_word = data != 32
    edges = np.diff(np.concatenate(([False], is_word, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if starts.size == 0:
        return empty
    p, pinv = _powers(data.size + 1)
    with np.errstate(over="ignore"):
        weighted = (data.astype(np.uint64) + np.uint64(1)) * p[: data.size]
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(weighted, dtype=np.uint64)))
        raw = (prefix[ends] - prefix[starts]) * pinv[starts]
        # mix in the length so that a hash of "ab" and of "a"+"b" never coincide by construction
        return _mix64(raw + (ends - starts).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)), starts


# Function words: a shingle made only of these ("one of the", "it is a") appears in unrelated texts.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such
than that the their theirs them themselves then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your yours yourself
said says say told according s t its it's new one two three also
""".split())


def _stop_table() -> tuple[np.ndarray, np.uint64]:
    """A direct-mapped table of stopword hashes, sized so no two stopwords share a slot."""
    hashes = word_hashes(" ".join(sorted(STOPWORDS)))
    size = 1024
    while len(set((hashes & np.uint64(size - 1)).tolist())) < hashes.size:
        size *= 2
    table = np.zeros(size, dtype=np.uint64)  # 0 never equals a real word hash in practice
    table[(hashes & np.uint64(size - 1)).astype(np.int64)] = hashes
    return table, np.uint64(size - 1)


_STOP_TABLE, _STOP_MASK = _stop_table()


def is_stopword(hashes: np.ndarray) -> np.ndarray:
    """Boolean mask: which word hashes are function words (one table probe per word)."""
    return _STOP_TABLE[(hashes & _STOP_MASK).astype(np.int64)] == hashes

