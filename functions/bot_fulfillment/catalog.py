"""The shopping intents: FindBook, RecommendBooks, PlaceOrder, OrderStatus, CancelOrder.

They use the same services as the REST API, so the rules (stock, idempotent orders, ownership) are the same
whichever way a customer shops. Books found, recommended and ordered also come as response cards (cards.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from bookstore.catalog import Book
from bookstore.errors import BookstoreError, OrderNotFound, ValidationError
from bookstore.identity import Caller
from bookstore.orders import MAX_QUANTITY, Order, OrderLineRequest
from bookstore.services.orders import PlaceOrderRequest
from bookstore.wiring import Services
from bot_fulfillment.cards import book_card, confirm_card, money, ordered_card, with_cards
from bot_fulfillment.lex import Intent, LexEvent, LexResponse, close, confirm_intent, delegate, elicit_slot

SIGN_IN = "Please sign in first, so I know whose order this is."
BOOK_ATTRIBUTE = "orderBookId"
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]")
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


def _summary(order: Order) -> str:
    lines = ", ".join(f"{line.quantity} x {line.title}" for line in order.lines)
    return f"{lines}, {money(order.total_cents)}"


def _placed(order: Order) -> str:
    try:
        when = datetime.fromisoformat(order.created_at.replace("Z", "+00:00"))
    except ValueError:
        return order.created_at
    return f"{when.day} {when:%b %Y} at {when:%H:%M} UTC"


def _search(services: Services, words: list[str | None], genre: str | None) -> list[Book]:
    query = " ".join(w for w in words if w)
    if query:
        try:
            hits = services.catalog.search(query, limit=10).items
        except ValidationError:
            return []
        return [h.book for h in hits if genre is None or h.book.genre == genre][:SHOWN]
    if genre:
        return services.catalog.browse(genre, limit=SHOWN).items
    return []


def find_book(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    intent = event.intent
    title, author, genre = resolved(intent, "Title"), resolved(intent, "Author"), resolved(intent, "Genre")
    if event.invocation_source == "DialogCodeHook":
        if not (title or author or genre):
            return elicit_slot(event, "Title", "What are you looking for? Tell me a title, an author or a genre.")
        return delegate(event)
    books = _search(services, [title, author], genre)
    said = [intent.value("Title"), intent.value("Author")]
    if not books and said != [title, author]:
        books = _search(services, said, genre)  # a catalog that lacks the resolved value: the words as typed
    wanted = " ".join(p for p in (f'"{title}"' if title else "", f"by {author}" if author else "", genre or "") if p)
    if not books:
        return close(event, "Fulfilled", f"I couldn't find any book {wanted}. Try another title, author or genre.")
    text = "I found: " + "; ".join(_describe(b) for b in books) + "."
    return with_cards(close(event, "Fulfilled", text), [book_card(b) for b in books])


def recommend_books(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    genre = resolved(event.intent, "Genre")
    picks = services.recommendations.for_customer(caller.username, genre, limit=SHOWN)
    if not picks:
        return close(event, "Fulfilled", "I have no recommendations yet; try asking me to find a genre you like.")
    text = "; ".join(f"{p.book.title} by {p.book.author} ({p.reason})" for p in picks)
    response = close(event, "Fulfilled", f"You might like: {text}.")
    return with_cards(response, [book_card(p.book, p.reason) for p in picks])


def _quantity(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return -1
    return int(value) if value.is_integer() else -1


def _book_titled(services: Services, intent: Intent) -> tuple[str | None, Book | None]:
    """The title asked for (as Lex resolved it) and the catalog's book of that title, if any."""
    title = resolved(intent, "Title")
    if title is None:
        return None, None
    book = services.catalog.find_by_title(title)
    said = intent.value("Title")
    if book is None and said is not None and said != title:
        book = services.catalog.find_by_title(said)
    return title, book


def place_order(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    if caller.username is None:
        return close(event, "Failed", SIGN_IN)
    intent = event.intent
    title, book = _book_titled(services, intent)
    quantity = _quantity(intent.value("Quantity"))
    if title is not None:
        if book is None:
            return elicit_slot(event, "Title", f'I couldn\'t find a book called "{title}". Which book would you like?')
        if book.stock == 0:
            return close(event, "Failed", f"Sorry, {book.title} is sold out right now.")
        intent = intent.with_slot("Title", book.title)
        event.session_state.session_attributes[BOOK_ATTRIBUTE] = book.book_id
    if quantity is not None:
        if not 1 <= quantity <= MAX_QUANTITY:
            return elicit_slot(event, "Quantity", f"Please give a number of copies from 1 to {MAX_QUANTITY}.")
        if book is not None and quantity > book.stock:
            return elicit_slot(
                event, "Quantity", f"We have {book.stock} copies of {book.title}. How many would you like?"
            )
        intent = intent.with_slot("Quantity", str(quantity))

    if event.invocation_source == "DialogCodeHook":
        if book is not None and quantity is not None and intent.confirmation_state in (None, "None"):
            total = money(book.price_cents * quantity)
            question = f"{quantity} x {book.title} by {book.author} comes to {total}. Shall I place the order?"
            return with_cards(confirm_intent(event, question, intent), [confirm_card(book, quantity)])
        return delegate(event, intent)

    if intent.confirmation_state == "Denied":
        return close(event, "Failed", "Okay, I did not place the order.")
    if book is None or quantity is None:
        return elicit_slot(event, "Title" if book is None else "Quantity", "Which book, and how many copies?")
    # A retried fulfillment of the same turn carries the same request id: the same order comes back.
    turn = event.session_state.originating_request_id or event.input_transcript
    key = _KEY_UNSAFE.sub("-", f"lex:{event.session_id}:{turn}")[:128]
    order = services.orders.place(
        PlaceOrderRequest(
            username=caller.username.lower(),
            idempotency_key=key.ljust(8, "-"),
            lines=[OrderLineRequest(book_id=book.book_id, quantity=quantity)],
        )
    )
    done = close(
        event,
        "Fulfilled",
        f"Done! Order {order.order_id}: {_summary(order)}. Ask me 'where is my order' to follow it.",
    )
    return with_cards(done, [ordered_card(book, order)])


RECENT_ORDERS = 3


def order_status(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    if caller.username is None:
        return close(event, "Failed", SIGN_IN)
    username = caller.username.lower()
    order_id = event.intent.value("OrderId")
    if order_id:
        order = services.orders.get_mine(username, order_id.upper())
        return close(event, "Fulfilled", f"Your order {order.order_id} ({_summary(order)}) is {order.status}.")
    # "where is my order" / "where are my orders": the recent ones, newest first.
    recent = services.orders.list_mine(username, limit=RECENT_ORDERS).items
    if not recent:
        return close(event, "Fulfilled", "You have no orders yet.")
    if len(recent) == 1:
        return close(
            event, "Fulfilled", f"Your order {recent[0].order_id} ({_summary(recent[0])}) is {recent[0].status}."
        )
    listed = "; ".join(f"{o.order_id} ({_summary(o)}) is {o.status}" for o in recent)
    return close(event, "Fulfilled", f"Your latest orders: {listed}. Ask about one by its id for more.")


_NOT_CANCELLABLE = {
    "CANCELLED": "is already cancelled",
    "SHIPPED": "has shipped and can no longer be cancelled",
    "DELIVERED": "was delivered and can no longer be cancelled",
}


def _propose_latest_cancellable(event: LexEvent, username: str, services: Services) -> LexResponse:
    """No order id ("cancel my last order"): propose the newest order that can still be cancelled (PLACED),
    as a confirmation with the OrderId filled; or say clearly why there is nothing to cancel, and close."""
    latest = services.orders.latest(username)
    if latest is None:
        return close(event, "Failed", "You have no orders, so there is nothing to cancel.")
    candidate = latest if latest.status == "PLACED" else services.orders.latest_cancellable(username)
    if candidate is None:
        return close(
            event,
            "Failed",
            "You have no order that can still be cancelled (an order can be cancelled until it ships). "
            f"Your latest order {latest.order_id} ({_summary(latest)}) {_NOT_CANCELLABLE[latest.status]}.",
        )
    note = "" if candidate is latest else f"Your latest order {latest.order_id} {_NOT_CANCELLABLE[latest.status]}. "
    intent = event.intent.with_slot("OrderId", candidate.order_id)
    question = f"{note}Cancel your order {candidate.order_id} ({_summary(candidate)}, placed {_placed(candidate)})?"
    return confirm_intent(event, question, intent)


def cancel_order(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    if caller.username is None:
        return close(event, "Failed", SIGN_IN)
    username = caller.username.lower()
    intent = event.intent
    order_id = intent.value("OrderId")
    if order_id is None:
        if event.invocation_source == "DialogCodeHook":
            return _propose_latest_cancellable(event, username, services)
        return elicit_slot(event, "OrderId", "Which order do you want to cancel? Tell me its id.")
    try:
        order = services.orders.get_mine(username, order_id.upper())
    except OrderNotFound:
        return elicit_slot(event, "OrderId", f"I can't find order {order_id} among your orders. Which order?")
    intent = intent.with_slot("OrderId", order.order_id)

    if event.invocation_source == "DialogCodeHook":
        if order.status == "CANCELLED":
            return close(event, "Fulfilled", f"Order {order.order_id} is already cancelled.")
        if order.status != "PLACED":
            return close(event, "Failed", f"Order {order.order_id} is {order.status} and can no longer be cancelled.")
        if intent.confirmation_state in (None, "None"):
            question = f"Cancel your order {order.order_id} ({_summary(order)}, placed {_placed(order)})?"
            return confirm_intent(event, question, intent)
        return delegate(event, intent)

    if intent.confirmation_state == "Denied":
        return close(event, "Failed", "Okay, the order stays as it is.")
    try:
        cancelled = services.orders.cancel_mine(username, order.order_id)
    except BookstoreError as err:
        return close(event, "Failed", err.message)
    copies = sum(line.quantity for line in cancelled.lines)
    message = f"Order {cancelled.order_id} is cancelled; {copies} book(s) went back on the shelf."
    return close(event, "Fulfilled", message)
