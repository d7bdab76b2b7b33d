from __future__ import annotations

import aws_xray_sdk.core  # noqa: F401
import pytest
from pytest_socket import disable_socket, enable_socket

# Importing any handler imports Powertools' Tracer, which imports the X-Ray SDK; the SDK creates its UDP
# emitter socket object at import (it sends nothing while tracing is disabled). Import it once, before
# sockets are blocked, so unit tests can import handler modules and still make no connection.


@pytest.fixture(autouse=True)
def _no_network():
    """Unit tests touch no network at all, not even loopback."""
    disable_socket()
    yield
    enable_socket()
