"""The code hook of an alias, as Lex calls it: which Lambda function a turn calls (none when the alias's template
names none for the locale), the exact Lex V2 event it gets, and its response, validated as Lex validates it."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from bot_fulfillment.lex import LexEvent, LexResponse
from local.emulators.lex import session_state as client_state
from local.emulators.lex.errors import DependencyFailed, Validation
from local.emulators.lex.model import BotLocale
from local.emulators.lex.session import Session

# A code hook: the Lex V2 event in, the function's response out (validated as Lex validates it).
CodeHook = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class HookTarget:
    """What a turn runs on, as the code hook's event names it (the bot, the alias and its version, the locale),
    with the LambdaArn the alias's template names for the locale (None: no code hook) and the callable the caller
    gave the engine for the alias (None: none given)."""

    bot_id: str
    bot_name: str
    alias_id: str
    alias_name: str
    version: str
    locale: BotLocale
    arn: Any
    hook: CodeHook | None

    def code_hook(self) -> CodeHook | None:
        """The code hook of this alias for this locale. None when its template names no Lambda function for the
        locale: Lex then skips the hooks (the intent is fulfilled without them). A function the template names
        but the caller gave the engine no callable for fails the turn, as a hook Lex cannot invoke does."""
        if self.arn is None:
            return None
        if self.hook is None:
            raise DependencyFailed(
                f"Invalid Bot Configuration: alias {self.alias_id} ({self.alias_name}) names the code hook "
                f"{self.arn!r} for locale {self.locale.locale_id}, and the local runtime was given no code hook "
                f"for {self.alias_id}"
            )
        return self.hook


def hook_event(
    target: HookTarget,
    session: Session,
    source: str,
    *,
    text: str,
    request_attributes: Mapping[str, str],
    interpretations: Sequence[Mapping[str, Any]],
    proposed: dict[str, Any] | None,
    attempt: str,
) -> dict[str, Any]:
    """The Lex V2 event of a code-hook call: `source` DialogCodeHook (with the `proposed` next step) or
    FulfillmentCodeHook."""
    assert session.intent is not None
    intent = copy.deepcopy(session.intent)
    if source == "FulfillmentCodeHook":
        intent["state"] = "ReadyForFulfillment"
    given = []
    for item in interpretations:
        entry: dict[str, Any] = {"intent": item["intent"], "interpretationSource": "Lex"}
        if "nluConfidence" in item:
            entry["nluConfidence"] = item["nluConfidence"]["score"]  # a bare number in the hook event
        given.append(entry)
    if not given:
        given = [{"intent": intent, "interpretationSource": "Lex"}]
    event: dict[str, Any] = {
        "messageVersion": "1.0",
        "invocationSource": source,
        "inputMode": "Text",
        "responseContentType": "text/plain; charset=utf-8",
        "sessionId": session.session_id,
        "inputTranscript": text,
        "bot": {
            "id": target.bot_id,
            "name": target.bot_name,
            "localeId": target.locale.locale_id,
            "version": target.version,
            "aliasId": target.alias_id,
            "aliasName": target.alias_name,
        },
        "interpretations": given,
        "requestAttributes": dict(request_attributes),
        "sessionState": {
            "activeContexts": list(session.active_contexts),
            "sessionAttributes": dict(session.session_attributes),
            "intent": intent,
            "originatingRequestId": session.originating_request_id,
        },
    }
    if proposed is not None:
        event["proposedNextState"] = {"dialogAction": proposed, "intent": intent, "prompt": {"attempt": attempt}}
    return event


def call_hook(hook: CodeHook, event: dict[str, Any], locale: BotLocale) -> LexResponse:
    """Call the hook with `event`; its response, validated, or DependencyFailedException."""
    source = event["invocationSource"]
    LexEvent.model_validate(event)  # the emulator must send what Lex sends
    try:
        raw = hook(event)
    except Exception as err:  # the hook's own failure, reported as Lex reports it
        raise DependencyFailed(
            f"Lambda function threw an exception during {source}: {type(err).__name__}: {err}"
        ) from err
    return validated(raw, locale)


def _invalid(reason: str) -> DependencyFailed:
    return DependencyFailed(f"Invalid Lambda Response: Received invalid response from Lambda: {reason}")


def validated(raw: Any, locale: BotLocale) -> LexResponse:
    """The hook's response `raw` as a LexResponse, or the DependencyFailedException Lex answers a response it
    cannot use with: its shape, its intent and dialog action, then its messages."""
    response = _parsed(raw)
    _check_action(response, locale)
    try:  # the messages as the runtime API's Messages shape holds them: Lex refuses what it cannot send
        client_state.message_list(raw.get("messages"))
    except Validation as err:
        raise _invalid(str(err)) from err
    return response


def _parsed(raw: Any) -> LexResponse:
    """`raw` parsed as a LexResponse: a JSON object with a sessionState, of the response's schema, whose session
    state has a dialog action and an intent."""
    if not isinstance(raw, Mapping):
        raise _invalid(f"expected a JSON object, got {type(raw).__name__}")
    if not isinstance(raw.get("sessionState"), Mapping):
        raise _invalid("sessionState is required")
    try:
        response = LexResponse.model_validate(raw)
    except PydanticValidationError as err:
        first = err.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        raise _invalid(f"{place}: {first['msg']}") from err
    state = response.session_state
    if state.dialog_action is None:
        raise _invalid("sessionState.dialogAction is required")
    if state.intent is None:
        raise _invalid("sessionState.intent is required")
    return response


def _check_action(response: LexResponse, locale: BotLocale) -> None:
    """Whether the response's intent and dialog action are ones Lex can carry out: an intent of the bot, no
    dialog action None, an ElicitSlot naming a slot of the intent, messages with ElicitIntent and ConfirmIntent."""
    state = response.session_state
    assert state.dialog_action is not None
    assert state.intent is not None
    if not locale.has_intent(state.intent.name):
        raise _invalid(f"intent {state.intent.name!r} does not exist in the bot")
    action = state.dialog_action.type
    if action == "None":
        raise _invalid("dialogAction.type None is not allowed in a code hook response")
    if action == "ElicitSlot":
        slots = {s.name for s in locale.intent(state.intent.name).slots}
        if state.dialog_action.slot_to_elicit not in slots:
            raise _invalid(f"ElicitSlot needs slotToElicit naming a slot of {state.intent.name}")
    if action in {"ElicitIntent", "ConfirmIntent"} and not response.messages:
        raise _invalid(f"messages are required when dialogAction.type is {action}")
