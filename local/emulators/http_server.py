"""What the local servers (Lex runtime, API Gateway emulator, web front end) share: serving on a background
thread, their origin, and a stop that waits for that thread."""

from __future__ import annotations

import errno
import socket
import threading
from http.server import ThreadingHTTPServer
from typing import Any, Self


class PortInUseError(OSError):
    pass


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


class BackgroundHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    thread_name = "local-http"
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
