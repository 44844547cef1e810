"""A labelled set for choosing and checking the dedup settings.

Sources: the replica's stories (`replica.stories.ALL_STORIES`): its syndication clusters as they
are, its same-event and agency-template negatives as they are, and every other story as the original
of generated copies. Copies are made the ways REFERENCE.md §3 says real copies differ: another dateline
and lede, another translation of the quotes, single words swapped, phrases added, paragraphs merged or
dropped, the end trimmed, other photo credits and page furniture, and all of these at once.

Every generated copy shares wording with its original (that is what a copy is); negatives share
names, events or boilerplate but not the story.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from replica.model import Story
from replica.stories import ALL_STORIES


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    published: str
    label: str | None  # true cluster; None = belongs to no cluster
    kind: str  # variant type, "original", "replica_copy", "same_event_negative", "template_negative", "unique"


VARIANTS = ("dateline_lede", "quote_translation", "word_swaps", "added_phrases", "merged_dropped",
            "trimmed", "furniture", "combined", "loose")

SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "government": "administration",
    "minister": "secretary", "people": "persons", "country": "nation", "officials": "authorities",
    "killed": "dead", "big": "large", "large": "big", "major": "key", "help": "assist",
    "meeting": "talks", "talks": "negotiations", "agreed": "consented", "announced": "declared",
    "increase": "rise", "rise": "increase", "fell": "dropped", "rose": "climbed", "city": "town",
    "capital": "city", "week": "seven days", "continue": "keep", "started": "began", "began": "started",
    "before": "prior to", "after": "following", "about": "around", "nearly": "almost", "almost": "nearly",
    "over": "more than", "president": "leader", "police": "cops", "attack": "strike", "war": "conflict",
    "children": "kids", "women": "females", "earlier": "previously", "also": "additionally",
    "because": "as", "however": "but", "important": "significant", "large-scale": "massive",
    "percent": "per cent", "per": "a", "first": "initial", "new": "fresh", "show": "indicate",
    "showed": "indicated", "main": "chief", "help,": "aid,", "reported": "said", "added": "noted",
}
ADDED = ("according to officials", "it is learnt", "sources said", "as per reports", "on the day",
         "in a statement", "or the European Union (EU)", "earlier this week", "in the national capital",
         "meanwhile", "local media reported", "in a significant development")
DATELINES = ("(NEW YORK) — ", "LONDON (Reuters) - ", "New Delhi, March 3 (IANS) ", "WASHINGTON (AP) — ",
             "Kolkata (IBNS): ", "GENEVA: ")
FURNITURE = ("Image: Getty Images", "Photo: UNI", "Image: Anadolu Agency", "Representational image",
             "(With inputs from UNI)", "Follow us on Twitter and Facebook for the latest news",
             "Print", "Advertisement")


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?\"”])\s+(?=[A-Z\"“(])", paragraph) if s]


def _swap_words(rng: random.Random, text: str, rate: float) -> str:
    words = text.split(" ")
    for i, w in enumerate(words):
        key = w.lower()
        if key in SYNONYMS and rng.random() < rate * 4:
            words[i] = SYNONYMS[key]
        elif rng.random() < rate / 3 and len(w) > 3 and w.isalpha():
            words[i] = rng.choice(words)  # a single word replaced by another word of the story
    return " ".join(words)


def _translate_quotes(rng: random.Random, text: str) -> str:
    """Another translation of a quote: the same meaning, other words in places."""
    def retranslate(m: re.Match[str]) -> str:
        words = m.group(2).split()
        out = []
        for w in words:
            r = rng.random()
            if w.lower() in SYNONYMS and r < 0.6:
                out.append(SYNONYMS[w.lower()])
            elif r < 0.15:
                out.append(rng.choice(("the", "only", "now", "all", "this", "our")))
            elif r < 0.22:
                continue
            else:
                out.append(w)
        return m.group(1) + " ".join(out) + m.group(3)
    return re.sub(r"([\"“])([^\"”]{10,}?)([\"”])", retranslate, text)


def _add_phrases(rng: random.Random, paragraphs: list[str], count: int) -> list[str]:
    paragraphs = list(paragraphs)
    for _ in range(count):
        i = rng.randrange(len(paragraphs))
        words = paragraphs[i].split(" ")
        pos = rng.randrange(1, max(2, len(words)))
        words.insert(pos, rng.choice(ADDED) + ",")
        paragraphs[i] = " ".join(words)
    return paragraphs


def _new_lede(rng: random.Random, paragraphs: list[str]) -> list[str]:
    first = re.sub(r"^[^()]{0,40}\([^()]{1,20}\)\s*[:—–-]+\s*", "", paragraphs[0])
    sents = _sentences(first)
    names = [w.strip(",.'\"") for w in first.split() if w[:1].isupper()][1:4] or ["Officials"]
    lede = (f"{' and '.join(names)} were at the centre of events on {rng.choice(('Monday', 'Tuesday', 'Friday'))}, "
            f"as the story developed over the day.")
    rest = " ".join(sents[1:])
    return [rng.choice(DATELINES) + lede + (" " + rest if rest else ""), *paragraphs[1:]]


def _merge_drop(rng: random.Random, paragraphs: list[str]) -> list[str]:
    ps = list(paragraphs)
    if len(ps) > 3:
        del ps[rng.randrange(1, len(ps))]
    if len(ps) > 3:
        i = rng.randrange(0, len(ps) - 1)
        ps[i : i + 2] = [ps[i] + " " + ps[i + 1]]
    return ps


def _trim(rng: random.Random, paragraphs: list[str]) -> list[str]:
    keep = max(2, round(len(paragraphs) * rng.uniform(0.4, 0.65)))
    return paragraphs[:keep]


def _furnish(rng: random.Random, paragraphs: list[str], other_headline: str) -> list[str]:
    ps = list(paragraphs)
    ps.insert(0, rng.choice(FURNITURE[:4]))
    ps.insert(rng.randrange(1, len(ps)), "Also read: " + other_headline)
    ps.insert(rng.randrange(1, len(ps)), rng.choice(FURNITURE[:4]))
    ps.append(rng.choice(FURNITURE[4:]))
    return ps


def make_variant(kind: str, story: Story, rng: random.Random, other_headline: str) -> list[str]:
    ps = list(story.paragraphs)
    if kind == "dateline_lede":
        return _new_lede(rng, ps)
    if kind == "quote_translation":
        return [_translate_quotes(rng, p) for p in ps]
    if kind == "word_swaps":
        return [_swap_words(rng, p, 0.05) for p in ps]
    if kind == "added_phrases":
        return _add_phrases(rng, ps, max(3, len(ps) // 2))
    if kind == "merged_dropped":
        return _merge_drop(rng, ps)
    if kind == "trimmed":
        return _trim(rng, ps)
    if kind == "furniture":
        return _furnish(rng, ps, other_headline)
    if kind == "combined":  # a loosely edited copy: everything above, lighter each
        ps = _new_lede(rng, ps)
        ps = [_translate_quotes(rng, _swap_words(rng, p, 0.04)) for p in ps]
        ps = _add_phrases(rng, ps, max(2, len(ps) // 3))
        ps = _merge_drop(rng, ps)
        if rng.random() < 0.5:
            ps = _trim(rng, ps)
        return _furnish(rng, ps, other_headline)
    if kind == "loose":  # heavily edited, as loose as the wild copies of REFERENCE.md §3
        ps = _new_lede(rng, ps)
        ps = [_translate_quotes(rng, _swap_words(rng, p, 0.12)) for p in ps]
        ps = _add_phrases(rng, ps, len(ps) + 2)
        ps = _merge_drop(rng, _merge_drop(rng, ps))
        ps = _trim(rng, ps)
        return _furnish(rng, ps, other_headline)
    raise ValueError(kind)


def _later(published: str, rng: random.Random) -> str:
    when = datetime.fromisoformat(published) + timedelta(minutes=rng.randint(5, 48 * 60))
    return when.isoformat()


def _sid(story: Story) -> str:
    return f"{story.outlet}:{story.slug}"


def build(seed: int = 20220303, min_words: int = 120) -> list[Item]:
    """The labelled set: replica stories with their labels, plus generated copies of every other story."""
    rng = random.Random(seed)
    items: list[Item] = []
    stories = list(ALL_STORIES)
    for s in stories:
        text = "\n".join(s.paragraphs)
        if s.cluster:
            items.append(Item(_sid(s), text, s.published, s.cluster, "replica_copy"))
        elif s.resembles and s.resembles.startswith("template"):
            items.append(Item(_sid(s), text, s.published, None, "template_negative"))
        elif s.resembles:
            items.append(Item(_sid(s), text, s.published, None, "same_event_negative"))
    bases = [s for s in stories if not s.cluster and not s.resembles
             and len(" ".join(s.paragraphs).split()) >= min_words]
    for s in bases:
        label = "gen:" + _sid(s)
        items.append(Item(_sid(s), "\n".join(s.paragraphs), s.published, label, "original"))
        for kind in VARIANTS:
            other = rng.choice(stories).headline
            text = "\n".join(make_variant(kind, s, rng, other))
            items.append(Item(f"{_sid(s)}~{kind}", text, _later(s.published, rng), label, kind))
    for s in stories:  # short unrelated stories still count as negatives for everything else
        if not s.cluster and not s.resembles and len(" ".join(s.paragraphs).split()) < min_words:
            items.append(Item(_sid(s), "\n".join(s.paragraphs), s.published, None, "unique"))
    return items


if __name__ == "__main__":
    from collections import Counter

    built = build()
    print(len(built), "items", Counter(i.kind for i in built))
