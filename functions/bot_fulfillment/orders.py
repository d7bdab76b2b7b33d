"""The order intents: PlaceOrder, OrderStatus, CancelOrder, through the same OrderService as the REST API, so the
rules (stock, idempotent orders, ownership) are the same whichever way a customer orders.

Messages name an order by its number (BK-XXXX-XXXX), never its 26-character id. Where the customer names one (the
OrderId slot), either is taken: OrderService.find_mine reads an id, or a number among the caller's recent orders.
The slot itself carries the id once the hook has found the order, so later turns read it directly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools.utilities.typing import LambdaContext

from bookstore.addresses import DeliveryAddress, one_line
from bookstore.catalog import Book
from bookstore.errors import BookNotFound, BookstoreError, Conflict, OrderNotFound, ValidationError
from bookstore.identity import Caller, SignedIn
from bookstore.orders import MAX_QUANTITY, Order, OrderLineRequest
from bookstore.search import tokens
from bookstore.services.orders import PlaceOrderRequest
from bookstore.services.profiles import NO_ADDRESS
from bookstore.wiring import Services
from bot_fulfillment import naming
from bot_fulfillment.cards import choice_card, confirm_card, money, ordered_card, with_cards
from bot_fulfillment.catalog import SHOWN, resolved
from bot_fulfillment.lex import Intent, LexEvent, LexResponse, close, confirm_intent, delegate, elicit_slot

SIGN_IN = "Please sign in first, so I know whose order this is."
BOOK_ATTRIBUTE = "orderBookId"  # the book found for the order in progress (_book_titled)
ADDRESS_ATTRIBUTE = "orderAddress"  # the delivery address the customer was asked to confirm (_confirm)
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]")


def _summary(order: Order) -> str:
    lines = ", ".join(f"{line.quantity} x {line.title}" for line in order.lines)
    return f"{lines}, {money(order.total_cents)}"


def _placed(order: Order) -> str:
    try:
        when = datetime.fromisoformat(order.created_at.replace("Z", "+00:00"))
    except ValueError:
        return order.created_at
    return f"{when.day} {when:%b %Y} at {when:%H:%M} UTC"


def _quantity(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return -1
    return int(value) if value.is_integer() else -1


def _book_titled(services: Services, event: LexEvent, intent: Intent) -> tuple[str | None, Book | None]:
    """The title asked for (as Lex resolved it) and the catalog's book of that title, if any.

    Once a turn has found the book, its id is kept in the session (BOOK_ATTRIBUTE) and the Title slot holds the
    book's exact title: later turns of the same order read that book with one GetItem instead of searching the
    title again, as long as the Title slot still names it (the customer may change their mind)."""
    title = resolved(intent, "Title")
    if title is None:
        return None, None
    chosen = event.session_state.session_attributes.get(BOOK_ATTRIBUTE)
    if chosen:
        try:
            book: Book | None = services.catalog.get(chosen)
        except (BookNotFound, ValidationError):
            book = None
        if book is not None and book.title.casefold() == title.casefold():
            return title, book
    book = services.catalog.find_by_title(title)
    said = intent.value("Title")
    if book is None and said is not None and said != title:
        book = services.catalog.find_by_title(said)
    return title, book


def place_order(event: LexEvent, caller: Caller, services: Services, *, context: LambdaContext | None) -> LexResponse:
    who = caller.signed_in()
    if who is None:
        return close(event, "Failed", SIGN_IN)
    address = services.profiles.saved_address(who)  # the bot orders to the address saved at checkout
    if address is None:
        return close(event, "Failed", NO_ADDRESS)
    book, quantity, checked = _checked_order(event, services)
    if isinstance(checked, LexResponse):
        return checked
    intent = checked
    if event.invocation_source == "DialogCodeHook":
        if book is not None and quantity is not None and intent.confirmation_state in (None, "None"):
            return _confirm(event, intent, book, quantity, address)
        return delegate(event, intent)
    if intent.confirmation_state == "Denied":
        return close(event, "Failed", "Okay, I did not place the order.")
    if book is None or quantity is None:
        return elicit_slot(event, "Title" if book is None else "Quantity", "Which book, and how many copies?")
    if event.session_state.session_attributes.get(ADDRESS_ATTRIBUTE) != one_line(address):
        # The saved address changed after the customer was asked (a checkout in another tab): ask again with it.
        return _confirm(event, intent, book, quantity, address, "Your saved delivery address has changed. ")
    line = OrderLineRequest(book_id=book.book_id, quantity=quantity)
    return _place(event, who, services, _Checkout(line, book, address), context)


def _confirm(
    event: LexEvent, intent: Intent, book: Book, quantity: int, address: DeliveryAddress, news: str = ""
) -> LexResponse:
    """Ask for a yes to this book, quantity, price and address; the address asked about is kept in the session,
    and only an order to that same address is placed."""
    total = money(book.price_cents * quantity)
    sent_to = one_line(address)
    event.session_state.session_attributes[ADDRESS_ATTRIBUTE] = sent_to
    question = f"{news}{quantity} x {book.title} by {book.author} comes to {total}, sent to {sent_to}. "
    question += "Shall I place the order?"
    return with_cards(confirm_intent(event, question, intent), [confirm_card(book, quantity)])


def _titled_by_the_words(event: LexEvent, services: Services) -> Intent | LexResponse:
    """PlaceOrder without a Title ("i want to buy sherlock": a part of a title matches no slot value): the book the
    words after the ordering ones name fills it, if only one does; if several do, the customer is asked which."""
    intent = event.intent
    if resolved(intent, "Title") is not None or event.invocation_source != "DialogCodeHook":
        return intent
    choices = naming.books_named(event, services, naming.ORDERING)[:SHOWN]
    if len(choices) == 1:
        return intent.with_slot("Title", choices[0].title)
    if not choices:
        return intent
    names = ", ".join(book.title for book in choices[:-1]) + f" or {choices[-1].title}"
    ask = elicit_slot(event, "Title", f"Which one would you like: {names}?")
    return with_cards(ask, [choice_card(book) for book in choices])


def _checked_order(event: LexEvent, services: Services) -> tuple[Book | None, int | None, Intent | LexResponse]:
    """The book and quantity asked for so far, and the intent with them normalized (the catalog's exact title,
    the quantity as digits); or, instead of the intent, the answer that asks again or says why not."""
    intent = _titled_by_the_words(event, services)
    if isinstance(intent, LexResponse):
        return None, None, intent
    title, book = _book_titled(services, event, intent)
    quantity = _quantity(intent.value("Quantity"))
    if title is not None:
        if book is None:
            return (
                book,
                quantity,
                elicit_slot(event, "Title", f'I couldn\'t find a book called "{title}". Which book would you like?'),
            )
        if book.stock == 0:
            return book, quantity, close(event, "Failed", f"Sorry, {book.title} is sold out right now.")
        intent = intent.with_slot("Title", book.title)
        event.session_state.session_attributes[BOOK_ATTRIBUTE] = book.book_id
    if quantity is not None:
        if not 1 <= quantity <= MAX_QUANTITY:
            ask = f"Please give a number of copies from 1 to {MAX_QUANTITY}."
            return book, quantity, elicit_slot(event, "Quantity", ask)
        if book is not None and quantity > book.stock:
            ask = f"We have {book.stock} copies of {book.title}. How many would you like?"
            return book, quantity, elicit_slot(event, "Quantity", ask)
        intent = intent.with_slot("Quantity", str(quantity))
    return book, quantity, intent


@dataclass(frozen=True)
class _Checkout:
    line: OrderLineRequest
    book: Book
    address: DeliveryAddress


def _place(
    event: LexEvent, who: SignedIn, services: Services, checkout: _Checkout, context: LambdaContext | None
) -> LexResponse:
    # A retried fulfillment of the same turn carries the same request id: the same order comes back.
    turn = event.session_state.originating_request_id or event.input_transcript
    key = _KEY_UNSAFE.sub("-", f"lex:{event.session_id}:{turn}")[:128]
    request = PlaceOrderRequest(
        username=who.username,
        idempotency_key=key.ljust(8, "-"),
        lines=[checkout.line],
        delivery_address=checkout.address,
    )
    order = services.orders.place(request, context)
    book = checkout.book
    done = close(
        event,
        "Fulfilled",
        f"Done! Order {order.number}: {_summary(order)}. Ask me 'where is my order' to follow it.",
    )
    return with_cards(done, [ordered_card(book, order)])


RECENT_ORDERS = 3


def order_status(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    who = caller.signed_in()
    if who is None:
        return close(event, "Failed", SIGN_IN)
    reference = event.intent.value("OrderId")
    if reference:
        order = services.orders.find_mine(who, reference)
        return close(event, "Fulfilled", f"Your order {order.number} ({_summary(order)}) is {order.status}.")
    if (unknown := _unknown_reference(event)) is not None:
        return unknown
    latest_orders = services.orders.list_mine(who, limit=NAMED_LOOK_BACK).items  # one read for both answers
    named = _orders_naming_a_book(event, latest_orders)
    if named:  # "has my dracula order shipped": the orders of that book
        listed = "; ".join(f"{o.number} ({_summary(o)}) is {o.status}" for o in named[:RECENT_ORDERS])
        return close(event, "Fulfilled", f"Your order{'s' if len(named) > 1 else ''} {listed}.")
    # "where is my order" / "where are my orders": the recent ones, newest first.
    recent = latest_orders[:RECENT_ORDERS]
    if not recent:
        return close(event, "Fulfilled", "You have no orders yet.")
    if len(recent) == 1:
        return close(
            event, "Fulfilled", f"Your order {recent[0].number} ({_summary(recent[0])}) is {recent[0].status}."
        )
    listed = "; ".join(f"{o.number} ({_summary(o)}) is {o.status}" for o in recent)
    return close(event, "Fulfilled", f"Your latest orders: {listed}. Ask about one by its number for more.")


NAMED_LOOK_BACK = 20  # the customer's latest orders searched for one a turn names by its book
_REFERENCE_TRIED = re.compile(r"\bbk\b|\bbk[-\s]?[0-9a-z]|\b\d{4,}\b", re.IGNORECASE)


def _orders_naming_a_book(event: LexEvent, orders: list[Order]) -> list[Order]:
    """The orders (newest first) with a book every word of whose title the customer said ("I don't want the emma
    books anymore", "has my dracula order shipped")."""
    said = set(tokens(event.input_transcript or ""))
    return [o for o in orders if any(set(tokens(line.title)) <= said for line in o.lines if tokens(line.title))]


def _unknown_reference(event: LexEvent) -> LexResponse | None:
    """The customer tried to name an order ("order 12345", "BK-' OR 1=1") that Lex could not take as a number:
    asked again rather than answered about another order."""
    if _REFERENCE_TRIED.search(event.input_transcript or "") is None:
        return None
    return elicit_slot(event, "OrderId", "I can't find that order among yours. Which order? Its number looks like "
                       "BK-7K3M-9QXT.")  # fmt: skip


_NOT_CANCELLABLE = {
    "CANCELLED": "is already cancelled",
    "SHIPPED": "has shipped and can no longer be cancelled",
    "DELIVERED": "was delivered and can no longer be cancelled",
}


def _propose_latest_cancellable(event: LexEvent, who: SignedIn, services: Services) -> LexResponse:
    """No order id ("cancel my last order"): propose the newest order that can still be cancelled (PLACED),
    as a confirmation with the OrderId filled; or say clearly why there is nothing to cancel, and close."""
    if (unknown := _unknown_reference(event)) is not None:
        return unknown
    latest_orders = services.orders.list_mine(who, limit=NAMED_LOOK_BACK).items
    named = _orders_naming_a_book(event, latest_orders)
    if named:  # "I don't want the emma books anymore": the newest order of that book
        return _confirm_cancel(event, event.intent.with_slot("OrderId", named[0].order_id), named[0])
    latest = latest_orders[0] if latest_orders else None
    if latest is None:
        return close(event, "Failed", "You have no orders, so there is nothing to cancel.")
    candidate = latest if latest.status == "PLACED" else services.orders.latest_cancellable(who)
    if candidate is None:
        return close(
            event,
            "Failed",
            "You have no order that can still be cancelled (an order can be cancelled until it ships). "
            f"Your latest order {latest.number} ({_summary(latest)}) {_NOT_CANCELLABLE[latest.status]}.",
        )
    note = "" if candidate is latest else f"Your latest order {latest.number} {_NOT_CANCELLABLE[latest.status]}. "
    intent = event.intent.with_slot("OrderId", candidate.order_id)
    question = f"{note}Cancel your order {candidate.number} ({_summary(candidate)}, placed {_placed(candidate)})?"
    return confirm_intent(event, question, intent)


def cancel_order(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    who = caller.signed_in()
    if who is None:
        return close(event, "Failed", SIGN_IN)
    reference = event.intent.value("OrderId")
    if reference is None:
        if event.invocation_source == "DialogCodeHook":
            return _propose_latest_cancellable(event, who, services)
        return elicit_slot(event, "OrderId", "Which order do you want to cancel? Tell me its number.")
    try:
        order = services.orders.find_mine(who, reference)
    except OrderNotFound:
        return elicit_slot(event, "OrderId", f"I can't find order {reference} among your orders. Which order?")
    except Conflict as err:  # two of the caller's orders share the number said
        return elicit_slot(event, "OrderId", err.message)
    intent = event.intent.with_slot("OrderId", order.order_id)
    if event.invocation_source == "DialogCodeHook":
        return _confirm_cancel(event, intent, order)
    if intent.confirmation_state == "Denied":
        return close(event, "Failed", "Okay, the order stays as it is.")
    try:
        cancelled = services.orders.cancel_mine(who, order.order_id)
    except BookstoreError as err:
        return close(event, "Failed", err.message)
    copies = sum(line.quantity for line in cancelled.lines)
    books = "1 book went" if copies == 1 else f"{copies} books went"
    message = f"Order {cancelled.number} is cancelled; {books} back on the shelf."
    return close(event, "Fulfilled", message)


def _confirm_cancel(event: LexEvent, intent: Intent, order: Order) -> LexResponse:
    if order.status == "CANCELLED":
        return close(event, "Fulfilled", f"Order {order.number} is already cancelled.")
    if order.status != "PLACED":
        return close(event, "Failed", f"Order {order.number} is {order.status} and can no longer be cancelled.")
    if intent.confirmation_state in (None, "None"):
        question = f"Cancel your order {order.number} ({_summary(order)}, placed {_placed(order)})?"
        return confirm_intent(event, question, intent)
    return delegate(event, intent)
