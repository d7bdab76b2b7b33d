"""docs/openapi.json is generated from the code, committed, and valid OpenAPI 3."""

from __future__ import annotations

import json

from openapi_spec_validator import validate

from local.openapi import DOCUMENT, generate, render


def test_committed_document_matches_the_code() -> None:
    assert DOCUMENT.read_text() == render(generate()), "run `python -m local.openapi --write` and commit"


def test_document_is_valid_openapi_3() -> None:
    document = json.loads(DOCUMENT.read_text())
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_operation_has_a_summary_and_tag() -> None:
    document = json.loads(DOCUMENT.read_text())
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), f"{method} {path}"
            assert operation.get("tags"), f"{method} {path}"


def test_docs_api_lists_every_route_with_its_role() -> None:
    from stacks.api_stack import ROUTES

    text = (DOCUMENT.parent / "api.md").read_text()
    for route in ROUTES:
        row = f"| {route.method} | {route.path} | {'anyone' if route.public else ''}"
        assert row in text, f"docs/api.md misses {route.method} {route.path}"
