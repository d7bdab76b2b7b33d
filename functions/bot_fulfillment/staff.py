"""The staff intents: RegisterUser and EditUser (staff only, and with TOTP where staff MFA is required).

Each value is checked as Lex collects it (dialog code hook), with the reason when it is refused, and again at
fulfillment, through the same UserAdminService the REST API's staff routes use.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools.metrics import MetricUnit

from bookstore.errors import BookstoreError, NotAuthorized, NotStaff
from bookstore.identity import Caller
from bookstore.observability import logger, metrics
from bookstore.services.user_admin import (
    USERNAME_RULE,
    Attribute,
    UserAdminService,
    check_attribute,
    check_person_name,
    check_username_format,
    profile_value,
)
from bookstore.users import normalize_email
from bookstore.wiring import Services
from bot_fulfillment.lex import Intent, LexEvent, LexResponse, close, confirm_intent, delegate, elicit_slot

REFUSAL = 'Sorry, only bookstore staff can register or edit users. Say "help" to see what I can do for you.'

# EditUser's new value: one slot per kind, each of the built-in type Lex fills for it (bot/model.yaml).
NEW_VALUE_SLOTS: dict[Attribute, str] = {"email": "NewEmail", "first name": "NewFirstName", "last name": "NewLastName"}
# Said when Lex could not take the answer to a slot as a value of its type (the user is asked again).
NOT_TAKEN: dict[str, str] = {
    "Username": f"Sorry, that is not a valid username. {USERNAME_RULE}",
    "NewEmail": "Sorry, that is not a valid email address, like jdoe@example.com.",
    "NewFirstName": "Sorry, that does not look like a first name: use letters, spaces, hyphens or apostrophes.",
    "NewLastName": "Sorry, that does not look like a last name: use letters, hyphens or apostrophes.",
}


def _require_staff(event: LexEvent, caller: Caller, services: Services) -> LexResponse | None:
    try:
        services.admin.require_staff(caller.signed_in())  # and, where required (prod), TOTP enabled
    except NotStaff:
        metrics.add_metric(name="StaffIntentRefused", unit=MetricUnit.Count, value=1)
        logger.info("Staff intent refused", extra={"caller": caller.username or "anonymous"})
        return close(event, "Failed", REFUSAL)
    except NotAuthorized as err:
        return close(event, "Failed", err.message)
    return None


def _retried(event: LexEvent, slot: str) -> bool:
    """Lex asks for `slot` again: the last answer was not a value of its type (a username that does not match
    the UsernameValue regex, an R2D2 for a first name). proposedNextState.prompt.attempt is Retry1, Retry2...
    (https://docs.aws.amazon.com/lexv2/latest/dg/lambda-input-format.html)."""
    proposed = event.proposed_next_state
    if proposed is None or proposed.dialog_action is None or proposed.dialog_action.type != "ElicitSlot":
        return False
    attempt = proposed.prompt.attempt if proposed.prompt else None
    return proposed.dialog_action.slot_to_elicit == slot and (attempt or "").startswith("Retry")


def register_user(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    refusal = _require_staff(event, caller, services)
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
        if intent.value("Username") is None and _retried(event, "Username"):
            return elicit_slot(event, "Username", f"{NOT_TAKEN['Username']} What username should the new user have?")
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
        f"Done: {check_username_format(username)} is registered with {normalize_email(email)}. "
        "They will get an email with a temporary password to sign in.",
    )


def _elicit(event: LexEvent, intent: Intent, slot: str, message: str) -> LexResponse:
    """Elicit `slot` keeping the values already normalized in `intent` (the username, the attribute)."""
    state = event.session_state.model_copy(update={"intent": intent})
    return elicit_slot(event.model_copy(update={"session_state": state}), slot, message)


def _edit_attribute(intent: Intent) -> str | None:
    """The Attribute slot, or the kind of the one new value given ("change the surname of jdoe to Smith")."""
    said = intent.value("Attribute")
    if said is not None:
        return said
    given = [attribute for attribute, slot in NEW_VALUE_SLOTS.items() if intent.value(slot) is not None]
    return given[0] if len(given) == 1 else None


def _new_value(intent: Intent, attribute: Attribute) -> str | None:
    """The new value for `attribute`: its own slot's; for a name, the other name slot's when only that one is
    filled (Lex may take "Smith" for a first name in "change the last name of jdoe to Smith")."""
    value = intent.value(NEW_VALUE_SLOTS[attribute])
    if value is not None or attribute == "email":
        return value
    other = NEW_VALUE_SLOTS["last name" if attribute == "first name" else "first name"]
    return intent.value(other)


def _with_new_value(intent: Intent, attribute: Attribute, value: str | None) -> Intent:
    """`value` in the slot of its attribute (None: empty), the other new-value slots empty."""
    slots = {**intent.slots, **dict.fromkeys(NEW_VALUE_SLOTS.values())}
    updated = intent.model_copy(update={"slots": slots})
    return updated.with_slot(NEW_VALUE_SLOTS[attribute], value) if value is not None else updated


def edit_user(event: LexEvent, caller: Caller, services: Services) -> LexResponse:
    refusal = _require_staff(event, caller, services)
    if refusal:
        return refusal
    if event.invocation_source == "DialogCodeHook":
        return _edit_dialog(event, services.admin)
    return _edit_fulfillment(event, services.admin)


def _edit_dialog(event: LexEvent, admin: UserAdminService) -> LexResponse:
    """Check the user, then what to change, then the new value, asking again with the reason at each step."""
    intent = event.intent
    if intent.confirmation_state == "Denied":
        return delegate(event, intent)  # Lex answers with the declination
    username, raw_attribute = intent.value("Username"), _edit_attribute(intent)
    if username is not None:
        try:
            username = admin.existing_user(username).username
        except BookstoreError as err:
            return elicit_slot(event, "Username", err.message)
        intent = intent.with_slot("Username", username)
    elif _retried(event, "Username"):
        return elicit_slot(event, "Username", f"{NOT_TAKEN['Username']} Which user do you want to edit?")
    try:
        attribute = check_attribute(raw_attribute) if raw_attribute is not None else None
    except BookstoreError as err:
        return _elicit(event, intent, "Attribute", err.message)
    if attribute is not None:
        intent = intent.with_slot("Attribute", attribute)
    if username is None or attribute is None:
        return delegate(event, intent)  # Lex asks for the username, then the attribute (both required)
    return _edit_new_value(event, intent, admin, username, attribute)


def _edit_new_value(
    event: LexEvent, intent: Intent, admin: UserAdminService, username: str, attribute: Attribute
) -> LexResponse:
    """The new-value slots are optional in the model: the hook asks for the one of the chosen attribute, checks
    it, then asks to confirm."""
    slot = NEW_VALUE_SLOTS[attribute]
    raw_value = _new_value(intent, attribute)
    if raw_value is None:
        reason = f"{NOT_TAKEN[slot]} " if _retried(event, slot) else ""
        ask = f"{reason}What is the new {attribute} for {username}?"
        return _elicit(event, _with_new_value(intent, attribute, None), slot, ask)
    try:
        value = admin.check_new_value(attribute, raw_value, username)
    except BookstoreError as err:
        return _elicit(event, _with_new_value(intent, attribute, None), slot, err.message)
    intent = _with_new_value(intent, attribute, value)
    if intent.confirmation_state in (None, "None"):
        return confirm_intent(event, f"Change the {attribute} of {username} to {value}?", intent)
    return delegate(event, intent)


def _edit_fulfillment(event: LexEvent, admin: UserAdminService) -> LexResponse:
    intent = event.intent
    username, raw_attribute = intent.value("Username"), _edit_attribute(intent)
    if intent.confirmation_state == "Denied":
        return close(event, "Failed", f"Okay, I left {username} unchanged.")
    attribute = check_attribute(raw_attribute) if raw_attribute is not None else None
    new_value = _new_value(intent, attribute) if attribute is not None else None
    if username is None or attribute is None or new_value is None:
        return elicit_slot(event, "Username", "I still need the username, what to change and the new value.")
    result = admin.edit(username=username, attribute=attribute, value=new_value)
    who, value = result.profile.username, profile_value(result.profile, attribute)
    if not result.changed:
        return close(event, "Fulfilled", f"{who}'s {attribute} was already {value}; nothing to change.")
    if attribute == "email":
        # The pool keeps the verified address until the new one is confirmed (keep_original): say so.
        return close(
            event,
            "Fulfilled",
            f"Done: {who}'s email is now {value}. A code was sent there; until {who} confirms it on their account "
            "page, signing in and password resets stay on the old address.",
        )
    return close(event, "Fulfilled", f"Done: {who}'s {attribute} is now {value}.")
