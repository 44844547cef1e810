"""Text normalisation and tokenising: page furniture out, one hash per word, vectorised.

`tokenize` turns a batch of texts into the content tokens the sketches are built from: function words
dropped, runs of figures folded into one token that remembers its value, and every token marked when
it stands inside a quotation (see `mark_quotes`).

Copies of a wire story differ in the lines around the story (photo credits, "Also read" links,
"(With inputs from UNI)") and in the dateline. Those lines are removed before shingling so they neither
hide a copy nor make two different stories look alike.
"""

from __future__ import annotations

import re
import unicodedata

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
# First words of every furniture alternative above: a line starting with none of them is not furniture,
# and the regex (slow on long lines) is not run on it.
_FURNITURE_STARTS = tuple("""image photo picture pic file representational representative credit courtesy source
    video graphic illustration with input edited written reporting additional compiled also read must related watch
    follow subscribe share click advertisement print top trending recommended more getty ap reuters afp uni pti ians
    anadolu""".split())
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
        if not line or line.count(" ") < SHORT_LINE_WORDS - 1:
            continue
        if line.lstrip("( ")[:14].lower().startswith(_FURNITURE_STARTS) and _FURNITURE.match(line):
            continue
        if not kept:
            line = _DATELINE.sub("", line, count=1)
        kept.append(line)
    return "\n".join(kept)


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


# Finalisers (xorshift-multiply, three shifts and two odd multipliers) that spread every input bit over the
# output: splitmix64's for word and shingle hashes, MurmurHash3's 32-bit one as datasketch's affine32 uses.
SPLITMIX64 = tuple(np.uint64(v) for v in (30, 0xBF58476D1CE4E5B9, 27, 0x94D049BB133111EB, 31))
FMIX32 = tuple(np.uint32(v) for v in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))


def finalise(x: np.ndarray, constants: tuple = SPLITMIX64) -> np.ndarray:
    """Apply a finaliser (``constants``: shift, multiplier, shift, multiplier, shift) element-wise."""
    s1, m1, s2, m2, s3 = constants
    with np.errstate(over="ignore"):
        x = (x ^ (x >> s1)) * m1
        x = (x ^ (x >> s2)) * m2
        return x ^ (x >> s3)


def word_hashes(normalised: str) -> np.ndarray:
    """One 64-bit hash per word of a `words()` string, in order."""
    return word_hashes_at(normalised.encode("utf-8"))[0]


def word_hashes_at(data_bytes: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word hashes of UTF-8 `words()` bytes, and the byte offsets where each word starts and ends."""
    data = np.frombuffer(data_bytes, dtype=np.uint8)
    empty = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
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
        weighted = data.astype(np.uint64)
        weighted += np.uint64(1)
        weighted *= p[: data.size]
        prefix = np.zeros(data.size + 1, dtype=np.uint64)
        np.cumsum(weighted, out=prefix[1:])
        raw = (prefix[ends] - prefix[starts]) * pinv[starts]
        # mix in the length so that a hash of "ab" and of "a"+"b" never coincide by construction
        return finalise(raw + (ends - starts).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)), starts, ends


# Function words: a shingle made only of these ("one of the", "it is a") appears in unrelated texts.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such
than that the their theirs them themselves then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your yours yourself
said says say told according s t its it's new one two three also
rs usd inr us mr ms mrs
""".split())  # the last line: currency and title words that copies spell differently (₹95 / Rs 95)


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



# --- quotations ---------------------------------------------------------------------------------------
# Other outlets' own stories on one event quote the same statements, so quoted words are weak evidence of
# copying. Quotes are marked in the text with two marker words before tokenising; each token then knows
# whether it stands inside a quotation without any per-word Python.
QUOTE_OPEN = "qqqopenqqq"
QUOTE_CLOSE = "qqqcloseqqq"
_QUOTE_MARK = re.compile('["\u201c\u201d]')


def mark_quotes(cleaned: str) -> str:
    """Wrap quoted passages in marker words. Curly quotes open and close; a straight quote toggles; a
    quotation still open at the end of a paragraph ends there (multi-paragraph quotes reopen each one)."""
    if '"' not in cleaned and "\u201c" not in cleaned and "\u201d" not in cleaned:
        return cleaned
    lines = []
    for line in cleaned.split("\n"):
        parts, quoted, last = [], False, 0
        for m in _QUOTE_MARK.finditer(line):
            mark = m.group()
            now = True if mark == "\u201c" else False if mark == "\u201d" else not quoted
            parts.append(line[last : m.start()])
            if now != quoted:
                parts.append(f" {QUOTE_OPEN} " if now else f" {QUOTE_CLOSE} ")
            quoted, last = now, m.end()
        parts.append(line[last:])
        if quoted:
            parts.append(f" {QUOTE_CLOSE} ")
        lines.append("".join(parts))
    return "\n".join(lines)


_MARKERS = word_hashes(f"{QUOTE_OPEN} {QUOTE_CLOSE}")
_DIGITS = np.zeros(256, dtype=np.int32)
_DIGITS[ord("0") : ord("9") + 1] = 1
FIGURE_TOKEN = np.uint64(0x5F1E5F1E5F1E5F1E)  # the masked stand-in for any figure


class Tokens:
    """Content tokens of a batch of texts, flat arrays with per-text bounds.

    ``masked`` holds one 64-bit hash per token with every figure replaced by `FIGURE_TOKEN`; ``figure``
    holds the figure's own value hash (0 for words); ``quoted`` marks tokens inside quotations. Token
    ``doc`` says which text a token belongs to; ``words`` counts every word of each text before function
    words were dropped.
    """

    def __init__(self, masked: np.ndarray, figure: np.ndarray, quoted: np.ndarray, doc: np.ndarray,
                 n_texts: int, words: np.ndarray) -> None:
        self.masked, self.figure, self.quoted, self.doc = masked, figure, quoted, doc
        self.bounds = np.searchsorted(doc, np.arange(n_texts + 1))
        self.words = words


def tokenize(cleaned_texts: list[str]) -> Tokens:
    """Content tokens of already cleaned texts (see `clean_lines`), all texts in one vectorised pass."""
    encoded = [words(mark_quotes(t)).encode("utf-8", "replace") for t in cleaned_texts]
    lengths = np.fromiter((len(e) + 1 for e in encoded), dtype=np.int64, count=len(encoded))
    doc_start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    data = b" ".join(encoded)
    hashes, starts, ends = word_hashes_at(data)
    tok_doc = np.searchsorted(doc_start, starts, side="right") - 1
    is_open, is_close = hashes == _MARKERS[0], hashes == _MARKERS[1]
    level = np.cumsum(is_open.astype(np.int64)) - np.cumsum(is_close.astype(np.int64))
    marker = is_open | is_close
    words_per_text = np.bincount(tok_doc[~marker], minlength=len(encoded))
    # a word is a figure when it holds a digit (prefix sums over the bytes: no Python per word)
    digit_prefix = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum(_DIGITS[np.frombuffer(data, dtype=np.uint8)], out=digit_prefix[1:])
    is_figure = (digit_prefix[ends] - digit_prefix[starts]) > 0
    # a run of figures ("73,648.62" is three words) becomes one token whose value is the run's; runs are
    # found before function words go, so "0.52% to 24,466.85" stays two figures
    keep = ~marker
    hashes, tok_doc, level, is_figure = hashes[keep], tok_doc[keep], level[keep], is_figure[keep]
    run_start = is_figure & ~(np.concatenate(([False], is_figure[:-1])) & (np.concatenate(([-1], tok_doc[:-1]))
                                                                           == tok_doc))
    run_id = np.cumsum(run_start) - 1
    value = np.zeros(hashes.size, dtype=np.uint64)
    if is_figure.any():
        run_value = np.zeros(int(run_id.max()) + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            np.add.at(run_value, run_id[is_figure], hashes[is_figure])
        value[run_start] = run_value[run_id[run_start]] | np.uint64(1)
    keep = (~is_figure & ~is_stopword(hashes)) | run_start
    masked = np.where(is_figure, FIGURE_TOKEN, hashes)[keep]
    return Tokens(masked, value[keep], level[keep] > 0, tok_doc[keep], len(encoded), words_per_text)
