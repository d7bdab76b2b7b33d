"""The dialog engine with a scripted code hook: what Lex does around the hook, turn by turn. The engine serves the
bot of the dev stage's synthesized Bot template (local/emulators/lex/template.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bookstore.lex import LexEvent
from local.emulators.lex.engine import DialogEngine, yes_or_no
from local.emulators.lex.errors import ResourceNotFound, Validation
from local.emulators.lex.template import TemplateBot, bots_in

STAFF = {"bookstore:groups": "staff"}


class ScriptedHook:
    """Delegates on dialog turns, fulfils with a message; records every event (validated as Lex's)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.forget_attributes = False

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        LexEvent.model_validate(event)
        self.events.append(event)
        intent = event["sessionState"]["intent"]
        attributes = dict(event["sessionState"]["sessionAttributes"])
        if self.forget_attributes:
            attributes = {}
        else:
            attributes["turns"] = str(int(attributes.get("turns", "0")) + 1)
        if event["invocationSource"] == "DialogCodeHook":
            return {
                "sessionState": {
                    "dialogAction": {"type": "Delegate"},
                    "intent": intent,
                    "sessionAttributes": attributes,
                }
            }
        if intent["name"] == "FallbackIntent":
            return {
                "sessionState": {"dialogAction": {"type": "ElicitIntent"}, "intent": intent},
                "messages": [{"contentType": "PlainText", "content": "Say that again?"}],
            }
        return {
            "sessionState": {
                "dialogAction": {"type": "Close"},
                "intent": {**intent, "state": "Fulfilled"},
                "sessionAttributes": attributes,
            },
            "messages": [{"contentType": "PlainText", "content": f"fulfilled {intent['name']}"}],
        }


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def hook() -> ScriptedHook:
    return ScriptedHook()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(bot: TemplateBot, hook: ScriptedHook, clock: Clock) -> DialogEngine:
    return DialogEngine.with_hook(bot, hook, clock=clock)


def say(engine: DialogEngine, text: str, session: str = "s1", **kwargs: Any) -> dict[str, Any]:
    return engine.recognize_text("BOOKSTORE1", "TSTALIASID", "en_US", session, text, **kwargs)


def action(response: dict[str, Any]) -> dict[str, Any]:
    return dict(response["sessionState"]["dialogAction"])


def test_slots_are_elicited_in_priority_order_then_confirmed_then_fulfilled(engine, hook) -> None:
    first = say(engine, "register a new user", request_attributes=STAFF)
    assert action(first) == {"type": "ElicitSlot", "slotToElicit": "Username"}
    assert first["messages"][0]["content"] == "What username should the new user have?"
    assert action(say(engine, "jdoe")) == {"type": "ElicitSlot", "slotToElicit": "Email"}
    confirm = say(engine, "jdoe@example.com")
    assert action(confirm) == {"type": "ConfirmIntent"}
    assert confirm["messages"][0]["content"] == "Register the user jdoe with email jdoe@example.com?"
    done = say(engine, "yes")
    assert done["sessionState"]["intent"]["state"] == "Fulfilled"
    assert [m["content"] for m in done["messages"]] == ["fulfilled RegisterUser", "Anything else I can do for you?"]
    sources = [e["invocationSource"] for e in hook.events]
    assert sources == ["DialogCodeHook"] * 4 + ["FulfillmentCodeHook"]
    assert hook.events[-1]["sessionState"]["intent"]["confirmationState"] == "Confirmed"
    assert hook.events[-1]["sessionState"]["intent"]["state"] == "ReadyForFulfillment"
    assert "proposedNextState" not in hook.events[-1]
    assert hook.events[0]["proposedNextState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Username"}


def test_slots_in_the_first_utterance_are_filled_at_once(engine) -> None:
    response = say(engine, "register a user named jdoe with email jdoe@example.com")
    assert action(response) == {"type": "ConfirmIntent"}
    slots = response["sessionState"]["intent"]["slots"]
    assert slots["Username"]["value"]["interpretedValue"] == "jdoe"
    assert slots["FirstName"] is None  # every slot is present, unfilled ones as null


def test_declined_confirmation_closes_with_the_declination(engine, hook) -> None:
    say(engine, "register a user named jdoe with email jdoe@example.com")
    response = say(engine, "no, don't")
    assert action(response) == {"type": "Close"}
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert response["sessionState"]["intent"]["confirmationState"] == "Denied"
    assert response["messages"][0]["content"] == "Okay, I did not register anyone."
    assert all(e["invocationSource"] == "DialogCodeHook" for e in hook.events)


def test_unrecognized_slot_answers_are_retried_then_fall_back(engine, hook) -> None:
    say(engine, "register a user named jdoe")
    retry = say(engine, "hmm not sure")
    assert action(retry) == {"type": "ElicitSlot", "slotToElicit": "Email"}
    assert hook.events[-1]["proposedNextState"]["prompt"] == {"attempt": "Retry1"}
    say(engine, "what")
    exhausted = say(engine, "dunno")  # max_retries is 2: the third miss invokes the fallback intent
    assert exhausted["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert action(exhausted) == {"type": "ElicitIntent"}
    assert exhausted["messages"][0]["content"] == "Say that again?"


def test_an_optional_slot_the_hook_elicited_is_retried_when_the_answer_is_not_of_its_type(bot, hook, clock) -> None:
    """EditUser's new-value slots are optional: the hook asks for one; an answer Lex cannot take as a value of
    its type (R2D2 is no AMAZON.FirstName) makes Lex propose that same slot again (attempt Retry1), not skip it.
    https://docs.aws.amazon.com/lexv2/latest/dg/lambda-input-format.html (proposedNextState.prompt.attempt)."""

    def eliciting_hook(event: dict[str, Any]) -> dict[str, Any]:
        response = hook(event)
        intent = event["sessionState"]["intent"]
        slots = intent["slots"]
        if event["invocationSource"] == "DialogCodeHook" and slots.get("Attribute") and not slots.get("NewFirstName"):
            response["sessionState"]["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": "NewFirstName"}
            response["messages"] = [{"contentType": "PlainText", "content": "New first name?"}]
        return response

    engine = DialogEngine.with_hook(bot, eliciting_hook, clock=clock)
    first = say(engine, "change the first name of jdoe", request_attributes=STAFF)
    assert action(first) == {"type": "ElicitSlot", "slotToElicit": "NewFirstName"}
    retry = say(engine, "R2D2")
    assert action(retry) == {"type": "ElicitSlot", "slotToElicit": "NewFirstName"}
    proposed = hook.events[-1]["proposedNextState"]
    assert proposed["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "NewFirstName"}
    assert proposed["prompt"] == {"attempt": "Retry1"}
    filled = say(engine, "Janet")
    assert filled["sessionState"]["intent"]["slots"]["NewFirstName"]["value"]["interpretedValue"] == "Janet"


def test_unclear_confirmation_is_asked_again(engine) -> None:
    say(engine, "register a user named jdoe with email jdoe@example.com")
    again = say(engine, "purple")
    assert action(again) == {"type": "ConfirmIntent"}


def test_low_confidence_goes_to_the_fallback_intent(engine) -> None:
    response = say(engine, "what is the weather in Paris tomorrow")
    assert response["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert response["interpretations"][0]["intent"]["name"] == "FallbackIntent"
    assert "nluConfidence" not in response["interpretations"][0]
    assert len(response["interpretations"]) <= 5


def test_interpretations_are_ranked_with_score_objects(engine, bot) -> None:
    response = say(engine, "help me")
    interpretations = response["interpretations"]
    assert interpretations[0]["intent"]["name"] == "Help"
    assert interpretations[0]["nluConfidence"]["score"] >= bot.locales["en_US"].nlu_confidence_threshold
    assert any(i["intent"]["name"] == "FallbackIntent" for i in interpretations)
    scores = [i["nluConfidence"]["score"] for i in interpretations if "nluConfidence" in i]
    assert scores[0] == max(scores)


def _without_code_hooks(templates: dict[str, Any]) -> dict[str, Any]:
    """The templates with no Lambda function on any alias of the bot."""
    changed = copy.deepcopy(templates)
    for template in changed.values():
        for resource in template.get("Resources", {}).values():
            properties = resource.get("Properties", {})
            owner = properties.get("TestBotAliasSettings", properties)
            for setting in owner.get("BotAliasLocaleSettings", []):
                setting["BotAliasLocaleSetting"].pop("CodeHookSpecification", None)
    return changed


def test_intent_without_hooks_is_fulfilled_with_its_closing(templates) -> None:
    """An alias without a Lambda function runs no code hook, even for intents that enable one (as Lex)."""
    [bot] = bots_in(_without_code_hooks(templates))
    hookless = DialogEngine(bot, {})
    response = say(hookless, "register a user named jdoe with email jdoe@example.com")
    assert action(response) == {"type": "ConfirmIntent"}
    done = say(hookless, "sure")
    assert done["sessionState"]["intent"]["state"] == "Fulfilled"
    assert [m["content"] for m in done["messages"]] == ["Anything else I can do for you?"]


def test_session_expires_after_the_idle_ttl(engine, bot, clock) -> None:
    say(engine, "register a user named jdoe")
    clock.now += bot.idle_session_ttl_seconds + 1
    fresh = say(engine, "jdoe@example.com")
    assert fresh["sessionState"]["intent"]["name"] != "RegisterUser" or action(fresh)["type"] != "ConfirmIntent"
    clock.now += bot.idle_session_ttl_seconds + 1
    with pytest.raises(ResourceNotFound):
        engine.get_session("BOOKSTORE1", "TSTALIASID", "en_US", "s1")


def test_session_attributes_persist_between_turns(engine, hook) -> None:
    say(engine, "help", session_state={"sessionAttributes": {"seen": "1"}})
    response = say(engine, "help")
    assert hook.events[-1]["sessionState"]["sessionAttributes"] == {"seen": "1", "turns": "1"}
    assert response["sessionState"]["sessionAttributes"] == {"seen": "1", "turns": "2"}


def test_hook_response_without_session_attributes_clears_them(engine, hook) -> None:
    say(engine, "help", session_state={"sessionAttributes": {"seen": "1"}})
    hook.forget_attributes = True
    assert say(engine, "help")["sessionState"]["sessionAttributes"] == {}


def test_request_attributes_reach_the_hook(engine, hook) -> None:
    say(engine, "help", request_attributes={"bookstore:groups": "staff"})
    assert hook.events[-1]["requestAttributes"] == {"bookstore:groups": "staff"}


def test_client_session_state_overrides_the_session(engine) -> None:
    response = say(
        engine,
        "jdoe@example.com",
        session_state={
            "intent": {"name": "RegisterUser", "slots": {"Username": {"value": {"interpretedValue": "jdoe"}}}},
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Email"},
        },
    )
    assert action(response) == {"type": "ConfirmIntent"}


@pytest.mark.parametrize(
    "state",
    [
        {"intent": {"name": "NoSuchIntent"}},
        {"dialogAction": {"type": "Teleport"}},
        {"intent": {"name": "Help"}, "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Nope"}},
        {"sessionAttributes": {"k": 1}},
    ],
)
def test_invalid_client_session_state_is_a_validation_error(engine, state) -> None:
    with pytest.raises(Validation):
        say(engine, "help", session_state=state)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True), ("Yeah!", True), ("sure thing", True), ("go ahead", True), ("ok", True), ("yes please", True),
        ("no", False), ("nope", False), ("No, cancel that", False), ("don't", False), ("never mind", False),
        ("purple", None), ("maybe later", None),
    ],
)  # fmt: skip
def test_yes_no_variants(text, expected) -> None:
    assert yes_or_no(text) is expected
