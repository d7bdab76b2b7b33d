"""A code hook that raises or answers nonsense is a DependencyFailedException, and the runtime keeps serving. The
runtime serves the bot of the dev stage's synthesized Bot template, each alias calling `hook`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local.emulators.lex.engine import DialogEngine
from local.emulators.lex.server import LexHTTPServer
from local.emulators.lex.template import bots_in
from tests.conversations.conftest import lex_client

BEHAVIOUR: dict[str, Any] = {}


def hook(event: dict[str, Any]) -> Any:  # Any: some modes answer with what Lex would reject
    mode = BEHAVIOUR.get("mode", "close")
    if mode == "raise":
        raise KeyError("boom")
    if mode == "not-a-dict":
        return ["nope"]
    if mode == "no-session-state":
        return {"messages": []}
    if mode == "bad-action":
        return {"sessionState": {"dialogAction": {"type": "Teleport"}, "intent": event["sessionState"]["intent"]}}
    if mode == "elicit-unknown-slot":
        return {
            "sessionState": {
                "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Shoe"},
                "intent": event["sessionState"]["intent"],
            }
        }
    if mode == "elicit-intent-without-message":
        return {"sessionState": {"dialogAction": {"type": "ElicitIntent"}, "intent": event["sessionState"]["intent"]}}
    intent = {**event["sessionState"]["intent"], "state": "Fulfilled"}
    return {
        "sessionState": {"dialogAction": {"type": "Close"}, "intent": intent},
        "messages": [{"contentType": "PlainText", "content": "fine"}],
    }


@pytest.fixture(scope="module")
def lex(dev) -> Iterator[Any]:
    [bot] = bots_in(dev.templates)
    server = LexHTTPServer(DialogEngine.with_hook(bot, hook), port=0).start()
    yield lex_client(server.url)
    server.stop()


@pytest.mark.parametrize(
    ("mode", "fragment"),
    [
        ("raise", "Lambda function threw an exception during FulfillmentCodeHook: KeyError"),
        ("not-a-dict", "expected a JSON object, got list"),
        ("no-session-state", "sessionState is required"),
        ("bad-action", "sessionState.dialogAction.type"),
        ("elicit-unknown-slot", "ElicitSlot needs slotToElicit naming a slot of Help"),
        ("elicit-intent-without-message", "messages are required when dialogAction.type is ElicitIntent"),
    ],
)
def test_broken_code_hook_is_dependency_failed(lex, mode, fragment) -> None:
    BEHAVIOUR["mode"] = mode
    with pytest.raises(ClientError) as failure:
        lex.recognize_text(
            botId="BOOKSTORE1", botAliasId="TSTALIASID", localeId="en_US", sessionId="s-hook", text="help"
        )
    error = failure.value.response
    assert error["Error"]["Code"] == "DependencyFailedException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert fragment in error["Error"]["Message"]
    # The runtime keeps serving, and the failed turn left the session as it was.
    BEHAVIOUR["mode"] = "close"
    ok = lex.recognize_text(
        botId="BOOKSTORE1", botAliasId="TSTALIASID", localeId="en_US", sessionId="s-hook", text="help"
    )
    assert ok["messages"][0]["content"] == "fine"
