"""Slot-value recognizers: built-in Lex types and custom slot types, on spans of user tokens.

A recognizer gets the original words of a span and returns the resolved value, or None when the span is
not a value of the type. Spans are tried by the NLU matcher; the recognizers must therefore be strict
enough to reject ordinary words where the type cannot hold them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from bot.schema import SlotType
from local.lex.text import fuzzy_equal, normalize_phrase

_EMAIL_RE = re.compile(
    r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)
# Lenient on purpose: the emulator lets an AlphaNumeric slot carry usernames (j.doe) and emails (a@b.co);
# the code hook decides what is valid.
_ALNUM_RE = re.compile(r"^[a-z0-9][a-z0-9._@+-]*$", re.IGNORECASE)
_NAME_RE = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")

# Words that are never a name, username or free value on their own: they belong to the sentence.
_STOPWORDS = """a an the to of for with and or in on at by from is are be was it its it's this that these those
i me my we our you your he she they them his her their please can could would will should shall do does did want
wanted need needed like named called as new user users account accounts customer customers someone somebody email
e-mail address mail name first last surname username change edit update set modify register create add make sign
up enroll open fix correct rename now then so just also again one some any details profile has have what which who
how yes no not"""
STOPWORDS = frozenset(_STOPWORDS.split())

NUMBER_WORDS = {
    "zero": 0, "oh": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "couple": 2,
}  # fmt: skip
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
]  # fmt: skip
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)}


@dataclass(frozen=True)
class Resolved:
    original: str
    interpreted: str
    resolved: tuple[str, ...] = ()
    # How sure the recognizer is: 1.0 for a listed value, less for part of one or for unlisted text.
    certainty: float = 1.0


Recognizer = Callable[[Sequence[str]], Resolved | None]


def _original(words: Sequence[str]) -> str:
    return " ".join(words)


_EMAIL_LEAD_IN = frozenset(
    [
        "it",
        "is",
        "it's",
        "its",
        "my",
        "the",
        "email",
        "e-mail",
        "mail",
        "address",
        "sure",
        "ok",
        "okay",
        "yes",
        "use",
        "please",
        "that's",
    ]
)


def recognize_email(words: Sequence[str]) -> Resolved | None:
    """`jdoe@example.com`, and the spoken form `j doe at example dot com`."""
    text = " ".join(w.lower() for w in words).strip(" ,;:!?")
    if " " not in text and _EMAIL_RE.match(text.rstrip(".")):
        value = text.rstrip(".")
        return Resolved(_original(words), value, (value,))
    if " at " not in f" {text} " or " dot " not in f" {text} ":
        return None
    local, _, domain = text.rpartition(" at ")
    lead = local.split()
    while lead and lead[0] in _EMAIL_LEAD_IN:  # "it is mary dot ann at ..." -> "mary dot ann at ..."
        lead = lead[1:]
    text = " ".join(lead) + " at " + domain
    spoken = re.sub(r"\s+at\s+", "@", f" {text} ").strip()
    spoken = re.sub(r"\s*\bdot\b\s*", ".", spoken)
    spoken = re.sub(r"\s*\b(underscore)\b\s*", "_", spoken)
    spoken = re.sub(r"\s*\b(dash|hyphen)\b\s*", "-", spoken).replace(" ", "")
    if _EMAIL_RE.match(spoken):
        return Resolved(_original(words), spoken, (spoken,))
    return None


def recognize_alphanumeric(words: Sequence[str]) -> Resolved | None:
    if len(words) != 1:
        return None
    word = words[0].strip(" ,;:!?\"'")
    if word.endswith(".") and word.count(".") == 1:
        word = word[:-1]
    if not word or not _ALNUM_RE.match(word) or word.lower() in STOPWORDS:
        return None
    return Resolved(words[0], word, (word,))


def _recognize_name(words: Sequence[str]) -> Resolved | None:
    if not 1 <= len(words) <= 2:
        return None
    cleaned = [w.strip(' ,;:!?."') for w in words]
    if any(not w or not _NAME_RE.match(w) or w.lower() in STOPWORDS for w in cleaned):
        return None
    value = " ".join(w[:1].upper() + w[1:] for w in cleaned)
    return Resolved(_original(words), value, (value,))


recognize_first_name = _recognize_name
recognize_last_name = _recognize_name


def parse_number(words: Sequence[str]) -> int | float | None:
    tokens = [w.lower().strip(",.") for w in words if w.lower() not in {"and"}]
    if not tokens:
        return None
    if len(tokens) == 1:
        token = tokens[0]
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        if re.fullmatch(r"-?\d+\.\d+", token):
            return float(token)
    if tokens[0] in {"a", "an"}:  # "a dozen", "a hundred": an article, not the number one
        if len(tokens) == 1:
            return None
        tokens = tokens[1:]
    total, current = 0, 0
    for token in tokens:
        if token in NUMBER_WORDS:
            current += NUMBER_WORDS[token]
        elif token in _SCALES:
            current = max(current, 1) * _SCALES[token]
            if _SCALES[token] == 1000:
                total, current = total + current, 0
        elif "-" in token and all(p in NUMBER_WORDS for p in token.split("-")):
            current += sum(NUMBER_WORDS[p] for p in token.split("-"))
        else:
            return None
    return total + current


def recognize_number(words: Sequence[str]) -> Resolved | None:
    if not 1 <= len(words) <= 4:
        return None
    value = parse_number(words)
    if value is None:
        return None
    text = str(value)
    return Resolved(_original(words), text, (text,))


def parse_date(words: Sequence[str], today: date | None = None) -> date | None:
    """ISO dates, today/tomorrow/yesterday, weekdays (next one on or after today), `next week`, month days."""
    today = today or date.today()
    text = " ".join(w.lower().strip(",.") for w in words)
    text = re.sub(r"\b(the|of|on)\b", " ", text)
    text = " ".join(text.split())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    relative = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1, "day after tomorrow": 2}
    if text in relative:
        return today + timedelta(days=relative[text])
    match = re.fullmatch(r"in (\w+) days?", text)
    if match:
        count = parse_number([match.group(1)])
        return today + timedelta(days=int(count)) if isinstance(count, int) else None
    match = re.fullmatch(r"(next |this )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)", text)
    if match:
        delta = (_WEEKDAYS.index(match.group(2)) - today.weekday()) % 7
        if match.group(1) == "next " and delta == 0:
            delta = 7
        return today + timedelta(days=delta)
    if text == "next week":  # Lex: a future week resolves to the last day of the current week
        return today + timedelta(days=6 - today.weekday())
    match = re.fullmatch(r"([a-z]+) (\d{1,2})(st|nd|rd|th)?( \d{4})?", text) or re.fullmatch(
        r"(\d{1,2})(st|nd|rd|th)? ([a-z]+)( \d{4})?", text
    )
    if match:
        groups = match.groups()
        month_name, day_text, year_text = (
            (groups[0], groups[1], groups[3]) if not groups[0].isdigit() else (groups[2], groups[0], groups[3])
        )
        month = _MONTH_ABBR.get(month_name[:3]) if month_name[:3] in _MONTH_ABBR else None
        if month is None:
            return None
        try:
            candidate = date(int(year_text) if year_text else today.year, month, int(day_text))
        except ValueError:
            return None
        if not year_text and candidate < today:  # Lex resolves to a date on or after today
            candidate = candidate.replace(year=candidate.year + 1)
        return candidate
    return None


def recognize_date(words: Sequence[str]) -> Resolved | None:
    if not 1 <= len(words) <= 5:
        return None
    value = parse_date(words)
    if value is None:
        return None
    return Resolved(_original(words), value.isoformat(), (value.isoformat(),))


BUILTIN_RECOGNIZERS: dict[str, Recognizer] = {
    "AMAZON.AlphaNumeric": recognize_alphanumeric,
    "AMAZON.EmailAddress": recognize_email,
    "AMAZON.FirstName": recognize_first_name,
    "AMAZON.LastName": recognize_last_name,
    "AMAZON.Number": recognize_number,
    "AMAZON.Date": recognize_date,
}


_ARTICLES = frozenset({"the", "a", "an"})
_WEAK = STOPWORDS | _ARTICLES | frozenset({"book", "books", "novel", "novels", "story", "stories", "copy", "copies"})


def custom_recognizer(slot_type: SlotType) -> Recognizer:
    """Values and synonyms, case-insensitive and tolerant of a small typo. The resolution strategy decides
    whether interpretedValue is the canonical value (TOP_RESOLUTION) or what the user said (ORIGINAL_VALUE).
    ORIGINAL_VALUE types also accept part of a value ("monte cristo" for "The Count of Monte Cristo"), as
    Lex accepts values similar to the listed ones."""
    phrases: list[tuple[list[str], str]] = []
    for value in slot_type.values:
        for phrase in [value.value, *value.synonyms]:
            phrases.append((normalize_phrase(phrase).split(), value.value))
    exact = {" ".join(tokens): canonical for tokens, canonical in phrases}
    vocabulary: dict[str, set[int]] = {}
    for index, (tokens, _) in enumerate(phrases):
        for token in tokens:
            vocabulary.setdefault(token, set()).add(index)
    partial = slot_type.resolution == "ORIGINAL_VALUE"

    @lru_cache(maxsize=8192)
    def containing(word: str, min_typo_length: int) -> frozenset[int]:
        """Phrases with this word, or with a word one small typo away (for words long enough)."""
        found = set(vocabulary.get(word, set()))
        if len(word) >= min_typo_length:
            for known, indexes in vocabulary.items():
                if known[0] == word[0] and abs(len(known) - len(word)) <= 2 and fuzzy_equal(word, known):
                    found |= indexes
        return frozenset(found)

    def candidates(words: Sequence[str], min_typo_length: int) -> list[int]:
        sets = [containing(w, min_typo_length) for w in words]
        return sorted(frozenset.intersection(*sets)) if sets else []

    def recognize(words: Sequence[str]) -> Resolved | None:
        said = normalize_phrase(" ".join(words)).split()
        if not said:
            return None
        original = " ".join(words)

        def resolved(canonical: str) -> Resolved:
            interpreted = canonical if slot_type.resolution == "TOP_RESOLUTION" else original
            return Resolved(original, interpreted, (canonical,))

        if " ".join(said) in exact:
            return resolved(exact[" ".join(said)])
        for index in candidates(said, 4):
            tokens, canonical = phrases[index]
            if len(tokens) == len(said) and all(fuzzy_equal(a, b) for a, b in zip(said, tokens, strict=True)):
                return resolved(canonical)
        if not partial:
            return None
        core = said[1:] if said[0] in _ARTICLES else said
        if not core or all(w in _WEAK for w in core) or len(core) > 8:
            return None
        for index in candidates(core, 6):  # short words: exact only ("show" is not "Shaw")
            tokens, canonical = phrases[index]
            # the words must appear in order, next to each other
            for start in range(len(tokens) - len(core) + 1):
                if all(fuzzy_equal(a, b) for a, b in zip(core, tokens[start : start + len(core)], strict=True)):
                    return Resolved(original, original, (canonical,), certainty=0.8)
        # ORIGINAL_VALUE: unlisted text still comes through (the code hook decides), with little credit; but
        # "a hotel" or "me a pizza" name a kind of thing, not a title.
        if len(said) < 2 or said[0] in {"a", "an"} or core[0] in _WEAK or core[-1] in _WEAK or len(core) > 6:
            return None  # one unlisted word ("pizza") says too little to be taken for a title
        if "by" in core:
            return None  # ("Frankenstein by Mary Shelley" is a title and an author)
        return Resolved(original, original, (), certainty=0.4)

    return recognize


def recognizer_for(type_name: str, slot_types: Sequence[SlotType]) -> Recognizer:
    for slot_type in slot_types:
        if slot_type.name == type_name:
            return custom_recognizer(slot_type)
    if type_name in BUILTIN_RECOGNIZERS:
        return BUILTIN_RECOGNIZERS[type_name]
    raise ValueError(f"the local Lex runtime has no recognizer for slot type {type_name}")
