"""Training sentences from a bot locale: every sample utterance with its `{Slot}` placeholders filled by values of
the slot's type, some wrapped in small talk, each word labelled with the slot it belongs to (BIO tags).

This is how the bot's builder teaches Lex too: sample utterances and slot values. The values of built-in types come
from vocabulary.py; custom types give their own values and synonyms. Everything is drawn from a random generator
seeded by the utterance, so the same bot always gives the same sentences (and the same trained models).
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from hashlib import sha256

from bot.lex_regex import compile_regex_filter, regex_accepts
from local.emulators.lex.model import BotLocale, SlotType
from local.emulators.lex.nlu import vocabulary as words
from local.emulators.lex.text import normalize_phrase, tokenize

NONE = "__none__"  # the background class: none of the intents
BACKGROUND_COPIES = 4  # sentences per background line (the line, then wrapped in small talk)
OUTSIDE = "O"
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Sample:
    intent: str
    words: tuple[str, ...]  # as typed
    labels: tuple[str, ...]  # OUTSIDE, B-<slot> or I-<slot>, one per word


ValueMaker = Callable[[random.Random], str]


def _case(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.4:
        return text.lower()
    if roll < 0.5:
        return text.title()
    return text


def _first(rng: random.Random) -> str:
    return _case(rng, rng.choice(words.FIRST_NAMES))


def _last(rng: random.Random) -> str:
    return _case(rng, rng.choice(words.LAST_NAMES))


def _handle(rng: random.Random) -> str:
    first, last = rng.choice(words.FIRST_NAMES).lower(), rng.choice(words.LAST_NAMES).lower()
    first, last = re.sub(r"[^a-z]", "", first), re.sub(r"[^a-z]", "", last)
    shapes = [
        f"{first[0]}{last}",
        f"{first}.{last}",
        f"{first}_{last[0]}",
        f"{first}{rng.randint(1, 99)}",
        f"{last}{first[0]}",
        f"{first}-{last}",
        f"{first[0]}.{last}",
        f"{first}{last}",
    ]
    return rng.choice(shapes)


def _email(rng: random.Random) -> str:
    local, domain = _handle(rng).replace("-", "."), rng.choice(words.EMAIL_DOMAINS)
    if rng.random() < 0.3:  # spoken: "jane dot doe at example dot com"
        spoken = f"{local} at {domain}".replace(".", " dot ").replace("_", " underscore ")
        return " ".join(spoken.split())
    return f"{local}@{domain}"


def _number(rng: random.Random) -> str:
    return rng.choice(words.NUMBER_WORDS) if rng.random() < 0.4 else str(rng.choice([1, 2, 3, 4, 5, 6, 10, 12, 20]))


def _alphanumeric(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:  # a ULID, as many ids are
        return "".join(rng.choice(_CROCKFORD) for _ in range(26))
    if roll < 0.8:
        return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(rng.randint(5, 10)))
    return str(rng.randint(1000, 999999))


def _date(rng: random.Random) -> str:
    return rng.choice(["today", "tomorrow", "next monday", "friday", "december 3rd", "2027-01-15", "in three days"])


BUILTIN_VALUES: dict[str, ValueMaker] = {
    "AMAZON.FirstName": _first,
    "AMAZON.LastName": _last,
    "AMAZON.EmailAddress": _email,
    "AMAZON.Number": _number,
    "AMAZON.AlphaNumeric": _alphanumeric,
    "AMAZON.Date": _date,
}


def value_maker(type_name: str, locale: BotLocale) -> ValueMaker:
    slot_type = locale.slot_type(type_name)
    if slot_type is None:
        return BUILTIN_VALUES.get(type_name, _first)
    if slot_type.regex is not None:
        return _regex_values(slot_type)
    phrases = [p for v in slot_type.values for p in (v.value, *v.synonyms)]
    if not phrases:
        return _first
    # A type that keeps what was said takes values similar to the listed ones: people say "Dostoevsky" for
    # "Fyodor Dostoevsky", "Huckleberry Finn" for "Adventures of Huckleberry Finn".
    parts = [p for p in (_part(phrase) for phrase in phrases) if p] if slot_type.resolution == "ORIGINAL_VALUE" else []

    def make(rng: random.Random) -> str:
        if parts and rng.random() < 0.3:
            return _case(rng, rng.choice(parts))
        return _case(rng, rng.choice(phrases))

    return make


def _part(phrase: str) -> str | None:
    """The last words of a phrase of several, from its first word of four letters or more ("Dostoevsky")."""
    said = phrase.split()
    for i in range(1, len(said)):
        if len(said[i]) >= 4:
            return " ".join(said[i:])
    return None


def _regex_values(slot_type: SlotType) -> ValueMaker:
    assert slot_type.regex is not None
    compiled = compile_regex_filter(slot_type.regex)

    def make(rng: random.Random) -> str:
        for _ in range(20):
            value = _handle(rng)
            if regex_accepts(compiled, value):
                return value
        return _alphanumeric(rng)

    return make


def _one(make: ValueMaker) -> ValueMaker:
    return make


def _several(make: ValueMaker) -> ValueMaker:
    """Values of a multi-valued slot: one to three, joined as people list them ("horror and poetry")."""

    def make_list(rng: random.Random) -> str:
        values = [make(rng) for _ in range(rng.choice([1, 1, 2, 2, 3]))]
        if len(values) == 1:
            return values[0]
        return ", ".join(values[:-1]) + rng.choice([" and ", ", ", " "]) + values[-1]

    return make_list


def _seeded(*parts: str) -> random.Random:
    seed = int.from_bytes(sha256("\x1f".join(parts).encode()).digest()[:8], "big")
    return random.Random(seed)  # noqa: S311 (made-up training sentences, not secrets)


def _wrap(rng: random.Random, sentence: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Small talk around the request, now and then."""
    if rng.random() < 0.3:
        sentence = [(w.orig, OUTSIDE) for w in tokenize(rng.choice(words.OPENERS))] + sentence
    if rng.random() < 0.3:
        sentence = sentence + [(w.orig, OUTSIDE) for w in tokenize(rng.choice(words.CLOSERS))]
    return sentence


def _literal(text: str) -> list[tuple[str, str]]:
    """The words of the text between placeholders, as the tokenizer gives them in a whole sentence: the `'s` of
    "{Username}'s" is a word of its own."""
    words = [("'s", OUTSIDE)] if text.startswith("'s") else []
    return words + [(t.orig, OUTSIDE) for t in tokenize(text[2:] if words else text)]


def fill(utterance: str, makers: dict[str, ValueMaker], rng: random.Random) -> list[tuple[str, str]]:
    """The utterance with each placeholder replaced by a value: (word, label) pairs."""
    sentence: list[tuple[str, str]] = []
    position = 0
    for placeholder in _PLACEHOLDER.finditer(utterance):
        sentence += _literal(utterance[position : placeholder.start()])
        slot = placeholder.group(1).strip()
        value = [t.orig for t in tokenize(makers[slot](rng))]
        sentence += [(word, ("B-" if i == 0 else "I-") + slot) for i, word in enumerate(value)]
        position = placeholder.end()
    sentence += _literal(utterance[position:])
    return sentence


def _distract(rng: random.Random, sentence: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Words of no slot around the request, now and then (so that a word the tagger never saw is not taken for
    a value because it is new), and sometimes the whole sentence in capitals."""
    if rng.random() < 0.25:
        other = [(t.orig, OUTSIDE) for t in tokenize(rng.choice(words.BACKGROUND))]
        sentence = other + sentence if rng.random() < 0.5 else sentence + other
    if rng.random() < 0.05:
        sentence = [(word.upper(), label) for word, label in sentence]
    return sentence


def intent_samples(locale: BotLocale, fills: int, *, distract: bool = False) -> Iterator[Sample]:
    """`fills` sentences per sample utterance with slots (half as many without), some wrapped in small talk
    (and, for the slot tagger, `distract`ed)."""
    for intent in locale.intents:
        makers = {
            slot.name: (_several if slot.multiple else _one)(value_maker(slot.type, locale)) for slot in intent.slots
        }
        for utterance in intent.utterances:
            rng = _seeded(locale.locale_id, intent.name, utterance)
            count = fills if _PLACEHOLDER.search(utterance) else max(1, fills // 2)
            for attempt in range(count):
                sentence = fill(utterance, makers, rng)
                if attempt:
                    sentence = _wrap(rng, sentence)
                if distract:
                    sentence = _distract(rng, sentence)
                yield Sample(intent.name, tuple(w for w, _ in sentence), tuple(label for _, label in sentence))


def background_samples(locale: BotLocale) -> Iterator[Sample]:
    """The background lines (vocabulary.BACKGROUND) but those too close to one of the bot's sample utterances."""
    own = [set(normalize_phrase(_PLACEHOLDER.sub(" ", u)).split()) for i in locale.intents for u in i.utterances]
    for line in words.BACKGROUND:
        said = set(normalize_phrase(line).split())
        if any(len(said & mine) >= 0.8 * max(len(said), len(mine)) for mine in own if mine):
            continue
        rng = _seeded(locale.locale_id, NONE, line)
        for attempt in range(BACKGROUND_COPIES):
            sentence = [(t.orig, OUTSIDE) for t in tokenize(line)]
            if attempt:
                sentence = _wrap(rng, sentence)
            yield Sample(NONE, tuple(w for w, _ in sentence), tuple(OUTSIDE for _ in sentence))
