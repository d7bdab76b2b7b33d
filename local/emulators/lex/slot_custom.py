"""Recognizers of custom slot types: listed values and synonyms (tolerant of a small typo, and for ORIGINAL_VALUE
types of part of a value or unlisted text), and multi-valued slots of a custom type."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from local.emulators.lex.model import SlotType
from local.emulators.lex.slot_values import STOPWORDS, Recognizer, Resolved, original_words
from local.emulators.lex.text import fuzzy_equal, normalize_phrase

_ARTICLES = frozenset({"the", "a", "an"})
_WEAK = STOPWORDS | _ARTICLES | frozenset({"book", "books", "novel", "novels", "story", "stories", "copy", "copies"})


class _Phrases:
    """The values and synonyms of a slot type as words, each with its canonical value, and the phrases each word
    (or a word one small typo away) is in."""

    def __init__(self, slot_type: SlotType) -> None:
        self.phrases: list[tuple[list[str], str]] = []
        for value in slot_type.values:
            for phrase in [value.value, *value.synonyms]:
                self.phrases.append((normalize_phrase(phrase).split(), value.value))
        self.exact = {" ".join(tokens): canonical for tokens, canonical in self.phrases}
        self.vocabulary: dict[str, set[int]] = {}
        for index, (tokens, _) in enumerate(self.phrases):
            for token in tokens:
                self.vocabulary.setdefault(token, set()).add(index)
        self.containing = lru_cache(maxsize=8192)(self._containing)

    def _containing(self, word: str, min_typo_length: int) -> frozenset[int]:
        """Phrases with this word, or with a word one small typo away (for words long enough)."""
        found = set(self.vocabulary.get(word, set()))
        if len(word) >= min_typo_length:
            for known, indexes in self.vocabulary.items():
                if known[0] == word[0] and abs(len(known) - len(word)) <= 2 and fuzzy_equal(word, known):
                    found |= indexes
        return frozenset(found)

    def candidates(self, words: Sequence[str], min_typo_length: int) -> list[int]:
        sets = [self.containing(w, min_typo_length) for w in words]
        return sorted(frozenset.intersection(*sets)) if sets else []

    def listed(self, said: list[str]) -> str | None:
        """The canonical value of the phrase `said` is, exactly or with a small typo in its words."""
        if " ".join(said) in self.exact:
            return self.exact[" ".join(said)]
        for index in self.candidates(said, 4):
            tokens, canonical = self.phrases[index]
            if len(tokens) == len(said) and all(fuzzy_equal(a, b) for a, b in zip(said, tokens, strict=True)):
                return canonical
        return None

    def part_of(self, core: list[str]) -> str | None:
        """The canonical value of a phrase `core` is a part of."""
        for index in self.candidates(core, 6):  # short words: exact only ("show" is not "Shaw")
            tokens, canonical = self.phrases[index]
            # the words must appear in order, next to each other
            for start in range(len(tokens) - len(core) + 1):
                if all(fuzzy_equal(a, b) for a, b in zip(core, tokens[start : start + len(core)], strict=True)):
                    return canonical
        return None


def custom_recognizer(slot_type: SlotType) -> Recognizer:
    """Values and synonyms, case-insensitive and tolerant of a small typo. The resolution strategy decides
    whether interpretedValue is the canonical value (TOP_RESOLUTION) or what the user said (ORIGINAL_VALUE).
    ORIGINAL_VALUE types also accept part of a value ("monte cristo" for "The Count of Monte Cristo"), as
    Lex accepts values similar to the listed ones."""
    phrases = _Phrases(slot_type)
    partial = slot_type.resolution == "ORIGINAL_VALUE"

    def recognize(words: Sequence[str]) -> Resolved | None:
        said = normalize_phrase(" ".join(words)).split()
        if not said:
            return None
        original = original_words(words)
        canonical = phrases.listed(said)
        if canonical is not None:
            interpreted = canonical if slot_type.resolution == "TOP_RESOLUTION" else original
            return Resolved(original, interpreted, (canonical,))
        if not partial:
            return None
        core = said[1:] if said[0] in _ARTICLES else said
        if not core or all(w in _WEAK for w in core) or len(core) > 8:
            return None
        canonical = phrases.part_of(core)
        if canonical is not None:
            return Resolved(original, original, (canonical,), certainty=0.8)
        # ORIGINAL_VALUE: unlisted text still comes through (the code hook decides), with little credit; but
        # "a hotel" or "me a pizza" name a kind of thing, not a title.
        if len(said) < 2 or said[0] in {"a", "an"} or core[0] in _WEAK or core[-1] in _WEAK or len(core) > 6:
            return None  # one unlisted word ("pizza") says too little to be taken for a title
        if "by" in core:
            return None  # ("Frankenstein by Mary Shelley" is a title and an author)
        return Resolved(original, original, (), certainty=0.4)

    return recognize


_VALUE_SEPARATORS = frozenset({"and", ",", "&"})


def multi_value_recognizer(recognize: Recognizer) -> Recognizer:
    """A multi-valued slot of a custom type: values separated by spaces, commas or "and" ("horror and poetry"),
    as https://docs.aws.amazon.com/lexv2/latest/dg/multi-valued-slots.html says Lex recognizes them. The result
    is always a list (`values`), of one value when one was said; each part must be a value of the type (with
    several parts, a listed one: unlisted text could swallow the rest)."""

    def parts_of(words: Sequence[str]) -> list[Resolved] | None:
        parts: list[Resolved] = []
        i = 0
        while i < len(words):
            if words[i].lower() in _VALUE_SEPARATORS:
                i += 1
                continue
            found = next(
                (
                    (end, part)
                    for end in range(len(words), i, -1)
                    if (part := recognize(words[i:end])) is not None and part.certainty >= 0.8
                ),
                None,
            )
            if found is None:
                return None
            i, part = found
            parts.append(part)
        return parts

    def recognize_list(words: Sequence[str]) -> Resolved | None:
        whole = recognize(words)
        if whole is not None and not _VALUE_SEPARATORS & {w.lower() for w in words}:
            return Resolved(whole.original, whole.interpreted, whole.resolved, whole.certainty, (whole,))
        parts = parts_of(words)
        if not parts:
            return None
        said = original_words(words)
        if len(parts) == 1:
            one = parts[0]
            return Resolved(said, one.interpreted, one.resolved, one.certainty, (one,))
        return Resolved(said, said, (said,), min(p.certainty for p in parts), tuple(parts))

    return recognize_list
