"""Numbers and dates in words, as the built-in slot types AMAZON.Number and AMAZON.Date take them.

AMAZON.Number, https://docs.aws.amazon.com/lexv2/latest/dg/built-in-slot-number.html: "Converts words or
numbers that express a number into digits, including decimal numbers": its table is "one hundred twenty
three point four five" -> 123.45, "... dot four five" -> 123.45, "point four two" / "point forty two" ->
0.42, 232.998, 50, -15, "minus 15" -> -15, "minus fifteen point two four five" -> -15.245.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from local.emulators.lex.slot_values import Resolved, original_words

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
    return Resolved(original_words(words), value, (value,))


def parse_date(words: Sequence[str], today: date | None = None) -> date | None:
    """ISO dates, today/tomorrow/yesterday, weekdays (next one on or after today), `next week`, month days."""
    today = today or date.today()
    text = " ".join(w.lower().strip(",.") for w in words)
    text = re.sub(r"\b(the|of|on)\b", " ", text)
    text = " ".join(text.split())
    for form, resolve in _DATE_FORMS:  # the first form the whole text has decides, even when it names no date
        match = form.fullmatch(text)
        if match:
            return resolve(match, today)
    return None


def _iso_date(match: re.Match[str], today: date) -> date | None:
    """`2024-05-17`; None for a day the calendar does not have (`2024-02-30`)."""
    try:
        return date.fromisoformat(match.group(0))
    except ValueError:
        return None


_RELATIVE_DAYS = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1, "day after tomorrow": 2}


def _relative_date(match: re.Match[str], today: date) -> date:
    """`tomorrow`, `yesterday`...: today moved by the days the word names."""
    return today + timedelta(days=_RELATIVE_DAYS[match.group(0)])


def _in_days(match: re.Match[str], today: date) -> date | None:
    """`in three days`, `in 1 day`: None unless the count is a whole number."""
    count = parse_number([match.group(1)])
    return today + timedelta(days=int(count)) if count is not None and count.isdigit() else None


def _weekday(match: re.Match[str], today: date) -> date:
    """`friday`, `this friday`: the next one on or after today; `next friday`: the same, but never today."""
    delta = (_WEEKDAYS.index(match.group(2)) - today.weekday()) % 7
    if match.group(1) == "next " and delta == 0:
        delta = 7
    return today + timedelta(days=delta)


def _next_week(match: re.Match[str], today: date) -> date:
    """Lex: a future week resolves to the last day of the current week."""
    return today + timedelta(days=6 - today.weekday())


def _month_day(match: re.Match[str], today: date) -> date | None:
    """`may 17`, `17th may`, either with a year: None for an unknown month or a day the month does not have.
    Without a year, the next such day on or after today."""
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


# The forms of date parse_date knows, in the order it tries them, each with what the date is.
_DATE_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], date], date | None]], ...] = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), _iso_date),
    (re.compile("|".join(re.escape(words) for words in _RELATIVE_DAYS)), _relative_date),
    (re.compile(r"in (\w+) days?"), _in_days),
    (re.compile(r"(next |this )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"), _weekday),
    (re.compile("next week"), _next_week),
    (re.compile(r"([a-z]+) (\d{1,2})(st|nd|rd|th)?( \d{4})?"), _month_day),
    (re.compile(r"(\d{1,2})(st|nd|rd|th)? ([a-z]+)( \d{4})?"), _month_day),
)


def recognize_date(words: Sequence[str]) -> Resolved | None:
    if not 1 <= len(words) <= 5:
        return None
    value = parse_date(words)
    if value is None:
        return None
    return Resolved(original_words(words), value.isoformat(), (value.isoformat(),))
