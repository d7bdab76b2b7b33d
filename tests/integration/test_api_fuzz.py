"""Property-based tests of the REST API against its contract (docs/openapi.json), with schemathesis.

Each operation of the document gets generated requests (valid and invalid parameters, bodies and headers,
schemathesis' example, coverage and fuzzing phases) for three callers: anonymous, a customer (carol) and a staff
member (alice). They go through a small WSGI adapter that does what API Gateway's REST proxy integration does
(local/emulators/apigw.py does the same for `make dev`): the raw path and query, the headers, a body that is not
UTF-8 base64-encoded, and on the signed-in routes the Cognito authorizer: a request without an Authorization
header is its 401 `{"message": "Unauthorized"}`, one with a token carries the caller's verified claims under
requestContext.authorizer.claims (the public routes have no authorizer, so no claims). The real Lambda handlers
answer in-process, on moto. Checks: no server error (5xx), the status code is one the operation documents, the
Content-Type is the documented one, the body matches the documented schema, and a request that violates the
document is refused (so the document is never stricter than the code).

The anonymous caller's requests to signed-in routes reach the function without claims (in AWS the authorizer
answers first) and must get the documented 401 from the function itself (defence in depth, asserted).

`make test` runs FUZZ_EXAMPLES (default 12) examples per operation and caller with a fixed seed
(derandomize); `make fuzz` runs many more (FUZZ_EXAMPLES=200) with a new seed each time.
"""

from __future__ import annotations

import base64
import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from moto import mock_aws
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from bookstore.catalog import Book
from bookstore.repositories.products import ProductRepository
from local.emulators.context import LocalLambdaContext
from local.openapi import DOCUMENT
from stacks.api_stack import ROUTES
from tests.support.api import api_environment, load_api_modules
from tests.support.apigw import api_event
from tests.support.aws import build_local_aws

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
RANDOM = os.environ.get("FUZZ_RANDOM", "") == "1"  # `make fuzz`: a new seed every run
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
PUBLIC = {(r.method, r.path) for r in ROUTES if r.public}
CALLERS = {"anonymous": None, "customer": ("carol", "customers"), "staff": ("alice", "staff")}

schema = schemathesis.openapi.from_path(str(DOCUMENT))


@dataclass
class Gateway:
    """What the WSGI adapter needs for the next request: the handlers and who calls, on which route."""

    handlers: dict[str, ModuleType] = field(default_factory=dict)
    caller: tuple[str, str] | None = None
    route: tuple[str, str] = ("GET", "/")
    calls: int = 0


GATEWAY = Gateway()


def apigw_wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """A WSGI app that turns each request into an API Gateway REST proxy event for the real handler."""
    method, template = GATEWAY.route
    raw_path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
    path = raw_path.split("?", 1)[0]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    headers = {k[5:].replace("_", "-").title(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    query: dict[str, list[str]] = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    user, groups = None, "customers"
    if (method, template) not in PUBLIC and GATEWAY.caller is not None:
        if not headers.get("Authorization"):  # the Cognito authorizer refuses a request without a token
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"message": "Unauthorized"}']
        user, groups = GATEWAY.caller  # any token stands for the caller's valid one
    event = api_event(environ["REQUEST_METHOD"], path, user=user, groups=groups)
    text, encoded = None, False
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
    event.update(
        resource=template,
        headers=headers or None,
        multiValueHeaders={k: [v] for k, v in headers.items()} or None,
        queryStringParameters={k: v[-1] for k, v in query.items()} or None,
        multiValueQueryStringParameters=query or None,
        body=text,
        isBase64Encoded=encoded,
    )
    handler = GATEWAY.handlers["chat" if template == "/chat" else "api"]
    result = handler.lambda_handler(event, LocalLambdaContext(function_name="fuzz"))
    GATEWAY.calls += 1
    out = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
    for key, values in (result.get("multiValueHeaders") or {}).items():
        out[str(key)] = ", ".join(str(v) for v in values)
    if not any(k.lower() == "content-type" for k in out):
        out["Content-Type"] = "application/json"  # API Gateway's default for a proxy response
    raw = result.get("body") or ""
    payload = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    start_response(f"{result['statusCode']} -", list(out.items()))
    return [payload]


schema.app = apigw_wsgi


class FakeLex:
    """The bot, answering every turn (the chat function's Lex client; test_chat_route.py tests the real calls)."""

    def recognize_text(self, **kwargs: Any) -> dict[str, Any]:
        return {"messages": [{"contentType": "PlainText", "content": "Hello!"}], "sessionState": {},
                "sessionId": kwargs["sessionId"]}  # fmt: skip

    def delete_session(self, **kwargs: Any) -> dict[str, Any]:
        return {"sessionId": kwargs["sessionId"]}


@pytest.fixture(scope="module")
def store(dev: Any) -> Iterator[Gateway]:
    """One moto store for the whole module (the fuzzer's writes accumulate, as on a live stage), with books,
    carol (customer) and alice (staff)."""
    with mock_aws():
        local_aws = build_local_aws(dev.template("Data"), dev.template("Auth"))
        _, chat = load_api_modules(api_environment(local_aws))
        products = ProductRepository(local_aws.tables["ProductsTable"], client=local_aws.dynamodb)
        for number, genre in enumerate(("fantasy", "romance", "mystery", "horror")):
            products.create(Book(book_id=f"book-{number}", title=f"Book {number}", author="A. Writer", genre=genre,
                                 year=1900 + number, price_cents=999, stock=1000))  # fmt: skip
        local_aws.create_cognito_user("carol", "carol@example.com")
        local_aws.create_cognito_user("alice", "alice@example.com")
        local_aws.cognito.admin_add_user_to_group(UserPoolId=local_aws.user_pool_id, Username="alice",
                                                  GroupName="staff")  # fmt: skip
        GATEWAY.handlers.update(api=importlib.reload(importlib.import_module("api.handler")), chat=chat)
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(chat, "lex", FakeLex)
                yield GATEWAY
        finally:
            GATEWAY.handlers.clear()
            print(f"\nschemathesis: {GATEWAY.calls} requests through the handlers")


@pytest.mark.parametrize("caller", list(CALLERS))
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
def test_the_api_keeps_its_contract(store: Gateway, caller: str, case: schemathesis.Case) -> None:
    operation = (case.operation.method.upper(), case.operation.path)
    store.caller = CALLERS[caller]
    store.route = operation
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    if caller == "anonymous" and operation not in PUBLIC and case.method.upper() == operation[0]:
        assert response.status_code == 401, response.text
