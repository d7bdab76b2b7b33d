"""HTTP server speaking the lexv2-runtime REST protocol (rest-json), as botocore's service model describes it.

    POST   /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}/text   RecognizeText
    POST   /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}        PutSession
    GET    /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}        GetSession
    DELETE /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}        DeleteSession

Errors carry `x-amzn-ErrorType` and a `{"message": ...}` body. Signatures are not checked: any credentials
work with `endpoint_url`.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import re
import traceback
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote, urlsplit

from local.emulators.http_server import BackgroundHTTPServer, check_port_free
from local.emulators.lex.engine import DialogEngine
from local.emulators.lex.errors import LexError, ResourceNotFound, Validation

log = logging.getLogger("local.lex")

_ROUTE = re.compile(
    r"^/bots/(?P<bot>[^/]+)/botAliases/(?P<alias>[^/]+)/botLocales/(?P<locale>[^/]+)"
    r"/sessions/(?P<session>[^/]+)(?P<text>/text)?/?$"
)
_SESSION_ID = re.compile(r"^[0-9a-zA-Z._:-]{2,100}$")
# lexv2-runtime's service model constrains BotIdentifier (ten letters or digits) and leaves BotAliasIdentifier
# free: a malformed bot id is a ValidationException, an unknown alias of any shape a ResourceNotFoundException.
_BOT_ID = re.compile(r"^[0-9a-zA-Z]{10}$")
MAX_BODY = 256 * 1024


def encode_header(value: Any) -> str:
    """PutSession returns its fields in headers, gzip-compressed and base64-encoded."""
    return base64.b64encode(gzip.compress(json.dumps(value).encode())).decode()


class _Handler(BaseHTTPRequestHandler):
    server: LexHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "LocalLexV2/1.0"

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_OPTIONS(self) -> None:
        self._dispatch("OPTIONS")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _dispatch(self, method: str) -> None:
        try:
            body = self._body()
            status, payload, headers = self._route(method, body)
        except LexError as err:
            status, payload, headers = err.status, {"message": err.message}, {"x-amzn-ErrorType": err.code}
        except Exception as err:  # a bug in the emulator: report it, keep serving
            log.error("Unexpected error: %s\n%s", err, traceback.format_exc())
            status, payload, headers = (
                500,
                {"message": f"Internal error: {err}"},
                {"x-amzn-ErrorType": "InternalServerException"},
            )
        self._send(status, payload, headers)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.rfile.read(length)
            raise Validation(f"The request body is larger than {MAX_BODY} bytes")
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as err:
            raise Validation(f"Could not parse the request body as JSON: {err}") from err

    def _route(self, method: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        path = urlsplit(self.path).path
        match = _ROUTE.match(path)
        if match is None:
            raise ResourceNotFound(f"No lexv2-runtime operation at {method} {path}")
        bot, alias, locale, session = (unquote(match.group(k)) for k in ("bot", "alias", "locale", "session"))
        if not _BOT_ID.match(bot):
            raise Validation(
                f"1 validation error detected: Value '{bot}' at 'botId' failed to satisfy constraint: "
                "Member must be 10 letters or digits"
            )
        if not _SESSION_ID.match(session):
            raise Validation("sessionId must be 2 to 100 characters of letters, digits, '.', '_', ':' or '-'")
        if not isinstance(body, dict):
            raise Validation("The request body must be a JSON object")
        engine = self.server.engine
        if method == "POST" and match.group("text"):
            result = engine.recognize_text(
                bot, alias, locale, session, body.get("text"), body.get("sessionState"), body.get("requestAttributes")
            )
            return 200, result, {}
        if match.group("text"):
            raise ResourceNotFound(f"No lexv2-runtime operation at {method} {path}")
        if method == "POST":
            if "sessionState" not in body:
                raise Validation("1 validation error detected: sessionState is required")
            result = engine.put_session(
                bot, alias, locale, session, body["sessionState"], body.get("messages"), body.get("requestAttributes")
            )
            content_type = self.headers.get("ResponseContentType") or "text/plain; charset=utf-8"
            headers = {
                "Content-Type": content_type,
                "x-amz-lex-session-id": result["sessionId"],
                "x-amz-lex-session-state": encode_header(result["sessionState"]),
            }
            if result["messages"]:
                headers["x-amz-lex-messages"] = encode_header(result["messages"])
            if result["requestAttributes"]:
                headers["x-amz-lex-request-attributes"] = encode_header(result["requestAttributes"])
            return 200, None, headers
        if method == "GET":
            return 200, engine.get_session(bot, alias, locale, session), {}
        if method == "DELETE":
            return 200, engine.delete_session(bot, alias, locale, session), {}
        raise ResourceNotFound(f"No lexv2-runtime operation at {method} {path}")

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        data = b"" if payload is None or self.command == "HEAD" else json.dumps(payload).encode()
        self.send_response(status)
        if "Content-Type" not in headers:
            self.send_header("Content-Type", "application/json")
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class LexHTTPServer(BackgroundHTTPServer):
    thread_name = "local-lex"

    def __init__(self, engine: DialogEngine, host: str = "127.0.0.1", port: int = 0) -> None:
        check_port_free(host, port)
        super().__init__((host, port), _Handler)
        self.engine = engine

    @property
    def url(self) -> str:
        return self.origin
