"""Correlation ids in the logs and trace annotations: the API request id and the Lex session id."""

from __future__ import annotations

import importlib
import io
import json
import logging
from typing import Any

import pytest

from bookstore.observability import logger, tracer
from local.emulators.context import LocalLambdaContext
from tests.support.apigw import api_event
from tests.support.aws import load_event


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    recorded: dict[str, Any] = {}
    monkeypatch.setattr(tracer, "put_annotation", lambda key, value: recorded.__setitem__(key, value))
    return recorded


def _probe() -> dict[str, Any]:
    """One log line as the function would write it now, read from the logger's own handler."""
    buffer = io.StringIO()
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(buffer)
    try:
        logger.info("probe")
    finally:
        handler.setStream(previous)
    line: dict[str, Any] = json.loads(buffer.getvalue().splitlines()[-1])
    return line


def test_api_logs_carry_the_request_id_and_traces_the_route_status_and_outcome(api_handler, traced) -> None:
    event = api_event("GET", "/books/no-such-book")
    event["requestContext"]["requestId"] = "req-1234"
    event["resource"] = "/books/{book_id}"
    response = api_handler.lambda_handler(event, LocalLambdaContext("api"))
    assert response["statusCode"] == 404
    assert traced == {"route": "GET /books/{book_id}", "status": "404", "outcome": "BookNotFound"}
    # Every log line of the invocation carries it (Powertools keeps it in the logger's state until the next one).
    assert logger.get_correlation_id() == "req-1234"
    assert _probe()["correlation_id"] == "req-1234"


def test_a_signed_out_call_is_traced_as_unauthenticated(api_handler, traced) -> None:
    event = api_event("GET", "/orders")
    event["resource"] = "/orders"
    assert api_handler.lambda_handler(event, LocalLambdaContext("api"))["statusCode"] == 401
    assert traced["outcome"] == "Unauthenticated"
    assert traced["status"] == "401"


def test_bot_logs_carry_the_lex_session_id_and_traces_the_intent_and_outcome(function_env, traced) -> None:
    hook = importlib.reload(importlib.import_module("bot_fulfillment.handler"))
    hook.services.cache_clear()
    event = load_event("bot/fallback.json")
    hook.lambda_handler(event, LocalLambdaContext("bot"))
    assert traced["intent"] == "FallbackIntent"
    assert traced["outcome"] == "ElicitIntent"
    assert logger.get_correlation_id() == event["sessionId"]
    assert _probe()["correlation_id"] == event["sessionId"]
