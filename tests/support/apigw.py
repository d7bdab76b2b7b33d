"""API Gateway REST proxy events, as the Cognito-authorized integration delivers them."""

from __future__ import annotations

import json
import uuid
from typing import Any

from local.emulators.context import LocalLambdaContext


def api_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    user: str | None = None,
    groups: str = "customers",
    email: str | None = None,
    raw_body: str | None = None,
    sign_in: str = "1",
    sub: str | None = None,
) -> dict[str, Any]:
    """`sign_in` names the user's authentication (the ID token's `origin_jti` and `auth_time`: the same for every
    token of one sign-in, new on the next); `sub` overrides the user's stable Cognito id."""
    claims = None
    if user is not None:
        claims = {
            "sub": sub or str(uuid.uuid5(uuid.NAMESPACE_DNS, user)),
            "cognito:username": user,
            "cognito:groups": groups,
            "email": email or f"{user}@example.com",
            "token_use": "id",
            "origin_jti": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{user}/{sign_in}")),
            "auth_time": str(1_700_000_000 + sum(map(ord, sign_in))),
        }
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/v1{path}",
            "stage": "v1",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"claims": claims} if claims else None,
        },
        "body": raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
        "isBase64Encoded": False,
    }


def call(handler: Any, *args: Any, **kwargs: Any) -> tuple[int, Any]:
    response = handler.lambda_handler(api_event(*args, **kwargs), LocalLambdaContext(function_name="api"))
    body = response.get("body")
    return response["statusCode"], (json.loads(body) if body else None)
