"""The catalog intents: FindBook and RecommendBooks (the order intents are in orders.py).

They use the same services as the REST API, so the rules (stock, idempotent orders, ownership) are the same
whichever way a customer shops. Books found, recommended and ordered also come as response cards (cards.py).
"""

from __future__ import annotations

from bookstore.catalog import Book
from bookstore.errors import ValidationError
from bookstore.identity import Caller
from bookstore.search import tokens
from bookstore.wiring import Services
from bot_fulfillment import naming
from bot_fulfillment.cards import book_card, money, with_cards
from bot_fulfillment.lex import Intent, LexEvent, LexResponse, close, delegate, elicit_slot

SHOWN = 5  # books in one answer (each also a card: cards.CARDS_MAX)


def resolved(intent: Intent, slot: str) -> str | None:
    """The value Lex resolved the slot to, not the words typed: the first of `resolvedValues` (for a type with
    the ORIGINAL_VALUE strategy, `interpretedValue` is what the user said when it is "similar to" a listed
    value, and `resolvedValues` the listed values it matched: "Draculla" -> "Dracula"), unless
    `interpretedValue` is itself one of them; else `interpretedValue`, else `originalValue`.
    https://docs.aws.amazon.com/lexv2/latest/dg/API_runtime_Value.html"""
    filled = intent.slots.get(slot)
    if filled is None or filled.value is None:
        return None
    value = filled.value
    candidates = [v.strip() for v in value.resolved_values if v and v.strip()]
    interpreted = (value.interpreted_value or "").strip()
    if interpreted and interpreted.lower() in (c.lower() for c in candidates):
        return interpreted
    if candidates:
        return candidates[0]
    return intent.value(slot)


def _describe(book: Book) -> str:
    availability = "in stock" if book.stock > 0 else "sold out"
    return f"{book.title} by {book.author} ({money(book.price_cents)}, {availability})"


def _search(services: Services, words: list[str | None], genre: str | None) -> list[Book]:
    query = " ".join(w for w in words if w)
    if query:
        try:
            page = services.catalog.search(query, limit=10)
        except ValidationError:
            return []
        # The books that hold the words said, when some do: "moby dick" is Moby Dick, not Dickens as well (the
        # search completes a last word that found few books). Else what the search ranked.
        books = naming.holding_the_words(page, query) or [hit.book for hit in page.items]
        return [book for book in books if genre is None or book.genre == genre][:SHOWN]
    if genre:
        return services.catalog.browse(genre, limit=SHOWN).items
    return []


def _search_what_was_said(event: LexEvent, services: Services) -> LexResponse:
    """FindBook with no slot filled: the words the customer said after asking are searched; books found are the
    answer, else the bot asks what they are looking for."""
    words = naming.words_named(event)
    books = _search(services, [words], None) if words else []
    if not books:
        return elicit_slot(event, "Title", "What are you looking for? Tell me a title, an author or a genre.")
    return _found(event, books)


def listed(books: list[Book]) -> str:
    """The books as one sentence part: "Dracula by Bram Stoker ($8.99, in stock); Emma by ..."."""
    return "; ".join(_describe(b) for b in books)


def _found(event: LexEvent, books: list[Book]) -> LexResponse:
    return with_cards(close(event, "Fulfilled", f"I found: {listed(books)}."), [book_card(b) for b in books])


def _part_of(typed: str | None, resolved_title: str | None) -> bool:
    """Whether the words typed are only some of the words of the title Lex resolved them to."""
    if not typed or not resolved_title:
        return False
    words, title_words = set(tokens(typed)), set(tokens(resolved_title))
    return bool(words) and words < title_words


def find_book(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    intent = event.intent
    title, author, genre = resolved(intent, "Title"), resolved(intent, "Author"), resolved(intent, "Genre")
    if event.invocation_source == "DialogCodeHook":
        if not (title or author or genre):
            return _search_what_was_said(event, services)
        return delegate(event)
    said = [intent.value("Title"), intent.value("Author")]
    if _part_of(said[0], title):  # "a sherlock holmes book": every Holmes book, not the one title Lex resolved
        title = said[0]
    books = _search(services, [title, author], genre)
    if not books and said != [title, author]:
        books = _search(services, said, genre)  # a catalog that lacks the resolved value: the words as typed
    wanted = " ".join(p for p in (f'"{title}"' if title else "", f"by {author}" if author else "", genre or "") if p)
    if not books:
        return close(event, "Fulfilled", f"I couldn't find any book {wanted}. Try another title, author or genre.")
    return _found(event, books)


def recommend_books(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    genre = resolved(event.intent, "Genre")
    picks = services.recommendations.for_customer(caller.signed_in(), genre, limit=SHOWN)
    if not picks:
        return close(event, "Fulfilled", "I have no recommendations yet; try asking me to find a genre you like.")
    text = "; ".join(f"{p.book.title} by {p.book.author} ({p.reason})" for p in picks)
    response = close(event, "Fulfilled", f"You might like: {text}.")
    return with_cards(response, [book_card(p.book, p.reason) for p in picks])
