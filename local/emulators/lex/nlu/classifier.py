"""Intent classification and slot filling for one bot locale, learned from its sample utterances.

1. The intent model (learner.py, a maximum-entropy classifier) scores every intent and a background class from
   the sentence's words, word pairs, typo-corrected words and the kinds of values in it (features.py). It was
   trained on the sample utterances filled with slot values and wrapped in small talk (samples.py).
2. The slot tagger of an intent (a CRF) marks the words of each slot; each marked span is resolved by its slot
   type's recognizer (slots.py), which refuses what Lex would not store. A listed or typed value that the tagger
   missed is still taken when exactly one span of the sentence is such a value.
3. The confidence is the intent's probability, lowered by the share of the sentence's content words that the bot
   has never seen ("recommend a good movie": "movie" is in no sample utterance). Lex's threshold then decides
   between the intent and FallbackIntent (turn.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from local.emulators.lex.model import BotLocale, Intent
from local.emulators.lex.nlu import learner
from local.emulators.lex.nlu.features import FUNCTION_WORDS, Featurizer, word_class
from local.emulators.lex.nlu.samples import NONE, OUTSIDE, Sample, background_samples, intent_samples
from local.emulators.lex.nlu.vocabulary import SYNONYMS
from local.emulators.lex.slot_custom import multi_value_recognizer
from local.emulators.lex.slot_values import STOPWORDS, Recognizer, Resolved
from local.emulators.lex.slots import recognizer_for
from local.emulators.lex.text import Token, tokenize

INTENT_FILLS = 4  # sentences per sample utterance with slots, for the intent model
TAGGER_FILLS = 12  # and for the slot tagger
SLOTS_FOR_TOP = 3  # intents whose slots are tagged (the others cannot win)
UNKNOWN_EXPONENT = 0.8
SECOND_CHANCE = 0.15  # the least probability of a span, by the tagger, to be taken when its best guess failed
MAX_SLOT_SPAN = 9  # a spoken email: 'jane dot doe at mail dot example dot co dot uk'
# Open-class types accept almost any word: at a prompt, the rest of the answer must be filler to take one.
OPEN_SLOT_TYPES = frozenset({"AMAZON.AlphaNumeric", "AMAZON.FirstName", "AMAZON.LastName"})
# Words around a slot answer that say nothing about its value ("sure, the username is jdoe, thanks").
FILLER_WORDS = (
    FUNCTION_WORDS
    | STOPWORDS
    | frozenset({"thanks", "thank", "cheers", "it's", "its", "sure", "yeah", "yep", "right", "fine", "great"})
)


@dataclass
class Match:
    intent: str
    confidence: float
    slots: dict[str, Resolved] = field(default_factory=dict)
    pattern: str = ""  # kept for callers of the former pattern matcher: always empty now
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # input token range of each slot


def _tokens(sample: Sample) -> list[Token]:
    return [Token(word.lower(), word) for word in sample.words]


class IntentClassifier:
    def __init__(self, locale: BotLocale) -> None:
        self.locale = locale
        intents = [i for i in locale.intents if i.utterances]
        samples = list(intent_samples(locale, INTENT_FILLS))
        background = list(background_samples(locale))
        said = [w.lower() for s in samples for w, label in zip(s.words, s.labels, strict=True) if label == OUTSIDE]
        literal = set(said)
        synonyms = [w for line in SYNONYMS for w in line.split()]
        self.featurizer = Featurizer(locale, said + synonyms + [w.lower() for s in background for w in s.words])
        self.vocabulary = literal | {w for g in self.featurizer.gazetteers for w in g.words}
        # a word that means what a word of the samples means is no unknown word
        self.vocabulary |= {w for line in SYNONYMS if self.vocabulary & set(line.split()) for w in line.split()}
        bot = repr(locale)  # the bot's whole locale: with the code's version, it decides the training data
        self.intent_model = learner.train(
            "intent",
            bot,
            lambda: [([self.featurizer.sentence(_tokens(s))], [s.intent]) for s in samples + background],
            learner.INTENT_PARAMS,
        )
        tagged = cache(lambda: list(intent_samples(locale, TAGGER_FILLS, distract=True)))

        def tagger_data(name: str) -> Callable[[], list[tuple[list[dict[str, float]], tuple[str, ...]]]]:
            """The tagger's sentences of one intent, built only when its model is not in the cache."""
            return lambda: [(self.featurizer.tokens(_tokens(s)), s.labels) for s in tagged() if s.intent == name]

        self.taggers = {
            intent.name: learner.train("slots", [bot, intent.name], tagger_data(intent.name), learner.TAGGER_PARAMS)
            for intent in intents
            if intent.slots
        }
        self.recognizers: dict[tuple[str, str], Recognizer] = {
            (intent.name, slot.name): (multi_value_recognizer if slot.multiple else _single)(
                recognizer_for(slot.type, locale.slot_types)
            )
            for intent in locale.intents
            for slot in intent.slots
        }
        open_types = OPEN_SLOT_TYPES | {t.name for t in locale.slot_types if t.parent in OPEN_SLOT_TYPES}
        self.open_slots = {
            (intent.name, slot.name) for intent in locale.intents for slot in intent.slots if slot.type in open_types
        }

    def classify(self, text: str) -> list[Match]:
        """Every intent with its confidence (and, for the likeliest, its slots), best first; FallbackIntent is
        not among them: it is what the caller chooses when the best is under the threshold."""
        tokens = tokenize(text)
        if not tokens:
            return []
        probabilities = self.intent_model.classify(self.featurizer.sentence(tokens))
        ranked = sorted(((p, name) for name, p in probabilities.items() if name != NONE), reverse=True)
        token_features = self.featurizer.tokens(tokens)
        matches = []
        plain = self._known_share(tokens)
        for rank, (probability, name) in enumerate(ranked):
            match = Match(name, 0.0)
            if rank < SLOTS_FOR_TOP and name in self.taggers:
                self._tag_slots(match, tokens, token_features)
                self._fill_specific_slots(match, tokens)
            in_slots = frozenset(i for start, end in match.spans.values() for i in range(start, end))
            share = self._known_share(tokens, in_slots) if in_slots else plain
            match.confidence = round(min(1.0, probability * share), 2)
            matches.append(match)
        return sorted(matches, key=lambda m: m.confidence, reverse=True)

    def _known_share(self, tokens: Sequence[Token], in_slots: frozenset[int] = frozenset()) -> float:
        """(known content words + 1) / (content words + 1), to the UNKNOWN_EXPONENT; words of slots not counted."""
        gazetteer = {i for tags in self.featurizer.gazetteer_tags(tokens).values() for i, t in enumerate(tags) if t}
        content = known = 0
        for i, token in enumerate(tokens):
            if token.norm in FUNCTION_WORDS or i in in_slots or i in gazetteer or word_class(token):
                continue
            content += 1
            known += self.featurizer.correct(token.norm) in self.vocabulary
        return float(((known + 1) / (content + 1)) ** UNKNOWN_EXPONENT)

    def _tag_slots(self, match: Match, tokens: Sequence[Token], features: list[dict[str, float]]) -> None:
        """The tagger's likeliest spans that their type accepts; then, for a slot still empty, the likeliest
        other span that the tagger gives a fair chance and the type accepts (the tagger put "user named X"'s
        label on "named", which no username can be)."""
        tagger = self.taggers[match.intent]
        labels = tagger.tag(features)
        words = [t.orig for t in tokens]
        spans = [self._whole_value(match.intent, slot, tokens, start, end) for slot, start, end in _label_spans(labels)]
        for slot, start, end in spans:
            if slot not in match.slots and (match.intent, slot) in self.recognizers:
                self._take(match, slot, self._resolve_span(match.intent, slot, words, start, end))
        self._second_chance(match, tagger, words, features)

    def _second_chance(
        self, match: Match, tagger: learner.Model, words: Sequence[str], features: list[dict[str, float]]
    ) -> None:
        """Each slot of the intent that the tagger knows and the best spans left empty, in name order, takes the
        likeliest span outside the slots already taken (`_likeliest_span`)."""
        used = {i for start, end in match.spans.values() for i in range(start, end)}
        empty = sorted(
            ({label.partition("-")[2] for label in tagger.labels if label != OUTSIDE} - set(match.slots))
            & {slot for intent, slot in self.recognizers if intent == match.intent}
        )
        marginals = tagger.marginals(features, [f"{kind}-{slot}" for slot in empty for kind in "BI"])
        for slot in empty:
            found = self._likeliest_span(match.intent, slot, words, marginals, used)
            if found is not None:
                self._take(match, slot, found)
                used |= set(range(found[0], found[1]))

    def _likeliest_span(
        self, intent: str, slot: str, words: Sequence[str], marginals: list[dict[str, float]], used: set[int]
    ) -> tuple[int, int, Resolved] | None:
        """Of the unused spans that begin where the tagger gives the slot at least SECOND_CHANCE (and run while it
        does), the one with the likeliest beginning that the slot's type accepts; None when the type takes none."""
        candidates = []
        for start in range(len(words)):
            chance = marginals[start].get(f"B-{slot}", 0.0)
            if start in used or chance < SECOND_CHANCE:
                continue
            end = start + 1
            while end < len(words) and end not in used and marginals[end].get(f"I-{slot}", 0.0) >= SECOND_CHANCE:
                end += 1
            found = self._resolve_span(intent, slot, words, start, end)
            if found is not None:
                candidates.append((chance, found))
        if not candidates:
            return None
        return max(candidates, key=lambda c: c[0])[1]

    def _whole_value(
        self, intent: str, slot: str, tokens: Sequence[Token], start: int, end: int
    ) -> tuple[str, int, int]:
        """A tagged span that overlaps a listed value of the slot's type, grown to the whole value: "the jungle"
        of "order the jungle book" is The Jungle Book."""
        tags = self.featurizer.gazetteer_tags(tokens).get(self.locale.intent(intent).slot(slot).type)
        for value_start, value_end in _whole_matches(tags or []):
            if value_start < end and start < value_end:
                return slot, min(start, value_start), max(end, value_end)
        return slot, start, end

    @staticmethod
    def _take(match: Match, slot: str, found: tuple[int, int, Resolved] | None) -> None:
        if found is not None:
            match.slots[slot], match.spans[slot] = found[2], (found[0], found[1])

    def _resolve_span(
        self, intent: str, slot: str, words: Sequence[str], start: int, end: int
    ) -> tuple[int, int, Resolved] | None:
        """The tagged span resolved by the slot's type, or the span without the sentence words at its edges."""
        recognize = self.recognizers[(intent, slot)]
        while start < end:
            resolved = recognize(words[start:end])
            if resolved is not None:
                return start, end, resolved
            if words[start].lower() in FILLER_WORDS:
                start += 1
            elif words[end - 1].lower() in FILLER_WORDS:
                end -= 1
            else:
                return None
        return None

    def _fill_specific_slots(self, match: Match, tokens: Sequence[Token]) -> None:
        """A slot of a specific type (email, number, date, listed values) that the tagger did not mark is still
        filled when exactly one unused span of the input is such a value, as Lex's model would."""
        used = {i for start, end in match.spans.values() for i in range(start, end)}
        words = [t.orig for t in tokens]
        gazetteers = self.featurizer.gazetteer_tags(tokens)
        for slot in self.locale.intent(match.intent).slots:
            if slot.name in match.slots:
                continue
            if (match.intent, slot.name) in self.open_slots:
                self._fill_id(match, slot.name, tokens, used)
                continue
            recognizer = self.recognizers[(match.intent, slot.name)]
            listed = gazetteers.get(slot.type)
            spans = (
                _whole_matches(listed)  # a listed value: where the type's gazetteer found one
                if listed is not None
                else [(s, e) for s in range(len(words)) for e in range(s + 1, min(len(words), s + MAX_SLOT_SPAN) + 1)]
            )
            found = [
                (start, end, resolved)
                for start, end in spans
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

    def _fill_id(self, match: Match, slot: str, tokens: Sequence[Token], used: set[int]) -> None:
        """An open-class slot takes a word that can only be an id (long, letters and digits mixed), when the
        sentence has exactly one."""
        ids = [i for i, t in enumerate(tokens) if i not in used and word_class(t) == "<id>"]
        if len(ids) == 1:
            resolved = self.recognizers[(match.intent, slot)]([tokens[ids[0]].orig])
            if resolved is not None:
                match.slots[slot], match.spans[slot] = resolved, (ids[0], ids[0] + 1)
                used.add(ids[0])

    def fill_slot(self, intent: Intent, slot: str, text: str) -> Resolved | None:
        """Resolve an answer to a slot prompt: the whole answer, or the one span of it the type recognizes
        (so "it's jdoe@example.com" gives the email, "the username is jdoe" gives jdoe). For open-class
        types the rest of the answer must be filler: "Mary Ann" is no username, and guessing one is worse
        than asking again."""
        recognizer = self.recognizers[(intent.name, slot)]
        open_class = (intent.name, slot) in self.open_slots
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
                rest = [t.norm for t in tokens[:start] + tokens[end:]]
                if open_class and not all(w in FILLER_WORDS or w in _slot_words(slot) for w in rest):
                    continue
                resolved = recognizer(words[start:end])
                if resolved is not None:
                    candidates.append((start, end, resolved))
        if not candidates:
            return None
        # Prefer the longest recognized span, then the last one (answers put the value at the end).
        start, end, resolved = max(candidates, key=lambda c: (c[1] - c[0], c[0]))
        return resolved


def _single(recognize: Recognizer) -> Recognizer:
    return recognize


def _label_spans(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """The (slot, start, end) of each span a tagger's B-/I- labels mark: an I- label continues the span just
    before it when that span is of the same slot, and otherwise begins one of its own."""
    spans: list[tuple[str, int, int]] = []
    for i, label in enumerate(labels):
        if label == OUTSIDE:
            continue
        kind, _, slot = label.partition("-")
        if kind == "I" and spans and spans[-1][0] == slot and spans[-1][2] == i:
            spans[-1] = (slot, spans[-1][1], i + 1)
        else:
            spans.append((slot, i, i + 1))
    return spans


def _whole_matches(tags: Sequence[str | None]) -> list[tuple[int, int]]:
    """The (start, end) of each whole listed phrase a gazetteer tagged."""
    spans = []
    for i, tag in enumerate(tags):
        if tag == "B":
            end = i + 1
            while end < len(tags) and tags[end] == "I":
                end += 1
            spans.append((i, end))
    return spans


def _slot_words(slot: str) -> frozenset[str]:
    """The words of a slot's name ("NewEmail" -> new, email), which an answer may repeat ("the username is x")."""
    spaced = "".join(f" {c.lower()}" if c.isupper() else c for c in slot)
    return frozenset(spaced.split()) | {slot.lower()}
