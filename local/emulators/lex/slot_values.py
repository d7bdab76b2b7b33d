"""A slot value as the local Lex V2 runtime's recognizers find it (`Resolved`), the recognizer's signature, and the
words that never make a value on their own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Words that are never a name, username or free value on their own: they belong to the sentence.
_STOPWORDS = """a an the to of for with and or in on at by from is are be was it its it's this that these those
i me my we our you your he she they them his her their please can could would will should shall do does did want
wanted need needed like named called as new user users account accounts customer customers someone somebody email
e-mail address mail name first last surname username change edit update set modify register create add make sign
up enroll open fix correct rename now then so just also again one some any details profile has have what which who
how yes no not mr mrs ms miss dr sir madam"""
STOPWORDS = frozenset(_STOPWORDS.split())


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


def original_words(words: Sequence[str]) -> str:
    """The words as one value; a possessive the tokenizer split off joins its word again ("Gulliver's")."""
    return " ".join(words).replace(" 's", "'s")
