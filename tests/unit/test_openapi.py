"""docs/openapi.json is generated from the code, committed, valid OpenAPI 3.1, and tells the truth: every
operation's success schema, the Error schema on every error, 400 (never Powertools' 422) for validation, the
Cognito ID token on the signed-in routes, and the constraints the code enforces."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from local.openapi import DOCUMENT, generate, render

ERROR_REF = "#/components/schemas/Error"
GATEWAY_ERROR_REF = "#/components/schemas/GatewayError"


def _document() -> dict[str, Any]:
    return json.loads(DOCUMENT.read_text())


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, item in _document()["paths"].items() for m, op in item.items()]


def test_committed_document_matches_the_code() -> None:
    assert DOCUMENT.read_text() == render(generate()), "run `python -m local.openapi --write` and commit"


def test_document_is_valid_openapi_3_1() -> None:
    document = _document()
    assert document["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(document).validate()


def test_every_operation_has_a_summary_and_tag() -> None:
    for method, path, operation in _operations():
        assert operation.get("summary"), f"{method} {path}"
        assert operation.get("tags"), f"{method} {path}"


@pytest.mark.parametrize(("method", "path", "operation"), _operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_operation_documents_its_success_and_errors_with_schemas(method, path, operation) -> None:
    responses = operation["responses"]
    successes = [code for code in responses if code.startswith("2")]
    assert successes, f"{method} {path} documents no success"
    for code in successes:
        schema = responses[code]["content"]["application/json"]["schema"]
        assert schema.get("$ref", "").startswith("#/components/schemas/"), f"{method} {path} {code}: {schema}"
    assert "422" not in responses, "the API answers 400 for validation, not Powertools' 422"
    assert "400" in responses or (not operation.get("parameters") and "requestBody" not in operation)
    for code, response in responses.items():
        if code.startswith(("4", "5")):
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref == (GATEWAY_ERROR_REF if code in ("401", "429") else ERROR_REF), f"{method} {path} {code}"
    assert "429" in responses


def test_error_schema_is_error_message_and_optional_details() -> None:
    schemas = _document()["components"]["schemas"]
    error = schemas["Error"]
    assert error["required"] == ["error", "message"]
    assert {k: v.get("type") for k, v in error["properties"].items()} == {
        "error": "string",
        "message": "string",
        "details": "array",
    }
    assert schemas["GatewayError"]["required"] == ["message"]
    assert not {"HTTPValidationError", "ValidationError", "ResponseValidationError"} & set(schemas)


def test_signed_in_routes_declare_the_cognito_id_token_and_public_routes_none() -> None:
    from stacks.api_stack import ROUTES

    document = _document()
    assert document["components"]["securitySchemes"] == {
        "CognitoIdToken": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": document["components"]["securitySchemes"]["CognitoIdToken"]["description"],
        }
    }
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        if route.public:
            assert "security" not in operation, route
            assert "401" not in operation["responses"], route
        else:
            assert operation["security"] == [{"CognitoIdToken": []}], route
            assert "401" in operation["responses"], route
        if operation.get("tags") == ["staff"]:
            assert "403" in operation["responses"], route


def test_routes_with_a_body_document_413_and_415_and_only_json() -> None:
    for method, path, operation in _operations():
        if "requestBody" in operation:
            assert list(operation["requestBody"]["content"]) == ["application/json"], path
            assert {"400", "413", "415"} <= set(operation["responses"]), f"{method} {path}"
        else:
            assert not {"413", "415"} & set(operation["responses"]), f"{method} {path}"


def test_request_constraints_are_the_codes() -> None:
    from api.schemas import USERNAME_INPUT_PATTERN
    from bookstore.catalog import BOOK_ID_PATTERN, GENRES
    from bookstore.orders import MAX_ORDER_LINES, MAX_QUANTITY, ORDER_ID_PATTERN
    from bookstore.users import USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH

    document = _document()
    place = document["paths"]["/orders"]["post"]
    key = next(p for p in place["parameters"] if p["name"].lower() == "idempotency-key")
    assert key["in"] == "header"
    assert key["required"] is True
    assert (key["schema"]["minLength"], key["schema"]["maxLength"], key["schema"]["pattern"]) == (
        8,
        128,
        r"^[A-Za-z0-9._:-]+$",
    )
    schemas = document["components"]["schemas"]
    lines = schemas["PlaceOrderBody"]["properties"]["lines"]
    assert (lines["minItems"], lines["maxItems"]) == (1, MAX_ORDER_LINES)
    line = schemas["OrderLineRequest"]["properties"]
    assert line["book_id"]["pattern"] == BOOK_ID_PATTERN
    assert (line["quantity"]["minimum"], line["quantity"]["maximum"]) == (1, MAX_QUANTITY)
    assert schemas["StockBody"]["properties"]["stock"] == {"maximum": 1_000_000, "minimum": 0, "title": "Stock",
                                                           "type": "integer"}  # fmt: skip
    for path, name, pattern in (("/books/{book_id}", "book_id", BOOK_ID_PATTERN),
                                ("/orders/{order_id}", "order_id", ORDER_ID_PATTERN)):  # fmt: skip
        parameter = next(p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)
        assert parameter["schema"]["pattern"] == pattern
    username = next(p for p in document["paths"]["/users/{username}"]["patch"]["parameters"])["schema"]
    assert (username["minLength"], username["maxLength"], username["pattern"]) == (
        USERNAME_MIN_LENGTH,
        USERNAME_MAX_LENGTH,
        USERNAME_INPUT_PATTERN,
    )
    assert schemas["NewUserBody"]["properties"]["username"]["pattern"] == USERNAME_INPUT_PATTERN
    genre = next(p for p in document["paths"]["/books"]["get"]["parameters"] if p["name"] == "genre")
    assert json.dumps(genre["schema"]).count('"enum"') == 1
    assert tuple(genre["schema"]["anyOf"][0]["enum"]) == GENRES
    limit = next(p for p in document["paths"]["/books"]["get"]["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 50)
    assert schemas["ChatBody"]["properties"]["text"] == {"maxLength": 1024, "minLength": 1, "pattern": r"\S",
                                                         "title": "Text", "type": "string"}  # fmt: skip


def test_username_pattern_admits_exactly_what_the_code_admits() -> None:
    from api.schemas import USERNAME_INPUT_PATTERN
    from bookstore.errors import ValidationError
    from bookstore.services.user_admin import check_username_format

    pattern = re.compile(USERNAME_INPUT_PATTERN)
    for raw in ("jdoe", " JDoe ", "a.b_c-d", "j", "1abc", "jd oe", "jdoe!", "x" * 30, "x" * 31, "\tjdoe\n", "Ab"):
        try:
            check_username_format(raw)
            accepted = True
        except ValidationError:
            accepted = False
        assert bool(pattern.match(raw)) == accepted, raw


def test_docs_api_lists_every_route_with_its_role() -> None:
    from stacks.api_stack import ROUTES

    text = (DOCUMENT.parent / "api.md").read_text()
    for route in ROUTES:
        row = f"| {route.method} | {route.path} | {'anyone' if route.public else ''}"
        assert row in text, f"docs/api.md misses {route.method} {route.path}"


def test_docs_api_error_table_has_every_documented_status_and_the_body_limits() -> None:
    from api.common import MAX_BODY_BYTES, MAX_JSON_DEPTH

    text = (DOCUMENT.parent / "api.md").read_text()
    statuses = {code for _, _, op in _operations() for code in op["responses"] if code.startswith(("4", "5"))}
    for status in sorted(statuses):
        assert re.search(rf"^\| {status} \|", text, re.MULTILINE), f"docs/api.md's error table misses {status}"
    for needed in ("InvalidBody", "UnsupportedMediaType", "PayloadTooLarge", f"{MAX_BODY_BYTES} bytes",
                   f"{MAX_JSON_DEPTH} levels", "CognitoIdToken"):  # fmt: skip
        assert needed in text, f"docs/api.md does not say {needed}"
