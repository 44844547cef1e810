"""Clean-up shared by every parser: input guards, text comparison, captions, sidebars, dates, datelines.

Every decision about furniture (captions, alt texts, file names, sidebar headlines) is made by comparing
normalised TEXT, not by looking for one class name, so a template change does not bring the junk back.
Parsers collect candidate blocks and the facts they know (images, headline, sidebar links) and hand them
to `judge_blocks` (a verdict per block) and `apply_verdicts`, which keeps the article's paragraphs and
writes every removal to the audit trail.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import SplitResult, urljoin, urlsplit

from crawler.cleaner.record import CleanRecord, ImageRecord, Removal
from crawler.urls import LISTING_PATH, NEW_ARTICLE_PATH, NOT_LINK_PREFIXES, OLD_ARTICLE_PATH, PRINT_PATH

# Pages above this many characters are trimmed before parsing, so memory stays bounded whatever arrives.
MAX_INPUT_CHARS = 5_000_000
# ... and above this many tags: parse time and tree memory grow with the element count, and a real
# article page has a few thousand at most (100,000 sidebar links would otherwise take seconds each).
MAX_INPUT_TAGS = 20_000
_TAG_START = re.compile(r"<[A-Za-z]")  # start tags: end tags and comments add no elements
IST = timezone(timedelta(hours=5, minutes=30))

# --- input guards --------------------------------------------------------------------------------------

_CHARSET_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
# Typical UTF-8-read-as-cp1252/latin-1 sequences: "â€™", "Ã©", "Â ".
_MOJIBAKE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                       "\u0192\u02c6\u02dc\u2010-\u203a\u20ac\u2122]")


def decode_bytes(data: bytes) -> str:
    """Bytes to text. Valid UTF-8 wins over any declared charset, because pages often lie about theirs."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if m := _CHARSET_META.search(data[:4096]):
        try:
            return data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


def _unmojibake_run(match: re.Match[str]) -> str:
    run = match.group(0)
    for codec in ("cp1252", "latin-1"):
        try:
            return run.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return run


# A run of characters that could be UTF-8 bytes shown as cp1252 (lead byte + continuation bytes).
_MOJIBAKE_RUN = re.compile("(?:[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                           "\u02c6\u02dc\u2010-\u203a\u20ac\u2122]{1,3})+")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded with a wrong (declared) charset: "didnâ€™t" -> "didn’t"."""
    # Every mojibake run starts with "Â", "Ã" or "â"; looking for those three is ~100x cheaper than the regex.
    if ("\u00c2" not in text and "\u00c3" not in text and "\u00e2" not in text) or not _MOJIBAKE.search(text):
        return text
    return _MOJIBAKE_RUN.sub(_unmojibake_run, text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20)])


def _count_control(sample: str) -> int:
    """``len(_CONTROL.findall(sample))``, four times faster: in UTF-8 a byte below 0x20 is always that
    character (multi-byte sequences use bytes from 0x80 up), so C-level byte deletion counts them."""
    data = sample.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _CONTROL_BYTES)) + sample.count("\ufffd")


def prepare_input(html: str | bytes | None) -> tuple[str, list[str], bool]:
    """Make any input safe to parse: text, trimmed to `MAX_INPUT_CHARS`, mojibake repaired.

    Returns ``(html, problems, fatal)``; ``fatal`` means there is nothing worth parsing (empty, binary).
    """
    problems: list[str] = []
    if html is None:
        return "", ["empty input"], True
    if isinstance(html, bytes | bytearray):
        if len(html) > MAX_INPUT_CHARS * 4:
            html = bytes(html[: MAX_INPUT_CHARS * 4])
        html = decode_bytes(bytes(html))
    if len(html) > MAX_INPUT_CHARS:
        problems.append(f"input of {len(html):,} characters trimmed to {MAX_INPUT_CHARS:,}")
        html = html[:MAX_INPUT_CHARS]
    if html.count("<") > MAX_INPUT_TAGS:
        cut = _nth_tag_start(html, MAX_INPUT_TAGS)
        if cut is not None:
            problems.append(f"input trimmed at its {MAX_INPUT_TAGS:,}th start tag (character {cut:,})")
            html = html[:cut]
    if not html.strip():
        return "", ["empty input"], True
    sample = html[:8192]
    bad = _count_control(sample)
    if bad > len(sample) * 0.05 or "<" not in sample:
        return "", [*problems, f"binary or non-HTML content ({bad} control characters in the first "
                                f"{len(sample)})"], True
    if "\x00" in html:
        html = html.replace("\x00", "")
    html = repair_mojibake(html)
    return html, problems, False


def _nth_tag_start(html: str, n: int) -> int | None:
    """Offset of the `n`-th start tag, or None."""
    for count, match in enumerate(_TAG_START.finditer(html), start=1):
        if count == n:
            return match.start()
    return None


def looks_truncated(html: str) -> bool:
    """A page cut off in transit has no closing ``</html>`` / ``</body>`` near its end."""
    tail = html[-2048:].lower()
    return "</html>" not in tail and "</body>" not in tail


# --- text comparison -----------------------------------------------------------------------------------

_WS = re.compile(r"\s+")
# White space `clean_ws` must rewrite, apart from a double space (tested with `in`: an alternation in the
# pattern would make the regex engine try both branches at every character).
_NEEDS_WS = re.compile("[\t\n\r\f\v\u00a0\u200b]")
_NON_WORD = re.compile(r"[\W_]+")


def clean_ws(text: str) -> str:
    """Collapse runs of white space (incl. non-breaking spaces) to one space, strip the ends."""
    if "  " not in text and not _NEEDS_WS.search(text):  # the common case, much cheaper than a substitution
        return text.strip()
    return _WS.sub(" ", text.replace("\u00a0", " ").replace("\u200b", "")).strip()


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", text).strip()


# The same short strings (headline, captions, alt texts, link texts) are compared again and again.
_norm_short = lru_cache(maxsize=8192)(_norm)


def norm(text: str) -> str:
    """Comparison key: NFKC, case-folded, punctuation and quotes dropped, single spaces."""
    # Only short plain strings are cached, so the cache stays small whatever pages come in (and never holds
    # on to a parse tree through a bs4 string).
    if type(text) is not str:
        text = str(text)
    return _norm_short(text) if len(text) <= 300 else _norm(text)


def clear_caches() -> None:
    """Empty the `norm` cache and the link verdicts (see `crawler.cleaner.clear_caches`)."""
    _norm_short.cache_clear()
    is_story_link.cache_clear()
    _split.cache_clear()


# File names leaking as text: "-1646347542.jpg)", "ukraine-talks-1646347542.jpg", "/news_pic/2022/ab12.png".
FILE_NAME = re.compile(r"[\w./%-]*\.(?:jpe?g|png|gif|webp|avif|bmp|svg)\)?(?=\W|$)", re.I)
# Captions written as a credit line: "Image: UNI", "Photo courtesy: X", "Representational image: X".
CAPTION_PREFIX = re.compile(
    r"^(?:(?:representational|representative|file|lead|featured)\s+)?(?:image|photo|picture|pic|photograph|"
    r"file photo|visual)s?(?:\s+(?:courtesy|credit|credits|source))?\s*(?:[:|–—-]|courtesy\b|by\b)\s*"
    r"|^(?:courtesy|credit|credits|source)\s*[:|–—-]\s*",
    re.I,
)
# Unreplaced template placeholders on print pages: "{image_1}", "{{ image_2 }}".
PLACEHOLDER = re.compile(r"\{\{?\s*[a-z_]+\d*\s*\}?\}", re.I)
# A ticker line above the headline on print pages.
TICKER = re.compile(r"^(?:top pick|breaking|breaking news|trending|latest|just in|flash)\s*[:|–—-]", re.I)
# Labels that introduce a list of other stories ("Also read:", "Related stories", "Trending now").
_RELATED_LABELS = (
    "also read", "read also", "read more", "more from", "related stories", "related news", "related articles",
    "related posts", "related", "you may also like", "recommended", "latest news", "latest stories", "latest",
    "top stories", "trending now", "trending", "more stories", "popular", "most read", "don't miss", "dont miss",
    "see also", "also see", "suggested", "share this", "share on",
)
RELATED_LABEL = re.compile(
    "^(?:" + "|".join(re.escape(label) for label in sorted(_RELATED_LABELS, key=len, reverse=True)) + r")\b\W*", re.I)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# A line that is only a date (and time): "March 2, 2022", "Posted on 03 Mar 2022, 04:05 pm", "2022-03-02".
DATE_LINE = re.compile(
    r"^(?:(?:posted|published|updated|last updated)(?:\s+on)?\s*:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?$",
    re.I,
)
COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s*\d{4})|all rights reserved\.?$", re.I)
SHARE_WORDS = frozenset(norm(w) for w in (
    "print", "share", "tweet", "email", "whatsapp", "facebook", "twitter", "linkedin", "telegram",
    "copy link", "advertisement", "advertisements", "sponsored", "comments", "subscribe",
))
# News agencies whose names count as text credits when they appear as "(UNI)" or "Image: UNI".
AGENCIES = frozenset({
    "UNI", "IANS", "PTI", "ANI", "AFP", "AP", "Reuters", "ABC News", "DPA", "EFE", "Xinhua",
    "Anadolu Agency", "Bloomberg", "TASS", "Kyodo", "Yonhap", "BBC", "CNN", "NNA", "Sputnik",
})
_AGENCY_BY_NORM = {norm(a): a for a in AGENCIES}
# "(AP)" inside running text is as often Andhra Pradesh as the Associated Press: only datelines count.
_TEXT_ONLY_EXCLUDED = frozenset({"AP"})
# A credit at the end of a descriptive caption: "Cattle in Kenya. Photo: AP", "… | Image: UNI".
_TRAILING_CREDIT = re.compile(
    r"(?:^|[.;!?]\s+|\s[|–—-]\s*)(?:photo|image|picture|pic|photograph|credit|source)s?(?:\s+courtesy)?\s*:\s*"
    r"(?P<credit>[^.;|]{1,80})\s*$",
    re.I,
)


def caption_credit(caption: str) -> str:
    """The credit part of a caption: "Image: UNI" -> "UNI", "Photo courtesy: Twitter/@x" -> "Twitter/@x".

    A caption without a credit prefix is returned whole (wire photo captions are usually the credit).
    """
    text = clean_ws(caption)
    if not CAPTION_PREFIX.match(text) and (m := _TRAILING_CREDIT.search(text)):
        return m["credit"].strip()
    stripped = CAPTION_PREFIX.sub("", text, count=1).strip()
    # "Image: Representational/Unsplash" names the source after the qualifier.
    stripped = re.sub(r"^(?:representational|representative|file)\s*(?:image|photo)?\s*[/:|,-]\s*", "",
                      stripped, flags=re.I)
    return stripped or text


def agency_of(credit: str) -> str | None:
    """The agency a credit names outright ("UNI"), or None for a photographer, a tweet, a stock site."""
    return _AGENCY_BY_NORM.get(norm(credit))


def is_caption_line(text: str) -> bool:
    """Short text that reads as a photo credit line ("Image: UNI"), whatever image it belonged to."""
    return len(text) <= 200 and bool(CAPTION_PREFIX.match(text))


# --- dates ---------------------------------------------------------------------------------------------

_BYLINE_DATE = re.compile(
    r"(?P<d>\d{1,2})\s+(?P<m>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})(?:,?\s+(?:at\s+)?(?P<H>\d{1,2})[:.](?P<M>\d{2})"
    r"\s*(?P<ap>[ap]\.?m\.?)?)?",
    re.I,
)
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                           "nov", "dec"))}


def parse_iso(value: str | None, default_tz: timezone | None = None) -> str | None:
    """An ISO 8601 timestamp with its offset, or None if unreadable; naive values get `default_tz`."""
    if not value:
        return None
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        if default_tz is None:
            return None
        dt = dt.replace(tzinfo=default_tz)
    return dt.isoformat()


def parse_byline_date(text: str, tz: timezone = IST, need_time: bool = True) -> str | None:
    """"03 Mar 2022, 04:05 pm" -> "2022-03-03T16:05:00+05:30" (JEN prints local Indian time).

    A date without a time is no publication time: None, unless `need_time` is False (then midnight).
    """
    m = _BYLINE_DATE.search(text)
    if not m or (need_time and m["H"] is None):
        return None
    month = _MONTHS.get(m["m"][:3].lower())
    if month is None:
        return None
    hour, minute = int(m["H"] or 0), int(m["M"] or 0)
    if m["ap"]:
        pm = m["ap"].lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    try:
        return datetime(int(m["y"]), month, int(m["d"]), hour, minute, tzinfo=tz).isoformat()
    except ValueError:
        return None


# --- datelines and text credits ------------------------------------------------------------------------

# "Kyiv (JEN): ", "New Delhi (UNI): ", "KYIV, March 3 (Reuters) - "
_DATELINE_AGENCY = re.compile(
    r"^(?P<place>[A-Z][\w.'’ -]{0,40}?)(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?\s*\((?P<agency>[A-Za-z][\w .]{0,20})\)"
    r"(?:\s*[:—–-]\s|\s+(?=[A-Z\"“‘']))"
)
# "(NEW YORK) — Peace talks ...", "NEW YORK (AP) — ..." is handled above.
_DATELINE_PAREN = re.compile(r"^\((?P<place>[A-Z][A-Za-z.'’ -]{1,40})\)\s*[—–-]+\s")
# "LONDON — Talks ...", "KYIV: ..." (upper-case place name only, so ordinary sentences never match)
_DATELINE_CAPS = re.compile(r"^(?P<place>[A-Z][A-Z.'’ -]{1,40}[A-Z])(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?\s*[—–:]\s")
_TEXT_AGENCY = re.compile(r"\((?P<agency>[A-Z][A-Za-z ]{1,20})\)")


def dateline_of(first_paragraph: str) -> tuple[str | None, str | None]:
    """(place, agency) of a lede's dateline: "Kyiv (JEN): ..." -> ("Kyiv", "JEN")."""
    if m := _DATELINE_AGENCY.match(first_paragraph):
        return m["place"].strip(), m["agency"].strip()
    if m := _DATELINE_PAREN.match(first_paragraph):
        return m["place"].strip(), None
    if m := _DATELINE_CAPS.match(first_paragraph):
        return m["place"].strip(), None
    return None, None


def text_credits(paragraphs: Sequence[str], own: Iterable[str] = ()) -> list[str]:
    """Agencies credited in the text, "(UNI)", in order of first appearance; the outlet's own tag excluded."""
    own_norm = {norm(o) for o in own}
    found: list[str] = []
    for para in paragraphs:
        for m in _TEXT_AGENCY.finditer(para):
            agency = agency_of(m["agency"])
            if agency and agency not in _TEXT_ONLY_EXCLUDED and norm(agency) not in own_norm and agency not in found:
                found.append(agency)
    return found


# --- blocks and the filter -----------------------------------------------------------------------------


@dataclass
class Block:
    """One candidate paragraph, with the facts about its links the sidebar test needs."""

    text: str
    link_chars: int = 0  # characters of text inside <a> elements
    article_links: int = 0  # links to other article pages
    in_list: bool = False  # inside <ul>/<ol>
    list_id: int = 0  # identity of the enclosing list, so a list is judged as a whole
    heading: bool = False


@dataclass
class Known:
    """What the page says about itself, used to recognise furniture by its text."""

    title: str = ""
    images: list[ImageRecord] = field(default_factory=list)
    sidebar_titles: set[str] = field(default_factory=set)  # normalised headlines linked from outside the body
    byline_texts: set[str] = field(default_factory=set)  # normalised byline / date lines


def is_link_block(block: Block) -> bool:
    """Mostly anchor text pointing at other stories: a headline link, not a paragraph with a link in it."""
    if not block.text or block.article_links == 0:
        return False
    return block.link_chars >= 0.7 * len(block.text)


def _strip_phrases(key: str, phrases: Sequence[str]) -> str:
    """Remove every known phrase from a normalised text; what is left is the block's own content."""
    for phrase in phrases:
        if phrase and phrase in key:
            key = re.sub(rf"(?:^| ){re.escape(phrase)}(?= |$)", " ", key)
    return key.strip()


def classify_block(text: str, known: Known, phrases: Sequence[str]) -> str | None:
    """The removal kind of a block that is furniture by its text, or None for an article paragraph."""
    key = norm(text)
    if not key:
        return "furniture"
    if PLACEHOLDER.fullmatch(text.strip()):
        return "placeholder"
    if TICKER.match(text):
        return "ticker"
    if key in SHARE_WORDS:
        return "furniture"
    if key in known.byline_texts or (len(text) <= 60 and DATE_LINE.match(text)):
        return "byline"
    for img in known.images:
        if img.caption and key == norm(img.caption):
            return "caption_duplicate"
    for img in known.images:
        if img.alt and key == norm(img.alt):
            return "alt_text"
    if known.title and key == norm(known.title):
        # The headline again: as an image's alt/title text when one carries it, else page furniture.
        return "alt_text" if any(norm(img.alt) == key for img in known.images) else "furniture"
    if key in known.sidebar_titles:
        return "sidebar_headline"
    # Several known strings run together: "-1646347542.jpg) Image: X", "Alt text Image: UNI". A block longer
    # than all of them together cannot be made of them (and most paragraphs are), so skip the work.
    if len(key) <= sum(len(p) + 1 for p in phrases) + 40:
        without_files = FILE_NAME.sub(" ", text)
        if without_files != text and not norm(without_files):
            return "file_name"
        rest = _strip_phrases(norm(without_files), phrases)
        if not rest:
            return "file_name" if without_files != text else "caption_duplicate"
    if is_caption_line(text):
        return "caption_duplicate"
    if RELATED_LABEL.match(text) and len(text) < 40:
        return "furniture"
    if COPYRIGHT.search(text) and len(text) < 200:
        return "furniture"
    return None


def judge_blocks(blocks: Sequence[Block], known: Known) -> list[str | None]:
    """Per block, the removal kind of furniture, or None for a paragraph of the article."""
    phrases = sorted(
        {norm(p) for img in known.images for p in (img.caption, img.alt, img.credit) if p}
        | ({norm(known.title)} if known.title else set()),
        key=len,
        reverse=True,
    )
    # A list is judged whole: if most of its items are headline links, every item is sidebar.
    list_votes: dict[int, list[bool]] = {}
    for b in blocks:
        if b.in_list:
            list_votes.setdefault(b.list_id, []).append(is_link_block(b))
    sidebar_lists = {lid for lid, votes in list_votes.items() if sum(votes) >= max(1, 0.6 * len(votes))}

    verdicts: list[str | None] = []
    after_label = False  # an "Also read" label turns the following headline links into sidebar
    for b in blocks:
        text = clean_ws(b.text)
        if not text:
            verdicts.append("empty")
            continue
        kind = classify_block(text, known, phrases)
        if kind is None and (is_link_block(b) or (b.in_list and b.list_id in sidebar_lists)):
            kind = "sidebar_headline"
        if kind is None and after_label and b.link_chars and b.link_chars >= 0.5 * len(text):
            kind = "sidebar_headline"
        if kind is not None:
            after_label = (kind == "furniture" and bool(RELATED_LABEL.match(text))) or (
                after_label and kind == "sidebar_headline")
        else:
            after_label = False
        verdicts.append(kind)
    return verdicts


def apply_verdicts(blocks: Sequence[Block], verdicts: Sequence[str | None], record: CleanRecord) -> list[str]:
    """The kept paragraphs, in order; every removed block written to the record's audit trail."""
    kept: list[str] = []
    for b, kind in zip(blocks, verdicts, strict=True):
        text = clean_ws(b.text)
        if kind is None:
            kept.append(text)
        elif kind != "empty":
            record.removed.append(Removal(kind=kind, text=_audit_text(text, b, kind)))
    return kept


# A listing shows other stories' teasers: a headline link, then the story's first lines.
MIN_TEASERS = 3


def listing_reason(blocks: Sequence[Block], verdicts: Sequence[str | None], story_links: int) -> str | None:
    """Why a page that does not call itself an article reads as a listing of other stories; None if not."""
    kept = [b for b, kind in zip(blocks, verdicts, strict=True) if kind is None]
    chars = sum(len(b.text) for b in kept)
    if kept and story_links >= 5 and chars < 400:
        return f"looks like a listing: {story_links} links to stories and {chars} characters of text"
    teasers = sum(1 for i, kind in enumerate(verdicts)
                  if kind is None and i and verdicts[i - 1] == "sidebar_headline")
    if teasers >= MIN_TEASERS and teasers >= 0.5 * len(kept):
        return f"looks like a listing: {teasers} of its {len(kept)} paragraphs follow a headline link"
    return None


def _audit_text(text: str, block: Block, kind: str) -> str:
    if kind == "sidebar_headline":
        # "- Pakistan: ..." list markers and an "Also read:" label are not part of the headline.
        return RELATED_LABEL.sub("", text.lstrip("-•*· "), count=1).strip()
    return text


def dedupe_removed(removed: list[Removal]) -> list[Removal]:
    """The audit keeps each (kind, text) once, in first-seen order."""
    seen: set[tuple[str, str]] = set()
    out = []
    for r in removed:
        if (r.kind, r.text) not in seen:
            seen.add((r.kind, r.text))
            out.append(r)
    return out


def finish(record: CleanRecord, body: list[str], *, truncated: bool, own_tags: Iterable[str] = ()) -> CleanRecord:
    """Fill text, dateline, credits and status from the kept body; the same rules for every parser."""
    record.body = body
    record.text = "\n\n".join(body)
    if body and record.dateline is None:
        place, agency = dateline_of(body[0])
        record.dateline = place
        if agency and agency_of(agency) and agency_of(agency) not in record.credits:
            record.credits.append(agency_of(agency) or agency)
    for agency in text_credits(body, own=own_tags):
        if agency not in record.credits:
            record.credits.append(agency)
    # A wire story run under the agency's name ("ABC News") credits the agency.
    byline_agency = agency_of(record.byline) if record.byline else None
    if byline_agency and byline_agency not in record.credits:
        record.credits.append(byline_agency)
    for img in record.images:
        agency = agency_of(img.credit) if img.credit else None
        if agency and agency not in record.credits:
            record.credits.append(agency)
    record.removed = dedupe_removed(record.removed)
    if record.status == "not_article":
        return record
    if not body:
        record.status = "not_article"
        record.problems.append("no article body found")
        return record
    if truncated:
        record.problems.append("truncated HTML: the page ends without </html>")
    if not record.title:
        record.problems.append("no title")
    if not record.published and not any(p.startswith("no publication") for p in record.problems):
        record.problems.append("no publication date")
    record.status = "partial" if record.problems else "article"
    return record


# Other outlets' article paths: a dated or sectioned path ending in a long slug.
_OTHER_ARTICLE_PATH = re.compile(r"/(?:\d{4}/\d{2}/|news/|story/|article/|sections?/|[a-z-]+/)[^?#]*[a-z0-9-]{16,}")


_split = lru_cache(maxsize=64)(urlsplit)  # the page's own address, split once for all its links


def _path_on_site(href: str, page_url: str, base: SplitResult) -> str | None:
    """The path an href leads to on the page's own site, or None for another site.

    Absolute and root-relative links (nearly all of them) are read with string operations: a page has
    hundreds of links, and joining and splitting each as a URL costs more than the rest of the test.
    """
    if href.startswith("//"):
        href = f"{base.scheme}:{href}"
    if href[:8].lower().startswith(("http://", "https://")):
        host, _, rest = href.split("://", 1)[1].partition("/")
        host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower()
        if host != base.hostname:
            return None
        return "/" + rest.split("#", 1)[0].split("?", 1)[0]
    if href.startswith("/"):
        return href.split("#", 1)[0].split("?", 1)[0]
    target = urlsplit(urljoin(page_url, href))
    return target.path if target.hostname in (None, base.hostname) else None


def story_link(href: str, page_url: str) -> bool:
    """A link to another story on the same site: not to this page, a section, a menu or a file."""
    base = _split(page_url)
    path = _path_on_site(href, page_url, base)
    if path is None or path == base.path:
        return False
    if OLD_ARTICLE_PATH.match(path) or NEW_ARTICLE_PATH.match(path) or PRINT_PATH.match(path):
        return True
    if LISTING_PATH.match(path):
        return False
    # Deep, with a long slug.
    trimmed = path.rstrip("/")
    return bool(_OTHER_ARTICLE_PATH.search(path)) or (trimmed.count("/") >= 2 and len(trimmed.rsplit("/", 1)[-1]) >= 20)


class LinkRule:
    """A parser's answer to "is this href a link to another story?", memoised per (href, page).

    Menus and sidebars repeat the same links on every page of a site, so the answers are remembered;
    hrefs that are not links at all are refused before the rule runs.
    """

    def __init__(self, rule: Callable[[str, str], bool]) -> None:
        self.rule = rule
        self._cached = lru_cache(maxsize=4096)(rule)

    def __call__(self, href: str, page_url: str) -> bool:
        if not href or href.startswith(NOT_LINK_PREFIXES):
            return False
        try:
            return self._cached(str(href), page_url) if len(href) <= 1000 else self.rule(href, page_url)
        except ValueError:  # an href urllib cannot split ("http://[ccpa-preferences]/") links nowhere
            return False

    def cache_clear(self) -> None:
        self._cached.cache_clear()


is_story_link = LinkRule(story_link)
