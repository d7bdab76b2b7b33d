"""Request bodies the callers write, not the front end: one guard (api.common.precheck) answers 415, 400 or 413
with the usual error body for each kind of bad body, on every JSON route of both API functions, and nothing is
stored. Each test names the guard's own message, so it fails if the guard is removed."""

from __future__ import annotations

import base64
import importlib
import json
from types import ModuleType
from typing import Any

import pytest
from botocore.stub import Stubber

from api.common import MAX_BODY_BYTES, MAX_JSON_DEPTH
from bookstore.catalog import Book
from bookstore.repositories.products import ProductRepository
from local.emulators.context import LocalLambdaContext
from local.openapi import DOCUMENT
from tests.support.addresses import HOME_JSON
from tests.support.api import api_environment, chat_module, load_api_modules
from tests.support.apigw import api_event
from tests.support.aws import LocalAws

HOBBIT = Book(book_id="the-hobbit-j-r-r-tolkien", title="The Hobbit", author="J. R. R. Tolkien", genre="fantasy",
              year=1937, price_cents=1299, stock=10)  # fmt: skip
ORDER = {"lines": [{"book_id": HOBBIT.book_id, "quantity": 1}], "delivery_address": HOME_JSON}
ORDER_TEXT = json.dumps(ORDER)


@pytest.fixture
def api(local_aws: LocalAws) -> ModuleType:
    load_api_modules(api_environment(local_aws))
    ProductRepository(local_aws.tables["ProductsTable"], client=local_aws.dynamodb).create(HOBBIT)
    local_aws.create_cognito_user("carol", "carol@example.com")
    return importlib.reload(importlib.import_module("api.handler"))


def send(
    handler: Any,
    method: str,
    path: str,
    body: str | None,
    *,
    content_type: str | None = "application/json",
    base64_encoded: bool = False,
    user: str | None = "carol",
    groups: str = "customers",
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """One request with exactly this body text and Content-Type (None: no Content-Type header at all)."""
    event = api_event(method, path, user=user, groups=groups, headers=headers)
    event["headers"].pop("Content-Type")
    if content_type is not None:
        event["headers"]["Content-Type"] = content_type
    event["body"], event["isBase64Encoded"] = body, base64_encoded
    response = handler.lambda_handler(event, LocalLambdaContext(function_name="api"))
    text = response.get("body")
    return response["statusCode"], (json.loads(text) if text else None)


def place(api: ModuleType, body: str | None, **kwargs: Any) -> tuple[int, Any]:
    return send(api, "POST", "/orders", body, headers={"Idempotency-Key": "bodies-key-1"}, **kwargs)


def staff_patch(api: ModuleType, body: str) -> tuple[int, Any]:
    return send(api, "PATCH", f"/books/{HOBBIT.book_id}", body, user="alice", groups="staff")


def stored(local_aws: LocalAws) -> dict[str, Any]:
    return {t: local_aws.items(t) for t in ("OrdersTable", "ProductsTable", "IdempotencyTable", "UsersTable")}


def refused(answer: tuple[int, Any], status: int, code: str, fragment: str) -> None:
    got, body = answer
    assert got == status, body
    assert set(body) == {"error", "message"}, body
    assert body["error"] == code, body
    assert fragment in body["message"], body


# ---- 415: not JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                                          "application/json; charset=latin-1", "multipart/form-data; boundary=x"])  # fmt: skip
def test_a_json_body_sent_as_another_type_is_415_and_places_no_order(api, local_aws, content_type) -> None:
    before = stored(local_aws)
    refused(place(api, ORDER_TEXT, content_type=content_type), 415, "UnsupportedMediaType", f"not {content_type}.")
    assert stored(local_aws) == before


def test_a_body_without_content_type_is_415(api, local_aws) -> None:
    before = stored(local_aws)
    refused(place(api, ORDER_TEXT, content_type=None), 415, "UnsupportedMediaType", "without a type")
    assert stored(local_aws) == before


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON;charset=UTF-8"])
def test_json_with_a_utf8_charset_parameter_is_accepted(api, local_aws, content_type) -> None:
    status, order = place(api, ORDER_TEXT, content_type=content_type)
    assert status == 201, order
    assert len(local_aws.items("OrdersTable")) == 1


def _json_routes() -> list[tuple[str, str]]:
    document = json.loads(DOCUMENT.read_text())
    return sorted(
        (method.upper(), path.replace("{book_id}", HOBBIT.book_id).replace("{order_id}", "0" * 26).replace(
            "{username}", "carol"))
        for path, item in document["paths"].items()
        for method in item
        if method in ("post", "put", "patch") and path != "/chat"
    )  # fmt: skip


@pytest.mark.parametrize(("method", "path"), _json_routes())
def test_every_json_route_refuses_text_plain(api, local_aws, method, path) -> None:
    before = stored(local_aws)
    refused(send(api, method, path, "{}", content_type="text/plain", user="alice", groups="staff"), 415,
            "UnsupportedMediaType", "not text/plain.")  # fmt: skip
    assert stored(local_aws) == before


# ---- 400: not UTF-8, too deep, malformed ----------------------------------------------------------


def test_invalid_utf8_bytes_are_400(api, local_aws) -> None:
    before = stored(local_aws)
    # A str event body can carry undecodable bytes only as surrogate escapes (what a lenient decoder leaves).
    raw = b'{"lines": [{"book_id": "\xff\xfe", "quantity": 1}]}'.decode("utf-8", "surrogateescape")
    refused(place(api, raw), 400, "InvalidBody", "not UTF-8")
    assert stored(local_aws) == before


def test_invalid_utf8_bytes_in_a_base64_body_are_400(api, local_aws) -> None:
    before = stored(local_aws)
    encoded = base64.b64encode(b'{"lines": [{"book_id": "caf\xe9", "quantity": 1}]}').decode()
    refused(place(api, encoded, base64_encoded=True), 400, "InvalidBody", "not UTF-8")
    refused(place(api, "not base64 at all!", base64_encoded=True), 400, "InvalidBody", "not UTF-8")
    assert stored(local_aws) == before


def test_a_valid_base64_body_is_decoded_and_served(api, local_aws) -> None:
    status, order = place(api, base64.b64encode(ORDER_TEXT.encode()).decode(), base64_encoded=True)
    assert status == 201, order
    assert order["lines"][0]["book_id"] == HOBBIT.book_id


@pytest.mark.parametrize("size", [2_000, 15_000])
@pytest.mark.parametrize("shape", ["[", '{"a":'])
def test_deeply_nested_json_is_400_without_recursion(api, local_aws, size, shape) -> None:
    before = stored(local_aws)
    levels = (size - 1) // (len(shape) + 1)
    body = shape * levels + "1" + ("]" if shape == "[" else "}") * levels
    assert len(body) <= MAX_BODY_BYTES
    refused(place(api, body), 400, "InvalidBody", f"deeper than {MAX_JSON_DEPTH} levels")
    assert stored(local_aws) == before


def test_nesting_is_counted_outside_strings_only(api, local_aws) -> None:
    text = '[{"\\' * 40  # 160 brackets, quotes and backslashes inside a string: text, not nesting
    status, book = staff_patch(api, json.dumps({"description": text}))
    assert (status, book.get("description")) == (200, text), book
    deep = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)  # at the limit: left to request validation
    status, body = staff_patch(api, '{"description": ' + deep + "}")
    assert (status, body["error"]) == (400, "ValidationError")


def test_100_kb_of_nesting_is_413(api, local_aws) -> None:
    before = stored(local_aws)
    refused(place(api, "[" * 50_000 + "]" * 50_000), 413, "PayloadTooLarge", str(MAX_BODY_BYTES))
    assert stored(local_aws) == before


@pytest.mark.parametrize("body", [ORDER_TEXT[:-5], '{"lines": [', "{", "   ", "{'lines': []}", '{"lines": [],}'])
def test_truncated_or_malformed_json_is_400(api, local_aws, body) -> None:
    before = stored(local_aws)
    refused(place(api, body), 400, "InvalidBody", "not valid JSON")
    assert stored(local_aws) == before


@pytest.mark.parametrize("body", ["[]", json.dumps([ORDER]), "42", "null", '"lines"', "true"])
def test_json_that_is_not_an_object_is_400(api, local_aws, body) -> None:
    before = stored(local_aws)
    refused(place(api, body), 400, "InvalidBody", "must be a JSON object")
    assert stored(local_aws) == before


def test_duplicate_keys_are_400(api, local_aws) -> None:
    before = stored(local_aws)
    body = '{"lines": [], "lines": [{"book_id": "the-hobbit-j-r-r-tolkien", "quantity": 1}]}'
    refused(place(api, body), 400, "InvalidBody", "repeats a key")
    assert stored(local_aws) == before


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_400(api, local_aws, literal) -> None:
    before = stored(local_aws)
    body = '{"lines": [{"book_id": "the-hobbit-j-r-r-tolkien", "quantity": ' + literal + "}]}"
    refused(place(api, body), 400, "InvalidBody", f"{literal} is not a JSON number")
    assert stored(local_aws) == before


def test_a_number_beyond_a_double_is_400(api, local_aws) -> None:
    before = stored(local_aws)
    refused(send(api, "PUT", f"/books/{HOBBIT.book_id}/stock", '{"stock": 1e999}', user="alice", groups="staff"),
            400, "InvalidBody", "out of range")  # fmt: skip
    assert stored(local_aws) == before


@pytest.mark.parametrize("escaped", ["\\ud800", "\\udfff", "a\\ud83d", "\\ude00b"])
def test_lone_surrogates_are_400(api, local_aws, escaped) -> None:
    before = stored(local_aws)  # a free-text field: a lone surrogate would otherwise reach DynamoDB
    refused(staff_patch(api, '{"description": "' + escaped + '"}'), 400, "InvalidBody", "lone surrogate")
    assert stored(local_aws) == before


def test_a_surrogate_pair_is_a_character_and_accepted(api, local_aws) -> None:
    status, book = staff_patch(api, '{"description": "Smile \\ud83d\\ude00"}')
    assert (status, book.get("description")) == (200, "Smile \U0001f600"), book


# ---- 413: over-size ------------------------------------------------------------------------------


def test_a_1_mb_body_is_413(api, local_aws) -> None:
    before = stored(local_aws)
    body = json.dumps({"lines": ORDER["lines"], "padding": "x" * 1_000_000})
    refused(place(api, body), 413, "PayloadTooLarge", str(MAX_BODY_BYTES))
    refused(place(api, base64.b64encode(body.encode()).decode(), base64_encoded=True), 413, "PayloadTooLarge", "")
    assert stored(local_aws) == before


def test_a_body_of_exactly_the_limit_is_served(api, local_aws) -> None:
    body = ORDER_TEXT + " " * (MAX_BODY_BYTES - len(ORDER_TEXT))
    assert len(body.encode()) == MAX_BODY_BYTES
    assert place(api, body)[0] == 201
    refused(place(api, body + " "), 413, "PayloadTooLarge", str(MAX_BODY_BYTES))


# ---- the chat function: the same guard -------------------------------------------------------------


CHAT_CASES = [
    ('{"text": "hi"}', "text/plain", False, 415, "UnsupportedMediaType"),
    ('{"text": "hi"}', None, False, 415, "UnsupportedMediaType"),
    ("[" * 2_000 + "]" * 2_000, "application/json", False, 400, "InvalidBody"),
    (base64.b64encode(b'{"text": "\xff"}').decode(), "application/json", True, 400, "InvalidBody"),
    ('{"text": "hi", "text": "ho"}', "application/json", False, 400, "InvalidBody"),
    ('{"text": "\\ud800"}', "application/json", False, 400, "InvalidBody"),
    ('{"text": NaN}', "application/json", False, 400, "InvalidBody"),
    ('["hi"]', "application/json", False, 400, "InvalidBody"),
    ('{"text": "hi"', "application/json", False, 400, "InvalidBody"),
    (json.dumps({"text": "x" * 1_000_000}), "application/json", False, 413, "PayloadTooLarge"),
]


@pytest.mark.parametrize(("body", "content_type", "encoded", "status", "code"), CHAT_CASES)
def test_chat_bodies_are_checked_before_the_bot_is_called(body, content_type, encoded, status, code) -> None:
    chat = chat_module()
    with Stubber(chat.lex()) as stub:  # no response queued: any call to the bot fails the test
        got, answer = send(chat, "POST", "/chat", body, content_type=content_type, base64_encoded=encoded)
        stub.assert_no_pending_responses()
    assert (got, answer["error"]) == (status, code), answer
    assert set(answer) == {"error", "message"}
    if status == 415:
        assert "Content-Type application/json (UTF-8)" in answer["message"]


# ---- found by tests/integration/test_api_fuzz.py ---------------------------------------------------------------


def test_a_title_or_author_of_only_spaces_is_400_not_500(api, local_aws) -> None:
    before = stored(local_aws)
    book = {"title": "\t", "author": "\u00a0", "genre": "drama", "year": 1900, "price_cents": 100}
    status, answer = send(api, "POST", "/books", json.dumps(book), user="alice", groups="staff")
    assert (status, answer["error"]) == (400, "ValidationError")
    assert stored(local_aws) == before


@pytest.mark.parametrize(("title", "author"), [("\u6771\u4eac", "\u590f\u76ee"), ("!!!", "...")])
def test_a_book_in_another_script_gets_a_stable_id(api, local_aws, title, author) -> None:
    """Found by the fuzzer: no letter from A to Z made an empty id and a 500."""
    book = {"title": title, "author": author, "genre": "drama", "year": 1900, "price_cents": 100}
    status, created = send(api, "POST", "/books", json.dumps(book), user="alice", groups="staff")
    assert status == 201
    assert created["book_id"].startswith("book-")
    assert send(api, "GET", f"/books/{created['book_id']}", None, user=None)[1]["title"] == title
    again = send(api, "POST", "/books", json.dumps(book), user="alice", groups="staff")
    assert again[0] == 409  # the same title and author: the same id
