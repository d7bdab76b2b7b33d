"""Import the API resolvers with a complete environment (they read it at import, like a cold start)."""

from __future__ import annotations

import importlib
import os
import pkgutil
from types import ModuleType

from tests.support.aws import LocalAws, shop_environment

API_ENV = {
    "USERS_TABLE_NAME": "UsersTable",
    "PRODUCTS_TABLE_NAME": "ProductsTable",
    "ORDERS_TABLE_NAME": "OrdersTable",
    "RECOMMENDATIONS_TABLE_NAME": "RecommendationsTable",
    "IDEMPOTENCY_TABLE_NAME": "IdempotencyTable",
    "IMAGES_BUCKET_NAME": "product-images",
    "USER_POOL_ID": "us-east-1_example",
    "ALLOWED_ORIGIN": "http://localhost:8080",
    "BOT_ID": "BOOKSTORE1",
    "BOT_ALIAS_ID": "TSTALIASID",
    "BOT_LOCALE_ID": "en_US",
}


def api_environment(local_aws: LocalAws) -> dict[str, str]:
    """The API functions' resource variables, pointed at this test's moto tables, bucket and pool."""
    return {**shop_environment(local_aws), "IMAGES_BUCKET_NAME": local_aws.images_bucket}


def _rest_modules() -> list[str]:
    """The REST function's modules that read the environment or hold routes, in the order a cold start imports
    them (shop, every module of api.routes, app): reloading them re-reads the environment and makes fresh routers
    for a fresh resolver. A new routes module is found here without a list to keep."""
    routes = importlib.import_module("api.routes")
    found = sorted(f"api.routes.{m.name}" for m in pkgutil.iter_modules(routes.__path__))
    return ["api.shop", *found, "api.app"]


def load_api_modules(env: dict[str, str] | None = None) -> tuple[ModuleType, ModuleType]:
    os.environ.update({**API_ENV, **(env or {})})
    for name in _rest_modules():
        app = importlib.reload(importlib.import_module(name))
    chat = importlib.reload(importlib.import_module("api.chat"))
    return app, chat


def chat_module() -> ModuleType:
    """api.chat loaded afresh with the test environment, its Lex client not yet created (so a Stubber or a test's
    event handlers attach to the client the handler will use)."""
    _, chat = load_api_modules()
    chat.lex.cache_clear()
    return chat


def resolver_routes() -> set[tuple[str, str]]:
    app, chat = load_api_modules()
    routes: set[tuple[str, str]] = set()
    for module in (app, chat):
        schema = module.app.get_openapi_schema()
        for path, item in (schema.paths or {}).items():
            for method in ("get", "post", "put", "patch", "delete"):
                if getattr(item, method, None) is not None:
                    routes.add((path, method.upper()))
    return routes
