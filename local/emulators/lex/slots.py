"""Slot-value recognizers: built-in Lex types and custom slot types, on spans of user tokens.

A recognizer gets the original words of a span and returns the resolved value, or None when the span is
not a value of the type. Spans are tried by the NLU matcher; the recognizers must therefore be strict
enough to reject ordinary words where the type cannot hold them.

Each built-in type takes what the Lex V2 developer guide says it recognizes, and nothing more: the local
runtime may be stricter than Lex (it has no name lists, no spelling styles) but never more lenient, or a
value that works here would not reach the code hook of the deployed bot.

- AMAZON.AlphaNumeric, https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-alphanumeric.html: "strings
  made up of letters and numbers": letters and digits only. Extended by a regex (a custom type with
  parentSlotTypeSignature AMAZON.AlphaNumeric), the whole value must match it and be at most 30 characters
  (bot/lex_regex.py).
- AMAZON.EmailAddress, https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-email.html: "an email
  address provided as username@domain. Addresses can include the following special characters in a user
  name: underscore (_), hyphen (-), period (.), and the plus sign (+)."
- AMAZON.FirstName, https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-first-name.html: names,
  "names consisting of more than one word" ("Anil Kumar"); "The name sent to your intent is the value sent
  by the user".
- AMAZON.LastName, https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-last-name.html: last names
  (single words in every example); the value as the user sent it.
- AMAZON.Number, https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-number.html: "Converts words or
  numbers that express a number into digits, including decimal numbers": its table is "one hundred twenty
  three point four five" -> 123.45, "... dot four five" -> 123.45, "point four two" / "point forty two" ->
  0.42, 232.998, 50, -15, "minus 15" -> -15, "minus fifteen point two four five" -> -15.245.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from bot.lex_regex import compile_regex_filter, regex_accepts
from local.emulators.lex.model import SlotType
from local.emulators.lex.text import fuzzy_equal, normalize_phrase

_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
# username@domain; the user name takes letters, digits and the four documented special characters.
# A period separates parts of the user name: never first, last or twice in a row (".jdoe", "j..doe").
_EMAIL_RE = re.compile(rf"^[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@{_LABEL}(?:\.{_LABEL})+$")
# Letters and numbers, nothing else.
_ALNUM_RE = re.compile(r"^[A-Za-z0-9]+$")
_NAME_RE = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")

# Words that are never a name, username or free value on their own: they belong to the sentence.
_STOPWORDS = """a an the to of for with and or in on at by from is are be was it its it's this that these those
i me my we our you your he she they them his her their please can could would will should shall do does did want
wanted need needed like named called as new user users account accounts customer customers someone somebody email
e-mail address mail name first last surname username change edit update set modify register create add make sign
up enroll open fix correct rename now then so just also again one some any details profile has have what which who
how yes no not mr mrs ms miss dr sir madam"""
STOPWORDS = frozenset(_STOPWORDS.split())

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_DECIMAL_POINT = frozenset({"point", "dot"})
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
    # A multi-valued slot's values, one per value said (its value is then the whole phrase); () for other slots.
    values: tuple[Resolved, ...] = ()


Recognizer = Callable[[Sequence[str]], Resolved | None]


def _original(words: Sequence[str]) -> str:
    """The words as one value; a possessive the tokenizer split off joins its word again ("Gulliver's")."""
    return " ".join(words).replace(" 's", "'s")


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
    """`jdoe@example.com`, and the same address in words: `j doe at example dot com` (Lex "recognizes words that
    represent an email address"). The user name takes letters, digits, `_`, `-`, `.` and `+` only."""
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
    spoken = re.sub(r"\s*\bplus\b\s*", "+", spoken)
    spoken = re.sub(r"\s*\b(dash|hyphen)\b\s*", "-", spoken).replace(" ", "")
    if _EMAIL_RE.match(spoken):
        return Resolved(_original(words), spoken, (spoken,))
    return None


def _one_word(words: Sequence[str]) -> str | None:
    """The word of a one-word span without the punctuation around it, unless it is a word of the sentence."""
    if len(words) != 1:
        return None
    word = words[0].strip(" ,;:!?\"'")
    if word.endswith(".") and word.count(".") == 1:
        word = word[:-1]
    if not word or word.lower() in STOPWORDS:
        return None
    return word


def recognize_alphanumeric(words: Sequence[str]) -> Resolved | None:
    """Letters and digits: `APQ123`, `jdoe2`, an order id (a ULID) in either case; not `j.doe`, `a@b.co`."""
    word = _one_word(words)
    if word is None or not _ALNUM_RE.match(word):
        return None
    return Resolved(words[0], word, (word,))


def regex_recognizer(slot_type: SlotType) -> Recognizer:
    """AMAZON.AlphaNumeric extended by `slot_type.regex`: what matches the whole regex, at most 30 characters."""
    assert slot_type.regex is not None
    compiled = compile_regex_filter(slot_type.regex)

    def recognize(words: Sequence[str]) -> Resolved | None:
        value = _one_word(words) if len(words) == 1 else " ".join(words)
        if value is None or not regex_accepts(compiled, value):
            return None
        return Resolved(_original(words), value, (value,))

    return recognize


def _recognize_name(words: Sequence[str], max_words: int) -> Resolved | None:
    if not 1 <= len(words) <= max_words:
        return None
    cleaned = [w.strip(' ,;:!?."') for w in words]
    if any(not w or not _NAME_RE.match(w) or w.lower() in STOPWORDS for w in cleaned):
        return None
    value = " ".join(cleaned)  # as the user sent it: Lex does not change a name's case
    return Resolved(_original(words), value, (value,))


def recognize_first_name(words: Sequence[str]) -> Resolved | None:
    """A first name of one or two words ("Jane", "Anil Kumar", "Mary-Jane")."""
    return _recognize_name(words, max_words=2)


def recognize_last_name(words: Sequence[str]) -> Resolved | None:
    """A last name: one word ("Smith", "Smith-Jones", "O'Brien")."""
    return _recognize_name(words, max_words=1)


def _cardinal(tokens: Sequence[str]) -> int | None:
    """`one hundred twenty three` -> 123; `a hundred` -> 100; `fifty` -> 50. None for anything else."""
    if not tokens or tokens[-1] == "and":
        return None
    if tokens[0] in {"a", "an"}:  # "a hundred", "a thousand": the article names one of the scale
        if len(tokens) < 2 or tokens[1] not in _SCALES:
            return None
        tokens = ["one", *tokens[1:]]
    total, current, seen = 0, 0, False
    for word in tokens:
        if word == "and" and seen:
            continue
        if word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        elif word in _SCALES and seen:
            scale = _SCALES[word]
            if scale >= 1000:
                total, current = total + max(current, 1) * scale, 0
            else:
                current = max(current, 1) * scale
        elif "-" in word and all(p in NUMBER_WORDS for p in word.split("-")):  # "twenty-five"
            current += sum(NUMBER_WORDS[p] for p in word.split("-"))
        else:
            return None
        seen = True
    return total + current


def _fraction_digits(tokens: Sequence[str]) -> str | None:
    """After `point`: digit by digit (`four five` -> 45) or as one number (`forty two` -> 42)."""
    if not tokens:
        return None
    if all(re.fullmatch(r"\d+", t) for t in tokens):
        return "".join(tokens)
    if all(t in NUMBER_WORDS and NUMBER_WORDS[t] < 10 for t in tokens):
        return "".join(str(NUMBER_WORDS[t]) for t in tokens)
    value = _cardinal(tokens)
    return None if value is None else str(value)


def parse_number(words: Sequence[str]) -> str | None:
    """The number `words` express, as Lex's digits (`123.45`, `-15`), or None."""
    tokens = [w.lower().strip(",") for w in words]
    tokens = [t for t in tokens if t]
    if not tokens:
        return None
    if len(tokens) == 1 and re.fullmatch(r"-?\d+(\.\d+)?", tokens[0]):
        return str(Decimal(tokens[0]))
    sign = ""
    if tokens[0] == "minus":
        sign, tokens = "-", tokens[1:]
    point = next((i for i, t in enumerate(tokens) if t in _DECIMAL_POINT), None)
    whole_tokens, fraction_tokens = (tokens, None) if point is None else (tokens[:point], tokens[point + 1 :])
    if len(whole_tokens) == 1 and re.fullmatch(r"\d+", whole_tokens[0]):
        whole: int | None = int(whole_tokens[0])
    elif not whole_tokens and fraction_tokens:
        whole = 0  # "point four two"
    else:
        whole = _cardinal(whole_tokens)
    if whole is None:
        return None
    text = str(whole)
    if fraction_tokens is not None:
        digits = _fraction_digits(fraction_tokens)
        if digits is None:
            return None
        text = f"{whole}.{digits}"
    return sign + text


def recognize_number(words: Sequence[str]) -> Resolved | None:
    if not 1 <= len(words) <= 8:
        return None
    value = parse_number(words)
    if value is None:
        return None
    return Resolved(_original(words), value, (value,))


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
        return today + timedelta(days=int(count)) if count is not None and count.isdigit() else None
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
        original = _original(words)

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
        said = _original(words)
        if len(parts) == 1:
            one = parts[0]
            return Resolved(said, one.interpreted, one.resolved, one.certainty, (one,))
        return Resolved(said, said, (said,), min(p.certainty for p in parts), tuple(parts))

    return recognize_list


def recognizer_for(type_name: str, slot_types: Sequence[SlotType]) -> Recognizer:
    for slot_type in slot_types:
        if slot_type.name == type_name:
            return regex_recognizer(slot_type) if slot_type.parent else custom_recognizer(slot_type)
    if type_name in BUILTIN_RECOGNIZERS:
        return BUILTIN_RECOGNIZERS[type_name]
    raise ValueError(f"the local Lex runtime has no recognizer for slot type {type_name}")
