"""Through boto3: Lex's built-in intents leave any prompt with nothing done, and a new request at a prompt switches
intent without fulfilling the first (docs/bot.md "Built-in intents" and "Changing the subject").

The conversation scripts (scripts/builtins.csv, scripts/switching.csv) check what the bot says; these tests also
check, in the local AWS behind the bot, that nothing was done: no user registered, no order placed.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conversations.conftest import ALIAS, BOT, LOCALE, STAFF, LocalLexProcess, session_id
from tests.support.addresses import save_address


def _customer(local_lex: LocalLexProcess) -> dict[str, str]:
    """A customer of their own (orders outlive reset_data's tables), so "no orders" means none of this test's; with
    a delivery address saved, as after a first checkout in the shop, so the bot can order for them."""
    username = f"c{time.monotonic_ns() % 10**9}"
    save_address(local_lex.aws.tables["UsersTable"], local_lex.aws.client("dynamodb"), username)
    return {"bookstore:username": username, "bookstore:groups": "customers"}


def _say(lex: Any, session: str, text: str, attributes: dict[str, str]) -> dict[str, Any]:
    response: dict[str, Any] = lex.recognize_text(
        botId=BOT, botAliasId=ALIAS, localeId=LOCALE, sessionId=session, text=text, requestAttributes=attributes
    )
    return response


def _said(response: dict[str, Any]) -> str:
    return " ".join(m.get("content") or "" for m in response["messages"])


def _users(local_lex: LocalLexProcess) -> list[str]:
    cognito = local_lex.aws.client("cognito-idp")
    return [u["Username"] for u in cognito.list_users(UserPoolId=local_lex.aws.user_pool_id)["Users"]]


@pytest.mark.parametrize(("text", "intent"), [("cancel", "Cancel"), ("stop", "Stop"), ("start over", "StartOver")])
def test_a_built_in_intent_at_the_username_prompt_registers_nobody(lex, local_lex, text, intent) -> None:
    session = session_id(f"builtin-username-{intent}")
    assert _say(lex, session, "register a new user", STAFF)["sessionState"]["dialogAction"]["slotToElicit"] == (
        "Username"
    )
    left = _say(lex, session, text, STAFF)
    assert left["sessionState"]["intent"]["name"] == intent
    assert left["sessionState"]["intent"]["state"] == "Fulfilled"
    assert left["sessionState"]["dialogAction"] == {"type": "Close"}
    assert "nothing was done" in _said(left)
    stored = lex.get_session(botId=BOT, botAliasId=ALIAS, localeId=LOCALE, sessionId=session)
    assert stored["sessionState"]["intent"]["name"] == intent
    # Neither this turn nor the next took the word for a username.
    _say(lex, session, "yes", STAFF)
    assert _users(local_lex) == []
    with pytest.raises(ClientError):
        local_lex.aws.client("cognito-idp").admin_get_user(UserPoolId=local_lex.aws.user_pool_id, Username=text)


@pytest.mark.parametrize(("text", "intent"), [("never mind", "Cancel"), ("stop", "Stop")])
def test_a_built_in_intent_at_the_order_confirmation_places_no_order(lex, local_lex, text, intent) -> None:
    customer = _customer(local_lex)
    session = session_id(f"builtin-order-{intent}")
    confirm = _say(lex, session, "buy 2 copies of Dracula", customer)
    assert confirm["sessionState"]["dialogAction"] == {"type": "ConfirmIntent"}
    left = _say(lex, session, text, customer)
    assert (left["sessionState"]["intent"]["name"], left["sessionState"]["dialogAction"]) == (intent, {"type": "Close"})
    assert "nothing was done" in _said(left)
    assert "no orders" in _said(_say(lex, session, "where is my order", customer))


def test_another_intent_at_the_title_prompt_is_served_and_no_order_is_placed(lex, local_lex) -> None:
    customer = _customer(local_lex)
    session = session_id("switch-title")
    asked = _say(lex, session, "I want to buy a book", customer)
    assert asked["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Title"}
    switched = _say(lex, session, "actually, where is my order?", customer)
    assert switched["sessionState"]["intent"]["name"] == "OrderStatus"
    assert switched["sessionState"]["intent"]["state"] == "Fulfilled"
    assert switched["interpretations"][0]["intent"]["name"] == "OrderStatus"
    assert "no orders" in _said(switched)  # the question was not taken for a title


def test_a_new_order_at_the_quantity_prompt_replaces_the_first(lex, local_lex) -> None:
    customer = _customer(local_lex)
    session = session_id("switch-same-intent")
    refused = _say(lex, session, "buy 1000 copies of Dracula", customer)
    assert refused["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Quantity"}
    anew = _say(lex, session, "order the great gatsby", customer)
    assert anew["sessionState"]["intent"]["slots"]["Title"]["value"]["interpretedValue"] == "The Great Gatsby"
    assert _said(anew) == "How many copies of The Great Gatsby?"
    confirm = _say(lex, session, "3", customer)
    assert "3 x The Great Gatsby" in _said(confirm)
    done = _say(lex, session, "yes", customer)
    assert done["sessionState"]["intent"]["state"] == "Fulfilled"
    status = _said(_say(lex, session, "where is my order", customer))
    assert "3 x The Great Gatsby" in status
    assert "Dracula" not in status


def test_refused_answers_end_in_the_fallback_intent_after_max_retries(lex, local_lex) -> None:
    customer = _customer(local_lex)
    session = session_id("retries")
    _say(lex, session, "buy Dracula", customer)
    for answer in ("1000", "2000"):
        again = _say(lex, session, answer, customer)
        assert again["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Quantity"}
        assert "from 1 to 50" in _said(again)
    out = _say(lex, session, "5000", customer)
    assert out["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert out["sessionState"]["dialogAction"]["type"] == "ElicitIntent"
    assert "from 1 to 50" not in _said(out)
    # The dialog is over: a number is no longer an answer, and nothing was ordered.
    assert "no orders" in _said(_say(lex, session, "where is my order", customer))
