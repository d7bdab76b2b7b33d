"""Keyword search text processing, shared by indexing (writes) and querying (reads): folding, tokens, the
terms a book is indexed under, and the forgiving part of a search (prefixes and typing errors).

Folding is the same on both sides, so "Misérables", "MISERABLES" and "miserables" are one term; a query word
that is no indexed term is matched against the indexed words that begin with it (3+ letters) or are within a
small edit distance of it (Damerau-Levenshtein: one edit for 5-7 letters, two for 8+).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_STOPWORDS = "a an and the of in on at to for by with from or is are be it its as into over under about book books"
STOPWORDS = frozenset(_STOPWORDS.split())
MAX_QUERY_TOKENS = 6
# Where a word appears decides how much a match on it counts.
FIELD_WEIGHTS = {"title": 3.0, "author": 2.0, "genre": 1.0}
# Terms one book is indexed under (title words first): keeps a book's transaction under DynamoDB's 100 items
# (docs/decisions.md, "Forgiving search"). A real title, author and genre have a dozen at most.
MAX_TERMS_PER_BOOK = 24
PREFIX_MIN = 3  # a query word this long finds the words it begins
VOCABULARY_MIN = 4  # shorter words are never a prefix completion (3+ letters typed) nor a typo target (4+)
CANDIDATES_PER_WORD = 3  # indexed words a query word may stand for

# Letters NFKD does not decompose into a base letter and a combining mark.
_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "\u0131": "i"}
)  # \u0131: the dotless i


def fold(text: str) -> str:
    """Lower case without diacritics: NFKD, combining marks dropped, case-folded ("Straße" -> "strasse")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", bare.casefold().translate(_LETTERS))


def normalize(word: str) -> str:
    word = fold(word)
    word = re.sub(r"'s$", "", word)
    word = "".join(ch for ch in word if ch.isalnum())
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]  # plural: "musketeers" finds "musketeer"
    return word


def split_words(text: str) -> list[str]:
    return [raw for raw in re.split(r"[\s\-/,.;:!?()\"]+", text) if raw]


def tokens(text: str) -> list[str]:
    seen: list[str] = []
    for raw in split_words(text):
        word = normalize(raw)
        if word and word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen


def index_terms(title: str, author: str, genre: str) -> dict[str, float]:
    """token -> weight for a book: the sum of the weights of the fields it appears in (at most
    MAX_TERMS_PER_BOOK terms, the title's first)."""
    terms: dict[str, float] = {}
    for field, text in (("title", title), ("author", author), ("genre", genre)):
        for token in tokens(text):
            if token in terms or len(terms) < MAX_TERMS_PER_BOOK:
                terms[token] = terms.get(token, 0.0) + FIELD_WEIGHTS[field]
    return terms


def in_vocabulary(term: str) -> bool:
    """Whether a term goes in the vocabulary (the words prefixes and typos are matched against)."""
    return len(term) >= VOCABULARY_MIN


def max_edits(word: str) -> int:
    """The typing errors forgiven in a query word: none under 5 letters, one for 5-7, two for 8 or more."""
    return 0 if len(word) < 5 else 1 if len(word) < 8 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: insertions, deletions, substitutions and
    transpositions of neighbours), or limit + 1 as soon as it is certainly more than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        before, previous = previous, row
    return min(previous[-1], limit + 1)


@dataclass(frozen=True, order=True)
class Candidate:
    """An indexed word a query word may stand for: a completion (cost 0) or a correction (cost = edits)."""

    cost: int
    length: int
    term: str

    @property
    def corrected(self) -> bool:
        return self.cost > 0


def candidates(word: str, vocabulary: Iterable[str], limit: int = CANDIDATES_PER_WORD) -> list[Candidate]:
    """The best indexed words for a query word that is no indexed term: the words it begins (3+ letters),
    then the words within its edit distance; the closest and shortest first."""
    edits = max_edits(word)
    found: set[Candidate] = set()
    for term in vocabulary:
        if term == word:
            continue
        if len(word) >= PREFIX_MIN and term.startswith(word):
            found.add(Candidate(0, len(term), term))
        elif edits and (distance := edit_distance(word, term, edits)) <= edits:
            found.add(Candidate(distance, len(term), term))
    return sorted(found)[:limit]
