"""Generate the REST API's OpenAPI document from the resolvers' code: `python -m local.openapi [--write]`.

docs/openapi.json is this output, committed; a test fails when the code and the document disagree.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "docs" / "openapi.json"
# Placeholders: the generator only needs the modules to import; no value reaches the document.
_IMPORT_ENV = {
    "USERS_TABLE_NAME": "-",
    "PRODUCTS_TABLE_NAME": "-",
    "ORDERS_TABLE_NAME": "-",
    "RECOMMENDATIONS_TABLE_NAME": "-",
    "IDEMPOTENCY_TABLE_NAME": "-",
    "USER_POOL_ID": "-",
    "BOT_ID": "-",
    "BOT_ALIAS_ID": "-",
}


def generate() -> dict[str, Any]:
    import local  # noqa: F401  (functions/ on sys.path)

    for key, value in _IMPORT_ENV.items():
        os.environ.setdefault(key, value)
    common = importlib.import_module("api.common")
    api = importlib.import_module("api.app")
    chat = importlib.import_module("api.chat")
    document: dict[str, Any] = json.loads(
        api.app.get_openapi_json_schema(
            title="Bookstore API",
            version="1.0.0",
            summary="Catalog, orders, profile, recommendations, staff operations and chat",
            description="Send the Cognito ID token, raw, as `Authorization` on every route except GET /books, "
            "GET /books/{book_id}, GET /books/{book_id}/similar, GET /genres and GET /home (security scheme "
            f"`{common.COGNITO_SCHEME}`). Staff routes need the `staff` group. A body is JSON (Content-Type "
            f"application/json, UTF-8, an object, at most {common.MAX_BODY_BYTES} bytes and "
            f"{common.MAX_JSON_DEPTH} levels of nesting). Errors are "
            '`{"error": code, "message": text}` (schema `Error`) with the statuses each operation lists.',
        )
    )
    chat_document = json.loads(chat.app.get_openapi_json_schema(title="chat", version="1.0.0"))
    document["paths"].update(chat_document["paths"])
    document.setdefault("components", {}).setdefault("schemas", {}).update(
        chat_document.get("components", {}).get("schemas", {})
    )
    return _without_unanswered_422(document)


def _without_unanswered_422(document: dict[str, Any]) -> dict[str, Any]:
    """Powertools documents request validation as 422 with its own schema on every operation; the functions
    answer 400 with the Error schema instead (api.common), which each operation documents. Drop the 422s and
    the schemas only they used."""
    for item in document["paths"].values():
        for operation in item.values():
            operation["responses"].pop("422", None)
    schemas = document["components"]["schemas"]
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        if f'"#/components/schemas/{unused}"' not in json.dumps(document["paths"]):
            schemas.pop(unused, None)
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"write {DOCUMENT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    text = render(generate())
    if args.write:
        DOCUMENT.write_text(text)
        print(f"wrote {DOCUMENT.relative_to(ROOT)} ({len(json.loads(text)['paths'])} paths)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
