"""API Gateway (REST API) emulator driven by the synthesized ApiStack template.

Routes come from the template's `AWS::ApiGateway::Resource` and `Method` resources: a method with an
`AWS_PROXY` integration invokes the function its URI names (its real handler, in this process), a `MOCK`
method (the CORS preflight) answers with the integration response the template renders. Methods with
`COGNITO_USER_POOLS` authorization verify the `Authorization` header as API Gateway's Cognito authorizer
does (signature against the pool's JWKS, issuer, audience, expiry, ID token) and pass the claims in
`requestContext.authorizer.claims`. Gateway errors (401, 403 for an unknown route, 502 for a broken
integration) carry the template's `GatewayResponse` headers. The front end's origin is the local one.

    http://127.0.0.1:PORT/<stage>/<path>     e.g. http://127.0.0.1:3000/v1/books?q=dracula
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from local.emulators.http_server import BackgroundHTTPServer, ServiceRequestHandler

log = logging.getLogger("local.emulators.apigw")

MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's own limit
Invoke = Callable[[dict[str, Any]], Any]


class AuthorizerError(Exception):
    """The token was missing or not acceptable; API Gateway answers 401 with a fixed message."""


@dataclass(frozen=True)
class Method:
    path: str  # the resource path, e.g. /books/{book_id}
    http_method: str
    authorization: str  # NONE or COGNITO_USER_POOLS
    function: str | None  # logical id of the integration's function (AWS_PROXY)
    mock_status: int = 200
    mock_headers: dict[str, str] = field(default_factory=dict)

    def pattern(self) -> re.Pattern[str]:
        parts = []
        for segment in self.path.strip("/").split("/") if self.path != "/" else []:
            name = segment[1:-1] if segment.startswith("{") and segment.endswith("}") else None
            if name is None:
                parts.append(re.escape(segment))
            elif name.endswith("+"):
                parts.append(f"(?P<{name[:-1]}>.+)")
            else:
                parts.append(f"(?P<{name}>[^/]+)")
        return re.compile("^/" + "/".join(parts) + "/?$")


def _strip_quotes(value: Any) -> str:
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text


def _function_of(uri: Any) -> str | None:
    """The logical id in an integration URI's `Fn::GetAtt [<function>, Arn]`."""
    found = re.search(r'"Fn::GetAtt": \["([A-Za-z0-9]+)", "Arn"\]', json.dumps(uri))
    return found.group(1) if found else None


@dataclass
class RestApiModel:
    stage: str
    methods: list[Method]
    gateway_headers: dict[str, dict[str, Any]]  # DEFAULT_4XX / DEFAULT_5XX -> header -> template value

    @classmethod
    def from_template(cls, template: Mapping[str, Any]) -> RestApiModel:
        resources = template.get("Resources", {})
        rest_apis = [k for k, v in resources.items() if v.get("Type") == "AWS::ApiGateway::RestApi"]
        if len(rest_apis) != 1:
            raise ValueError(f"expected one REST API in the template, found {len(rest_apis)}")

        def path_of(ref: Any) -> str:
            if isinstance(ref, dict) and "Fn::GetAtt" in ref:  # RootResourceId
                return ""
            logical = ref["Ref"]
            props = resources[logical]["Properties"]
            return f"{path_of(props['ParentId'])}/{props['PathPart']}"

        methods = []
        for resource in resources.values():
            if resource.get("Type") != "AWS::ApiGateway::Method":
                continue
            props = resource["Properties"]
            path = path_of(props["ResourceId"]) or "/"
            integration = props.get("Integration", {})
            headers: dict[str, str] = {}
            status = 200
            if integration.get("Type") == "MOCK":
                response = (integration.get("IntegrationResponses") or [{}])[0]
                status = int(response.get("StatusCode", 200))
                headers = {
                    k.removeprefix("method.response.header."): v
                    for k, v in (response.get("ResponseParameters") or {}).items()
                }
            methods.append(
                Method(
                    path=path,
                    http_method=props["HttpMethod"],
                    authorization=props.get("AuthorizationType", "NONE"),
                    function=_function_of(integration.get("Uri")) if integration.get("Type") == "AWS_PROXY" else None,
                    mock_status=status,
                    mock_headers=headers,
                )
            )
        stages = [v["Properties"]["StageName"] for v in resources.values() if v.get("Type") == "AWS::ApiGateway::Stage"]
        gateway = {
            v["Properties"]["ResponseType"]: {
                k.removeprefix("gatewayresponse.header."): h
                for k, h in (v["Properties"].get("ResponseParameters") or {}).items()
            }
            for v in resources.values()
            if v.get("Type") == "AWS::ApiGateway::GatewayResponse"
        }
        return cls(stage=stages[0] if stages else "prod", methods=methods, gateway_headers=gateway)


class CognitoAuthorizer:
    """API Gateway's Cognito user pool authorizer, against the local pool (moto signs its tokens)."""

    def __init__(self, endpoint: str, user_pool_id: str, client_ids: Callable[[], set[str]], region: str) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.user_pool_id = user_pool_id
        self.client_ids = client_ids
        self._clients: set[str] = set()
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self._keys: Any = None

    def _key_set(self) -> Any:
        if self._keys is None:
            import urllib.request

            from joserfc.jwk import KeySet

            url = f"{self.endpoint}/{self.user_pool_id}/.well-known/jwks.json"
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (the local moto server)
                self._keys = KeySet.import_key_set(json.loads(response.read()))
        return self._keys

    def _is_client(self, audience: str) -> bool:
        """An app client of the pool; the list is read again only for an audience not seen yet."""
        if audience not in self._clients:
            self._clients = self.client_ids()
        return audience in self._clients

    def claims(self, header: str | None) -> dict[str, str]:
        from joserfc import jwt
        from joserfc.errors import JoseError

        token = (header or "").strip()
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        if not token:
            raise AuthorizerError("Unauthorized")
        try:
            decoded = jwt.decode(token, self._key_set(), algorithms=["RS256"])
        except (JoseError, ValueError) as err:
            log.info("token rejected: %s", err)
            raise AuthorizerError("Unauthorized") from err
        claims = decoded.claims
        if decoded.header.get("alg") != "RS256" or decoded.header.get("kid") is None:
            raise AuthorizerError("Unauthorized")  # only the pool's own keys sign, with RS256
        if claims.get("iss") != self.issuer or claims.get("token_use") != "id":
            raise AuthorizerError("Unauthorized")
        if not isinstance(claims.get("aud"), str) or not self._is_client(claims["aud"]):
            raise AuthorizerError("Unauthorized")
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or isinstance(exp, bool):
            raise AuthorizerError("Unauthorized")
        if exp < time.time():
            raise AuthorizerError("The incoming token has expired")
        # API Gateway hands claims to the integration as strings; a list claim as "a,b".
        return {k: ",".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in claims.items()}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class RestApiEmulator:
    def __init__(
        self,
        model: RestApiModel,
        functions: Mapping[str, Invoke],
        authorizer: CognitoAuthorizer,
        allowed_origin: str,
    ) -> None:
        self.model = model
        self.functions = functions
        self.authorizer = authorizer
        self.allowed_origin = allowed_origin
        self.routes = [(m, m.pattern()) for m in model.methods]
        missing = {m.function for m in model.methods if m.function and m.function not in functions}
        if missing:
            raise ValueError(f"no local function for the integrations of {', '.join(sorted(missing))}")

    # -- gateway-generated responses ---------------------------------------------------------------
    def _header_value(self, name: str, value: Any) -> str:
        # The front end's origin in the template is the CloudFront domain; locally it is the local site.
        if name.lower() == "access-control-allow-origin":
            return self.allowed_origin
        return _strip_quotes(value)

    def gateway_error(self, status: int, message: str) -> Response:
        kind = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
        headers = {k: self._header_value(k, v) for k, v in self.model.gateway_headers.get(kind, {}).items()}
        headers.update({"Content-Type": "application/json", "x-amzn-ErrorType": _error_type(status)})
        return Response(status, headers, json.dumps({"message": message}).encode())

    # -- requests ------------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes, source_ip: str) -> Response:
        split = urlsplit(raw_path)
        prefix = f"/{self.model.stage}"
        if not (split.path == prefix or split.path.startswith(prefix + "/")):
            return self.gateway_error(403, "Forbidden")
        path = split.path[len(prefix) :] or "/"
        candidates = [(m, p.match(path)) for m, p in self.routes]
        matched = [(m, found) for m, found in candidates if found]
        chosen = next(((m, found) for m, found in matched if m.http_method in (method, "ANY")), None)
        if chosen is None:
            return self.gateway_error(403, "Missing Authentication Token")
        route, found = chosen
        if route.function is None:  # MOCK: the CORS preflight
            mock_headers = {k: self._header_value(k, v) for k, v in route.mock_headers.items()}
            return Response(route.mock_status, mock_headers, b"")
        claims = None
        if route.authorization == "COGNITO_USER_POOLS":
            try:
                claims = self.authorizer.claims(_header(headers, "Authorization"))
            except AuthorizerError as err:
                return self.gateway_error(401, str(err))
        event = self._event(route, method, path, split.query, headers, body, found.groupdict(), claims, source_ip)
        try:
            result = self.functions[route.function](event)
        except Exception as err:  # the function failed: API Gateway reports a 502
            log.error("%s failed: %s\n%s", route.function, err, traceback.format_exc())
            return self.gateway_error(502, "Internal server error")
        return self._proxy_response(route, result)

    def _event(
        self,
        route: Method,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        parameters: dict[str, str],
        claims: dict[str, str] | None,
        source_ip: str,
    ) -> dict[str, Any]:
        pairs = parse_qsl(query, keep_blank_values=True)
        multi_query: dict[str, list[str]] = {}
        for key, value in pairs:
            multi_query.setdefault(key, []).append(value)
        multi_headers: dict[str, list[str]] = {}
        for key, value in headers.items():
            multi_headers.setdefault(key, []).append(value)
        text: str | None
        encoded = False
        if not body:
            text = None
        else:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text, encoded = base64.b64encode(body).decode(), True
        now = time.time()
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": dict(headers) or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": {k: unquote(v) for k, v in parameters.items()} or None,
            "stageVariables": None,
            "requestContext": {
                "resourceId": "local",
                "resourcePath": route.path,
                "httpMethod": method,
                "extendedRequestId": str(uuid.uuid4()),
                "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
                "path": f"/{self.model.stage}{path}",
                "accountId": "000000000000",
                "protocol": "HTTP/1.1",
                "stage": self.model.stage,
                "domainPrefix": "local",
                "requestTimeEpoch": int(now * 1000),
                "requestId": str(uuid.uuid4()),
                "identity": {"sourceIp": source_ip, "userAgent": _header(headers, "User-Agent")},
                "domainName": _header(headers, "Host") or "localhost",
                "apiId": "local",
                "authorizer": {"claims": claims} if claims is not None else None,
            },
            "body": text,
            "isBase64Encoded": encoded,
        }

    def _proxy_response(self, route: Method, result: Any) -> Response:
        if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
            log.error("%s returned a malformed proxy response: %r", route.function, result)
            return self.gateway_error(502, "Internal server error")
        headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
        for key, values in (result.get("multiValueHeaders") or {}).items():
            headers[key] = ", ".join(str(v) for v in values)
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"  # API Gateway's default for a proxy response
        raw = result.get("body") or ""
        body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
        return Response(int(result["statusCode"]), headers, body)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def _error_type(status: int) -> str:
    return {401: "UnauthorizedException", 403: "MissingAuthenticationTokenException"}.get(
        status, "InternalServerErrorException" if status >= 500 else "BadRequestException"
    )


class _Handler(ServiceRequestHandler):
    """Every method reaches the emulator (one not routed is its 403 "Missing Authentication Token"); what cannot
    be parsed is a gateway response too: 400, 408, 413 (over API Gateway's 10 MB payload), 414, 431."""

    server: ApiGatewayServer
    server_version = "LocalApiGateway/1.0"
    max_body_bytes = MAX_PAYLOAD

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def serve(self, body: bytes) -> None:
        headers = dict(self.headers.items())
        response = self.server.emulator.handle(self.command, self.path, headers, body, self.client_address[0])
        self._send(response)

    def answer_error(self, status: int, message: str) -> None:
        self._send(self.server.emulator.gateway_error(status, message))

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


class ApiGatewayServer(BackgroundHTTPServer):
    thread_name = "local-apigw"

    def __init__(self, emulator: RestApiEmulator, host: str, port: int) -> None:
        super().__init__((host, port), _Handler)
        self.emulator = emulator

    @property
    def url(self) -> str:
        return f"{self.origin}/{self.emulator.model.stage}/"
