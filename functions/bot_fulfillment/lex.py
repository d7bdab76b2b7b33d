"""Typed models of the Lex V2 code-hook event and response (messageVersion 1.0), and response builders.

Powertools has no Lex V2 event class. Unknown fields are kept (`extra="allow"`): AWS documents that the
input format may grow without a new messageVersion.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

DialogActionType = Literal["Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot"]
IntentState = Literal["Failed", "Fulfilled", "InProgress", "ReadyForFulfillment", "Waiting", "FulfillmentInProgress"]
ConfirmationState = Literal["Confirmed", "Denied", "None"]


class _LexModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    def dump(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class SlotValue(_LexModel):
    original_value: str | None = None
    interpreted_value: str | None = None
    resolved_values: list[str] = []


class Slot(_LexModel):
    shape: str | None = None
    value: SlotValue | None = None
    values: list[Slot] | None = None

    @classmethod
    def of(cls, value: str) -> Slot:
        return cls(
            shape="Scalar", value=SlotValue(original_value=value, interpreted_value=value, resolved_values=[value])
        )


class Intent(_LexModel):
    name: str
    slots: dict[str, Slot | None] = {}
    state: IntentState | None = None
    confirmation_state: ConfirmationState | None = None

    def value(self, slot: str) -> str | None:
        """The slot's interpreted value (what the resolution strategy chose), else what the user said."""
        filled = self.slots.get(slot)
        if filled is None or filled.value is None:
            return None
        raw = filled.value.interpreted_value or filled.value.original_value
        return raw.strip() if raw and raw.strip() else None

    def with_slot(self, slot: str, value: str) -> Intent:
        """A copy with `slot` set to `value` (as Lex fills a scalar slot)."""
        return self.model_copy(update={"slots": {**self.slots, slot: Slot.of(value)}})

    def dump(self) -> dict[str, Any]:
        # Unfilled slots are explicit nulls, as Lex sends them.
        data = self.model_dump(by_alias=True, exclude_none=True)
        data["slots"] = {k: (v.dump() if v is not None else None) for k, v in self.slots.items()}
        return data


class DialogAction(_LexModel):
    type: DialogActionType | Literal["None"]
    slot_to_elicit: str | None = None
    slot_elicitation_style: str | None = None


class SessionState(_LexModel):
    dialog_action: DialogAction | None = None
    intent: Intent | None = None
    session_attributes: dict[str, str] = {}
    active_contexts: list[dict[str, Any]] | None = None
    originating_request_id: str | None = None
    runtime_hints: dict[str, Any] | None = None

    def dump(self) -> dict[str, Any]:
        data = self.model_dump(by_alias=True, exclude_none=True, exclude={"intent"})
        if self.intent is not None:
            data["intent"] = self.intent.dump()
        return data


class Bot(_LexModel):
    id: str
    name: str
    locale_id: str
    version: str
    alias_id: str
    alias_name: str | None = None


class Interpretation(_LexModel):
    intent: Intent
    # A bare number in the code-hook event (an object {score} only in RecognizeText responses).
    nlu_confidence: float | None = None
    interpretation_source: str | None = None


class Prompt(_LexModel):
    attempt: str | None = None


class ProposedNextState(_LexModel):
    dialog_action: DialogAction | None = None
    intent: Intent | None = None
    prompt: Prompt | None = None


class LexEvent(_LexModel):
    message_version: Literal["1.0"]
    invocation_source: Literal["DialogCodeHook", "FulfillmentCodeHook"]
    input_mode: str = "Text"
    response_content_type: str | None = None
    session_id: str
    input_transcript: str = ""
    invocation_label: str | None = None
    bot: Bot
    interpretations: list[Interpretation] = []
    proposed_next_state: ProposedNextState | None = None
    request_attributes: dict[str, str] | None = None
    session_state: SessionState
    transcriptions: list[dict[str, Any]] | None = None

    @property
    def intent(self) -> Intent:
        if self.session_state.intent is None:
            raise ValueError("the event has no sessionState.intent")
        return self.session_state.intent


class Message(_LexModel):
    content_type: Literal["PlainText", "SSML", "CustomPayload", "ImageResponseCard"] = "PlainText"
    content: str | None = Field(default=None, min_length=1, max_length=1024)
    image_response_card: dict[str, Any] | None = None


class LexResponse(_LexModel):
    session_state: SessionState
    messages: list[Message] | None = None
    request_attributes: dict[str, str] | None = None

    def dump(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sessionState": self.session_state.dump()}
        if self.messages:
            data["messages"] = [m.dump() for m in self.messages]
        if self.request_attributes is not None:
            data["requestAttributes"] = self.request_attributes
        return data


def _messages(*texts: str) -> list[Message] | None:
    return [Message(content=t[:1024]) for t in texts if t] or None


def _state(event: LexEvent, intent: Intent, action: DialogAction) -> SessionState:
    return SessionState(
        dialog_action=action,
        intent=intent,
        session_attributes=event.session_state.session_attributes,
        active_contexts=event.session_state.active_contexts,
    )


def close(event: LexEvent, state: Literal["Fulfilled", "Failed"], *messages: str) -> LexResponse:
    intent = event.intent.model_copy(update={"state": state})
    return LexResponse(session_state=_state(event, intent, DialogAction(type="Close")), messages=_messages(*messages))


def elicit_slot(event: LexEvent, slot: str, message: str, *, clear: bool = True) -> LexResponse:
    slots = dict(event.intent.slots)
    if clear:
        slots[slot] = None
    # A slot asked for again needs a new confirmation: a "yes" to "2 x Dracula?" is no "yes" to what the answer
    # becomes ("18 x Dracula" after the stock changed), so the confirmation given so far is dropped.
    intent = event.intent.model_copy(update={"slots": slots, "state": "InProgress", "confirmation_state": "None"})
    action = DialogAction(type="ElicitSlot", slot_to_elicit=slot)
    return LexResponse(session_state=_state(event, intent, action), messages=_messages(message))


def delegate(event: LexEvent, intent: Intent | None = None) -> LexResponse:
    current = intent or event.intent
    return LexResponse(session_state=_state(event, current, DialogAction(type="Delegate")))


def elicit_intent(event: LexEvent, message: str) -> LexResponse:
    intent = event.intent.model_copy(update={"state": "Fulfilled"})
    return LexResponse(
        session_state=_state(event, intent, DialogAction(type="ElicitIntent")), messages=_messages(message)
    )


def confirm_intent(event: LexEvent, message: str, intent: Intent | None = None) -> LexResponse:
    current = (intent or event.intent).model_copy(update={"state": "InProgress", "confirmation_state": "None"})
    return LexResponse(
        session_state=_state(event, current, DialogAction(type="ConfirmIntent")), messages=_messages(message)
    )
