"""POST/DELETE /chat when Lex does not answer: one attempt only (a turn is never replayed), then a 502.

The failures are raised where the HTTP request would be sent (botocore's `before-send` event), so botocore's
own retry logic sees them exactly as it sees a real timeout or refused connection.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from bookstore import aws
from bookstore.observability import logger
from tests.support.api import chat_module
from tests.support.apigw import call

ENDPOINT = "https://runtime-v2-lex.us-east-1.amazonaws.com"
FAILURES: list[Callable[[], Exception]] = [
    lambda: ReadTimeoutError(endpoint_url=ENDPOINT),
    lambda: ConnectTimeoutError(endpoint_url=ENDPOINT),
    lambda: EndpointConnectionError(endpoint_url=ENDPOINT),
    lambda: ConnectionClosedError(endpoint_url=ENDPOINT),
]
UNAVAILABLE = {"error": "AssistantUnavailable", "message": "The assistant is unavailable right now; please try again."}


@pytest.fixture
def chat() -> ModuleType:
    return chat_module()


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """What the function logs, read from the Powertools logger's own handler."""
    buffer = io.StringIO()
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def fail_every_send(client: Any, operation: str, error: Callable[[], Exception]) -> list[str]:
    """Make every HTTP attempt of `operation` fail with `error`; returns the list of attempts made."""
    attempts: list[str] = []

    def _send(**_: Any) -> None:
        attempts.append(operation)
        raise error()

    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(f"before-send.{service}.{operation}", _send)
    return attempts


@pytest.mark.parametrize("error", FAILURES, ids=lambda f: type(f()).__name__)
def test_lex_not_answering_is_one_attempt_then_502(chat, logs, error) -> None:
    attempts = fail_every_send(chat.lex(), "RecognizeText", error)
    status, body = call(chat, "POST", "/chat", user="carol", body={"text": "where is my order"})
    assert attempts == ["RecognizeText"]  # no retry: the turn may have reached the bot
    assert (status, body) == (502, UNAVAILABLE)
    [line] = [json.loads(line) for line in logs.getvalue().splitlines() if "The bot did not answer" in line]
    assert line["level"] == "ERROR"
    assert line["lex_error"] == type(error()).__name__


def test_reset_when_lex_does_not_answer_is_502(chat) -> None:
    attempts = fail_every_send(chat.lex(), "DeleteSession", FAILURES[0])
    status, body = call(chat, "DELETE", "/chat", user="carol")
    assert attempts == ["DeleteSession"]
    assert (status, body) == (502, UNAVAILABLE)


def test_a_default_client_would_have_retried_the_turn() -> None:
    # Control for the tests above: the same failure on a client with the default configuration is retried,
    # so "one attempt" there is the Lex configuration at work, not the way failures are injected.
    client = aws.client("lexv2-runtime")
    attempts = fail_every_send(client, "RecognizeText", FAILURES[0])
    with pytest.raises(ReadTimeoutError):
        client.recognize_text(
            botId="BOOKSTORE1", botAliasId="TSTALIASID", localeId="en_US", sessionId="user-carol", text="hi"
        )
    assert len(attempts) == aws.attempts(aws.DEFAULT_CONFIG) > 1
