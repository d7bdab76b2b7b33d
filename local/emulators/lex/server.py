"""HTTP server speaking the lexv2-runtime REST protocol (rest-json), as botocore's service model describes it.

    POST   /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}/text        RecognizeText
    POST   /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}/utterance   RecognizeUtterance
    POST   /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}             PutSession
    GET    /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}             GetSession
    DELETE /bots/{botId}/botAliases/{aliasId}/botLocales/{localeId}/sessions/{sessionId}             DeleteSession

Every request is validated against the service model first (service_model.py: the URI's botId, sessionId and
localeId, the body's members), then against the bot (session_state.py), as Lex does before it runs anything.

RecognizeUtterance takes text (`Content-Type: text/plain; charset=utf-8`, the text as the body) and answers text
(`Response-Content-Type: text/plain;charset=utf-8`, an empty body). Its `x-amz-lex-session-state` and
`x-amz-lex-request-attributes` request headers must be gzip-compressed, then base64-encoded JSON, and the
response's `x-amz-lex-session-state`, `-messages`, `-interpretations`, `-request-attributes` and
`-input-transcript` headers are gzip-compressed, then base64-encoded JSON, as the API reference says
(https://docs.aws.amazon.com/lexv2/latest/APIReference/API_runtime_RecognizeUtterance.html); `x-amz-lex-session-id`
and `x-amz-lex-input-mode` are plain. Audio (speech recognition in, Amazon Polly speech out) is a
ValidationException naming what the local runtime does instead: it has no speech engine.

Every method on every path answers: an unknown operation is a ResourceNotFoundException, a request the model
refuses a ValidationException, and a fault of the emulator itself an InternalServerException (logged with its
traceback), all with `x-amzn-ErrorType` and a `{"message": ...}` body. Signatures are not checked: any
credentials work with `endpoint_url`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import logging
import re
import traceback
import uuid
import zlib
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

from local.emulators.http_server import BackgroundHTTPServer, ServiceRequestHandler, check_port_free
from local.emulators.lex.engine import DialogEngine
from local.emulators.lex.errors import LexError, ResourceNotFound, Validation
from local.emulators.lex.service_model import check_input, check_shape

log = logging.getLogger("local.lex")

_ROUTE = re.compile(
    r"^/bots/(?P<bot>[^/]+)/botAliases/(?P<alias>[^/]+)/botLocales/(?P<locale>[^/]+)"
    r"/sessions/(?P<session>[^/]+)(?:/(?P<action>[^/]+))?/?$"
)
MAX_BODY = 256 * 1024
TEXT_REQUEST = "text/plain; charset=utf-8"
TEXT_RESPONSE = "text/plain;charset=utf-8"
# RecognizeUtterance's requestContentType: "The header must start with one of the following prefixes".
AUDIO_INPUT = ("audio/l16", "audio/x-l16", "audio/lpcm", "audio/x-cbr-opus-with-preamble")
NO_SPEECH = (
    "the local Lex V2 runtime has no speech {what}: send text (requestContentType '"
    + TEXT_REQUEST
    + "', responseContentType '"
    + TEXT_RESPONSE
    + "') or use RecognizeText"
)


def encode_header(value: Any) -> str:
    """A response header Lex sends gzip-compressed and base64-encoded: the JSON of `value`."""
    return base64.b64encode(gzip.compress(json.dumps(value).encode())).decode()


def decode_header(name: str, raw: str) -> Any:
    """A request header the client must send gzip-compressed and base64-encoded (JSON inside)."""
    try:
        return json.loads(gzip.decompress(base64.b64decode(raw, validate=True)))
    except (binascii.Error, OSError, EOFError, zlib.error, ValueError, UnicodeDecodeError, RecursionError) as err:
        raise Validation(
            f"The {name} header must be JSON, gzip-compressed and then base64-encoded (as the API reference says): "
            f"{type(err).__name__}: {err}"
        ) from err


def media_type(value: str) -> tuple[str, dict[str, str]]:
    """'text/plain; charset=UTF-8' -> ('text/plain', {'charset': 'utf-8'})."""
    main, *parameters = value.split(";")
    found = {}
    for parameter in parameters:
        key, _, setting = parameter.partition("=")
        if key.strip():
            found[key.strip().lower()] = setting.strip().strip('"').lower()
    return main.strip().lower(), found


def _is_text(value: str) -> bool:
    kind, parameters = media_type(value)
    return kind == "text/plain" and parameters.get("charset") == "utf-8"


def check_request_content_type(value: str | None) -> None:
    check_input("RecognizeUtterance", {"requestContentType": value})
    assert value is not None
    if _is_text(value):
        return
    kind, _ = media_type(value)
    if kind.startswith(AUDIO_INPUT) or kind.startswith("audio/"):
        raise Validation(f"requestContentType {value!r} is audio: {NO_SPEECH.format(what='recognition')}")
    raise Validation(
        f"Invalid requestContentType {value!r}: it must start with one of audio/l16, audio/x-l16, audio/lpcm, "
        f"audio/x-cbr-opus-with-preamble or {TEXT_REQUEST}"
    )


def check_response_content_type(value: str | None, *, operation: str, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if value is None:
        raise Validation(
            f"responseContentType (the Response-Content-Type header) is not set: the local runtime answers text "
            f"only, send {TEXT_RESPONSE!r}"
        )
    check_input(operation, {"responseContentType": value})
    if _is_text(value):
        return value
    if media_type(value)[0].startswith("audio/"):
        raise Validation(f"responseContentType {value!r} is audio: {NO_SPEECH.format(what='synthesis')}")
    raise Validation(f"Invalid responseContentType {value!r}: it must be audio/* or {TEXT_RESPONSE}")


class _Request:
    """What a route needs of the request: its target, body and headers."""

    def __init__(self, method: str, path: str, match: re.Match[str], body: bytes, headers: Any) -> None:
        self.method = method
        self.path = path
        self.bot, self.alias, self.locale, self.session = (
            unquote(match.group(k)) for k in ("bot", "alias", "locale", "session")
        )
        self.action = match.group("action")
        self.body = body
        self.headers = headers

    @property
    def target(self) -> tuple[str, str, str, str]:
        return self.bot, self.alias, self.locale, self.session

    def json(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            parsed = json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as err:
            raise Validation(f"Could not parse the request body as JSON: {err}") from err
        except RecursionError as err:  # "[[[[...": a body no Lex request has
            raise Validation("Could not parse the request body as JSON: it is nested too deeply") from err
        if not isinstance(parsed, dict):
            raise Validation("The request body must be a JSON object")
        return parsed


class _Handler(ServiceRequestHandler):
    server: LexHTTPServer
    server_version = "LocalLexV2/1.0"
    max_body_bytes = MAX_BODY

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def answer_error(self, status: int, message: str) -> None:
        """What is refused before any operation (a request line, header or body framing that cannot be trusted,
        a body over the limit, a silent client), Lex-shaped like every other answer."""
        error: LexError
        if status == HTTPStatus.INTERNAL_SERVER_ERROR:
            error = LexError(message)
        elif status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
            error = Validation(f"The request body is larger than {MAX_BODY} bytes")
        else:
            error = Validation(f"Malformed HTTP request: {message}")
        self._send(error.status, {"message": error.message}, {"x-amzn-ErrorType": error.code})

    def serve(self, body: bytes) -> None:
        """Every method: one that names no operation is a ResourceNotFoundException."""
        method = self.command
        try:
            status, payload, headers = self._route(method, body)
        except LexError as err:
            status, payload, headers = err.status, {"message": err.message}, {"x-amzn-ErrorType": err.code}
        except Exception as err:  # a bug in the emulator: report it, keep serving
            log.error("Unexpected error on %s %s: %s\n%s", method, self.path, err, traceback.format_exc())
            status, payload, headers = (
                500,
                {"message": f"Internal error of the local Lex runtime: {type(err).__name__}: {err}"},
                {"x-amzn-ErrorType": "InternalServerException"},
            )
        self._send(status, payload, headers)

    def _route(self, method: str, body: bytes) -> tuple[int, Any, dict[str, str]]:
        path = urlsplit(self.path).path
        match = _ROUTE.match(path)
        operation = _operation(method, match.group("action")) if match else None
        if match is None or operation is None:
            raise ResourceNotFound(f"No lexv2-runtime operation at {method} {path}")
        request = _Request(method, path, match, body, self.headers)
        check_input(
            operation,
            {
                "botId": request.bot,
                "botAliasId": request.alias,
                "localeId": request.locale,
                "sessionId": request.session,
            },
        )
        handler = {
            "RecognizeText": self._recognize_text,
            "RecognizeUtterance": self._recognize_utterance,
            "StartConversation": self._start_conversation,
            "PutSession": self._put_session,
            "GetSession": self._get_session,
            "DeleteSession": self._delete_session,
        }[operation]
        return handler(request)

    # ---- operations --------------------------------------------------------------------------------

    def _recognize_text(self, request: _Request) -> tuple[int, Any, dict[str, str]]:
        body = request.json()
        members = {"text": body.get("text")}
        members |= {k: body[k] for k in ("sessionState", "requestAttributes") if k in body}
        check_input("RecognizeText", members)  # the text's length first: nothing reaches the NLU otherwise
        result = self.server.engine.recognize_text(
            *request.target, body["text"], body.get("sessionState"), body.get("requestAttributes")
        )
        return 200, result, {}

    def _recognize_utterance(self, request: _Request) -> tuple[int, Any, dict[str, str]]:
        check_request_content_type(request.headers.get("Content-Type"))
        response_type = check_response_content_type(
            request.headers.get("Response-Content-Type"), operation="RecognizeUtterance"
        )
        state = attributes = None
        if "x-amz-lex-session-state" in request.headers:
            state = decode_header("x-amz-lex-session-state", request.headers["x-amz-lex-session-state"])
            check_shape("SessionState", state, "sessionState", sensitive=True)
        if "x-amz-lex-request-attributes" in request.headers:
            attributes = decode_header("x-amz-lex-request-attributes", request.headers["x-amz-lex-request-attributes"])
            check_shape("StringMap", attributes, "requestAttributes", sensitive=True)
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise Validation(f"The inputStream is not UTF-8 text (requestContentType {TEXT_REQUEST!r})") from err
        check_shape("Text", text, "inputStream")  # at most 1024 characters, before anything else
        result = self.server.engine.recognize_text(*request.target, text, state, attributes)
        headers = {
            "Content-Type": response_type,
            "x-amz-lex-input-mode": "Text",
            "x-amz-lex-session-id": result["sessionId"],
            "x-amz-lex-session-state": encode_header(result["sessionState"]),
            "x-amz-lex-interpretations": encode_header(result["interpretations"]),
            "x-amz-lex-input-transcript": encode_header(text),
        }
        if result["messages"]:
            headers["x-amz-lex-messages"] = encode_header(result["messages"])
        if "requestAttributes" in result:
            headers["x-amz-lex-request-attributes"] = encode_header(result["requestAttributes"])
        return 200, b"", headers  # text out: the messages are in their header, the audio stream is empty

    def _put_session(self, request: _Request) -> tuple[int, Any, dict[str, str]]:
        body = request.json()
        response_type = check_response_content_type(
            request.headers.get("ResponseContentType"), operation="PutSession", default=TEXT_REQUEST
        )
        members = {"sessionState": body.get("sessionState")}
        members |= {k: body[k] for k in ("messages", "requestAttributes") if k in body}
        check_input("PutSession", members)
        result = self.server.engine.put_session(
            *request.target, body["sessionState"], body.get("messages"), body.get("requestAttributes")
        )
        headers = {
            "Content-Type": response_type,
            "x-amz-lex-session-id": result["sessionId"],
            "x-amz-lex-session-state": encode_header(result["sessionState"]),
        }
        if result["messages"]:
            headers["x-amz-lex-messages"] = encode_header(result["messages"])
        if result["requestAttributes"]:
            headers["x-amz-lex-request-attributes"] = encode_header(result["requestAttributes"])
        return 200, b"", headers

    def _get_session(self, request: _Request) -> tuple[int, Any, dict[str, str]]:
        return 200, self.server.engine.get_session(*request.target), {}

    def _delete_session(self, request: _Request) -> tuple[int, Any, dict[str, str]]:
        return 200, self.server.engine.delete_session(*request.target), {}

    def _start_conversation(self, request: _Request) -> tuple[int, Any, dict[str, str]]:
        raise Validation(
            "StartConversation (a bidirectional HTTP/2 event stream) is not served by the local Lex V2 runtime; "
            "use RecognizeText or RecognizeUtterance"
        )

    # ---- the answer --------------------------------------------------------------------------------

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        if self.command == "HEAD":
            data = b""
        try:
            self.send_response(status)
            if "Content-Type" not in headers:
                self.send_header("Content-Type", "application/json")
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.send_header("Content-Length", str(len(data)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client went away: nobody to answer
            self.close_connection = True


def _operation(method: str, action: str | None) -> str | None:
    return {
        ("POST", "text"): "RecognizeText",
        ("POST", "utterance"): "RecognizeUtterance",
        ("POST", "conversation"): "StartConversation",
        ("POST", None): "PutSession",
        ("GET", None): "GetSession",
        ("DELETE", None): "DeleteSession",
    }.get((method, action))


class LexHTTPServer(BackgroundHTTPServer):
    thread_name = "local-lex"

    def __init__(self, engine: DialogEngine, host: str = "127.0.0.1", port: int = 0) -> None:
        check_port_free(host, port)
        super().__init__((host, port), _Handler)
        self.engine = engine

    @property
    def url(self) -> str:
        return self.origin
