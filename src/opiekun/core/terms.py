"""Words for searching (the knowledge base, tickets), the same on every database. Polish inflects
heavily ("drukarka", "drukarki", "drukarkę"), and neither SQLite nor PostgreSQL's stock
configurations stem it, so a long word is searched by its prefix without the last two
letters: crude, but it finds the other forms and costs nothing. No Django import."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+", re.UNICODE)
# Words too common to tell two questions apart, in both languages of the desk.
STOP_WORDS = frozenset(
    [
        "and",
        "are",
        "but",
        "can",
        "for",
        "from",
        "has",
        "have",
        "how",
        "not",
        "the",
        "this",
        "that",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "you",
        "your",
        "ale",
        "albo",
        "ani",
        "aby",
        "bez",
        "być",
        "czy",
        "dla",
        "gdy",
        "jak",
        "jest",
        "już",
        "lub",
        "ma",
        "mam",
        "mnie",
        "może",
        "nie",
        "oraz",
        "przy",
        "się",
        "tak",
        "także",
        "też",
        "tym",
        "ten",
        "tej",
        "to",
        "są",
        "od",
        "po",
        "pod",
        "przez",
        "jako",
        "jeśli",
        "który",
        "która",
        "które",
        "więc",
        "żeby",
    ]
)
MIN_LENGTH = 3
STEM_FROM = 6


def words(text: str) -> list[str]:
    """The searchable words of ``text``, folded to lower case, in order."""
    return [
        w for w in _WORD.findall(text.casefold()) if len(w) >= MIN_LENGTH and w not in STOP_WORDS
    ]


def stem(word: str) -> str:
    return word[:-2] if len(word) >= STEM_FROM else word


def stems(text: str) -> list[str]:
    """Distinct stems of ``text`` in the order they first appear."""
    return list(dict.fromkeys(stem(w) for w in words(text)))


def folded(*parts: str) -> str:
    """The text an article is searched in: every part, folded to lower case."""
    return "\n".join(p.casefold() for p in parts if p)


def similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard similarity of two sets of stems, 1.0 the same words and 0.0 none shared.
    Two stems are the same word when one begins the other ("faktur" from "faktury" and
    "fakt" from "faktur"), since stems of different forms differ in length."""
    left, right = set(a), set(b)
    if not left or not right:
        return 0.0
    shared = sum(1 for x in left if any(x.startswith(y) or y.startswith(x) for y in right))
    shared = min(shared, len(right))
    return shared / (len(left) + len(right) - shared)


def hits(text: str, wanted: Iterable[str]) -> int:
    """How many of the ``wanted`` stems occur in already folded ``text``."""
    return sum(1 for s in wanted if s in text)
