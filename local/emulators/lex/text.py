"""Tokenizing and comparing user text: case, punctuation and small typos do not change meaning."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Curly quotes are folded to ASCII first (see tokenize), so only ASCII punctuation is listed here.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_EDGE_PUNCTUATION = " \t\"'`,;:!?()[]{}<>"
_INITIAL = re.compile(r"^[A-Za-z]\.$")
_POSSESSIVE = re.compile(r"^(.+?)('s)$", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    norm: str  # lowercase, for matching
    orig: str  # as typed, for slot values


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for raw in text.translate(_QUOTES).split():
        word = raw.strip(_EDGE_PUNCTUATION)
        # A sentence-final period is punctuation; a period inside (j.doe, example.com) or after an initial
        # ("H. G. Wells") is not.
        while (word.endswith(".") and not _INITIAL.match(word)) or word.endswith(","):
            word = word[:-1]
        if not word:
            continue
        match = _POSSESSIVE.match(word)
        if match and "@" not in word:
            tokens.append(Token(match.group(1).lower(), match.group(1)))
            tokens.append(Token("'s", "'s"))
        else:
            tokens.append(Token(word.lower(), word))
    return tokens


def normalize_phrase(text: str) -> str:
    return " ".join(t.norm for t in tokenize(text))


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, stopping early above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_budget(word: str) -> int:
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 0


def fuzzy_equal(said: str, expected: str) -> bool:
    if said == expected:
        return True
    budget = typo_budget(expected)
    return budget > 0 and edit_distance(said, expected, budget) <= budget
