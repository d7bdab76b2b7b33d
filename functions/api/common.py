"""What both API functions share: CORS, the error mapping, identity from the verified token, body limits."""

from __future__ import annotations

import json
import re
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from bookstore.errors import BookstoreError, Conflict, NotAuthorized, NotFound, Unauthenticated, ValidationError
from bookstore.identity import Caller
from bookstore.observability import logger, tracer

MAX_BODY_BYTES = 16 * 1024


class AssistantUnavailable(BookstoreError):
    code = "AssistantUnavailable"


STATUS: list[tuple[type[BookstoreError], int]] = [
    (AssistantUnavailable, 502),
    (ValidationError, 400),
    (Unauthenticated, 401),
    (NotAuthorized, 403),
    (NotFound, 404),
    (Conflict, 409),
]


def error_response(status: int, code: str, message: str, details: Any = None) -> Response[str]:
    body: dict[str, Any] = {"error": code, "message": message}
    if details is not None:
        body["details"] = details
    return Response(status_code=status, content_type="application/json", body=json.dumps(body))


def create_resolver(allowed_origin: str) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(
        enable_validation=True,
        cors=CORSConfig(
            allow_origin=allowed_origin,
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            max_age=600,
        ),
    )

    def _domain_error(error: BookstoreError) -> Response[str]:
        status = next((code for cls, code in STATUS if isinstance(error, cls)), 400)
        tracer.put_annotation("outcome", error.code)
        return error_response(status, error.code, error.message)

    def _invalid_request(error: RequestValidationError) -> Response[str]:
        details = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in error.errors()
        ]
        return error_response(400, "ValidationError", "The request is not valid.", details)

    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("Unhandled error")
        return error_response(500, "InternalError", "Something went wrong on our side; nothing was changed.")

    def _not_found(_: NotFoundError) -> Response[str]:
        event = app.current_event
        return error_response(404, "RouteNotFound", f"No route {event.http_method} {event.path}.")

    # Registered by call rather than as decorators: Powertools' decorators are untyped.
    app.exception_handler(BookstoreError)(_domain_error)
    app.exception_handler(RequestValidationError)(_invalid_request)
    app.exception_handler(Exception)(_unexpected)
    app.not_found(_not_found)

    return app


def serve(app: APIGatewayRestResolver, event: dict[str, Any], context: Any, allowed_origin: str) -> dict[str, Any]:
    """Both API functions: trace annotations `route`, `status` and `outcome` (ok, or the error code the error
    handlers set), then the precheck, then the resolver."""
    tracer.put_annotation("route", f"{event.get('httpMethod')} {event.get('resource')}")
    response = precheck(event, allowed_origin) or app.resolve(event, context)
    status = int(response.get("statusCode", 0))
    tracer.put_annotation("status", str(status))
    if status < 400:
        tracer.put_annotation("outcome", "ok")
    return response


def precheck(event: dict[str, Any], allowed_origin: str) -> dict[str, Any] | None:
    """Refuse what must not reach request validation: oversized bodies (413) and signed-out callers of
    private routes (401; API Gateway's authorizer does this too, this is defence in depth)."""
    body = event.get("body") or ""
    problem: tuple[int, str, str] | None = None
    if len(body.encode()) > MAX_BODY_BYTES:
        problem = (413, "PayloadTooLarge", f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    elif not is_public(event.get("httpMethod", ""), event.get("path", "")) and not (
        ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims")
    ):
        problem = (401, "Unauthenticated", "Sign in first: this route needs a valid Cognito token.")
    if problem is None:
        return None
    status, code, message = problem
    tracer.put_annotation("outcome", code)
    headers = {"Content-Type": "application/json"}
    origin = (event.get("headers") or {}).get("origin") or (event.get("headers") or {}).get("Origin")
    if origin == allowed_origin:
        headers["Access-Control-Allow-Origin"] = allowed_origin
    return {"statusCode": status, "headers": headers, "body": json.dumps({"error": code, "message": message})}


PUBLIC_ROUTES = (
    ("GET", re.compile(r"^/books(/[^/]+)?/?$")),
    ("GET", re.compile(r"^/books/[^/]+/similar/?$")),
    ("GET", re.compile(r"^/genres/?$")),
)


def is_public(method: str, path: str) -> bool:
    return method == "OPTIONS" or any(method == m and pattern.match(path) for m, pattern in PUBLIC_ROUTES)


def claims(app: APIGatewayRestResolver) -> dict[str, Any]:
    context = app.current_event.request_context
    found = context.authorizer.claims if context and context.authorizer else None
    return dict(found or {})


def caller(app: APIGatewayRestResolver) -> Caller:
    """The signed-in user, from the claims API Gateway's Cognito authorizer verified."""
    who = Caller.from_claims(claims(app))
    if who.username is None:
        raise Unauthenticated("Sign in first: this route needs a valid Cognito token.")
    return who
