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
