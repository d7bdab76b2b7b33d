from __future__ import annotations

import pytest
from pytest_socket import disable_socket, enable_socket


@pytest.fixture(autouse=True)
def _no_network():
    """Unit tests touch no network at all, not even loopback."""
    disable_socket()
    yield
    enable_socket()
