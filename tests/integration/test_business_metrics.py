"""Each business metric is emitted once per event, with the one low-cardinality dimension `service`: read from
the CloudWatch EMF blobs Powertools prints when a handler returns."""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any

import pytest
from botocore.stub import Stubber

from bookstore.catalog import Book
from local.emulators.context import LocalLambdaContext
from tests.support.addresses import HOME_JSON
from tests.support.api import chat_module
from tests.support.apigw import call
from tests.support.aws import LocalAws, load_event
from tests.support.lex import lex_event

DRACULA = Book(book_id="dracula-bram-stoker", title="Dracula", author="Bram Stoker", genre="horror", year=1897,
               price_cents=899, stock=10)  # fmt: skip


def emitted(output: str) -> list[dict[str, Any]]:
    """Every metric datum printed: {name, value, dimensions, namespace}."""
    data = []
    for line in output.splitlines():
        if not line.startswith("{") or '"_aws"' not in line:
            continue
        blob = json.loads(line)
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            dimensions = {name: blob[name] for group in directive["Dimensions"] for name in group}
            for metric in directive["Metrics"]:
                values = blob[metric["Name"]]
                for value in values if isinstance(values, list) else [values]:
                    data.append({"name": metric["Name"], "value": value, "dimensions": dimensions,
                                 "namespace": directive["Namespace"], "unit": metric.get("Unit")})  # fmt: skip
    return data


def only(data: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [d for d in data if d["name"] == name]
    assert len(found) == 1, f"{name} emitted {len(found)} times: {found}"
    assert found[0]["namespace"] == "Bookstore"
    assert set(found[0]["dimensions"]) == {"service"}  # low cardinality: no user, order or session ids
    return found[0]


@pytest.fixture
def bot(function_env: LocalAws) -> ModuleType:
    module = importlib.reload(importlib.import_module("bot_fulfillment.handler"))
    module.services.cache_clear()
    return module


def test_a_sign_up_emits_users_registered_once(function_env: LocalAws, capsys) -> None:
    module = importlib.reload(importlib.import_module("auth_triggers.post_confirmation"))
    function_env.create_cognito_user("newbie", "newbie@example.com")
    event = load_event("auth/post_confirmation_sign_up.json", userPoolId=function_env.user_pool_id, userName="newbie")
    event["request"]["userAttributes"]["email"] = "newbie@example.com"
    module.lambda_handler(event, LocalLambdaContext("auth"))
    assert only(emitted(capsys.readouterr().out), "UsersRegistered")["value"] == 1


def test_staff_registering_by_chat_emits_users_registered_once(bot: ModuleType, capsys) -> None:
    event = lex_event("RegisterUser", {"Username": "jdoe", "Email": "jdoe@example.com"},
                      invocation="FulfillmentCodeHook", username="alice", groups="staff", confirmation="Confirmed")  # fmt: skip
    response = bot.lambda_handler(event, LocalLambdaContext("bot"))
    assert response["sessionState"]["intent"]["state"] == "Fulfilled"
    assert only(emitted(capsys.readouterr().out), "UsersRegistered")["value"] == 1


def test_a_customer_asking_for_a_staff_intent_emits_one_refusal(bot: ModuleType, capsys) -> None:
    event = lex_event("RegisterUser", {"Username": "jdoe", "Email": "jdoe@example.com"},
                      invocation="FulfillmentCodeHook", username="carol", groups="customers")  # fmt: skip
    bot.lambda_handler(event, LocalLambdaContext("bot"))
    data = emitted(capsys.readouterr().out)
    assert only(data, "StaffIntentRefused")["value"] == 1
    assert not [d for d in data if d["name"] == "UsersRegistered"]


def test_a_fallback_turn_emits_one_fallback(bot: ModuleType, capsys) -> None:
    bot.lambda_handler(load_event("bot/fallback.json"), LocalLambdaContext("bot"))
    assert only(emitted(capsys.readouterr().out), "FallbackTurns")["value"] == 1


def test_an_order_emits_orders_placed_and_its_value_once_and_a_retry_emits_nothing(
    api_handler: ModuleType, function_env: LocalAws, capsys
) -> None:
    from bookstore.repositories.products import ProductRepository

    ProductRepository(function_env.tables["ProductsTable"], client=function_env.dynamodb).create(DRACULA)
    capsys.readouterr()
    body = {"lines": [{"book_id": DRACULA.book_id, "quantity": 2}], "delivery_address": HOME_JSON}
    headers = {"Idempotency-Key": "metrics-test-0001"}
    assert call(api_handler, "POST", "/orders", user="carol", body=body, headers=headers)[0] == 201
    data = emitted(capsys.readouterr().out)
    assert only(data, "OrdersPlaced")["value"] == 1
    value = only(data, "OrderValue")
    assert (value["value"], value["unit"]) == (2 * 899, "Count")
    assert call(api_handler, "POST", "/orders", user="carol", body=body, headers=headers)[0] in (200, 201)
    assert not [d for d in emitted(capsys.readouterr().out) if d["name"] in ("OrdersPlaced", "OrderValue")]


def test_a_chat_turn_emits_one_chat_turn(capsys) -> None:
    chat = chat_module()
    reply = {"sessionState": {"dialogAction": {"type": "ElicitIntent"}, "intent": {"name": "Help", "state": "Fulfilled"}},
             "messages": [{"contentType": "PlainText", "content": "Hi"}], "sessionId": "user-carol"}  # fmt: skip
    with Stubber(chat.lex()) as stub:
        stub.add_response("recognize_text", reply)
        assert call(chat, "POST", "/chat", user="carol", body={"text": "help"})[0] == 200
    assert only(emitted(capsys.readouterr().out), "ChatTurns")["value"] == 1


def test_the_worker_emits_what_it_learned_once_per_batch(shop, capsys) -> None:
    placed = load_event("recommendations/orders_placed.json")["Records"]
    capsys.readouterr()
    shop.handle(placed + placed)  # the duplicates are no-ops
    learned = only(emitted(capsys.readouterr().out), "OrdersLearned")
    assert learned["value"] == 2
    shop.handle(load_event("recommendations/order_cancelled.json")["Records"])
    data = emitted(capsys.readouterr().out)
    assert only(data, "OrdersUnlearned")["value"] == 1
    assert not [d for d in data if d["name"] == "OrdersLearned"]
