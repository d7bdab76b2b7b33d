"""The bookstore REST API function's resolver: one Router per audience (api/routes/), composed here.

Request and response bodies are in api/schemas.py, the services and the caller checks in api/shop.py, CORS,
the error mapping and the body checks in api/common.py; handler.py is the Lambda entry point.
"""

from __future__ import annotations

from api.common import create_resolver
from api.routes import catalog, me, orders, staff
from api.shop import ENV

app = create_resolver(ENV.allowed_origin)
for routes in (catalog, me, orders, staff):
    app.include_router(routes.router)

__all__ = ["ENV", "app"]
