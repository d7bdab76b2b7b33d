"""What the words of a turn name, when Lex filled no slot with them: "find sherlock", "i want to buy the secret",
or a title typed alone ("dracula", which Lex answers with FallbackIntent).

The words that ask ("do you have", "search for") or order ("I'd like to buy two copies of") are dropped from the
start; what is left is searched as the shop's search box does. Where the bot would act on a guess (offer books
for words it did not understand, or pick the book to order), only books whose title and author hold every word
that is left count (but one in three), misspellings corrected: "tell me a joke" names no book, though "tell"
is in The Tell-Tale Heart; "the secret" names three, and the customer is asked which."""

from __future__ import annotations

import re

from bookstore.catalog import Book, SearchPage
from bookstore.errors import ValidationError
from bookstore.search import tokens
from bookstore.wiring import Services
from bot_fulfillment.lex import LexEvent

ASKING = frozenset(
    {
        "find", "search", "look", "looking", "for", "do", "you", "have", "has", "got", "any", "some", "something",
        "a", "an", "book", "books", "novel", "novels", "me", "show", "i", "i'm", "im", "am", "want", "wanna", "to",
        "get", "is", "are", "there", "please", "called", "titled", "named", "about", "on", "anything", "by",
    }
)  # fmt: skip
ORDERING = frozenset(
    {
        "buy", "order", "purchase", "get", "i", "i'd", "id", "i'm", "im", "would", "like", "want", "wanna", "to",
        "please", "me", "can", "could", "you", "a", "an", "copy", "copies", "of", "book", "one", "two", "three",
        "four", "five", "some", "just", "also", "and", "for",
    }
)  # fmt: skip
TRAILING = frozenset({"please", "thanks", "thank", "you", "now", "today"})  # "... dracula please"
NAMED_WORDS_MAX = 8  # the longest title of the sample catalog has 8 words after "the"
CANDIDATES = 10  # search hits looked at
_WORD = re.compile(r"[\w']+")


def named(transcript: str, asking: frozenset[str] = ASKING) -> str:
    """What the customer named after the words that ask, and before a trailing "please": "do you have sherlock
    please?" -> "sherlock"."""
    words = _WORD.findall(transcript.lower())
    while words and words[0] in asking:
        words.pop(0)
    while words and words[-1] in TRAILING:
        words.pop()
    return " ".join(words)


def words_named(event: LexEvent, asking: frozenset[str] = ASKING) -> str:
    """The words this turn names after `asking`; empty for none, a number alone, or a sentence too long to be a
    title."""
    words = named(event.input_transcript or "", asking)
    if len(words.split()) > NAMED_WORDS_MAX or words.isdigit():
        return ""
    return words


def books_named(event: LexEvent, services: Services, asking: frozenset[str] = ASKING) -> list[Book]:
    """The books whose title and author hold the words this turn names (holding_the_words), best first."""
    words = words_named(event, asking)
    if not words:
        return []
    try:
        page = services.catalog.search(words, limit=CANDIDATES)
    except ValidationError:
        return []
    return holding_the_words(page, words)


def holding_the_words(page: SearchPage, query: str) -> list[Book]:
    """The books of a search page whose title and author hold the words of the query (as corrected): every word,
    but one in three may be missing ("¿tienen don quijote?" is Don Quixote; "tell me a joke" is no Tell-Tale
    Heart, one word of three)."""
    wanted = set(tokens(page.did_you_mean or query))
    needed = len(wanted) - len(wanted) // 3
    if not wanted:
        return []
    return [hit.book for hit in page.items if len(wanted & _words_of(hit.book)) >= needed]


def _words_of(book: Book) -> set[str]:
    return set(tokens(f"{book.title} {book.author}"))
