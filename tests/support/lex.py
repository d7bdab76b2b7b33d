"""Build Lex V2 code-hook events the way Lex sends them (messageVersion 1.0), for tests and events/."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import load_bot_model

MODEL = load_bot_model()


def slot_value(value: str, interpreted: str | None = None) -> dict[str, Any]:
    interpreted = value if interpreted is None else interpreted
    return {
        "shape": "Scalar",
        "value": {"originalValue": value, "interpretedValue": interpreted, "resolvedValues": [interpreted]},
    }


def lex_event(
    intent: str,
    slots: Mapping[str, str | None] | None = None,
    *,
    invocation: str = "DialogCodeHook",
    confirmation: str = "None",
    username: str | None = "alice",
    groups: str | None = "staff",
    session_attributes: dict[str, str] | None = None,
    transcript: str = "",
    next_slot: str | None = None,
) -> dict[str, Any]:
    """An event for `intent` with every model slot present (unfilled ones as null, as Lex sends them)."""
    model_slots = [s.name for s in MODEL.intent(intent).slots]
    given = slots or {}
    unknown = set(given) - set(model_slots)
    assert not unknown, f"{intent} has no slots {unknown}"
    rendered = {name: (slot_value(v) if (v := given.get(name)) is not None else None) for name in model_slots}
    state = "ReadyForFulfillment" if invocation == "FulfillmentCodeHook" else "InProgress"
    intent_obj = {"name": intent, "slots": rendered, "state": state, "confirmationState": confirmation}
    request_attributes: dict[str, str] = {}
    if username is not None:
        request_attributes["bookstore:username"] = username
    if groups is not None:
        request_attributes["bookstore:groups"] = groups
    event: dict[str, Any] = {
        "messageVersion": "1.0",
        "invocationSource": invocation,
        "inputMode": "Text",
        "responseContentType": "text/plain; charset=utf-8",
        "sessionId": "session-0001",
        "inputTranscript": transcript,
        "bot": {
            "id": "BOOKSTORE1",
            "name": "BookstoreBot-dev",
            "localeId": "en_US",
            "version": "DRAFT",
            "aliasId": "TSTALIASID",
            "aliasName": "TestBotAlias",
        },
        "interpretations": [
            {"interpretationSource": "Lex", "nluConfidence": 0.92, "intent": intent_obj},
            {
                "interpretationSource": "Lex",
                "intent": {"name": "FallbackIntent", "slots": {}, "state": state, "confirmationState": "None"},
            },
        ],
        "requestAttributes": request_attributes,
        "sessionState": {
            "activeContexts": [],
            "sessionAttributes": session_attributes or {},
            "intent": intent_obj,
            "originatingRequestId": "2f0d6a7e-1c1b-4e43-9f0e-3b8f9d0a6c11",
        },
    }
    if invocation == "DialogCodeHook":
        action: dict[str, Any] = (
            {"type": "ElicitSlot", "slotToElicit": next_slot} if next_slot else {"type": "Delegate"}
        )
        event["proposedNextState"] = {"dialogAction": action, "intent": intent_obj, "prompt": {"attempt": "Initial"}}
    return event
