"""Per-intent dialog and fulfillment logic, and the one place that maps errors to Lex responses."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from bookstore.errors import BookstoreError
from bookstore.identity import Caller
from bookstore.observability import logger, metrics, tracer
from bookstore.wiring import Services
from bot_fulfillment import catalog, naming, orders, staff
from bot_fulfillment.cards import book_card, with_cards
from bot_fulfillment.lex import (
    LexEvent,
    LexResponse,
    close,
    elicit_intent,
)

IntentHandler = Callable[[LexEvent, Caller, Services], LexResponse]

UNEXPECTED = "Sorry, something went wrong on our side and nothing was changed. Please try again in a moment."
FALLBACK = 'Sorry, I didn\'t understand that. Say "help" to hear what I can do.'
ORDER_HINT = 'Say "buy" and a title to order one, or "help" to hear what I can do.'
HELP_CUSTOMER = (
    'I can find books ("find books by Jane Austen"), recommend some ("recommend a mystery"), place an order '
    '("buy two copies of Dracula"), tell you where your order is ("where is my order") and cancel it.'
)
HELP_STAFF = (
    'I can register a new user ("register a user jdoe with email jdoe@example.com") and edit a user\'s '
    'email, first name or last name ("change the email of jdoe"). ' + HELP_CUSTOMER
)


def handle(event: LexEvent, services: Services, context: LambdaContext | None) -> LexResponse:
    """Answer one code-hook call. `context` is the invocation's Lambda context (None outside Lambda): placing an
    order registers it with the idempotency layer, so an order still in progress expires with this invocation."""
    caller = Caller.from_request_attributes(event.request_attributes)
    intent = event.intent.name
    tracer.put_annotation("intent", intent)
    tracer.put_annotation("invocation", event.invocation_source)
    logger.append_keys(intent=intent, invocation=event.invocation_source)
    handler = partial(orders.place_order, context=context) if intent == "PlaceOrder" else INTENTS.get(intent, fallback)
    try:
        response = handler(event, caller, services)
    except BookstoreError as err:
        logger.info("Intent failed with a domain error", extra={"error": err.code})
        response = close(event, "Failed", err.message)
    except Exception:
        logger.exception("Code hook failed")
        metrics.add_metric(name="CodeHookErrors", unit=MetricUnit.Count, value=1)
        response = close(event, "Failed", UNEXPECTED)
    action = response.session_state.dialog_action
    tracer.put_annotation("outcome", action.type if action else "none")
    return response


def help_intent(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    return close(event, "Fulfilled", HELP_STAFF if caller.is_staff else HELP_CUSTOMER)


def fallback(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    """Not understood. A customer who types only a title ("dracula", "wuthering heights") gets the books it names
    as an offer, with the usual hint; anything else gets the hint alone."""
    metrics.add_metric(name="FallbackTurns", unit=MetricUnit.Count, value=1)
    books = naming.books_named(event, services)[: catalog.SHOWN]
    if not books:
        return elicit_intent(event, FALLBACK)
    offer = f"I'm not sure what you'd like, but these books match what you said: {catalog.listed(books)}. "
    return with_cards(elicit_intent(event, offer + ORDER_HINT), [book_card(book) for book in books])


# PlaceOrder also takes the invocation's Lambda context: handle() calls orders.place_order with it.
INTENTS: dict[str, IntentHandler] = {
    "RegisterUser": staff.register_user,
    "EditUser": staff.edit_user,
    "FindBook": catalog.find_book,
    "RecommendBooks": catalog.recommend_books,
    "OrderStatus": orders.order_status,
    "CancelOrder": orders.cancel_order,
    "Help": help_intent,
    "FallbackIntent": fallback,
}
