from __future__ import annotations

from typing import Any

import aws_xray_sdk.core  # noqa: F401
import pytest
from pytest_socket import disable_socket, enable_socket

from local.emulators.lex.model import BotLocale
from local.emulators.lex.template import TemplateBot, bots_in

# Importing any handler imports Powertools' Tracer, which imports the X-Ray SDK; the SDK creates its UDP
# emitter socket object at import (it sends nothing while tracing is disabled). Import it once, before
# sockets are blocked, so unit tests can import handler modules and still make no connection.


@pytest.fixture(autouse=True)
def _no_network():
    """Unit tests touch no network at all, not even loopback."""
    disable_socket()
    yield
    enable_socket()


# The bot the local runtime serves: the dev Bot template's AWS::Lex::Bot (frozen: shared by every test).
@pytest.fixture(scope="session")
def templates(dev) -> dict[str, Any]:
    return dict(dev.templates)


@pytest.fixture(scope="session")
def bot(templates: dict[str, Any]) -> TemplateBot:
    [bot] = bots_in(templates)
    return bot


@pytest.fixture(scope="session")
def locale(bot: TemplateBot) -> BotLocale:
    """The en_US locale the local runtime serves from the dev Bot template."""
    return bot.locales["en_US"]


class Clock:
    """The engine's clock, moved by hand (session TTLs, context lifetimes)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test runs on in-memory fakes only: creating any boto3/botocore client fails it, and so does a socket
    (blocked by _no_network; checked here so a change there cannot silently let these tests reach the network)."""
    import socket
    import warnings

    import botocore.session

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a unit test on fakes created an AWS client")

    monkeypatch.setattr(botocore.session.Session, "create_client", refuse)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pytest_socket warns about every blocked attempt, this one included
        try:
            socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
        except Exception:  # pytest_socket's SocketBlockedError
            return
    raise AssertionError("sockets are not blocked in this unit test")
