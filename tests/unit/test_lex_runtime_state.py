"""The runtime's session-state rules, on the engine with a recording code hook and a clock: what the code hook
sees of the current turn, how active contexts live, runtime hints, and the service-model validation messages.
(tests/conversations/test_runtime_fidelity.py checks the same through boto3 and the AWS CLI.)"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bot_fulfillment.lex import LexEvent
from local.emulators.lex.engine import DialogEngine
from local.emulators.lex.errors import DependencyFailed, Validation
from local.emulators.lex.service_model import check_shape, metadata, problems, shape
from local.emulators.lex.session_state import answer_interpretations, hinted_value

STAFF = {"bookstore:groups": "staff"}
FOLLOW_UP: dict[str, Any] = {
    "name": "afterHelp",
    "timeToLive": {"timeToLiveInSeconds": 60, "turnsToLive": 2},
    "contextAttributes": {"topic": "help"},
}


class RecordingHook:
    """Delegates on dialog turns and fulfils; records every event; sets a context when fulfilling Help."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        LexEvent.model_validate(event)
        self.events.append(event)
        state = event["sessionState"]
        intent = state["intent"]
        contexts = list(state.get("activeContexts") or [])
        if event["invocationSource"] == "DialogCodeHook":
            return {
                "sessionState": {"dialogAction": {"type": "Delegate"}, "intent": intent, "activeContexts": contexts}
            }
        if intent["name"] == "Help" and not any(c["name"] == FOLLOW_UP["name"] for c in contexts):
            contexts.append(FOLLOW_UP)
        return {
            "sessionState": {
                "dialogAction": {"type": "Close"},
                "intent": {**intent, "state": "Fulfilled"},
                "activeContexts": contexts,
            },
            "messages": [{"contentType": "PlainText", "content": f"fulfilled {intent['name']}"}],
        }


@pytest.fixture
def hook() -> RecordingHook:
    return RecordingHook()


@pytest.fixture
def engine(bot, hook, clock) -> DialogEngine:
    return DialogEngine.with_hook(bot, hook, clock=clock)


def say(engine: DialogEngine, text: str, session: str = "s1", **kwargs: Any) -> dict[str, Any]:
    return engine.recognize_text("BOOKSTORE1", "TSTALIASID", "en_US", session, text, **kwargs)


def put(engine: DialogEngine, state: dict[str, Any], session: str = "s1", **kwargs: Any) -> dict[str, Any]:
    return engine.put_session("BOOKSTORE1", "TSTALIASID", "en_US", session, state, **kwargs)


# ---- the current turn --------------------------------------------------------------------------------


def test_the_code_hook_sees_the_interpretation_of_the_current_turn(engine, hook) -> None:
    say(engine, "register a new user", request_attributes=STAFF)
    say(engine, "jdoe", request_attributes=STAFF)
    event = hook.events[-1]
    [first, *_] = event["interpretations"]
    assert first["intent"]["name"] == "RegisterUser"
    assert first["intent"]["slots"]["Username"]["value"]["interpretedValue"] == "jdoe"
    assert first["intent"] == event["sessionState"]["intent"]
    assert first["nluConfidence"] == 1.0  # a bare number in the hook event
    say(engine, "jdoe@example.com", request_attributes=STAFF)
    assert hook.events[-1]["interpretations"][0]["intent"]["slots"]["Email"]["value"]["interpretedValue"] == (
        "jdoe@example.com"
    )
    say(engine, "yes", request_attributes=STAFF)
    fulfil = hook.events[-1]
    assert fulfil["invocationSource"] == "FulfillmentCodeHook"
    assert fulfil["interpretations"][0]["intent"]["confirmationState"] == "Confirmed"


def test_answer_interpretations_put_the_intent_in_progress_first(locale) -> None:
    intent = {"name": "PlaceOrder", "slots": {"Title": None, "Quantity": None}, "state": "InProgress"}
    ranked = answer_interpretations(intent, locale)
    assert [i["intent"]["name"] for i in ranked] == ["PlaceOrder", locale.fallback_intent.name]
    assert ranked[0]["nluConfidence"] == {"score": 1.0}
    assert "nluConfidence" not in ranked[1]
    [fallback] = answer_interpretations({"name": locale.fallback_intent.name, "slots": {}}, locale)
    assert "nluConfidence" not in fallback


# ---- active contexts ---------------------------------------------------------------------------------


def _contexts(response: dict[str, Any]) -> list[dict[str, Any]]:
    return list(response["sessionState"].get("activeContexts") or [])


def test_a_context_the_hook_sets_lives_its_turns_from_the_response_that_sends_it(engine) -> None:
    assert _contexts(say(engine, "help")) == [FOLLOW_UP]  # set in this turn: all its turns left
    [once] = _contexts(say(engine, "register a new user", request_attributes=STAFF))
    assert once["timeToLive"]["turnsToLive"] == 1
    assert _contexts(say(engine, "jdoe", request_attributes=STAFF)) == []


def test_a_context_expires_by_time(engine, clock) -> None:
    say(engine, "help")
    clock.now += FOLLOW_UP["timeToLive"]["timeToLiveInSeconds"] - 1
    got = engine.get_session("BOOKSTORE1", "TSTALIASID", "en_US", "s1")
    assert [c["name"] for c in got["sessionState"]["activeContexts"]] == ["afterHelp"]
    clock.now += 1
    got = engine.get_session("BOOKSTORE1", "TSTALIASID", "en_US", "s1")
    assert "activeContexts" not in got["sessionState"]


def test_a_client_context_starts_its_time_when_sent_and_keeps_it_when_sent_again(engine, clock) -> None:
    context = {**FOLLOW_UP, "timeToLive": {"timeToLiveInSeconds": 10, "turnsToLive": 20}}
    put(engine, {"activeContexts": [context]})
    clock.now += 6
    [left] = _contexts(say(engine, "register a new user", session_state={"activeContexts": [context]}))
    assert left["timeToLive"]["turnsToLive"] == 19  # the same context sent again: its clock goes on
    clock.now += 4
    assert _contexts(say(engine, "jdoe", request_attributes=STAFF)) == []


def test_a_context_the_hook_returns_is_checked_as_lex_checks_a_lambda_response(bot, clock) -> None:
    def hook(event: dict[str, Any]) -> dict[str, Any]:
        bad = {**FOLLOW_UP, "timeToLive": {"timeToLiveInSeconds": 60, "turnsToLive": 0}}
        intent = {**event["sessionState"]["intent"], "state": "Fulfilled"}
        return {"sessionState": {"dialogAction": {"type": "Close"}, "intent": intent, "activeContexts": [bad]}}

    engine = DialogEngine.with_hook(bot, hook, clock=clock)
    with pytest.raises(DependencyFailed) as failure:
        say(engine, "help")
    assert "Invalid Lambda Response" in failure.value.message
    assert "turnsToLive' failed to satisfy constraint: Member must have value greater than or equal to 1" in (
        failure.value.message
    )


# ---- runtime hints -------------------------------------------------------------------------------------


def _hints(intent: str, slot: str, *phrases: str) -> dict[str, Any]:
    values = [{"phrase": phrase} for phrase in phrases]
    return {"slotHints": {intent: {slot: {"runtimeHintValues": values}}}}


def test_a_hint_is_taken_when_said_and_accepted_by_the_slot_type(locale) -> None:
    recommend = locale.intent("RecommendBooks")
    hints = _hints("RecommendBooks", "Genre", "mystery", "science fiction")
    mystery = hinted_value(locale, recommend, "Genre", "horror or mystery", hints)
    assert mystery is not None
    assert mystery.interpreted == "mystery"
    science_fiction = hinted_value(locale, recommend, "Genre", "horror or Science Fiction", hints)
    assert science_fiction is not None
    assert science_fiction.interpreted == "science fiction"
    assert hinted_value(locale, recommend, "Genre", "horror please", hints) is None  # no hinted phrase said
    assert hinted_value(locale, recommend, "Genre", "horror", _hints("RecommendBooks", "Genre", "vampires")) is None


def test_hints_apply_only_in_english_and_to_the_slot_types_lex_documents(locale) -> None:
    order = locale.intent("PlaceOrder")
    assert hinted_value(locale, order, "Quantity", "two or three", _hints("PlaceOrder", "Quantity", "three")) is None
    french = dataclasses.replace(locale, locale_id="fr_FR")
    recommend = locale.intent("RecommendBooks")
    assert (
        hinted_value(french, recommend, "Genre", "horror or mystery", _hints("RecommendBooks", "Genre", "mystery"))
        is None
    )


def test_put_session_hints_reach_the_next_slot_answer(engine) -> None:
    state = {
        "intent": {"name": "RecommendBooks"},
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Genre"},
        "runtimeHints": _hints("RecommendBooks", "Genre", "poetry"),
    }
    assert put(engine, state)["messages"][0]["content"] == "Any genre in particular?"
    answered = say(engine, "drama or poetry")
    assert answered["sessionState"]["intent"]["slots"]["Genre"]["value"]["interpretedValue"] == "poetry"


# ---- service-model validation -----------------------------------------------------------------------


def test_validation_messages_are_worded_as_aws_words_them() -> None:
    with pytest.raises(Validation) as failure:
        check_shape("DialogAction", {"type": "Teleport", "slotToElicit": ""}, "sessionState.dialogAction")
    enum = ", ".join(shape("DialogActionType").enum)
    assert failure.value.message == (
        "2 validation errors detected: Value 'Teleport' at 'sessionState.dialogAction.type' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{enum}]; Value '' at 'sessionState.dialogAction."
        "slotToElicit' failed to satisfy constraint: Member must have length greater than or equal to 1"
    )


def test_sensitive_members_are_named_without_their_value() -> None:
    assert metadata("Text") == {"min": 1, "max": 1024, "sensitive": True}
    [problem] = problems(shape("Text"), "secret " * 200, "text")
    assert problem == "Value at 'text' failed to satisfy constraint: Member must have length less than or equal to 1024"


def test_a_put_session_that_fails_leaves_no_session(engine) -> None:
    with pytest.raises(Validation):
        put(engine, {"intent": {"name": "Help"}, "dialogAction": {"type": "ConfirmIntent"}}, session="fresh")
    assert ("TSTALIASID", "en_US", "fresh") not in engine.sessions
