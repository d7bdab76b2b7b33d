"""The local servers (API Gateway emulator, Lex V2 runtime, web front end) are robust like the services they stand
in for (issue 17, point 5): many connections at once, malformed or slow requests answered in the service's error
shape (never a dropped connection, never http.server's HTML page, never a traceback), and only tokens the local
pool signed get through the API's authorizer."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from moto.utilities.utils import load_resource

from local.emulators.apigw import ApiGatewayServer
from local.emulators.http_server import BackgroundHTTPServer
from local.emulators.lex.engine import BOT_ID, TEST_ALIAS_ID
from local.emulators.lex.server import LexHTTPServer
from local.emulators.web import WebServer
from local.world import assembly
from local.world.assembly import Assembly
from local.world.cognito import DEMO_ACCOUNTS
from local.world.stack import LocalStack, Ports, start_stack

ALICE, CAROL = DEMO_ACCOUNTS
SERVERS = ("api", "lex", "web")
LEX_SESSION = f"/bots/{BOT_ID}/botAliases/{TEST_ALIAS_ID}/botLocales/en_US/sessions/robust"  # GetSession: 404


@pytest.fixture(scope="module")
def found(dev) -> Assembly:
    return assembly.read(dev.outdir, "dev")


@pytest.fixture(scope="module")
def stack(found: Assembly) -> Iterator[LocalStack]:
    started = start_stack(found, ports=Ports.block(0))
    yield started
    started.stop()


def server_of(stack: LocalStack, name: str) -> BackgroundHTTPServer:
    server = {"api": stack.api, "lex": stack.lex, "web": stack.web}[name]
    assert server is not None
    return server


def routed_path(stack: LocalStack, name: str) -> str:
    """A path each server routes (the request's method and framing decide the answer, not the path)."""
    return {"api": f"/{stack.api.emulator.model.stage}/books" if stack.api else "", "lex": LEX_SESSION, "web": "/"}[
        name
    ]


# ---- raw HTTP ------------------------------------------------------------------------------------------------


def raw(origin: str, data: bytes, *, half_close: bool = False, timeout: float = 15, until_close: bool = False) -> bytes:
    """Send bytes as they are and read one whole answer (its head and Content-Length bytes) or until the server
    closes; a reset or a silent server fails the test."""
    host, port = origin.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(data)
        if half_close:
            connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
            head, found, body = answer.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
            if not until_close and found and length and len(body) >= int(length.group(1)):
                break
    return answer


def parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    assert answer.startswith(b"HTTP/1.1 "), answer[:80]
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    assert len(body) == int(headers["content-length"]), "the whole body, as announced"
    return int(status_line.split()[1]), headers, body


def assert_service_shaped(stack: LocalStack, name: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """API Gateway and Lex: a JSON {"message": ...} with x-amzn-ErrorType (API Gateway: and the template's gateway
    response CORS header); the web: a short plain error or the site's 404 page with the security headers."""
    assert b"Traceback" not in body
    assert b"Error response" not in body  # http.server's HTML page
    if name == "web":
        assert headers["x-frame-options"] == "DENY"
        assert headers["content-type"].startswith(("text/plain", "text/html"))
        assert len(body) < 4096
        return {}
    assert headers["content-type"] == "application/json"
    assert headers["x-amzn-errortype"]
    assert headers["x-amzn-requestid"]
    if name == "api":
        assert stack.web is not None
        assert headers["access-control-allow-origin"] == stack.web.origin
    payload = json.loads(body)
    assert list(payload) == ["message"]
    assert isinstance(payload["message"], str)
    return dict(payload)


def refused(stack: LocalStack, name: str, data: bytes, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    status, headers, body = parse(raw(server_of(stack, name).origin, data, **kwargs))
    return status, assert_service_shaped(stack, name, headers, body)


# ---- many connections at once ----------------------------------------------------------------------------------


def request_for(stack: LocalStack, name: str) -> bytes:
    path = {"api": routed_path(stack, "api") + "/dracula-bram-stoker", "lex": LEX_SESSION, "web": "/index.html"}[name]
    return f"GET {path} HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n".encode()


@pytest.mark.parametrize("name", SERVERS)
def test_fifty_clients_at_once_all_get_complete_answers(stack, name) -> None:
    origin, request = server_of(stack, name).origin, request_for(stack, name)
    start = threading.Barrier(50)
    answers: list[int] = []
    failures: list[BaseException] = []

    def client() -> None:
        try:
            start.wait(timeout=30)
            answers.append(parse(raw(origin, request, timeout=60))[0])
        except BaseException as err:
            failures.append(err)

    threads = [threading.Thread(target=client) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert len(answers) == 50
    assert set(answers) == {{"api": 200, "lex": 404, "web": 200}[name]}


def fresh_server(stack: LocalStack, name: str) -> BackgroundHTTPServer:
    """Another server of the same kind on a free port, bound and listening but not yet accepting."""
    if name == "api":
        assert stack.api is not None
        return ApiGatewayServer(stack.api.emulator, "127.0.0.1", 0)
    if name == "lex":
        assert stack.lex is not None
        return LexHTTPServer(stack.lex.engine, "127.0.0.1", 0)
    web = WebServer("127.0.0.1", 0)
    web.configure({}, [])
    return web


@pytest.mark.parametrize("name", SERVERS)
def test_the_listen_backlog_holds_fifty_connections_while_nobody_accepts(stack, name) -> None:
    """Deterministic: with the standard library's backlog of 5, the seventh connection's handshake waits (the
    kernel drops its SYN) until the server accepts; here all fifty complete at once and are then answered."""
    server = fresh_server(stack, name)
    connections: list[socket.socket] = []
    try:
        host, port = server.server_address[:2]
        for _ in range(50):
            connections.append(socket.create_connection((str(host), port), timeout=0.5))  # fails past the backlog
        for connection in connections:
            connection.sendall(request_for(stack, name))
        server.start()
        for connection in connections:
            connection.settimeout(30)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
            assert parse(answer)[0] in (200, 404)
    finally:
        for connection in connections:
            connection.close()
        server.stop()


# ---- malformed requests -----------------------------------------------------------------------------------------

Case = Callable[[str], bytes]
MALFORMED: dict[str, tuple[Case, dict[str, int], dict[str, Any]]] = {
    # name: (the request for a routed path, the status per server, how to send it)
    "non-numeric Content-Length": (
        lambda p: f"POST {p} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{{}}".encode(),
        {"api": 400, "lex": 400, "web": 400},
        {},
    ),
    "negative Content-Length": (
        lambda p: f"POST {p} HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{{}}".encode(),
        {"api": 400, "lex": 400, "web": 400},
        {},
    ),
    "two different Content-Lengths": (
        lambda p: f"POST {p} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{{}}".encode(),
        {"api": 400, "lex": 400, "web": 400},
        {},
    ),
    "Content-Length and Transfer-Encoding": (
        lambda p: f"POST {p} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".encode(),
        {"api": 400, "lex": 400, "web": 400},
        {},
    ),
    "a body shorter than its Content-Length, then a half-close": (
        lambda p: f"POST {p} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{}}".encode(),
        {"api": 400, "lex": 400, "web": 400},
        {"half_close": True},
    ),
    "a Content-Length over the service's limit": (
        lambda p: f"POST {p} HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n{{}}".encode(),
        {"api": 413, "lex": 400, "web": 413},  # Lex: a ValidationException, as its limits are
        {},
    ),
    "TRACE": (lambda p: f"TRACE {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), {"api": 403, "lex": 404, "web": 403}, {}),
    "CONNECT": (
        lambda p: b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        {"api": 403, "lex": 404, "web": 403},
        {},
    ),
    "PATCH where not routed": (
        lambda p: f"PATCH {p} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}".encode(),
        {"api": 403, "lex": 404, "web": 403},
        {},
    ),
    "a lowercase method": (lambda p: f"get {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), {"api": 403, "lex": 404, "web": 403}, {}),
    "a method that is not a token": (
        lambda p: f"G(T {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        {"api": 400, "lex": 400, "web": 400},
        {},
    ),
    "a 70 KB header": (
        lambda p: f"GET {p} HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * 70_000}\r\n\r\n".encode(),
        {"api": 431, "lex": 400, "web": 431},  # Lex: a ValidationException
        {},
    ),
    "headers over 64 KB together": (
        lambda p: (f"GET {p} HTTP/1.1\r\nHost: x\r\n" + "".join(f"X-H{i}: {'b' * 8000}\r\n" for i in range(9)) + "\r\n").encode(),
        {"api": 431, "lex": 400, "web": 431},
        {},
    ),
    "a 70 KB request line": (
        lambda p: f"GET {p}?q={'c' * 70_000} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        {"api": 414, "lex": 400, "web": 414},
        {},
    ),
    "HTTP/0.9": (lambda p: f"GET {p}\r\n".encode(), {"api": 400, "lex": 400, "web": 400}, {}),
    "HTTP/2.0 in an HTTP/1 request line": (
        lambda p: f"GET {p} HTTP/2.0\r\nHost: x\r\n\r\n".encode(),
        {"api": 505, "lex": 400, "web": 505},
        {},
    ),
    "a garbage request line": (lambda p: b"\x00\xff\xfe garbage\r\n\r\n", {"api": 400, "lex": 400, "web": 400}, {}),
    "a bad chunk size": (
        lambda p: f"POST {p} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n".encode(),
        {"api": 400, "lex": 400, "web": 400},
        {},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", SERVERS)
@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_request_gets_an_error_in_the_services_shape(stack, name, case) -> None:
    make, statuses, how = MALFORMED[case]
    started = time.monotonic()
    status, payload = refused(stack, name, make(routed_path(stack, name)), timeout=8, **how)
    assert status == statuses[name]
    assert time.monotonic() - started < 5  # answered at once, not after the read timeout
    if name == "api" and status == 403:
        assert payload["message"] in ("Missing Authentication Token", "Forbidden")


def test_an_unknown_method_on_the_api_is_missing_authentication_token(stack) -> None:
    for method in ("TRACE", "PATCH", "get", "BREW"):
        status, payload = refused(stack, "api", f"{method} /v1/books HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert (status, payload) == (403, {"message": "Missing Authentication Token"}), method


def test_lex_refusals_keep_its_error_types(stack) -> None:
    data = f"TRACE {LEX_SESSION} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    status, headers, _ = parse(raw(server_of(stack, "lex").origin, data))
    assert (status, headers["x-amzn-errortype"]) == (404, "ResourceNotFoundException")
    data = f"GET {LEX_SESSION} HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * 70_000}\r\n\r\n".encode()
    status, headers, body = parse(raw(server_of(stack, "lex").origin, data))
    assert (status, headers["x-amzn-errortype"]) == (400, "ValidationException")
    assert json.loads(body)["message"].startswith("Malformed HTTP request")


def test_a_connection_survives_a_good_request_and_ends_after_a_refused_one(stack) -> None:
    """Keep-alive is kept for requests that were read whole; after a refusal the connection closes (the rest of
    what was sent cannot be trusted), with `Connection: close` announced."""
    assert stack.api is not None
    data = (
        b"GET /v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /v1/books HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"
        b"GET /v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    answer = raw(stack.api.origin, data, until_close=True)
    assert answer.count(b"HTTP/1.1 ") == 2
    first, _, second = answer.partition(b"HTTP/1.1 400")
    assert first.startswith(b"HTTP/1.1 403")
    assert b"connection: close" in second.lower()


@pytest.fixture
def short_timeouts(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SERVERS:
        handler = server_of(stack, name).RequestHandlerClass
        assert 0 < handler.timeout <= 10  # type: ignore[attr-defined]  # the real read timeout, per connection
        monkeypatch.setattr(handler, "timeout", 1.0)


@pytest.mark.parametrize("name", SERVERS)
def test_a_client_that_goes_silent_mid_request_gets_408_after_the_read_timeout(stack, short_timeouts, name) -> None:
    path = routed_path(stack, name)
    for data in (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{}}".encode(),  # the body never comes
        f"GET {path} HTTP/1.1\r\nHost: x\r\n".encode(),  # nor the end of the headers
    ):
        started = time.monotonic()
        status, _ = refused(stack, name, data, timeout=8)
        assert status == {"api": 408, "lex": 400, "web": 408}[name]
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("name", SERVERS)
def test_an_idle_connection_is_closed_after_the_read_timeout(stack, short_timeouts, name) -> None:
    assert raw(server_of(stack, name).origin, b"", timeout=8) == b""  # closed, without an answer nobody asked for


def test_the_web_answers_a_path_it_cannot_open_with_its_404_page(stack) -> None:
    assert stack.web is not None
    for path in ("/%00", f"/{'x' * 5000}", "/../../etc/passwd"):
        status, headers, body = parse(raw(stack.web.origin, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()))
        assert status == 404, path
        assert_service_shaped(stack, "web", headers, body)


# ---- the authorizer accepts only the local pool's tokens ---------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwks(stack: LocalStack) -> dict[str, Any]:
    url = f"{stack.aws.endpoint}/{stack.aws.user_pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the local moto server)
        return dict(json.loads(response.read()))


def real_claims(stack: LocalStack) -> dict[str, Any]:
    token = stack.aws.client("cognito-idp").initiate_auth(
        ClientId=stack.aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": CAROL.username, "PASSWORD": CAROL.password},
    )["AuthenticationResult"]["IdToken"]
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def pool_signed(claims: dict[str, Any], kid: str) -> str:
    """Signed with the key the local pool signs with (moto's), as only the pool itself could."""
    key = RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    return jwt.encode({"alg": "RS256", "kid": kid}, claims, key)


def me(stack: LocalStack, token: str) -> tuple[int, dict[str, Any]]:
    assert stack.api is not None
    data = f"GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\nConnection: close\r\n\r\n".encode()
    status, headers, body = parse(raw(stack.api.origin, data))
    if status == 401:  # the gateway response's CORS header, as deployed
        assert stack.web is not None
        assert headers["access-control-allow-origin"] == stack.web.origin
    return status, json.loads(body)


def test_the_pool_key_and_real_claims_are_accepted(stack) -> None:
    """The control for the refusals below: the same signing path with the pool's claims reaches the function."""
    kid = jwks(stack)["keys"][0]["kid"]
    claims = real_claims(stack) | {"exp": int(time.time()) + 600}
    status, body = me(stack, pool_signed(claims, kid))
    assert status == 200
    assert body["username"] == CAROL.username


def test_tokens_the_pool_did_not_sign_or_did_not_issue_for_this_api_are_refused(stack) -> None:
    public = jwks(stack)["keys"][0]
    kid = public["kid"]
    claims = real_claims(stack) | {"exp": int(time.time()) + 600, "cognito:groups": ["staff"]}
    body = b64(json.dumps(claims).encode())

    stranger = RSAKey.generate_key(2048, parameters={"kid": kid})  # same kid, another key
    unsigned = f"{b64(json.dumps({'alg': 'none', 'kid': kid}).encode())}.{body}."
    hs_header = b64(json.dumps({"alg": "HS256", "kid": kid, "typ": "JWT"}).encode())
    secret = RSAKey.import_key(public).as_pem(private=False)  # the classic RS256 -> HS256 confusion
    hs_signature = b64(hmac.new(secret, f"{hs_header}.{body}".encode(), hashlib.sha256).digest())
    refused_tokens = {
        "signed by another RSA key with the pool's kid": jwt.encode({"alg": "RS256", "kid": kid}, claims, stranger),
        "alg none": unsigned,
        "alg none without the signature's dot": unsigned[:-1],
        "HS256 keyed with the public key": f"{hs_header}.{body}.{hs_signature}",
        "an access token": pool_signed(claims | {"token_use": "access"}, kid),
        "another audience": pool_signed(claims | {"aud": "some-other-client"}, kid),
        "a list audience": pool_signed(claims | {"aud": [claims["aud"]]}, kid),
        "another pool's issuer": pool_signed(claims | {"iss": claims["iss"] + "x"}, kid),
        "no expiry": pool_signed({k: v for k, v in claims.items() if k != "exp"}, kid),
        "a text expiry": pool_signed(claims | {"exp": "tomorrow"}, kid),
        "an unknown kid": pool_signed(claims, "not-the-pools"),
    }
    for why, token in refused_tokens.items():
        assert me(stack, token) == (401, {"message": "Unauthorized"}), why
        assert me(stack, f"Bearer {token}") == (401, {"message": "Unauthorized"}), why


def test_an_expired_pool_token_is_refused_with_api_gateways_message(stack) -> None:
    kid = jwks(stack)["keys"][0]["kid"]
    expired = pool_signed(real_claims(stack) | {"exp": int(time.time()) - 5}, kid)
    assert me(stack, expired) == (401, {"message": "The incoming token has expired"})


def test_an_upload_over_the_limit_gets_its_413_while_it_is_still_being_sent(stack) -> None:
    """A client still writing its body gets the 413 (refused by its Content-Length, before the body is read) and
    no reset. The server drains what it did not read before closing (RFC 9112 9.6); Linux keeps data already
    received readable after a reset, so this passes on Linux loopback without the drain too."""
    assert stack.api is not None
    size = 12 * 1024 * 1024  # over API Gateway's 10 MB
    host, port = stack.api.origin.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=15) as connection:
        connection.sendall(f"PUT /v1/books HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n".encode())
        sender = threading.Thread(target=lambda: _send_quietly(connection, b"x" * size))
        sender.start()
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        sender.join(timeout=15)
    status, headers, body = parse(answer)
    assert status == 413
    assert_service_shaped(stack, "api", headers, body)


def _send_quietly(connection: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):  # the server may close once it has drained enough
        connection.sendall(data)
