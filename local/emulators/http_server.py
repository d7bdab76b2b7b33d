"""What the local servers (Lex runtime, API Gateway emulator, web front end) share: serving on a background
thread, their origin, a stop that waits for that thread, and the HTTP/1.1 robustness of the services they stand
in for (ServiceRequestHandler): a backlog for many connections at once, a read timeout per connection, one entry
point for every method, bodies read by Content-Length or chunks within a limit, and every malformed request
answered in the service's own error shape (never the standard library's HTML page, never a dropped connection)."""

from __future__ import annotations

import errno
import logging
import re
import socket
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

log = logging.getLogger("local.emulators.http")

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110's method token
_DIGITS = re.compile(r"^[0-9]+$")
MAX_REQUEST_LINE = 65536


class PortInUseError(OSError):
    pass


class RequestError(Exception):
    """A request the server refuses before any route sees it (its status and a short message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def check_port_free(host: str, port: int) -> None:
    """Fail before anything slow starts when a requested port has a listener (0 picks a free one later)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the servers themselves bind: a port whose last connections linger in TIME_WAIT (a restart a
        # moment ago) is free; one with a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            raise _bind_error(err, host, port) from err


def _bind_error(err: OSError, host: str, port: int) -> OSError:
    if err.errno == errno.EADDRINUSE:
        return PortInUseError(f"port {port} on {host} is already in use; pick another with --port")
    return OSError(f"cannot listen on {host}:{port}: {err.strerror or err}")


class ServiceRequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 as a managed service's front door speaks it. A subclass implements `serve(body)` for every
    method (an unknown one is the service's "no such route", not a 501) and `answer_error(status, message)` in
    the service's error shape; everything http.server would answer itself comes through `answer_error` too."""

    protocol_version = "HTTP/1.1"
    timeout = 10.0  # seconds a connection may stay silent, mid-request or between requests, before it ends
    max_header_bytes = 64 * 1024  # the request line and every header, together
    max_body_bytes = 10 * 1024 * 1024
    _answered = False
    _drain = False

    def serve(self, body: bytes) -> None:
        raise NotImplementedError

    def answer_error(self, status: int, message: str) -> None:
        raise NotImplementedError

    # -- one request -----------------------------------------------------------------------------------
    def handle_one_request(self) -> None:
        self._answered = False
        self.command, self.path, self.request_version = "", "", "HTTP/1.1"
        started = False
        try:
            line = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if line in (b"\r\n", b"\n"):  # RFC 9112 2.2: ignore an empty line before the request line
                line = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if not line:  # the client closed an idle connection
                self.close_connection = True
                return
            started = True
            self.raw_requestline = line
            if len(line) > MAX_REQUEST_LINE:
                self.requestline = ""
                raise RequestError(HTTPStatus.REQUEST_URI_TOO_LONG, "The request line is too long")
            if not self.parse_request():
                return  # answered by send_error
            self.serve(self.read_body())
            self.wfile.flush()
        except RequestError as err:
            self._refuse(err.status, err.message)
        except TimeoutError:  # silent mid-request: answered 408 if anything came; an idle connection just ends
            if started:
                self._refuse(HTTPStatus.REQUEST_TIMEOUT, "The request was not received in time")
            self.close_connection = True
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True
        except Exception as err:  # a bug here: reported, answered 500 in the service's shape, still serving
            log.error("Unexpected error on %s %s: %s\n%s", self.command, self.path, err, traceback.format_exc())
            self._refuse(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal server error")

    def parse_request(self) -> bool:
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if len(words) != 3:  # HTTP/0.9 ("GET /") or garbage: no status line is owed, one is sent anyway
            raise RequestError(HTTPStatus.BAD_REQUEST, "Malformed request line")
        if not _TOKEN.match(words[0]):
            raise RequestError(HTTPStatus.BAD_REQUEST, "Malformed method in the request line")
        if not super().parse_request():
            return False
        size = len(self.requestline) + sum(len(k) + len(v) + 4 for k, v in self.headers.items())
        if size > self.max_header_bytes:
            raise RequestError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request header fields too large")
        return True

    def read_body(self) -> bytes:
        """The body by Content-Length or chunked transfer coding, at most `max_body_bytes`; a body that ends
        early or a framing that cannot be trusted (both headers, a non-numeric or negative length) is refused."""
        lengths = self.headers.get_all("Content-Length") or []
        encodings = [e.strip().lower() for v in self.headers.get_all("Transfer-Encoding") or [] for e in v.split(",")]
        if encodings and lengths:
            raise RequestError(HTTPStatus.BAD_REQUEST, "Both Content-Length and Transfer-Encoding are set")
        if encodings:
            if encodings != ["chunked"]:
                raise RequestError(HTTPStatus.BAD_REQUEST, "Unsupported Transfer-Encoding")
            return self._read_chunked()
        values = {v.strip() for v in lengths}
        if len(values) > 1 or not all(_DIGITS.match(v) for v in values):
            raise RequestError(HTTPStatus.BAD_REQUEST, "Invalid Content-Length header")
        length = int(values.pop()) if values else 0
        if length > self.max_body_bytes:
            raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Too Long")
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise RequestError(HTTPStatus.BAD_REQUEST, "The request body is shorter than its Content-Length")
        return body

    def _read_chunked(self) -> bytes:
        data = bytearray()
        while True:
            size_line = self.rfile.readline(1024)
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError as err:
                raise RequestError(HTTPStatus.BAD_REQUEST, "Invalid chunked request body") from err
            if size < 0:
                raise RequestError(HTTPStatus.BAD_REQUEST, "Invalid chunked request body")
            if size == 0:
                while (trailer := self.rfile.readline(8192)) not in (b"\r\n", b"\n"):
                    if not trailer:
                        raise RequestError(HTTPStatus.BAD_REQUEST, "Invalid chunked request body")
                return bytes(data)
            if len(data) + size > self.max_body_bytes:
                raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Too Long")
            chunk = self.rfile.read(size)
            if len(chunk) < size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise RequestError(HTTPStatus.BAD_REQUEST, "Invalid chunked request body")
            data += chunk

    # -- answers -----------------------------------------------------------------------------------------
    def send_response(self, code: int, message: str | None = None) -> None:
        self._answered = True
        super().send_response(code, message)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What http.server itself refuses (a bad version, a header line too long), in the service's shape."""
        self._refuse(code, message or HTTPStatus(code).phrase)

    def _refuse(self, status: int, message: str) -> None:
        """An answer to a request that cannot go on: the connection ends after it, once the unread rest of the
        request has been drained (closing on unread bytes resets the connection, losing the answer)."""
        self.close_connection = True
        self._drain = True
        if self._answered:
            return  # too late for another status line: the connection just ends
        if self.request_version not in ("HTTP/1.0", "HTTP/1.1"):
            self.request_version = "HTTP/1.1"  # a status line and headers even for HTTP/0.9 or garbage
        if not hasattr(self, "requestline"):
            self.requestline = ""
        try:
            self.answer_error(status, message)
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            pass

    def finish(self) -> None:
        super().finish()
        if self._drain:
            try:
                self.connection.shutdown(socket.SHUT_WR)
                deadline = time.monotonic() + 1.0
                while (left := deadline - time.monotonic()) > 0:  # at most a second
                    self.connection.settimeout(left)
                    if not self.connection.recv(65536):
                        break
            except OSError:
                pass

    def log_error(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)


class BackgroundHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    thread_name = "local-http"
    request_queue_size = 128  # the listen backlog: many connections at once wait instead of being refused
    _thread: threading.Thread | None = None

    def __init__(self, address: tuple[str, int], handler: Any) -> None:
        try:
            super().__init__(address, handler)
        except OSError as err:  # taken between the check and the bind (two commands started together)
            raise _bind_error(err, *address) from err

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that failed outside a request (reset while set up): one log line, no traceback on stderr."""
        log.info("connection from %s failed: %s", client_address, traceback.format_exc(limit=1).strip())

    def start(self) -> Self:
        # A short poll: stop() waits for the loop to notice (the default 0.5 s made every stop half a second).
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name=self.thread_name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port; a server that never started only frees its port (shutdown() would wait
        for a serve_forever loop that never ran)."""
        if self._thread is not None:
            self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
