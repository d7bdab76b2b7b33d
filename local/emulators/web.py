"""Serves frontend_stub/ as CloudFront does for the deployed stage: the same files, the same security
headers (the Content-Security-Policy names the local endpoints instead of *.amazonaws.com), and a
config.json generated for the local stack instead of the one the API stack writes; and, like the distribution's
further behaviours with an S3 origin (the covers' `/books/*`), the objects of a bucket under a path prefix, read
by a callable the local world gives (`serve_objects`)."""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from local.emulators.http_server import BackgroundHTTPServer, ServiceRequestHandler
from stacks.site_policy import CONFIG_FILE, PERMISSIONS_POLICY, SITE_DIR, content_security_policy

log = logging.getLogger("local.emulators.web")

ObjectReader = Callable[[str], tuple[bytes, str] | None]
"""An object's key -> its body and Content-Type, or None when the bucket has no such key."""
PageMaker = Callable[[], tuple[bytes, str]]
"""A page made on each request: its body and Content-Type."""


def local_security_headers(connect: list[str]) -> dict[str, str]:
    """The FrontendStack's headers policy, with the local API, Cognito and S3 endpoints allowed."""
    sources = sorted(set(connect))
    # The local endpoints (moto serves Cognito and S3 on one origin) for both; plain HTTP, so no upgrade.
    policy = content_security_policy(connect=sources, images=sources, https_only=False)
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }


NOT_ALLOWED = (
    "This distribution is not configured to allow the HTTP request method that was used for this request. "
    "The distribution supports only cachable requests."
)  # CloudFront's 403 for a method outside the behaviour's AllowedMethods (GET and HEAD here)


class _Handler(ServiceRequestHandler):
    """GET and HEAD, as the distribution's ALLOW_GET_HEAD behaviours; any other method is CloudFront's 403, and
    a request that cannot be parsed a short plain-text error."""

    server: WebServer
    server_version = "LocalSite/1.0"
    max_body_bytes = 1024 * 1024

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def serve(self, body: bytes) -> None:
        if self.command not in ("GET", "HEAD"):
            self.answer_error(HTTPStatus.FORBIDDEN, NOT_ALLOWED)
            return
        path = unquote(urlsplit(self.path).path)
        self._send(*self.server.resolve(path))

    def answer_error(self, status: int, message: str) -> None:
        self._send(status, f"{status} {HTTPStatus(status).phrase}: {message}\n".encode(), "text/plain; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for key, value in self.server.headers.items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class WebServer(BackgroundHTTPServer):
    thread_name = "local-web"

    def __init__(self, host: str, port: int, *, root: Path = SITE_DIR) -> None:
        super().__init__((host, port), _Handler)
        self.root = root.resolve()
        self.config: dict[str, Any] = {}
        self.headers: dict[str, str] = {}
        self.behaviours: list[tuple[str, ObjectReader]] = []  # (path prefix, its origin), first match wins
        self.pages: dict[str, PageMaker] = {}  # local-only pages (the outbox), never deployed

    @property
    def url(self) -> str:
        return f"{self.origin}/"

    def configure(self, config: dict[str, Any], connect: list[str]) -> None:
        self.config = config
        self.headers = local_security_headers(connect)

    def serve_objects(self, path_prefix: str, read: ObjectReader) -> None:
        """Answer the paths under `path_prefix` (`/books/`) with the objects `read` finds at the same key
        (`books/...`), as a CloudFront behaviour whose origin is a bucket: the key is the path without its `/`."""
        if not path_prefix.startswith("/") or not path_prefix.endswith("/"):
            raise ValueError(f"a path prefix starts and ends with '/': {path_prefix!r}")
        self.behaviours.append((path_prefix, read))

    def serve_page(self, path: str, make: PageMaker) -> None:
        """Answer `path` with what `make` returns at each request (a local tool's page, e.g. /_outbox)."""
        self.pages[path] = make

    def resolve(self, path: str) -> tuple[int, bytes, str]:
        if path == f"/{CONFIG_FILE}":
            return 200, json.dumps(self.config, indent=2).encode(), "application/json"
        if path in self.pages:
            return (200, *self.pages[path]())
        for prefix, read in self.behaviours:
            if path.startswith(prefix):
                found = read(path.removeprefix("/"))
                # A missing key: CloudFront's OAC gets 403 from S3, which the distribution answers as 404.html.
                return (200, *found) if found is not None else self._not_found()
        if path.endswith("/"):
            path += "index.html"
        try:
            file = (self.root / path.lstrip("/")).resolve()
            if self.root not in file.parents or not file.is_file():
                return self._not_found()
        except (OSError, ValueError):  # a NUL byte, a name too long: no such object
            return self._not_found()
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        return 200, file.read_bytes(), content_type

    def _not_found(self) -> tuple[int, bytes, str]:
        page = self.root / "404.html"
        return 404, page.read_bytes() if page.is_file() else b"Not found", "text/html; charset=utf-8"
