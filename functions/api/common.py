"""What both API functions share: CORS, the error mapping, identity from the verified token, the one check of
every request body (precheck), and the pieces of the OpenAPI contract every route uses."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, SecurityScheme
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from bookstore.errors import BookstoreError, Conflict, NotAuthorized, NotFound, Unauthenticated, ValidationError
from bookstore.identity import Caller, SignedIn
from bookstore.observability import logger, tracer

MAX_BODY_BYTES = 16 * 1024
MAX_JSON_DEPTH = 32  # levels of arrays and objects in a request body, checked before parsing


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


# ---- the contract every route shares (docs/openapi.json) -------------------------------------------

JSON = "application/json"


class ErrorDetail(BaseModel):
    location: str = Field(description="Where: body.<field>, query.<name>, header.<name> or path.<name>")
    message: str


class Error(BaseModel):
    """The body of every error the functions answer."""

    error: str = Field(description="A stable code, e.g. ValidationError, InvalidBody, OrderNotFound, OutOfStock")
    message: str = Field(description="What went wrong, for people")
    details: list[ErrorDetail] | SkipJsonSchema[None] = Field(
        default=None, description="Request validation errors only: one per refused field"
    )


class GatewayError(BaseModel):
    """An error API Gateway may answer itself, before the function: its authorizer's 401 and its throttling's 429
    carry only `message`; the function's own 401 is an Error."""

    message: str
    error: str | SkipJsonSchema[None] = None


COGNITO_SCHEME = "CognitoIdToken"
SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    COGNITO_SCHEME: APIKey(
        name="Authorization",
        in_=APIKeyIn.header,
        description="The signed-in user's Cognito ID token, raw (no `Bearer ` prefix): API Gateway's Cognito "
        "user pool authorizer verifies it and hands its claims to the function.",
    )
}
SIGNED_IN: list[dict[str, list[str]]] = [{COGNITO_SCHEME: []}]
ERROR_DESCRIPTIONS = {
    400: "The request is not valid: ValidationError (with `details`), or InvalidBody: malformed JSON, not UTF-8, "
    f"nested deeper than {MAX_JSON_DEPTH} levels, NaN or Infinity, a repeated key, a lone surrogate, or not an object",
    401: "Not signed in: no valid Cognito ID token in Authorization (API Gateway's authorizer answers "
    '`{"message": "Unauthorized"}` itself)',
    403: "NotAuthorized: not in the staff group, a staff member as the target (PATCH /me too: an operator changes "
    "staff accounts), or (prod) staff without TOTP MFA",
    404: "The book, order or user does not exist (someone else's order is a 404 too)",
    409: "Conflict: out of stock, price changed, a state change not allowed, a name or key already used",
    413: f"PayloadTooLarge: the body is over {MAX_BODY_BYTES} bytes",
    415: "UnsupportedMediaType: a body that is not Content-Type application/json (UTF-8)",
    429: "Too many requests: stage throttling (API Gateway) or the WAF per-IP rate limit (the WAF's 429 has no body)",
    502: "AssistantUnavailable: the bot did not answer",
}


def responses(
    ok: type[BaseModel], *errors: int, status: int = 200, description: str = "Success"
) -> dict[int, OpenAPIResponse]:
    """A route's documented responses: its success with its model, then each error status it can answer (429 on
    every route), with the Error schema (GatewayError for 401 and 429, which API Gateway can answer itself)."""
    documented: dict[int, OpenAPIResponse] = {status: {"description": description, "content": {JSON: {"model": ok}}}}
    for code in sorted({*errors, 429}):
        model = GatewayError if code in (401, 429) else Error
        documented[code] = {"description": ERROR_DESCRIPTIONS[code], "content": {JSON: {"model": model}}}
    return documented


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

    # The routes' `security=SIGNED_IN` names this scheme; Powertools refuses a document without it.
    app.configure_openapi(security_schemes=SECURITY_SCHEMES)

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

    def _unsupported(_: RequestUnsupportedContentType) -> Response[str]:
        # The precheck refuses these first; this keeps a Powertools refusal from ever being a 500.
        return error_response(415, "UnsupportedMediaType", "Send the body as Content-Type application/json.")

    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("Unhandled error")
        return error_response(500, "InternalError", "Something went wrong on our side; nothing was changed.")

    def _not_found(_: NotFoundError) -> Response[str]:
        event = app.current_event
        return error_response(404, "RouteNotFound", f"No route {event.http_method} {event.path}.")

    # Registered by call rather than as decorators: Powertools' decorators are untyped.
    app.exception_handler(BookstoreError)(_domain_error)
    app.exception_handler(RequestValidationError)(_invalid_request)
    app.exception_handler(RequestUnsupportedContentType)(_unsupported)
    app.exception_handler(Exception)(_unexpected)
    app.not_found(_not_found)

    return app


def serve(app: APIGatewayRestResolver, event: dict[str, Any], context: Any, allowed_origin: str) -> dict[str, Any]:
    """Both API functions: trace annotations `route`, `status` and `outcome` (ok, or the error code the error
    handlers set), then the precheck (the one place every request's identity and body are checked), then the
    resolver."""
    tracer.put_annotation("route", f"{event.get('httpMethod')} {event.get('resource')}")
    refusal, checked = precheck(event, allowed_origin)
    response = refusal or app.resolve(checked, context)
    status = int(response.get("statusCode", 0))
    tracer.put_annotation("status", str(status))
    if status < 400:
        tracer.put_annotation("outcome", "ok")
    return response


class Refused(Exception):
    """A request refused before routing: its status, error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def precheck(event: dict[str, Any], allowed_origin: str) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Refuse what must not reach request validation, for every route of both functions: signed-out callers of
    private routes (401; API Gateway's authorizer does this first, this is defence in depth), oversized bodies
    (413), and on a JSON route (POST, PUT, PATCH) a body that is not JSON (415), not UTF-8, too deeply nested,
    malformed, or not an object (400). Answers (the refusal, the event) or (None, the event to route), whose
    base64 body is then decoded to text."""
    try:
        if not is_public(event.get("httpMethod", ""), event.get("path", "")) and not (
            ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims")
        ):
            raise Refused(401, "Unauthenticated", "Sign in first: this route needs a valid Cognito token.")
        return None, checked_body(event)
    except Refused as refused:
        tracer.put_annotation("outcome", refused.code)
        headers = {"Content-Type": "application/json"}
        origin = header(event, "Origin")
        if origin == allowed_origin:
            headers["Access-Control-Allow-Origin"] = allowed_origin
        body = json.dumps({"error": refused.code, "message": refused.message})
        return {"statusCode": refused.status, "headers": headers, "body": body}, event


JSON_METHODS = frozenset({"POST", "PUT", "PATCH"})
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def header(event: dict[str, Any], name: str) -> str | None:
    """A request header, whatever its case, from `headers` or else `multiValueHeaders` (the last value)."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if str(key).lower() == wanted and value is not None:
            return str(value)
    for key, values in (event.get("multiValueHeaders") or {}).items():
        if str(key).lower() == wanted and values:
            return str(values[-1])
    return None


def checked_body(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its body checked (raises Refused). On a JSON route the resolver gets the body as text (a
    base64 body decoded) and one Content-Type, application/json, whatever case and parameters the caller sent."""
    raw_body = event.get("body")
    data = b"" if raw_body is None else _body_bytes(str(raw_body), bool(event.get("isBase64Encoded")))
    if len(data) > MAX_BODY_BYTES:
        raise Refused(413, "PayloadTooLarge", f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if str(event.get("httpMethod", "")).upper() not in JSON_METHODS:
        return event
    text: str | None = None
    if data:
        _require_json_media_type(header(event, "Content-Type"))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "InvalidBody", "The request body is not UTF-8 text.") from None
        check_json(text)
    json_headers = {"Content-Type": "application/json"}
    headers = {k: v for k, v in (event.get("headers") or {}).items() if str(k).lower() != "content-type"}
    checked = {**event, "headers": headers | json_headers, "body": text, "isBase64Encoded": False}
    if event.get("multiValueHeaders"):  # API Gateway sends both forms; a test's event may have one only
        multi = {k: v for k, v in event["multiValueHeaders"].items() if str(k).lower() != "content-type"}
        checked["multiValueHeaders"] = multi | {k: [v] for k, v in json_headers.items()}
    return checked


def _body_bytes(body: str, base64_encoded: bool) -> bytes:
    try:
        return base64.b64decode(body, validate=True) if base64_encoded else body.encode("utf-8")
    except (binascii.Error, ValueError):
        raise Refused(400, "InvalidBody", "The request body is not UTF-8 text.") from None


def _require_json_media_type(content_type: str | None) -> None:
    media_type, *parameters = (content_type or "").split(";")
    charsets = [
        value.strip().strip('"').lower()
        for name, _, value in (p.partition("=") for p in parameters)
        if name.strip().lower() == "charset"
    ]
    if media_type.strip().lower() != "application/json" or any(c not in ("utf-8", "utf8") for c in charsets):
        raise Refused(
            415,
            "UnsupportedMediaType",
            f"Send the body as Content-Type application/json (UTF-8), not {content_type or 'without a type'}.",
        )


def check_json(text: str) -> Any:
    """Parse a request body strictly: at most MAX_JSON_DEPTH levels of nesting (counted before parsing, so the
    parser never recurses deeper), no NaN or Infinity, no duplicate keys, no lone surrogates, an object at the
    top. Raises Refused (400 InvalidBody); answers the parsed value."""
    depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise Refused(400, "InvalidBody", f"The request body nests deeper than {MAX_JSON_DEPTH} levels.")
    try:
        value = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as err:
        reason = err.args[0] if isinstance(err, _JsonRule) else "it is not valid JSON"
        raise Refused(400, "InvalidBody", f"The request body is refused: {reason}.") from None
    if not isinstance(value, dict):
        raise Refused(400, "InvalidBody", "The request body must be a JSON object.")
    _check_values(value)
    return value


class _JsonRule(ValueError):
    """A rule of ours that json.loads would let through."""


def _no_constant(name: str) -> Any:
    raise _JsonRule(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _JsonRule("an object repeats a key")
    return found


def _check_values(value: Any) -> None:
    """No string (key or value) with a lone surrogate, no number out of range (1e999 parses as infinity)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise Refused(400, "InvalidBody", "The request body has a lone surrogate (\\ud800-\\udfff).") from None
        elif isinstance(item, float) and not math.isfinite(item):
            raise Refused(400, "InvalidBody", "The request body has a number out of range.")


PUBLIC_ROUTES = (
    ("GET", re.compile(r"^/books(/[^/]+)?/?$")),
    ("GET", re.compile(r"^/books/[^/]+/similar/?$")),
    ("GET", re.compile(r"^/genres/?$")),
    ("GET", re.compile(r"^/home/?$")),
)


def is_public(method: str, path: str) -> bool:
    return method == "OPTIONS" or any(method == m and pattern.match(path) for m, pattern in PUBLIC_ROUTES)


def claims(router: BaseRouter) -> dict[str, Any]:
    """The claims API Gateway's Cognito authorizer verified, of the request `router` (a resolver or a Router
    included in one) is answering."""
    event = cast(APIGatewayProxyEvent, router.current_event)  # both functions use the REST resolver
    context = event.request_context
    found = context.authorizer.claims if context and context.authorizer else None
    return dict(found or {})


def signed_in(router: BaseRouter) -> SignedIn:
    """The signed-in user, from the claims API Gateway's Cognito authorizer verified; 401 without one."""
    who = Caller.from_claims(claims(router)).signed_in()
    if who is None:
        raise Unauthenticated("Sign in first: this route needs a valid Cognito token.")
    tracer.put_annotation("caller_is_staff", who.is_staff)
    return who
