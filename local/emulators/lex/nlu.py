"""Intent classification and slot filling over the sample utterances of a bot locale (model.py).

Each sample utterance becomes a pattern of words and `{Slot}` placeholders. The input is aligned to every
pattern by dynamic programming: a pattern word may match exactly or with a small typo, or be missing; an
input word may be extra; a placeholder consumes a span of input that its slot type recognizes. The best
alignment gives the intent's confidence (0..1) and its slot values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from local.emulators.lex.model import BotLocale, Intent
from local.emulators.lex.slots import STOPWORDS, Recognizer, Resolved, recognizer_for
from local.emulators.lex.text import Token, fuzzy_equal, tokenize

# Words that carry little meaning: missing or extra, they cost little.
_LIGHT = """a an the to of for with please me my i i'd i'm want wanna need would like can could you your do just
some someone's somebody's 's is are it that this be will shall should let us we our hi hey hello okay ok so now
then also here there really kindly quickly actually"""
LIGHT_WORDS = frozenset(_LIGHT.split())
# Words around a slot answer that say nothing about its value ("the username is jdoe, thanks").
FILLER_WORDS = LIGHT_WORDS | STOPWORDS | frozenset({"thanks", "thank", "cheers", "should", "it's", "its", "is"})
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
MAX_SLOT_SPAN = 9  # a spoken email: 'jane dot doe at mail dot example dot co dot uk'

LITERAL_WEIGHT = 1.0
LIGHT_WEIGHT = 0.3
SLOT_WEIGHT = 1.0
TYPO_CREDIT = 0.8
# Open-class types accept almost any word, so filling one is weak evidence for an intent. A custom type that
# extends AMAZON.AlphaNumeric with a regex (a username) is open too.
OPEN_SLOT_TYPES = frozenset({"AMAZON.AlphaNumeric", "AMAZON.FirstName", "AMAZON.LastName"})
OPEN_SLOT_CREDIT = 0.6
SLOT_PATTERN_MARGIN = 0.15
CONTENT_EXPONENT = 0.2
EXTRA_INPUT_COST = 0.5  # in the alignment objective, per unit of unmatched input weight
MISSING_COST = 0.5


@dataclass(frozen=True)
class Element:
    word: str | None = None  # a literal word (lowercase)
    slot: str | None = None  # or a slot placeholder

    @property
    def weight(self) -> float:
        if self.slot is not None:
            return SLOT_WEIGHT
        return LIGHT_WEIGHT if self.word in LIGHT_WORDS else LITERAL_WEIGHT


@dataclass(frozen=True)
class Pattern:
    intent: str
    text: str
    elements: tuple[Element, ...]

    @property
    def weight(self) -> float:
        return sum(e.weight for e in self.elements)

    @property
    def content_words(self) -> int:
        return sum(1 for e in self.elements if e.word is not None and e.word not in LIGHT_WORDS)


@dataclass
class Match:
    intent: str
    confidence: float
    slots: dict[str, Resolved] = field(default_factory=dict)
    pattern: str = ""
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # input token range of each slot


def compile_pattern(intent: str, utterance: str) -> Pattern:
    elements: list[Element] = []
    position = 0
    for placeholder in _PLACEHOLDER.finditer(utterance):
        elements += [Element(word=t.norm) for t in tokenize(utterance[position : placeholder.start()])]
        elements.append(Element(slot=placeholder.group(1).strip()))
        position = placeholder.end()
    elements += [Element(word=t.norm) for t in tokenize(utterance[position:])]
    return Pattern(intent=intent, text=utterance, elements=tuple(elements))


_Spans = tuple[tuple[str, int, int], ...]
# (objective, gain, unmatched input weight, content words matched, slot spans)
_Step = tuple[float, float, float, int, _Spans]


def _input_weight(token: Token) -> float:
    return LIGHT_WEIGHT if token.norm in LIGHT_WORDS else LITERAL_WEIGHT


class IntentClassifier:
    def __init__(self, locale: BotLocale) -> None:
        self.locale = locale
        self.patterns = [
            compile_pattern(intent.name, utterance) for intent in locale.intents for utterance in intent.utterances
        ]
        self.recognizers: dict[tuple[str, str], Recognizer] = {
            (intent.name, slot.name): recognizer_for(slot.type, locale.slot_types)
            for intent in locale.intents
            for slot in intent.slots
        }
        open_types = OPEN_SLOT_TYPES | {t.name for t in locale.slot_types if t.parent in OPEN_SLOT_TYPES}
        self.slot_credit: dict[tuple[str, str], float] = {
            (intent.name, slot.name): OPEN_SLOT_CREDIT if slot.type in open_types else SLOT_WEIGHT
            for intent in locale.intents
            for slot in intent.slots
        }

    def classify(self, text: str) -> list[Match]:
        """Every intent with its best match, best first (fallback not included)."""
        tokens = tokenize(text)
        if not tokens:
            return []
        by_intent: dict[str, list[Match]] = {}
        span_cache: dict[tuple[int, int, int], Resolved | None] = {}  # (recognizer, start, end) for all patterns
        for pattern in self.patterns:
            by_intent.setdefault(pattern.intent, []).append(self._align(pattern, tokens, span_cache))
        best: list[Match] = []
        for matches in by_intent.values():
            top = max(matches, key=lambda m: m.confidence)
            # The intent's confidence is its best pattern's; its slots come from the pattern that captures the
            # most slots among those nearly as good ("add new user bbanner" fits "add a new user" best, but
            # "add a user called {Username}" says what bbanner is).
            close = [m for m in matches if m.confidence >= top.confidence - SLOT_PATTERN_MARGIN]
            richest = max(close, key=lambda m: (len(m.slots), m.confidence))
            chosen = Match(top.intent, top.confidence, dict(richest.slots), richest.pattern, dict(richest.spans))
            self._fill_specific_slots(chosen, tokens)
            best.append(chosen)
        return sorted(best, key=lambda m: m.confidence, reverse=True)

    def _fill_specific_slots(self, match: Match, tokens: Sequence[Token]) -> None:
        """A slot of a specific type (email, number, date, custom) that the best pattern did not place is
        still filled when exactly one unused span of the input is such a value, as Lex's model would."""
        used = {i for _, (start, end) in match.spans.items() for i in range(start, end)}
        words = [t.orig for t in tokens]
        for slot in self.locale.intent(match.intent).slots:
            if slot.name in match.slots or self.slot_credit[(match.intent, slot.name)] < SLOT_WEIGHT:
                continue
            recognizer = self.recognizers[(match.intent, slot.name)]
            found = [
                (start, end, resolved)
                for start in range(len(words))
                for end in range(start + 1, min(len(words), start + MAX_SLOT_SPAN) + 1)
                if not used & set(range(start, end))
                and (resolved := recognizer(words[start:end])) is not None
                and resolved.certainty == 1.0  # only listed values, never guesses
            ]
            longest = max((end - start for start, end, _ in found), default=0)
            found = [f for f in found if f[1] - f[0] == longest]
            if len(found) == 1:
                start, end, resolved = found[0]
                match.slots[slot.name] = resolved
                match.spans[slot.name] = (start, end)
                used |= set(range(start, end))

    def fill_slot(self, intent: Intent, slot: str, text: str) -> Resolved | None:
        """Resolve an answer to a slot prompt: the whole answer, or the one span of it the type recognizes
        (so "it's jdoe@example.com" gives the email, "the username is jdoe" gives jdoe). For open-class
        types the rest of the answer must be filler: "Mary Ann" is no username, and guessing one is worse
        than asking again."""
        recognizer = self.recognizers[(intent.name, slot)]
        open_class = self.slot_credit[(intent.name, slot)] < SLOT_WEIGHT
        tokens = tokenize(text)
        if not tokens:
            return None
        words = [t.orig for t in tokens]
        whole = recognizer(words)
        if whole is not None:
            return whole
        candidates: list[tuple[int, int, Resolved]] = []
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + MAX_SLOT_SPAN) + 1):
                resolved = recognizer(words[start:end])
                rest = [t.norm for t in tokens[:start] + tokens[end:]]
                if resolved is not None and (not open_class or all(w in FILLER_WORDS for w in rest)):
                    candidates.append((start, end, resolved))
        if not candidates:
            return None
        # Prefer the longest recognized span, then the last one (answers put the value at the end).
        start, end, resolved = max(candidates, key=lambda c: (c[1] - c[0], c[0]))
        return resolved

    def _align(
        self, pattern: Pattern, tokens: Sequence[Token], span_cache: dict[tuple[int, int, int], Resolved | None]
    ) -> Match:
        elements = pattern.elements
        words = [t.orig for t in tokens]
        n, m = len(tokens), len(elements)

        @cache
        def recognize(slot: str, start: int, end: int) -> Resolved | None:
            return self.recognizers[(pattern.intent, slot)](words[start:end])

        # best(i, j): (objective, gain, unmatched input weight, content words matched, slot spans)
        # for aligning elements[i:] with tokens[j:].
        @cache
        def best(i: int, j: int) -> _Step:
            if i == m:
                leftover = sum(_input_weight(t) for t in tokens[j:])
                return (-EXTRA_INPUT_COST * leftover, 0.0, leftover, 0, ())
            element = elements[i]
            options: list[_Step] = []
            # the element is missing from the input
            skip = best(i + 1, j)
            options.append((skip[0] - MISSING_COST * element.weight, skip[1], skip[2], skip[3], skip[4]))
            if j < n:
                # an extra input word
                extra = best(i, j + 1)
                cost = _input_weight(tokens[j])
                options.append((extra[0] - EXTRA_INPUT_COST * cost, extra[1], extra[2] + cost, extra[3], extra[4]))
                if element.word is not None:
                    said = tokens[j].norm
                    if said == element.word or fuzzy_equal(said, element.word):
                        credit = element.weight * (1.0 if said == element.word else TYPO_CREDIT)
                        content = 0 if element.word in LIGHT_WORDS else 1
                        rest = best(i + 1, j + 1)
                        options.append((rest[0] + credit, rest[1] + credit, rest[2], rest[3] + content, rest[4]))
                else:
                    assert element.slot is not None
                    credit = self.slot_credit[(pattern.intent, element.slot)]
                    for end in range(j + 1, min(n, j + MAX_SLOT_SPAN) + 1):
                        found = recognize(element.slot, j, end)
                        if found is not None:
                            credit = self.slot_credit[(pattern.intent, element.slot)] * found.certainty
                            rest = best(i + 1, end)
                            spans = ((element.slot, j, end), *rest[4])
                            options.append((rest[0] + credit, rest[1] + credit, rest[2], rest[3], spans))
            return max(options, key=lambda o: o[0])

        _, gain, unmatched, content, spans = best(0, 0)
        confidence = gain / (pattern.weight + unmatched) if pattern.weight + unmatched > 0 else 0.0
        # The utterance's meaning is in its content words: matching "what is the ... of" of "what is the status
        # of order {OrderId}" is weak evidence however many light words agree.
        if pattern.content_words:
            confidence *= (content / pattern.content_words) ** CONTENT_EXPONENT
        slots: dict[str, Resolved] = {}
        positions: dict[str, tuple[int, int]] = {}
        for slot, start, end in spans:
            resolved = recognize(slot, start, end)
            if resolved is not None:
                slots[slot] = resolved
                positions[slot] = (start, end)
        return Match(
            intent=pattern.intent,
            confidence=round(min(confidence, 1.0), 2),
            slots=slots,
            pattern=pattern.text,
            spans=positions,
        )
