"""Per-intent dialog and fulfillment logic, and the one place that maps errors to Lex responses."""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools.metrics import MetricUnit

from bookstore.errors import BookstoreError
from bookstore.identity import Caller
from bookstore.lex import LexEvent, LexResponse, close, delegate, elicit_intent, elicit_slot
from bookstore.observability import logger, metrics, tracer
from bookstore.services.user_admin import (
    check_attribute,
    check_person_name,
    profile_value,
)
from bookstore.wiring import Services
from bot_fulfillment import shopping

IntentHandler = Callable[[LexEvent, Caller, Services], LexResponse]

REFUSAL = 'Sorry, only bookstore staff can register or edit users. Say "help" to see what I can do for you.'
UNEXPECTED = "Sorry, something went wrong on our side and nothing was changed. Please try again in a moment."
FALLBACK = 'Sorry, I didn\'t understand that. Say "help" to hear what I can do.'
HELP_CUSTOMER = (
    'I can find books ("find books by Jane Austen"), recommend some ("recommend a mystery"), place an order '
    '("buy two copies of Dracula"), tell you where your order is ("where is my order") and cancel it.'
)
HELP_STAFF = (
    'I can register a new user ("register a user jdoe with email jdoe@example.com") and edit a user\'s '
    'email, first name or last name ("change the email of jdoe"). ' + HELP_CUSTOMER
)


def handle(event: LexEvent, services: Services) -> LexResponse:
    caller = Caller.from_request_attributes(event.request_attributes)
    intent = event.intent.name
    tracer.put_annotation("intent", intent)
    tracer.put_annotation("invocation", event.invocation_source)
    logger.append_keys(intent=intent, invocation=event.invocation_source)
    handler = INTENTS.get(intent, fallback)
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


def _require_staff(event: LexEvent, caller: Caller) -> LexResponse | None:
    if caller.is_staff:
        return None
    metrics.add_metric(name="StaffIntentRefused", unit=MetricUnit.Count, value=1)
    logger.info("Staff intent refused", extra={"caller": caller.username or "anonymous"})
    return close(event, "Failed", REFUSAL)


def register_user(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    refusal = _require_staff(event, caller)
    if refusal:
        return refusal
    admin = services.admin
    intent = event.intent
    if event.invocation_source == "DialogCodeHook":
        # Validate each value as it arrives, in the order Lex asks for them; re-ask with the reason.
        checks: list[tuple[str, Callable[[str], str]]] = [
            ("Username", admin.check_new_username),
            ("Email", admin.check_new_email),
            ("FirstName", lambda v: check_person_name(v, "first name")),
            ("LastName", lambda v: check_person_name(v, "last name")),
        ]
        for slot, check in checks:
            value = intent.value(slot)
            if value is None:
                continue
            try:
                intent = intent.with_slot(slot, check(value))
            except BookstoreError as err:
                return elicit_slot(event, slot, err.message)
        return delegate(event, intent)

    if intent.confirmation_state == "Denied":
        return close(event, "Failed", "Okay, I did not register anyone.")
    username, email = intent.value("Username"), intent.value("Email")
    if username is None or email is None:
        return elicit_slot(event, "Username" if username is None else "Email", "I still need the username and email.")
    admin.register(
        username=username,
        email=email,
        given_name=intent.value("FirstName"),
        family_name=intent.value("LastName"),
    )
    return close(
        event,
        "Fulfilled",
        f"Done: {username.lower()} is registered with {email.strip().lower()}. "
        "They will get an email with a temporary password to sign in.",
    )


def edit_user(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    refusal = _require_staff(event, caller)
    if refusal:
        return refusal
    admin = services.admin
    intent = event.intent
    username, attribute, new_value = intent.value("Username"), intent.value("Attribute"), intent.value("NewValue")
    if event.invocation_source == "DialogCodeHook":
        try:
            if username is not None:
                username = admin.existing_user(username).username
                intent = intent.with_slot("Username", username)
        except BookstoreError as err:
            return elicit_slot(event, "Username", err.message)
        try:
            if attribute is not None:
                attribute = check_attribute(attribute)
                intent = intent.with_slot("Attribute", attribute)
        except BookstoreError as err:
            return elicit_slot(event, "Attribute", err.message)
        try:
            if new_value is not None and attribute is not None and username is not None:
                new_value = admin.check_new_value(check_attribute(attribute), new_value, username)
                intent = intent.with_slot("NewValue", new_value)
        except BookstoreError as err:
            return elicit_slot(event, "NewValue", err.message)
        return delegate(event, intent)

    if intent.confirmation_state == "Denied":
        return close(event, "Failed", f"Okay, I left {username} unchanged.")
    if username is None or attribute is None or new_value is None:
        return elicit_slot(event, "Username", "I still need the username, what to change and the new value.")
    result = admin.edit(username=username, attribute=attribute, value=new_value)
    name = check_attribute(attribute)
    who, value = result.profile.username, profile_value(result.profile, name)
    if not result.changed:
        return close(event, "Fulfilled", f"{who}'s {name} was already {value}; nothing to change.")
    return close(event, "Fulfilled", f"Done: {who}'s {name} is now {value}.")


def help_intent(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    return close(event, "Fulfilled", HELP_STAFF if caller.is_staff else HELP_CUSTOMER)


def fallback(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    metrics.add_metric(name="FallbackTurns", unit=MetricUnit.Count, value=1)
    return elicit_intent(event, FALLBACK)


INTENTS: dict[str, IntentHandler] = {
    "RegisterUser": register_user,
    "EditUser": edit_user,
    "FindBook": shopping.find_book,
    "RecommendBooks": shopping.recommend_books,
    "PlaceOrder": shopping.place_order,
    "OrderStatus": shopping.order_status,
    "CancelOrder": shopping.cancel_order,
    "Help": help_intent,
    "FallbackIntent": fallback,
}
