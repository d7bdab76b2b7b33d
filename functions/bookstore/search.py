"""Keyword search text processing, shared by indexing (writes) and querying (reads)."""

from __future__ import annotations

import re
import unicodedata

_STOPWORDS = "a an and the of in on at to for by with from or is are be it its as into over under about book books"
STOPWORDS = frozenset(_STOPWORDS.split())
MAX_QUERY_TOKENS = 6
# Where a word appears decides how much a match on it counts.
FIELD_WEIGHTS = {"title": 3.0, "author": 2.0, "genre": 1.0}


def normalize(word: str) -> str:
    word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()
    word = re.sub(r"'s$", "", word)
    word = re.sub(r"[^a-z0-9]", "", word)
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]  # plural: "musketeers" finds "musketeer"
    return word


def tokens(text: str) -> list[str]:
    seen: list[str] = []
    for raw in re.split(r"[\s\-/,.;:!?()\"]+", text):
        word = normalize(raw)
        if word and word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen


def index_terms(title: str, author: str, genre: str) -> dict[str, float]:
    """token -> weight for a book: the sum of the weights of the fields it appears in."""
    terms: dict[str, float] = {}
    for field, text in (("title", title), ("author", author), ("genre", genre)):
        for token in tokens(text):
            terms[token] = terms.get(token, 0.0) + FIELD_WEIGHTS[field]
    return terms
