"""The bot's code hook against moto (Cognito + DynamoDB built from the synthesized templates)."""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import Any

import pytest

from bookstore.catalog import Book
from bookstore.errors import NotAuthorized
from bookstore.repositories.directory import CognitoDirectory
from bookstore.repositories.users import UserRepository
from bookstore.services.user_admin import UserAdminService
from bookstore.users import UserProfile
from bot_fulfillment import dialog
from tests.support.aws import EVENTS_DIR, LocalAws, SerializedClient, load_event, services_for
from tests.support.lex import lex_event


@pytest.fixture
def hook(function_env: LocalAws) -> ModuleType:
    module = importlib.reload(importlib.import_module("bot_fulfillment.handler"))
    module.services.cache_clear()
    return module


@pytest.fixture
def invoke(hook: ModuleType, lambda_context: Any):
    def _invoke(event: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = hook.lambda_handler(event, lambda_context)
        return result

    return _invoke


def _admin(local_aws: LocalAws, *, cognito: Any = None, dynamodb: Any = None) -> UserAdminService:
    return UserAdminService(
        users=UserRepository(local_aws.tables["UsersTable"], client=dynamodb or local_aws.dynamodb),
        directory=CognitoDirectory(local_aws.user_pool_id, client=cognito or local_aws.cognito),
    )


def _existing_user(local_aws: LocalAws, username: str = "jdoe", email: str = "jdoe@example.com") -> None:
    _admin(local_aws).register(username=username, email=email, given_name="Jane", family_name="Doe")


def _action(response: dict[str, Any]) -> dict[str, Any]:
    return dict(response["sessionState"]["dialogAction"])


def _message(response: dict[str, Any]) -> str:
    """The answer's text (response cards, after it, have no content)."""
    return " ".join(m["content"] for m in response.get("messages", []) if m["contentType"] != "ImageResponseCard")


def _slot(response: dict[str, Any], name: str) -> str | None:
    slot = response["sessionState"]["intent"]["slots"][name]
    return None if slot is None else str(slot["value"]["interpretedValue"])


def _snapshot(local_aws: LocalAws) -> tuple[list[Any], list[str]]:
    items = sorted(local_aws.items("UsersTable"), key=lambda i: (i["pk"]["S"], i["sk"]["S"]))
    users = sorted(u["Username"] for u in local_aws.cognito.list_users(UserPoolId=local_aws.user_pool_id)["Users"])
    return items, users


class FailingClient:
    """Wraps a boto3 client and raises on one operation: the injected failure of a second write."""

    def __init__(self, client: Any, operation: str) -> None:
        self._client = client
        self._operation = operation

    def __getattr__(self, name: str) -> Any:
        if name == self._operation:

            def fail(**_: Any) -> Any:
                raise RuntimeError(f"injected failure in {name}")

            return fail
        return getattr(self._client, name)


# RegisterUser: dialog code hook validates each slot as it arrives.


@pytest.mark.parametrize("username", ["9lives", "jd", "j doe", "x" * 31, "jdoe!"])
def test_register_invalid_username_is_reasked_with_the_rule(invoke, username) -> None:
    response = invoke(lex_event("RegisterUser", {"Username": username}, next_slot="Email"))
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": "Username"}
    assert "is not a valid username" in _message(response)
    assert "3 to 30" in _message(response)
    assert _slot(response, "Username") is None


def test_register_taken_username_is_reasked(invoke, local_aws) -> None:
    _existing_user(local_aws)
    response = invoke(lex_event("RegisterUser", {"Username": "jdoe"}, next_slot="Email"))
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": "Username"}
    assert "jdoe is already taken" in _message(response)


def test_register_username_of_a_pending_sign_up_counts_as_taken(invoke, local_aws) -> None:
    local_aws.create_cognito_user("pending", "pending@example.com")  # in Cognito, no profile yet
    response = invoke(lex_event("RegisterUser", {"Username": "pending"}, next_slot="Email"))
    assert "already taken" in _message(response)


@pytest.mark.parametrize("email", ["jdoe@example", "jdoe", "jdoe@@example.com", "j doe@example.com"])
def test_register_invalid_email_is_reasked(invoke, email) -> None:
    response = invoke(lex_event("RegisterUser", {"Username": "jdoe", "Email": email}, next_slot="FirstName"))
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": "Email"}
    assert "is not a valid email address" in _message(response)
    assert _slot(response, "Username") == "jdoe"  # the good value is kept


def test_register_used_email_is_reasked(invoke, local_aws) -> None:
    _existing_user(local_aws, "jdoe", "shared@example.com")
    response = invoke(lex_event("RegisterUser", {"Username": "jsmith", "Email": "Shared@Example.com"}))
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": "Email"}
    assert "shared@example.com is already used" in _message(response)


def test_register_invalid_first_name_is_reasked(invoke) -> None:
    response = invoke(lex_event("RegisterUser", {"Username": "jdoe", "Email": "a@example.com", "FirstName": "R2D2"}))
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": "FirstName"}
    assert "does not look like a first name" in _message(response)


def test_register_valid_values_are_normalized_and_delegated(invoke) -> None:
    response = invoke(lex_event("RegisterUser", {"Username": "JDoe", "Email": " JDoe@Example.COM "}))
    assert _action(response) == {"type": "Delegate"}
    assert _slot(response, "Username") == "jdoe"
    assert _slot(response, "Email") == "jdoe@example.com"
    assert response["sessionState"]["intent"]["slots"]["FirstName"] is None


# RegisterUser: fulfillment.


def _register(**slots: str) -> dict[str, Any]:
    values = {"Username": "jdoe", "Email": "jdoe@example.com", **slots}
    return lex_event("RegisterUser", values, invocation="FulfillmentCodeHook", confirmation="Confirmed")


def test_register_creates_cognito_user_in_customers_and_profile(invoke, local_aws) -> None:
    response = invoke(_register(FirstName="Jane", LastName="Doe"))
    assert _action(response) == {"type": "Close"}
    assert response["sessionState"]["intent"]["state"] == "Fulfilled"
    assert "jdoe is registered" in _message(response)
    user = local_aws.cognito.admin_get_user(UserPoolId=local_aws.user_pool_id, Username="jdoe")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "jdoe@example.com"
    assert attributes["given_name"] == "Jane"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"  # invited with a temporary password
    assert local_aws.groups_of("jdoe") == ["customers"]
    profile = UserRepository(local_aws.tables["UsersTable"], client=local_aws.dynamodb).get("jdoe")
    assert profile is not None
    assert (profile.email, profile.family_name, profile.source) == ("jdoe@example.com", "Doe", "staff")


def test_register_retried_fulfillment_creates_no_duplicate_and_reports_success(invoke, local_aws) -> None:
    first = invoke(_register())
    before = _snapshot(local_aws)
    second = invoke(_register())
    assert second["sessionState"]["intent"]["state"] == "Fulfilled"
    assert _message(second) == _message(first)
    assert _snapshot(local_aws) == before


def test_register_duplicate_username_at_fulfillment_fails_and_changes_nothing(invoke, local_aws) -> None:
    _existing_user(local_aws, "jdoe", "first@example.com")
    before = _snapshot(local_aws)
    response = invoke(_register(Email="second@example.com"))
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert "already taken" in _message(response)
    assert _snapshot(local_aws) == before


def test_register_duplicate_email_at_fulfillment_fails_and_changes_nothing(invoke, local_aws) -> None:
    _existing_user(local_aws, "jsmith", "jdoe@example.com")
    before = _snapshot(local_aws)
    response = invoke(_register())
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert "already used" in _message(response)
    assert _snapshot(local_aws) == before


def test_two_registrations_racing_for_one_email_create_exactly_one_user(local_aws) -> None:
    services = services_for(
        local_aws, cognito=SerializedClient(local_aws.cognito), dynamodb=SerializedClient(local_aws.dynamodb)
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def register(username: str) -> None:
        event = lex_event(
            "RegisterUser",
            {"Username": username, "Email": "race@example.com"},
            invocation="FulfillmentCodeHook",
            confirmation="Confirmed",
        )
        from bot_fulfillment.lex import LexEvent

        parsed = LexEvent.model_validate(event)
        barrier.wait()
        outcomes[username] = dialog.handle(parsed, services, None).dump()["sessionState"]["intent"]["state"]

    threads = [threading.Thread(target=register, args=(name,)) for name in ("racer1", "racer2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["Failed", "Fulfilled"]
    items, users = _snapshot(local_aws)
    winner = next(name for name, state in outcomes.items() if state == "Fulfilled")
    assert users == [winner]
    assert [i["pk"]["S"] for i in items if i["sk"]["S"] == "PROFILE"] == [f"USER#{winner}"]


@pytest.mark.parametrize("failing", ["admin_create_user", "admin_add_user_to_group"])
def test_register_second_write_failure_is_compensated(local_aws, failing) -> None:
    # Given Cognito fails after the profile (and maybe the user) was written
    services = services_for(local_aws, cognito=FailingClient(local_aws.cognito, failing))
    from bot_fulfillment.lex import LexEvent

    response = dialog.handle(LexEvent.model_validate(_register()), services, None).dump()
    # Then the conversation is told, and nothing is left behind
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert "nothing was changed" in _message(response)
    assert _snapshot(local_aws) == ([], [])


def test_register_declined_at_fulfillment_creates_nothing(invoke, local_aws) -> None:
    event = lex_event(
        "RegisterUser",
        {"Username": "jdoe", "Email": "jdoe@example.com"},
        invocation="FulfillmentCodeHook",
        confirmation="Denied",
    )
    response = invoke(event)
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert _snapshot(local_aws) == ([], [])


# Authorization.


@pytest.mark.parametrize(
    ("username", "groups"), [("carol", "customers"), (None, None), ("carol", ""), ("eve", "staffers")]
)
@pytest.mark.parametrize("intent", ["RegisterUser", "EditUser"])
def test_non_staff_are_refused_politely_with_a_metric(invoke, local_aws, capsys, intent, username, groups) -> None:
    slots = {"Username": "jdoe"}
    response = invoke(lex_event(intent, slots, invocation="FulfillmentCodeHook", username=username, groups=groups))
    assert _action(response) == {"type": "Close"}
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert "only bookstore staff" in _message(response)
    assert '"StaffIntentRefused"' in capsys.readouterr().out
    assert _snapshot(local_aws) == ([], [])


def test_session_attributes_and_typed_text_cannot_raise_a_role(invoke, local_aws) -> None:
    event = lex_event(
        "RegisterUser",
        {"Username": "jdoe", "Email": "jdoe@example.com"},
        invocation="FulfillmentCodeHook",
        confirmation="Confirmed",
        username="carol",
        groups="customers",
        session_attributes={"bookstore:groups": "staff", "bookstore:username": "alice", "groups": "staff"},
        transcript="I am staff. bookstore:groups=staff. register jdoe",
    )
    response = invoke(event)
    assert "only bookstore staff" in _message(response)
    assert _snapshot(local_aws) == ([], [])


# EditUser.


def _edit(invocation: str = "DialogCodeHook", **slots: str) -> dict[str, Any]:
    confirmation = "Confirmed" if invocation == "FulfillmentCodeHook" else "None"
    return lex_event("EditUser", slots, invocation=invocation, confirmation=confirmation)


def test_edit_unknown_user_is_reasked(invoke) -> None:
    response = invoke(_edit(Username="nobody"))
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": "Username"}
    assert "can't find a user named nobody" in _message(response)


def test_edit_attribute_synonym_resolves_and_unknown_attribute_is_reasked(invoke, local_aws) -> None:
    _existing_user(local_aws)
    ok = invoke(_edit(Username="jdoe", Attribute="Last Name"))
    assert _action(ok) == {"type": "ElicitSlot", "slotToElicit": "NewLastName"}  # the value of that attribute
    assert _slot(ok, "Attribute") == "last name"
    bad = invoke(_edit(Username="jdoe", Attribute="password"))
    assert _action(bad) == {"type": "ElicitSlot", "slotToElicit": "Attribute"}
    assert "email, first name or last name" in _message(bad)


@pytest.mark.parametrize(
    ("attribute", "slot", "value", "reason"),
    [
        ("email", "NewEmail", "not-an-email", "is not a valid email address"),
        ("first name", "NewFirstName", "J4ne", "does not look like a first name"),
        ("last name", "NewLastName", "x" * 70, "does not look like a last name"),
    ],
)
def test_edit_new_value_invalid_for_the_attribute_is_reasked(invoke, local_aws, attribute, slot, value, reason) -> None:
    _existing_user(local_aws)
    response = invoke(_edit(Username="jdoe", Attribute=attribute, **{slot: value}))
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": slot}
    assert reason in _message(response)


@pytest.mark.parametrize(
    ("attribute", "slot", "prompt"),
    [
        ("email", "NewEmail", "What is the new email for jdoe?"),
        ("first name", "NewFirstName", "What is the new first name for jdoe?"),
        ("Last Name", "NewLastName", "What is the new last name for jdoe?"),
    ],
)
def test_edit_hook_elicits_the_new_value_slot_of_the_chosen_attribute(invoke, local_aws, attribute, slot, prompt):
    # The three new-value slots are optional in the model: the hook decides which one Lex asks for.
    _existing_user(local_aws)
    response = invoke(_edit(Username="jdoe", Attribute=attribute))
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": slot}
    assert _message(response) == prompt


def test_edit_value_lex_could_not_take_is_reasked_with_the_reason(invoke, local_aws) -> None:
    # Lex asks again when "R2D2" is no AMAZON.FirstName (proposedNextState.prompt.attempt Retry1).
    _existing_user(local_aws)
    event = _edit(Username="jdoe", Attribute="first name")
    event["proposedNextState"]["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": "NewFirstName"}
    event["proposedNextState"]["prompt"] = {"attempt": "Retry1"}
    response = invoke(event)
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": "NewFirstName"}
    assert "does not look like a first name" in _message(response)


def test_username_lex_could_not_take_is_reasked_with_the_rule(invoke) -> None:
    event = lex_event("RegisterUser", {}, next_slot="Username")
    event["proposedNextState"]["prompt"] = {"attempt": "Retry1"}
    response = invoke(event)
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": "Username"}
    assert "is not a valid username" in _message(response)
    assert "3 to 30" in _message(response)


def test_edit_attribute_follows_from_the_value_given_and_the_hook_confirms_with_it(invoke, local_aws) -> None:
    # "change the surname of jdoe to Smith": the value's slot says what changes.
    _existing_user(local_aws)
    response = invoke(_edit(Username="jdoe", NewLastName="Smith"))
    assert _action(response) == {"type": "ConfirmIntent"}
    assert _message(response) == "Change the last name of jdoe to Smith?"
    assert _slot(response, "Attribute") == "last name"
    assert _slot(response, "NewLastName") == "Smith"


def test_edit_name_in_the_other_name_slot_counts_for_the_chosen_attribute(invoke, local_aws) -> None:
    _existing_user(local_aws)
    response = invoke(_edit(Username="jdoe", Attribute="last name", NewFirstName="Smith"))
    assert _action(response) == {"type": "ConfirmIntent"}
    assert (_slot(response, "NewLastName"), _slot(response, "NewFirstName")) == ("Smith", None)


def test_edit_new_email_used_by_another_user_is_reasked(invoke, local_aws) -> None:
    _existing_user(local_aws, "jdoe", "jdoe@example.com")
    _existing_user(local_aws, "jsmith", "jsmith@example.com")
    response = invoke(_edit(Username="jdoe", Attribute="email", NewEmail="jsmith@example.com"))
    assert _action(response) == {"type": "ElicitSlot", "slotToElicit": "NewEmail"}
    assert "already used" in _message(response)


def test_edit_email_updates_cognito_profile_and_guard(invoke, local_aws) -> None:
    _existing_user(local_aws)
    response = invoke(_edit("FulfillmentCodeHook", Username="jdoe", Attribute="email", NewEmail="Jane@Example.com"))
    assert response["sessionState"]["intent"]["state"] == "Fulfilled"
    assert "jdoe's email is now jane@example.com" in _message(response)
    assert "password resets stay on the old address" in _message(response)
    users = UserRepository(local_aws.tables["UsersTable"], client=local_aws.dynamodb)
    profile = users.get("jdoe")
    assert profile is not None
    assert profile.email == "jane@example.com"
    assert users.email_owner("jane@example.com") == "jdoe"
    assert users.email_owner("jdoe@example.com") is None
    attributes = CognitoDirectory(local_aws.user_pool_id, client=local_aws.cognito).get_attributes("jdoe")
    assert attributes is not None
    assert attributes["email"] == "jane@example.com"


def _staff_member(local_aws: LocalAws, username: str = "boss") -> None:
    """A staff member with a profile, as an operator promotes one (outside the app)."""
    _existing_user(local_aws, username, f"{username}@example.com")
    local_aws.cognito.admin_add_user_to_group(UserPoolId=local_aws.user_pool_id, Username=username, GroupName="staff")


def _cognito_attributes(local_aws: LocalAws, username: str) -> dict[str, str] | None:
    return CognitoDirectory(local_aws.user_pool_id, client=local_aws.cognito).get_attributes(username)


def test_edit_email_is_stored_unverified(invoke, local_aws) -> None:
    _existing_user(local_aws)
    invoke(_edit("FulfillmentCodeHook", Username="jdoe", Attribute="email", NewEmail="jane@example.com"))
    attributes = _cognito_attributes(local_aws, "jdoe")
    assert attributes is not None
    assert (attributes["email"], attributes["email_verified"]) == ("jane@example.com", "false")


def test_staff_cannot_edit_another_staff_member_and_nothing_changes(invoke, local_aws) -> None:
    _staff_member(local_aws)
    before = (_snapshot(local_aws), _cognito_attributes(local_aws, "boss"))
    asked = invoke(_edit(Username="boss"))
    assert _action(asked) == {"type": "ElicitSlot", "slotToElicit": "Username"}
    assert "boss is a staff member" in _message(asked)
    response = invoke(_edit("FulfillmentCodeHook", Username="boss", Attribute="email", NewEmail="evil@example.com"))
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert "boss is a staff member" in _message(response)
    assert (_snapshot(local_aws), _cognito_attributes(local_aws, "boss")) == before


def test_staff_cannot_re_register_a_staff_member(local_aws) -> None:
    _staff_member(local_aws)
    before = (_snapshot(local_aws), local_aws.groups_of("boss"))
    with pytest.raises(NotAuthorized):
        _admin(local_aws).register(username="boss", email="boss@example.com")
    assert (_snapshot(local_aws), local_aws.groups_of("boss")) == before


def test_edit_last_name_updates_cognito_and_profile(invoke, local_aws) -> None:
    _existing_user(local_aws)
    response = invoke(_edit("FulfillmentCodeHook", Username="jdoe", Attribute="last name", NewLastName="Smith-Jones"))
    assert "jdoe's last name is now Smith-Jones" in _message(response)
    profile = UserRepository(local_aws.tables["UsersTable"], client=local_aws.dynamodb).get("jdoe")
    assert profile is not None
    assert profile.family_name == "Smith-Jones"
    attributes = CognitoDirectory(local_aws.user_pool_id, client=local_aws.cognito).get_attributes("jdoe")
    assert attributes is not None
    assert attributes["family_name"] == "Smith-Jones"


def test_edit_retried_fulfillment_reports_success_and_changes_nothing_more(invoke, local_aws) -> None:
    _existing_user(local_aws)
    event = _edit("FulfillmentCodeHook", Username="jdoe", Attribute="first name", NewFirstName="Janet")
    invoke(event)
    before = _snapshot(local_aws)
    response = invoke(event)
    assert response["sessionState"]["intent"]["state"] == "Fulfilled"
    assert "already Janet" in _message(response)
    assert _snapshot(local_aws) == before


def test_edit_cognito_failure_restores_the_profile_and_guard(local_aws) -> None:
    _existing_user(local_aws)
    before = _snapshot(local_aws)
    services = services_for(local_aws, cognito=FailingClient(local_aws.cognito, "admin_update_user_attributes"))
    from bot_fulfillment.lex import LexEvent

    event = _edit("FulfillmentCodeHook", Username="jdoe", Attribute="email", NewEmail="new@example.com")
    response = dialog.handle(LexEvent.model_validate(event), services, None).dump()
    assert response["sessionState"]["intent"]["state"] == "Failed"
    after_items, after_users = _snapshot(local_aws)
    strip = [{k: v for k, v in i.items() if k != "updated_at"} for i in after_items]
    assert strip == [{k: v for k, v in i.items() if k != "updated_at"} for i in before[0]]
    assert after_users == before[1]


# Help, fallback, robustness.


def test_help_depends_on_the_role(invoke) -> None:
    staff = invoke(lex_event("Help", invocation="FulfillmentCodeHook"))
    customer = invoke(lex_event("Help", invocation="FulfillmentCodeHook", username="carol", groups="customers"))
    assert "register a new user" in _message(staff)
    assert "register a new user" not in _message(customer)
    for text in (_message(staff), _message(customer)):
        assert "find books" in text
        assert "place an order" in text
    assert staff["sessionState"]["intent"]["state"] == "Fulfilled"


def test_fallback_asks_again_and_counts(invoke, capsys) -> None:
    response = invoke(lex_event("FallbackIntent", invocation="FulfillmentCodeHook", transcript="blah"))
    assert _action(response) == {"type": "ElicitIntent"}
    assert "didn't understand" in _message(response)
    assert '"FallbackTurns"' in capsys.readouterr().out


def test_unexpected_failure_closes_politely(local_aws) -> None:
    services = services_for(local_aws, dynamodb=FailingClient(local_aws.dynamodb, "get_item"))
    from bot_fulfillment.lex import LexEvent

    response = dialog.handle(
        LexEvent.model_validate(lex_event("RegisterUser", {"Username": "jdoe"})), services, None
    ).dump()
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert "something went wrong" in _message(response)


def test_profile_model_rejects_what_the_hook_rejects() -> None:
    with pytest.raises(ValueError, match="lowercase"):
        UserProfile(username="9lives", email="a@example.com", source="staff")


@pytest.mark.parametrize("path", sorted(p.name for p in (EVENTS_DIR / "bot").glob("*.json")))
def test_every_sample_bot_event_runs_through_the_handler(invoke, local_aws, path) -> None:
    if path.startswith("edit_user"):
        _existing_user(local_aws, "jdoe", "jdoe@example.com")
    services_for(local_aws).catalog.products.create(
        Book(
            book_id="dracula-bram-stoker",
            title="Dracula",
            author="Bram Stoker",
            genre="horror",
            year=1897,
            price_cents=899,
            stock=5,
        )
    )
    response = invoke(load_event(f"bot/{path}"))
    assert response["sessionState"]["dialogAction"]["type"] in {
        "Close",
        "ConfirmIntent",
        "Delegate",
        "ElicitSlot",
        "ElicitIntent",
    }
    assert "something went wrong" not in _message(response)
