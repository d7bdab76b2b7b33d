"""Slot-value recognizers: built-in Lex types and custom slot types (slot_custom.py), on spans of user tokens.

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
- AMAZON.Number and AMAZON.Date: slot_numbers.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.lex_regex import compile_regex_filter, regex_accepts
from local.emulators.lex.model import SlotType
from local.emulators.lex.slot_custom import custom_recognizer
from local.emulators.lex.slot_numbers import recognize_date, recognize_number
from local.emulators.lex.slot_values import STOPWORDS, Recognizer, Resolved, original_words

_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
# username@domain; the user name takes letters, digits and the four documented special characters.
# A period separates parts of the user name: never first, last or twice in a row (".jdoe", "j..doe").
_EMAIL_RE = re.compile(rf"^[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@{_LABEL}(?:\.{_LABEL})+$")
# Letters and numbers, nothing else.
_ALNUM_RE = re.compile(r"^[A-Za-z0-9]+$")
_NAME_RE = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")


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
        return Resolved(original_words(words), value, (value,))
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
        return Resolved(original_words(words), spoken, (spoken,))
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
        return Resolved(original_words(words), value, (value,))

    return recognize


def _recognize_name(words: Sequence[str], max_words: int) -> Resolved | None:
    if not 1 <= len(words) <= max_words:
        return None
    cleaned = [w.strip(' ,;:!?."') for w in words]
    if any(not w or not _NAME_RE.match(w) or w.lower() in STOPWORDS for w in cleaned):
        return None
    value = " ".join(cleaned)  # as the user sent it: Lex does not change a name's case
    return Resolved(original_words(words), value, (value,))


def recognize_first_name(words: Sequence[str]) -> Resolved | None:
    """A first name of one or two words ("Jane", "Anil Kumar", "Mary-Jane")."""
    return _recognize_name(words, max_words=2)


def recognize_last_name(words: Sequence[str]) -> Resolved | None:
    """A last name: one word ("Smith", "Smith-Jones", "O'Brien")."""
    return _recognize_name(words, max_words=1)


BUILTIN_RECOGNIZERS: dict[str, Recognizer] = {
    "AMAZON.AlphaNumeric": recognize_alphanumeric,
    "AMAZON.EmailAddress": recognize_email,
    "AMAZON.FirstName": recognize_first_name,
    "AMAZON.LastName": recognize_last_name,
    "AMAZON.Number": recognize_number,
    "AMAZON.Date": recognize_date,
}


def recognizer_for(type_name: str, slot_types: Sequence[SlotType]) -> Recognizer:
    for slot_type in slot_types:
        if slot_type.name == type_name:
            return regex_recognizer(slot_type) if slot_type.parent else custom_recognizer(slot_type)
    if type_name in BUILTIN_RECOGNIZERS:
        return BUILTIN_RECOGNIZERS[type_name]
    raise ValueError(f"the local Lex runtime has no recognizer for slot type {type_name}")
