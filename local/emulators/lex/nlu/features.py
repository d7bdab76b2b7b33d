"""What the NLU's two models see of a sentence: words (a typo corrected to a word the bot knows), their shape,
whether they are a value the bot lists (a gazetteer per custom slot type), an e-mail or a number, and the words
around them. The intent model sees the sentence's features as one bag; the slot tagger sees each word's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from local.emulators.lex.model import BotLocale
from local.emulators.lex.nlu.vocabulary import SYNONYMS
from local.emulators.lex.slot_numbers import parse_number
from local.emulators.lex.slots import recognize_email
from local.emulators.lex.text import Token, fuzzy_equal, normalize_phrase

# Words that say little about what is asked: they are not counted as unknown.
_FUNCTION_WORDS = """a an the to of for with and or in on at by from is are be was were been it its it's this that these
    those i me my mine we our you your he him his she her they them their there here please can could would will should
    shall do does did want need like just also so then now some any one ones all what which who whom how when where
    why if not no yes ok okay hi hey hello thanks thank um uh oh well really very too more most much many am 's i'm
    i'd i've you're let's get got have has had go going know see tell say give make let put take try sure anything
    something someone somebody else"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
MAX_GAZETTEER_PHRASE = 10
CHAR_GRAMS = 0.2  # weight of a word's letter 4-grams (words of 5 letters or more) in the intent model
# word -> the groups of words it shares a meaning with (vocabulary.SYNONYMS)
_GROUPS: dict[str, tuple[int, ...]] = {}
for _index, _line in enumerate(SYNONYMS):
    for _word in _line.split():
        _GROUPS[_word] = (*_GROUPS.get(_word, ()), _index)
_MIXED = re.compile(r"(?=.*[a-z])(?=.*\d)", re.IGNORECASE)
_HANDLE = re.compile(r"^[a-z][a-z0-9]*[._-][a-z0-9._-]*[a-z0-9]$", re.IGNORECASE)


def shape(word: str) -> str:
    """`Jane` -> Xx, `jdoe2` -> xd, `J.Doe` -> X.X, `01J5V1` -> dXdXd: the kinds of characters, runs collapsed."""
    kinds: list[str] = []
    for char in word:
        kind = "X" if char.isupper() else "x" if char.isalpha() else "d" if char.isdigit() else char
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    return "".join(kinds)[:6]


def word_class(token: Token) -> str | None:
    """The kind of value a single word is, when it is one: an e-mail, a number, an id, a handle."""
    word = token.norm
    if "@" in word and recognize_email([word]) is not None:
        return "<email>"
    if parse_number([word]) is not None:
        return "<number>"
    if len(word) >= 8 and _MIXED.match(word):
        return "<id>"
    if _HANDLE.match(word) or _MIXED.match(word):
        return "<handle>"
    return None


class Gazetteer:
    """The listed values (and synonyms) of one custom slot type, found in a sentence, small typos allowed."""

    def __init__(self, type_name: str, values: Iterable[tuple[str, str]], *, parts: bool) -> None:
        """`values`: (phrase, the value it stands for), a value's synonyms included. With `parts`, a phrase's
        beginnings and ends are listed too ("Dostoevsky", "Huckleberry Finn"), as Lex takes values similar to
        the listed ones for a type that keeps the original value."""
        self.type_name = type_name
        self.canonical: dict[tuple[str, ...], str] = {}
        self.whole: set[tuple[str, ...]] = set()
        for phrase, value in values:
            tokens = tuple(normalize_phrase(phrase).split())
            if tokens and len(tokens) <= MAX_GAZETTEER_PHRASE:
                self.canonical[tokens] = value
                self.whole.add(tokens)
        for tokens, value in sorted(self.canonical.items()) if parts else ():
            for part in {tokens[i:] for i in range(1, len(tokens))} | {tokens[:i] for i in range(1, len(tokens))}:
                if any(len(w) >= 4 and w not in FUNCTION_WORDS for w in part) and part[0] not in FUNCTION_WORDS:
                    self.canonical.setdefault(part, value)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for tokens in sorted(self.canonical):
            self._by_first.setdefault(tokens[0], []).append(tokens)
        self.words = frozenset(w for tokens in self.canonical for w in tokens)

    def _starting(self, word: str) -> list[tuple[str, ...]]:
        found = list(self._by_first.get(word, ()))
        if len(word) >= 5:
            found += [p for w in _near(word, self.words) if w != word for p in self._by_first.get(w, ())]
        return found

    def values_in(self, norms: Sequence[str]) -> set[str]:
        """The values whose phrases the sentence holds."""
        return {self.canonical[phrase] for _, phrase in self._matches(norms)}

    def tags(self, norms: Sequence[str]) -> list[str | None]:
        """'B' / 'I' for the words of the longest listed phrase at each place (left to right), None elsewhere."""
        tags: list[str | None] = [None] * len(norms)
        for start, phrase in self._matches(norms):
            part = "" if phrase in self.whole else "part-"
            tags[start : start + len(phrase)] = [f"{part}B"] + [f"{part}I"] * (len(phrase) - 1)
        return tags

    def _matches(self, norms: Sequence[str]) -> list[tuple[int, tuple[str, ...]]]:
        """The longest listed phrase at each place, left to right: (start, phrase)."""
        found: list[tuple[int, tuple[str, ...]]] = []
        i = 0
        while i < len(norms):
            best: tuple[str, ...] = ()
            for phrase in self._starting(norms[i]):
                size = len(phrase)
                fits = size > len(best) and i + size <= len(norms)
                if fits and all(_same(a, b) for a, b in zip(norms[i : i + size], phrase, strict=True)):
                    best = phrase
            if best:
                found.append((i, best))
                i += len(best)
            else:
                i += 1
        return found


@lru_cache(maxsize=262144)
def _same(said: str, listed: str) -> bool:
    """The same word, or a small typo of it that keeps its first letter (as _near)."""
    return said == listed or (said[:1] == listed[:1] and fuzzy_equal(said, listed))


@lru_cache(maxsize=64)
def _by_initial_and_length(known: frozenset[str]) -> dict[tuple[str, int], tuple[str, ...]]:
    index: dict[tuple[str, int], list[str]] = {}
    for word in known:
        index.setdefault((word[0], len(word)), []).append(word)
    return {key: tuple(sorted(words)) for key, words in index.items()}


@lru_cache(maxsize=65536)
def _near(word: str, known: frozenset[str]) -> tuple[str, ...]:
    """Known words one small typo away from `word` (same first letter, as people rarely mistype that)."""
    index = _by_initial_and_length(known)
    return tuple(
        k
        for size in range(len(word) - 2, len(word) + 3)
        for k in index.get((word[0], size), ())
        if fuzzy_equal(word, k)
    )


class Featurizer:
    """Features of sentences for one locale: its gazetteers and the words the bot knows."""

    def __init__(self, locale: BotLocale, known_words: Iterable[str]) -> None:
        """`known_words`: every word of the training sentences, as often as it occurs there."""
        self.gazetteers = tuple(
            Gazetteer(
                t.name,
                [(p, v.value) for v in t.values for p in (v.value, *v.synonyms)],
                parts=t.resolution == "ORIGINAL_VALUE",
            )
            for t in locale.slot_types
            if t.values
        )
        self.frequency = Counter(known_words)
        self.known = frozenset(self.frequency)

    @lru_cache(maxsize=65536)  # noqa: B019 (one featurizer per classifier, which lives as long as the runtime)
    def correct(self, word: str) -> str:
        """The word, or the known word it is a small typo of (`regsiter` -> `register`)."""
        if word in self.known or len(word) < 3 or not word.isalpha():
            return word
        near = _near(word, self.known)
        # the most frequent candidate: a typo kept in a sample utterance ("registar") does not attract "regsiter"
        return max(near, key=lambda known: (self.frequency[known], known)) if near else word

    def words(self, tokens: Sequence[Token]) -> list[str]:
        return [word_class(t) or self.correct(t.norm) for t in tokens]

    def gazetteer_tags(self, tokens: Sequence[Token]) -> dict[str, list[str | None]]:
        return self._gazetteer_tags(tuple(t.norm for t in tokens))

    @lru_cache(maxsize=1024)  # noqa: B019 (see correct)
    def _gazetteer_tags(self, norms: tuple[str, ...]) -> dict[str, list[str | None]]:
        return {g.type_name: g.tags(norms) for g in self.gazetteers}

    def sentence(self, tokens: Sequence[Token]) -> dict[str, float]:
        """One bag of features for the intent model: words, word pairs, stems and the kinds of values present."""
        said = self.words(tokens)
        features: dict[str, float] = {"bias": 1.0}
        for word in said:
            features[f"w={word}"] = 1.0
            for group in _GROUPS.get(word, ()):
                features[f"syn={group}"] = 0.5
            if len(word) >= 6 and not word.startswith("<"):
                features[f"stem={word[:5]}"] = 0.5
            if CHAR_GRAMS and len(word) >= 5 and not word.startswith("<"):
                for i in range(len(word) - 3):
                    features[f"c4={word[i : i + 4]}"] = CHAR_GRAMS
        for left, right in zip(["<s>", *said], [*said, "</s>"], strict=True):
            features[f"b={left}|{right}"] = 0.5
        for type_name, tags in self.gazetteer_tags(tokens).items():
            if any(tags):
                features[f"gaz={type_name}"] = 1.0
        if _spoken_email(tokens):
            features["w=<email>"] = 1.0
        return features

    def tokens(self, tokens: Sequence[Token]) -> list[dict[str, float]]:
        """Features of each word for the slot tagger."""
        said = self.words(tokens)
        gazetteers = self.gazetteer_tags(tokens)
        spoken = _spoken_email(tokens)
        # The listed values the sentence holds, for every word: "first name" four words back says that a name
        # after "to" is the new first name.
        listed = {f"has={g.type_name}:{v}": 0.5 for g in self.gazetteers for v in g.values_in([t.norm for t in tokens])}
        padded = ["<s2>", "<s>", *said, "</s>", "</s2>"]
        result: list[dict[str, float]] = []
        for i, token in enumerate(tokens):
            word = said[i]
            features: dict[str, float] = {
                "bias": 1.0,
                f"w={word}": 1.0,
                f"shape={shape(token.orig)}": 1.0,
                f"suffix={token.norm[-3:]}": 0.5,
                f"w-1={padded[i + 1]}": 1.0,
                f"w-2={padded[i]}": 0.5,
                f"w+1={padded[i + 3]}": 1.0,
                f"w+2={padded[i + 4]}": 0.5,
                f"w-1,w={padded[i + 1]}|{word}": 0.5,
                f"w-2,w-1={padded[i]}|{padded[i + 1]}": 0.5,
                f"w+1,w+2={padded[i + 3]}|{padded[i + 4]}": 0.5,
            }
            if token.orig[:1].isupper():
                features["capitalized"] = 1.0
            if word in FUNCTION_WORDS:
                features["function"] = 1.0
            for type_name, tags in gazetteers.items():
                if tags[i]:
                    features[f"gaz={type_name}:{tags[i]}"] = 1.0
            if i in spoken:
                features[f"spoken-email:{spoken[i]}"] = 1.0
            features.update(listed)
            result.append(features)
        return result


_CONNECTORS = frozenset({"dot", "underscore", "dash", "hyphen", "plus"})


def _spoken_email(tokens: Sequence[Token]) -> dict[int, str]:
    """The words of an e-mail address said in words ("jane dot doe at example dot com"): position -> B or I.
    The address runs from the word before "at" back over "dot"/"underscore"-joined words, and forward over the
    domain's labels joined by "dot"."""
    norms = [t.norm for t in tokens]
    for at in (i for i, w in enumerate(norms) if w == "at" and 0 < i < len(norms) - 1):
        start = at - 1
        while start >= 2 and norms[start - 1] in _CONNECTORS:
            start -= 2
        end = at + 2
        while end + 1 < len(norms) and norms[end] == "dot":
            end += 2
        if recognize_email([t.orig for t in tokens[start:end]]) is not None:
            return {i: "B" if i == start else "I" for i in range(start, end)}
    return {}
