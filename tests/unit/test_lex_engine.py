"""The dialog engine with a scripted code hook: what Lex does around the hook, turn by turn. The engine serves the
bot of the dev stage's synthesized Bot template (local/emulators/lex/template.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot_fulfillment.lex import LexEvent
from local.emulators.lex.engine import DialogEngine
from local.emulators.lex.errors import DependencyFailed, ResourceNotFound, Validation
from local.emulators.lex.template import TemplateBot, bots_in
from local.emulators.lex.user_input import yes_or_no
from tests.unit.conftest import Clock

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


@pytest.fixture
def hook() -> ScriptedHook:
    return ScriptedHook()


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
        # a yes word with a no word is no consent: the built-in intent or another question decides
        ("ok stop", None), ("okay, stop", None), ("ok cancel", None), ("yes cancel", None), ("yeah no", None),
        ("sure, don't", None),
    ],
)  # fmt: skip
def test_yes_no_variants(text, expected) -> None:
    assert yes_or_no(text) is expected


# Built-in intents and intent switching (docs/bot.md "Built-in intents" and "Changing the subject")


def _closing(bot: TemplateBot, intent: str) -> list[str]:
    return list(bot.locales["en_US"].intent(intent).closing)


def _fulfilled(hook: ScriptedHook) -> list[str]:
    return [e["sessionState"]["intent"]["name"] for e in hook.events if e["invocationSource"] == "FulfillmentCodeHook"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cancel", "Cancel"), ("never mind", "Cancel"), ("forget it", "Cancel"), ("Cancel.", "Cancel"),
        ("stop", "Stop"), ("start over", "StartOver"), ("restart", "StartOver"),
    ],
)  # fmt: skip
def test_cancel_stop_and_start_over_leave_a_slot_prompt_with_nothing_done(engine, hook, bot, text, intent) -> None:
    """Said at a slot prompt, Lex's built-in intents end the intent in progress unfulfilled: never a slot value
    ("cancel" is a valid username), and what Lex says is the built-in intent's closing response."""
    asked = say(engine, "register a new user", request_attributes=STAFF)
    assert action(asked) == {"type": "ElicitSlot", "slotToElicit": "Username"}
    left = say(engine, text, request_attributes=STAFF)
    assert left["sessionState"]["intent"]["name"] == intent
    assert left["sessionState"]["intent"]["state"] == "Fulfilled"
    assert action(left) == {"type": "Close"}
    assert [m["content"] for m in left["messages"]] == _closing(bot, intent)
    assert left["interpretations"][0]["intent"]["name"] == intent
    assert _fulfilled(hook) == []
    assert all(e["sessionState"]["intent"]["slots"].get("Username") is None for e in hook.events)
    # The dialog is over: the next answer is not taken for the username either.
    after = say(engine, "jdoe", request_attributes=STAFF)
    assert after["sessionState"]["intent"]["name"] != "RegisterUser"


@pytest.mark.parametrize(("text", "intent"), [("cancel", "Cancel"), ("stop", "Stop"), ("start over", "StartOver")])
def test_cancel_stop_and_start_over_leave_a_confirmation_with_nothing_done(engine, hook, bot, text, intent) -> None:
    confirm = say(engine, "register a user named jdoe with email jdoe@example.com", request_attributes=STAFF)
    assert action(confirm) == {"type": "ConfirmIntent"}
    left = say(engine, text, request_attributes=STAFF)
    assert (left["sessionState"]["intent"]["name"], action(left)) == (intent, {"type": "Close"})
    assert [m["content"] for m in left["messages"]] == _closing(bot, intent)
    assert _fulfilled(hook) == []


def test_yes_still_confirms_and_built_ins_work_without_a_dialog(engine, hook, bot) -> None:
    say(engine, "register a user named jdoe with email jdoe@example.com", request_attributes=STAFF)
    assert say(engine, "yes", request_attributes=STAFF)["sessionState"]["intent"]["state"] == "Fulfilled"
    assert _fulfilled(hook) == ["RegisterUser"]
    alone = say(engine, "never mind")
    assert alone["sessionState"]["intent"]["name"] == "Cancel"
    assert [m["content"] for m in alone["messages"]] == _closing(bot, "Cancel")


def test_greeting_and_thanks_are_answered_with_their_closing(engine, hook, bot) -> None:
    for text, intent in (("hello", "Greeting"), ("hi there", "Greeting"), ("thanks", "Thanks"), ("bye", "Thanks")):
        response = say(engine, text)
        assert response["sessionState"]["intent"]["name"] == intent, text
        assert action(response) == {"type": "Close"}
        assert [m["content"] for m in response["messages"]] == _closing(bot, intent)
    assert hook.events == []  # no code hook for small talk


def test_another_intent_at_a_slot_prompt_switches_to_it_and_the_first_is_not_fulfilled(engine, hook) -> None:
    asked = say(engine, "I want to buy a book")
    assert action(asked) == {"type": "ElicitSlot", "slotToElicit": "Title"}
    switched = say(engine, "actually, where is my order?")
    assert switched["sessionState"]["intent"]["name"] == "OrderStatus"
    assert switched["sessionState"]["intent"]["state"] == "Fulfilled"
    assert [m["content"] for m in switched["messages"]] == ["fulfilled OrderStatus"]
    assert _fulfilled(hook) == ["OrderStatus"]
    assert all(
        (e["sessionState"]["intent"]["slots"].get("Title") or {}).get("value") is None
        for e in hook.events
        if e["sessionState"]["intent"]["name"] == "PlaceOrder"
    )


def test_a_value_of_the_slot_is_not_taken_for_another_intent(engine) -> None:
    say(engine, "I want to buy a book")
    answered = say(engine, "Dracula")
    assert answered["sessionState"]["intent"]["name"] == "PlaceOrder"
    assert answered["sessionState"]["intent"]["slots"]["Title"]["value"]["interpretedValue"] == "Dracula"
    assert action(answered) == {"type": "ElicitSlot", "slotToElicit": "Quantity"}


def test_a_sample_utterance_of_another_intent_is_not_taken_for_a_value(engine) -> None:
    """ "help" matches the username regex, but it is word for word what the Help intent is for."""
    say(engine, "register a new user", request_attributes=STAFF)
    helped = say(engine, "help", request_attributes=STAFF)
    assert helped["sessionState"]["intent"]["name"] == "Help"


class QuantityHook(ScriptedHook):
    """Refuses a quantity over 50 by eliciting it again with the reason, as the bookstore's hook does; confirms
    an order once both slots are filled."""

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        response = super().__call__(event)
        intent = event["sessionState"]["intent"]
        if intent["name"] != "PlaceOrder" or event["invocationSource"] != "DialogCodeHook":
            return response
        quantity = (intent["slots"].get("Quantity") or {}).get("value")
        if quantity and float(quantity["interpretedValue"]) > 50:
            intent = {**intent, "slots": {**intent["slots"], "Quantity": None}}
            return {
                "sessionState": {"dialogAction": {"type": "ElicitSlot", "slotToElicit": "Quantity"}, "intent": intent},
                "messages": [{"contentType": "PlainText", "content": "Please give a number of copies from 1 to 50."}],
            }
        if quantity and intent["slots"].get("Title") and intent["confirmationState"] == "None":
            return {
                "sessionState": {"dialogAction": {"type": "ConfirmIntent"}, "intent": intent},
                "messages": [{"contentType": "PlainText", "content": "Shall I place the order?"}],
            }
        return response


@pytest.fixture
def quantity_engine(bot: TemplateBot, clock: Clock) -> tuple[DialogEngine, QuantityHook]:
    hook = QuantityHook()
    return DialogEngine.with_hook(bot, hook, clock=clock), hook


def test_the_same_intent_asked_anew_at_a_slot_prompt_starts_over_with_the_new_values(quantity_engine) -> None:
    """After "buy 1000 copies of Dracula" the hook asks for the quantity again; "order the great gatsby" is a new
    order, not an answer: Lex no longer asks how many copies of Dracula."""
    engine, _ = quantity_engine
    refused = say(engine, "buy 1000 copies of Dracula")
    assert action(refused) == {"type": "ElicitSlot", "slotToElicit": "Quantity"}
    assert [m["content"] for m in refused["messages"]] == ["Please give a number of copies from 1 to 50."]
    anew = say(engine, "order the great gatsby")
    assert anew["sessionState"]["intent"]["name"] == "PlaceOrder"
    assert anew["sessionState"]["intent"]["slots"]["Title"]["value"]["resolvedValues"] == ["The Great Gatsby"]
    assert anew["sessionState"]["intent"]["slots"]["Quantity"] is None
    assert action(anew) == {"type": "ElicitSlot", "slotToElicit": "Quantity"}
    assert "Dracula" not in " ".join(m["content"] for m in anew["messages"])
    assert action(say(engine, "two")) == {"type": "ConfirmIntent"}


def test_an_answer_the_hook_keeps_refusing_ends_in_the_fallback_intent_after_max_retries(quantity_engine, bot) -> None:
    """Every refusal re-prompts with the reason; past the slot's MaxRetries (2) Lex invokes the fallback intent
    instead of asking again: never a loop."""
    engine, hook = quantity_engine
    assert bot.locales["en_US"].intent("PlaceOrder").slot("Quantity").max_retries == 2
    say(engine, "buy Dracula")
    for answer in ("1000", "2000"):
        again = say(engine, answer)
        assert action(again) == {"type": "ElicitSlot", "slotToElicit": "Quantity"}, answer
        assert [m["content"] for m in again["messages"]] == ["Please give a number of copies from 1 to 50."]
    out = say(engine, "3000")
    assert out["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert action(out) == {"type": "ElicitIntent"}
    assert [m["content"] for m in out["messages"]] == ["Say that again?"]
    assert _fulfilled(hook) == ["FallbackIntent"]


def test_a_good_answer_after_a_refusal_starts_the_count_again(quantity_engine) -> None:
    engine, _ = quantity_engine
    say(engine, "buy Dracula")
    say(engine, "1000")
    say(engine, "2000")
    assert action(say(engine, "3")) == {"type": "ConfirmIntent"}


def test_an_unclear_answer_to_the_hook_s_confirmation_ends_in_the_fallback_intent(quantity_engine) -> None:
    """The hook confirms again on every dialog turn; unclear answers still count, up to the confirmation's retries."""
    engine, hook = quantity_engine
    assert action(say(engine, "buy 2 copies of Dracula")) == {"type": "ConfirmIntent"}
    for answer in ("purple", "hmm"):
        assert action(say(engine, answer)) == {"type": "ConfirmIntent"}, answer
    out = say(engine, "banana")
    assert out["sessionState"]["intent"]["name"] == "FallbackIntent"
    assert "PlaceOrder" not in _fulfilled(hook)


def test_a_new_intent_at_a_confirmation_switches_to_it(quantity_engine) -> None:
    engine, hook = quantity_engine
    say(engine, "buy 2 copies of Dracula")
    switched = say(engine, "where is my order")
    assert switched["sessionState"]["intent"]["name"] == "OrderStatus"
    assert _fulfilled(hook) == ["OrderStatus"]


def test_the_same_values_again_at_a_slot_prompt_are_just_the_answer(quantity_engine) -> None:
    engine, _ = quantity_engine
    assert action(say(engine, "buy Walden")) == {"type": "ElicitSlot", "slotToElicit": "Quantity"}
    answered = say(engine, "3 copies of Walden")
    assert action(answered) == {"type": "ConfirmIntent"}
    assert answered["sessionState"]["intent"]["slots"]["Quantity"]["value"]["interpretedValue"] == "3"


@pytest.mark.parametrize(
    "card",
    [
        {"title": "t" * 251},  # title: 1-250 characters
        {"title": "Dracula", "buttons": [{"text": f"b{i}", "value": f"v{i}"} for i in range(6)]},  # 0-5 buttons
        {"title": "Dracula", "buttons": [{"text": "Order", "value": "v" * 51}]},  # button value: 1-50
        {"subtitle": "no title"},  # title is required
    ],
)
def test_a_response_card_lex_would_refuse_is_a_dependency_failure(bot, clock, card) -> None:
    """The code hook's messages are checked against the runtime API's Messages shape (botocore's model), as Lex
    refuses a Lambda response it cannot send: locally, a card over a limit fails as it would deployed."""

    def carding_hook(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        return {
            "sessionState": {
                "dialogAction": {"type": "Close"},
                "intent": {**event["sessionState"]["intent"], "state": "Fulfilled"},
            },
            "messages": [
                {"contentType": "PlainText", "content": "Here it is"},
                {"contentType": "ImageResponseCard", "imageResponseCard": card},
            ],
        }

    engine = DialogEngine.with_hook(bot, carding_hook, clock=clock)
    with pytest.raises(DependencyFailed, match="Invalid Lambda Response"):
        say(engine, "recommend a book")


def test_a_response_card_within_the_limits_is_passed_on(bot, clock) -> None:
    card = {"title": "Dracula", "subtitle": "by Bram Stoker", "buttons": [{"text": "Order", "value": "order Dracula"}]}

    def carding_hook(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        return {
            "sessionState": {
                "dialogAction": {"type": "Close"},
                "intent": {**event["sessionState"]["intent"], "state": "Fulfilled"},
            },
            "messages": [{"contentType": "ImageResponseCard", "imageResponseCard": card}],
        }

    response = say(DialogEngine.with_hook(bot, carding_hook, clock=clock), "recommend a book")
    assert response["messages"][0] == {"contentType": "ImageResponseCard", "imageResponseCard": card}


@pytest.mark.parametrize("text", ["ok stop", "okay, stop", "ok cancel", "yes cancel", "yeah no"])
def test_a_yes_word_with_stop_or_cancel_at_a_confirmation_confirms_nothing(engine, hook, text) -> None:
    """Found by a reviewer: "ok stop" at "Register the user ...?" was taken as yes and the user registered."""
    assert action(say(engine, "register a user named jdoe with email jdoe@example.com")) == {"type": "ConfirmIntent"}
    response = say(engine, text)
    assert response["sessionState"]["intent"].get("confirmationState") != "Confirmed"
    assert [e for e in hook.events if e["invocationSource"] == "FulfillmentCodeHook"] == []


@pytest.mark.parametrize(("answer", "slot", "value"), [("horror", "Genre", "horror"), ("dickens", "Author", "dickens")])
def test_an_answer_that_fills_another_slot_of_the_intent_is_taken(bot, clock, answer, slot, value) -> None:
    """Found by a reviewer: "Tell me a title, an author or a genre." re-asked on "horror" and "dickens" (neither is
    a title). Lex fills any slot of the intent the answer holds."""
    events: list[dict[str, Any]] = []

    def finder(event: dict[str, Any], context: Any = None) -> dict[str, Any]:  # FindBook's hook, in short
        events.append(event)
        intent = event["sessionState"]["intent"]
        if not any(intent["slots"].values()):
            return {
                "sessionState": {"dialogAction": {"type": "ElicitSlot", "slotToElicit": "Title"}, "intent": intent},
                "messages": [{"contentType": "PlainText", "content": "Tell me a title, an author or a genre."}],
            }
        return {"sessionState": {"dialogAction": {"type": "Close"}, "intent": {**intent, "state": "Fulfilled"}}}

    engine = DialogEngine.with_hook(bot, finder, clock=clock)
    assert action(say(engine, "I'm looking for a book")) == {"type": "ElicitSlot", "slotToElicit": "Title"}
    done = say(engine, answer)
    assert done["sessionState"]["intent"]["state"] == "Fulfilled"
    slots = events[-1]["sessionState"]["intent"]["slots"]
    assert slots[slot]["value"]["interpretedValue"] == value
    assert slots["Title"] is None


def test_a_whole_request_for_another_intent_switches_even_if_a_word_fits_the_slot(engine, hook) -> None:
    """Found by a reviewer: at EditUser's "What do you want to change for jdoe?", a new registration (whose
    "email" also fits the Attribute slot) stayed in EditUser."""
    say(engine, "edit user jdoe", request_attributes=STAFF)
    switched = say(engine, "actually register a new user named newbie7 with email newbie7@example.com",
                   request_attributes=STAFF)  # fmt: skip
    assert switched["sessionState"]["intent"]["name"] == "RegisterUser"
    assert switched["sessionState"]["intent"]["slots"]["Username"]["value"]["interpretedValue"] == "newbie7"
    assert "EditUser" not in _fulfilled(hook)


def test_a_bare_value_at_a_slot_prompt_is_still_the_answer(engine) -> None:
    say(engine, "edit user jdoe", request_attributes=STAFF)
    answered = say(engine, "email", request_attributes=STAFF)
    assert answered["sessionState"]["intent"]["name"] == "EditUser"
    assert answered["sessionState"]["intent"]["slots"]["Attribute"]["value"]["interpretedValue"] == "email"
