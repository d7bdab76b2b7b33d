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
are far longer than 250 characters, so neither can be a card's imageUrl. The web front end's CloudFront
distribution serves the bucket's `books/` keys at the same paths (a behaviour with origin access control), so a
cover's public URL is `<site url>/<image_key>`, e.g. https://d111111abcdef8.cloudfront.net/books/covers/horror.png.
The site URL is in the SSM parameter the environment names (SITE_URL_PARAMETER), which the Frontend stack writes
(locally, the local world writes it with the local web server's origin); it is read with Powertools' parameters
utility and cached for SITE_URL_MAX_AGE seconds, a missing or unreadable parameter too. Without it a card has no
imageUrl (it is optional) and a client that can, like the web chat, finds the cover in the catalog by the title.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from functools import cache
from typing import Any
from urllib.parse import quote

from aws_lambda_powertools.utilities.parameters import SSMProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from botocore.config import Config

from bookstore import aws
from bookstore.catalog import Book
from bookstore.observability import logger
from bookstore.orders import Order
from bot_fulfillment.lex import LexResponse, Message

TEXT_MAX = 250  # a card's title, subtitle and imageUrl
BUTTONS_MAX = 5
BUTTON_MAX = 50  # a button's text and value
MESSAGES_MAX = 10  # messages of one RecognizeText response
# Books shown as cards in one answer: with the text message and a closing response, well within MESSAGES_MAX.
CARDS_MAX = 5
SITE_URL_PARAMETER = "SITE_URL_PARAMETER"  # the environment variable naming the SSM parameter
SITE_URL_MAX_AGE = 300  # seconds a read site URL (or its absence) is reused before SSM is asked again
# A cover is optional: the hook does not wait for SSM long (one retry, 1 s timeouts: 5 s at worst, once per
# SITE_URL_MAX_AGE), well within the function's 15 s.
SITE_URL_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=1, read_timeout=1)
COVERS_PREFIX = "books/"  # the keys the site serves (stacks/site_policy.py COVERS_PREFIX)
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


class SiteUrl:
    """The site's public base URL, from the SSM parameter named by SITE_URL_PARAMETER, cached per cold start."""

    def __init__(self) -> None:
        self._provider: SSMProvider | None = None  # made on first use: a hook without the variable makes none
        self._absent_until = 0.0  # a missing parameter is not asked for again before this (time.monotonic)

    def get(self) -> str | None:
        name = os.environ.get(SITE_URL_PARAMETER, "").strip()
        if not name or time.monotonic() < self._absent_until:
            return None
        if self._provider is None:
            self._provider = SSMProvider(boto3_client=aws.client("ssm", SITE_URL_CONFIG))
        try:
            value = self._provider.get(name, max_age=SITE_URL_MAX_AGE)
        except GetParameterError as err:  # e.g. the Frontend stack is not deployed yet: cards without covers
            logger.warning("No site URL for the cards' covers", extra={"parameter": name, "error": str(err)})
            self._absent_until = time.monotonic() + SITE_URL_MAX_AGE
            return None
        base = str(value or "").strip().rstrip("/")
        return base if base.startswith(("https://", "http://")) else None


@cache
def site_url() -> SiteUrl:
    """This cold start's reader (tests start a new one with `site_url.cache_clear()`)."""
    return SiteUrl()


def cover_url(book: Book) -> str | None:
    """The book's cover at a public URL of at most 250 characters, or None (see the module's docstring)."""
    if not book.image_key or not book.image_key.startswith(COVERS_PREFIX):
        return None
    base = site_url().get()
    if base is None:
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


def choice_card(book: Book) -> Message:
    """One of several books a customer's words name: "This one" answers "Which one?" with its title."""
    return card(book.title, _byline(book), cover_url(book), [("This one", book.title)])


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
    """The book just ordered, under the order's number: follow the order, or cancel it (the buttons send its id:
    exact whatever the customer's other orders), or find more like it."""
    copies = sum(line.quantity for line in order.lines if line.book_id == book.book_id)
    return card(
        book.title,
        f"by {book.author} \u00b7 {copies} x {money(book.price_cents)} \u00b7 order {order.number}",
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
