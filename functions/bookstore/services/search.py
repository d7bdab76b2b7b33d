"""Keyword search that forgives: exact terms from the inverted index, then, for the query words no book has,
the indexed words they begin or misspell, read from the vocabulary (docs/decisions.md, "Forgiving search").

DynamoDB calls per search, whatever the catalog size: one Query of postings per query word (at most 6); for
at most EXPANDED_WORDS words without a posting, one or two Queries of the vocabulary and one Query of postings
per candidate word (at most 3); when the exact words found fewer than THIN_RESULTS books, one Query of the
words the last word begins and one of postings per completion (at most 3); then the caller's one BatchGetItem of
the page's books. At most 21, usually 2 to 5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bookstore.errors import ValidationError
from bookstore.ports import ProductStore
from bookstore.search import (
    MAX_QUERY_TOKENS,
    PREFIX_MIN,
    Candidate,
    candidates,
    fold,
    max_edits,
    normalize,
    split_words,
    tokens,
)

MAX_QUERY_LENGTH = 200
EXPANDED_WORDS = 2  # query words without a posting looked up in the vocabulary
THIN_RESULTS = 10  # fewer books than this: the last word is also completed as a prefix
FUZZY_WEIGHT = 0.5  # a completed or corrected word counts half of an exact one in the score


@dataclass
class Ranking:
    """Per book, the best match of each query word it contains: (exact, weight)."""

    words: int
    matches: dict[str, dict[int, tuple[bool, float]]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    def add(self, index: int, postings: Sequence[dict[str, Any]], *, exact: bool) -> None:
        for posting in postings:
            book_id = str(posting["book_id"])
            weight = float(posting["weight"]) * (1.0 if exact else FUZZY_WEIGHT)
            per_word = self.matches.setdefault(book_id, {})
            per_word[index] = max(per_word.get(index, (False, 0.0)), (exact, weight))
            self.titles[book_id] = str(posting["title"])

    def _key(self, book_id: str) -> tuple[int, int, float, str]:
        found = self.matches[book_id].values()
        exact = sum(1 for is_exact, _ in found if is_exact)
        return -exact, -len(found), -sum(w for _, w in found), self.titles[book_id].lower()

    def ranked(self) -> list[str]:
        """Exact matches of more query words first, then more query words matched, then weight, then title."""
        return sorted(self.matches, key=self._key)

    def score(self, book_id: str) -> float:
        found = self.matches[book_id].values()
        return round(sum(w for _, w in found) * len(found) / self.words, 2)


def query_words(query: str) -> list[str]:
    """The words a search looks for, or a ValidationError (400) saying what is wrong with the query."""
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError(f"A search is at most {MAX_QUERY_LENGTH} characters.")
    words = tokens(query)[:MAX_QUERY_TOKENS]
    if not words:
        raise ValidationError("Search for at least one word of a title, an author or a genre.")
    return words


def expand(products: ProductStore, word: str) -> list[Candidate]:
    """The indexed words a query word without postings may stand for: the words it begins, or misspells. One
    Query of the words sharing its first two letters (or its first letters, when no typo is forgiven); a second
    of the words sharing its last two when the first finds nothing (a typo in the first two letters)."""
    if len(word) < PREFIX_MIN:
        return []
    forgiving = max_edits(word) > 0
    found = candidates(word, products.words_beginning(word[:2] if forgiving else word))
    if not found and forgiving:
        found = candidates(word, products.words_ending(word))
    return found


def corrected_query(query: str, corrections: dict[str, str]) -> str | None:
    """The query as typed with its misspelt words replaced ("pride and prejudce" -> "pride and prejudice")."""
    if not corrections:
        return None
    return " ".join(_corrected(raw, corrections) for raw in split_words(query))


def _corrected(raw: str, corrections: dict[str, str]) -> str:
    """A typed word, or its correction in the form typed: the index keeps singulars ("hights" is looked up as
    "hight", corrected to "height"), so a plural typed gets its "s" back ("heights")."""
    word = normalize(raw)
    if word not in corrections:
        return fold(raw)
    plural = fold(raw).endswith("s") and not word.endswith("s")
    return corrections[word] + ("s" if plural else "")


def find(products: ProductStore, query: str) -> tuple[Ranking, str | None]:
    """Every book matching the query, ranked, and the corrected query when a word was misspelt."""
    words = query_words(query)
    ranking = Ranking(len(words))
    missing: list[int] = []
    for index, word in enumerate(words):
        postings = products.postings(word)
        ranking.add(index, postings, exact=True)
        if not postings:
            missing.append(index)
    last = len(words) - 1
    if last not in missing and len(ranking.matches) < THIN_RESULTS:
        _complete_into(products, ranking, last, words[last])
    corrections: dict[str, str] = {}
    for index in missing[:EXPANDED_WORDS]:
        best = _expand_into(products, ranking, index, words[index])
        if best is not None and best.corrected:
            corrections[words[index]] = best.term
    return ranking, corrected_query(query, corrections)


def _complete_into(products: ProductStore, ranking: Ranking, index: int, word: str) -> None:
    """The last word is also a prefix when it found few books ("frank" finds L. Frank Baum exactly, and
    Frankenstein as a completion, ranked after): one Query of the words it begins, then their postings."""
    if len(word) < PREFIX_MIN:
        return
    for candidate in candidates(word, products.words_beginning(word)):
        if not candidate.corrected:
            ranking.add(index, products.postings(candidate.term), exact=False)


def _expand_into(products: ProductStore, ranking: Ranking, index: int, word: str) -> Candidate | None:
    """Add the books of the words `word` may stand for; the one to suggest: the candidate found in most of the
    books the other query words matched ("wuthering hights" -> heights, not night), then the closest."""
    others = {book_id for book_id, found in ranking.matches.items() if set(found) - {index}}
    best: tuple[int, int, Candidate] | None = None
    for order, candidate in enumerate(expand(products, word)):
        postings = products.postings(candidate.term)
        ranking.add(index, postings, exact=False)
        if not postings:
            continue
        together = sum(1 for posting in postings if str(posting["book_id"]) in others)
        if best is None or (-together, order) < (-best[0], best[1]):
            best = (together, order, candidate)
    return best[2] if best else None
