"""Response cards: one Lex V2 ImageResponseCard per book, next to the plain-text answer.

Lex V2 limits (lexv2-runtime service model, and the API reference pages):
- ImageResponseCard (https://docs.aws.amazon.com/lexv2/latest/dg/API_runtime_ImageResponseCard.html): `title`
  required, 1-250 characters; `subtitle` and `imageUrl` optional, 1-250 characters ("The image URL must be
  publicly available"); `buttons` 0-5.
- Button (https://docs.aws.amazon.com/lexv2/latest/dg/API_runtime_Button.html): `text` and `value` both
  required, 1-50 characters; the value is what the user sends when they choose the button.
- RecognizeText answers at most 10 messages (https://docs.aws.amazon.com/lexv2/latest/dg/API_runtime_RecognizeText.html,
  `messages`: "Maximum number of 10 items"), the code hook's and Lex's own (a closing response) together.

A value that is too long is shortened at a word boundary (a title with "…", a button value without, since the
bot reads it back); a card never breaks a limit, so Lex never refuses the code hook's response for one.

Covers: the images bucket is private and the API shows covers through presigned URLs that live 15 minutes and
are far longer than 250 characters, so neither can be a card's imageUrl. A card has an imageUrl when the
function's environment names a public base URL for the images' keys (COVERS_BASE_URL, e.g. a CloudFront
behaviour in front of the bucket's `books/` prefix); otherwise it has none (imageUrl is optional) and a client
that can, like the web chat, finds the cover in the catalog by the card's title.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from bookstore.catalog_models import Book, Order
from bookstore.lex import LexResponse, Message

TEXT_MAX = 250  # a card's title, subtitle and imageUrl
BUTTONS_MAX = 5
BUTTON_MAX = 50  # a button's text and value
MESSAGES_MAX = 10  # messages of one RecognizeText response
# Books shown as cards in one answer: with the text message and a closing response, well within MESSAGES_MAX.
CARDS_MAX = 5
COVERS_BASE_URL = "COVERS_BASE_URL"
ELLIPSIS = "\u2026"
# Words a shortened button value does not end on ("order The History of the Decline and Fall of the").
_DANGLING = frozenset({"a", "an", "and", "by", "for", "in", "of", "on", "or", "the", "to", "with"})

Button = tuple[str, str]  # (text, value)


def money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def clip(text: str, limit: int = TEXT_MAX) -> str:
    """`text` single-spaced and at most `limit` characters: cut at the last word that fits, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + ELLIPSIS


def words_within(text: str, limit: int = BUTTON_MAX) -> str:
    """The first words of `text` that fit in `limit` characters (at least one word, cut if it alone is longer),
    without a dangling article or preposition at the end: a value the bot can read back."""
    words = " ".join(text.split()).split(" ")
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    if not kept:
        return words[0][:limit]
    while len(kept) > 1 and len(kept) < len(words) and kept[-1].lower() in _DANGLING:
        kept.pop()
    return " ".join(kept)


def cover_url(book: Book) -> str | None:
    """The book's cover at a public URL of at most 250 characters, or None (see the module's docstring)."""
    base = os.environ.get(COVERS_BASE_URL, "").strip().rstrip("/")
    if not book.image_key or not base.startswith(("https://", "http://")):
        return None
    url = f"{base}/{quote(book.image_key)}"
    return url if len(url) <= TEXT_MAX else None


def card(title: str, subtitle: str | None, image_url: str | None, buttons: Sequence[Button]) -> Message:
    body: dict[str, Any] = {"title": clip(title) or "Book"}
    if subtitle and subtitle.strip():
        body["subtitle"] = clip(subtitle)
    if image_url and len(image_url) <= TEXT_MAX:
        body["imageUrl"] = image_url
    shortened = [(words_within(text), words_within(value)) for text, value in buttons]
    chosen = [(text, value) for text, value in shortened if text and value][:BUTTONS_MAX]
    if chosen:
        body["buttons"] = [{"text": text, "value": value} for text, value in chosen]
    return Message(content_type="ImageResponseCard", image_response_card=body)


def _byline(book: Book, *extra: str) -> str:
    parts = [f"by {book.author}", money(book.price_cents), *(e for e in extra if e)]
    if book.stock == 0:
        parts.append("sold out")
    return " \u00b7 ".join(parts)


def more_like_this(book: Book) -> Button:
    return ("More like this", f"recommend some {book.genre} books")


def book_card(book: Book, reason: str | None = None) -> Message:
    """A book found or recommended: "Order" (while in stock) and "More like this" (its genre)."""
    buttons = [("Order", f"order {book.title}")] if book.stock > 0 else []
    buttons.append(more_like_this(book))
    return card(book.title, _byline(book, reason or ""), cover_url(book), buttons)


def confirm_card(book: Book, quantity: int) -> Message:
    """The book about to be ordered, with the two answers to "Shall I place the order?"."""
    total = f"{quantity} x {money(book.price_cents)} = {money(book.price_cents * quantity)}"
    return card(
        book.title,
        f"by {book.author} \u00b7 {total}",
        cover_url(book),
        [("Yes, order it", "yes"), ("No", "no")],
    )


def ordered_card(book: Book, order: Order) -> Message:
    """The book just ordered: follow the order, or cancel it (both by its id), or find more like it."""
    copies = sum(line.quantity for line in order.lines if line.book_id == book.book_id)
    return card(
        book.title,
        f"by {book.author} \u00b7 {copies} x {money(book.price_cents)} \u00b7 order {order.order_id}",
        cover_url(book),
        [
            ("Where is my order", f"where is order {order.order_id}"),
            ("Cancel this order", f"cancel order {order.order_id}"),
            more_like_this(book),
        ],
    )


def with_cards(response: LexResponse, cards: Sequence[Message]) -> LexResponse:
    """`response` with the cards after its text messages, at most CARDS_MAX of them and MESSAGES_MAX in all."""
    messages = [*(response.messages or []), *list(cards)[:CARDS_MAX]][:MESSAGES_MAX]
    return response.model_copy(update={"messages": messages or None})
