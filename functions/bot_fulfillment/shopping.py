"""The shopping intents: FindBook, RecommendBooks, PlaceOrder, OrderStatus, CancelOrder.

They use the same services as the REST API, so the rules (stock, idempotent orders, ownership) are the same
whichever way a customer shops.
"""

from __future__ import annotations

import re

from bookstore.catalog_models import MAX_QUANTITY, Book, Order, OrderLineRequest
from bookstore.errors import BookstoreError, OrderNotFound, ValidationError
from bookstore.identity import Caller
from bookstore.lex import LexEvent, LexResponse, close, confirm_intent, delegate, elicit_slot
from bookstore.services.orders import PlaceOrderRequest
from bookstore.wiring import Services

SIGN_IN = "Please sign in first, so I know whose order this is."
BOOK_ATTRIBUTE = "orderBookId"
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]")


def money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def _describe(book: Book) -> str:
    availability = "in stock" if book.stock > 0 else "sold out"
    return f"{book.title} by {book.author} ({money(book.price_cents)}, {availability})"


def _summary(order: Order) -> str:
    lines = ", ".join(f"{line.quantity} x {line.title}" for line in order.lines)
    return f"{lines}, {money(order.total_cents)}"


def find_book(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    intent = event.intent
    title, author, genre = intent.value("Title"), intent.value("Author"), intent.value("Genre")
    if event.invocation_source == "DialogCodeHook":
        if not (title or author or genre):
            return elicit_slot(event, "Title", "What are you looking for? Tell me a title, an author or a genre.")
        return delegate(event)
    query = " ".join(v for v in (title, author) if v)
    if query:
        try:
            hits = services.catalog.search(query, limit=10).items
        except ValidationError:
            hits = []
        books = [h.book for h in hits if genre is None or h.book.genre == genre][:5]
    elif genre:
        books = services.catalog.browse(genre, limit=5).items
    else:
        books = []
    wanted = " ".join(p for p in (f'"{title}"' if title else "", f"by {author}" if author else "", genre or "") if p)
    if not books:
        return close(event, "Fulfilled", f"I couldn't find any book {wanted}. Try another title, author or genre.")
    return close(event, "Fulfilled", "I found: " + "; ".join(_describe(b) for b in books) + ".")


def recommend_books(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    genre = event.intent.value("Genre")
    picks = services.recommendations.for_customer(caller.username, genre, limit=5)
    if not picks:
        return close(event, "Fulfilled", "I have no recommendations yet; try asking me to find a genre you like.")
    text = "; ".join(f"{p.book.title} by {p.book.author} ({p.reason})" for p in picks)
    return close(event, "Fulfilled", f"You might like: {text}.")


def _quantity(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return -1
    return int(value) if value.is_integer() else -1


def place_order(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    if caller.username is None:
        return close(event, "Failed", SIGN_IN)
    intent = event.intent
    title, quantity = intent.value("Title"), _quantity(intent.value("Quantity"))
    book: Book | None = None
    if title is not None:
        book = services.catalog.find_by_title(title)
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
            return confirm_intent(
                event, f"{quantity} x {book.title} by {book.author} comes to {total}. Shall I place the order?", intent
            )
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
    return close(
        event,
        "Fulfilled",
        f"Done! Order {order.order_id}: {_summary(order)}. Ask me 'where is my order' to follow it.",
    )


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


def cancel_order(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    if caller.username is None:
        return close(event, "Failed", SIGN_IN)
    username = caller.username.lower()
    intent = event.intent
    order_id = intent.value("OrderId")
    if order_id is None:
        latest = services.orders.latest(username)
        if latest is None:
            return close(event, "Failed", "You have no orders to cancel.")
        order_id = latest.order_id  # "cancel my order": the latest one, confirmed below with its details
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
            return confirm_intent(event, f"Cancel order {order.order_id} ({_summary(order)})?", intent)
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
