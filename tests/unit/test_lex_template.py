"""The local Lex V2 runtime serves the bot as the synthesized template defines it (local/emulators/lex/template.py).

The dev stage's Bot template translates into exactly the bot of bot/model.yaml; a change made only in a copy of the
template (not in the YAML) is what the runtime serves; each alias calls the code hook its template names; what the
runtime cannot serve as Lex would is refused with the place in the template; a hand-written template of another bot,
with two locales, is served in both.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from bot import load_bot_model
from bot.schema import BotModel
from local.emulators.lex.builtin_intents import BUILTIN_INTENT_UTTERANCES
from local.emulators.lex.engine import LIVE_ALIAS_ID, TEST_ALIAS_ID, DialogEngine, every_alias
from local.emulators.lex.errors import DependencyFailed, ResourceNotFound
from local.emulators.lex.model import (
    CodeHooks,
    Confirmation,
    Intent,
    Prompt,
    Slot,
    SlotType,
    SlotTypeValue,
)
from local.emulators.lex.template import TemplateError, bots_in

BOT_STACK = "Bookstore-dev-Bot"


@pytest.fixture(scope="module")
def model() -> BotModel:
    return load_bot_model()


def _bot_properties(templates: dict[str, Any]) -> dict[str, Any]:
    return dict(templates[BOT_STACK]["Resources"]["Bot"]["Properties"])


def _changed(templates: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """A deep copy of the templates with `change` applied to the Bot resource's Properties."""
    changed = copy.deepcopy(templates)
    change(changed[BOT_STACK]["Resources"]["Bot"]["Properties"])
    return changed


def _intent(properties: dict[str, Any], name: str) -> dict[str, Any]:
    return next(i for i in properties["BotLocales"][0]["Intents"] if i["Name"] == name)


class Recorder:
    """A code hook that records its events, delegates dialog turns and fulfils with a message."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        intent = event["sessionState"]["intent"]
        if event["invocationSource"] == "DialogCodeHook":
            return {"sessionState": {"dialogAction": {"type": "Delegate"}, "intent": intent}}
        return {
            "sessionState": {"dialogAction": {"type": "Close"}, "intent": {**intent, "state": "Fulfilled"}},
            "messages": [{"contentType": "PlainText", "content": f"hook {event['bot']['localeId']}"}],
        }


# The dev template is the bot of bot/model.yaml


def _expected_intent(intent: Any) -> Intent:
    """The model's intent as the runtime should serve it (one message group per prompt and response)."""
    confirmation = intent.confirmation
    return Intent(
        name=intent.name,
        # An intent built on a built-in intent has Lex's own utterances (the runtime's approximation of them).
        utterances=BUILTIN_INTENT_UTTERANCES.get(intent.parent, ()) if intent.parent else tuple(intent.utterances),
        slots=tuple(
            Slot(s.name, s.type, s.required, s.priority, Prompt((s.prompt,), s.max_retries)) for s in intent.slots
        ),
        confirmation=Confirmation(Prompt((confirmation.prompt,), confirmation.max_retries), (confirmation.declination,))
        if confirmation
        else None,
        closing=(intent.closing,) if intent.closing else (),
        code_hooks=CodeHooks(dialog=intent.code_hooks.dialog, fulfillment=intent.code_hooks.fulfillment),
        parent=intent.parent,
    )


def test_the_bot_of_the_dev_template_is_the_bot_model(bot, model) -> None:
    """Every intent, utterance, slot (type, constraint, priority, prompt, retries), confirmation, declination,
    closing, code-hook flag and the parent fallback intent, as bot/model.yaml has them."""
    assert bot.stack == BOT_STACK
    assert bot.logical_id == "Bot"
    assert bot.name == f"{model.name}-dev"
    assert list(bot.locales) == [model.locale]
    locale = bot.locales[model.locale]
    assert [i.name for i in locale.intents] == [i.name for i in model.intents]
    for intent in model.intents:
        assert locale.intent(intent.name) == _expected_intent(intent), intent.name
    assert locale.fallback_intent.name == "FallbackIntent"


def test_every_slot_type_value_and_synonym_of_the_model_is_served(bot, model) -> None:
    """Listed values (BookTitle and BookAuthor from data/books.csv), synonyms, resolution strategy, and the
    UsernameValue extension of AMAZON.AlphaNumeric with its regex."""
    locale = bot.locales[model.locale]
    expected = tuple(
        SlotType(
            name=t.name,
            values=tuple(SlotTypeValue(v.value, tuple(v.synonyms)) for v in t.values),
            resolution=t.resolution,
            parent=t.parent,
            regex=t.regex,
        )
        for t in model.slot_types
    )
    assert locale.slot_types == expected
    titles = locale.slot_type("BookTitle")
    assert titles is not None
    assert len(titles.values) > 50


def test_threshold_and_idle_session_ttl_come_from_the_template(bot, model, templates) -> None:
    properties = _bot_properties(templates)
    assert bot.idle_session_ttl_seconds == properties["IdleSessionTTLInSeconds"] == model.idle_session_ttl_seconds
    threshold = properties["BotLocales"][0]["NluConfidenceThreshold"]
    assert bot.locales["en_US"].nlu_confidence_threshold == threshold == model.nlu_confidence_threshold


def test_both_aliases_name_the_fulfillment_function_of_the_template(bot, templates) -> None:
    """The test alias (TestBotAliasSettings) first, then the live AWS::Lex::BotAlias; each names the code hook
    exactly as the template writes it: Fn::GetAtt of the stack's fulfillment function."""
    assert [(a.name, a.logical_id) for a in bot.aliases] == [("TestBotAlias", None), ("live", "LiveAlias")]
    resources = templates[BOT_STACK]["Resources"]
    for alias in bot.aliases:
        assert list(alias.code_hooks) == ["en_US"]
        arn = alias.code_hooks["en_US"]
        function, attribute = arn["Fn::GetAtt"]
        assert attribute == "Arn"
        assert resources[function]["Type"] == "AWS::Lambda::Function"
        assert resources[function]["Properties"]["Handler"] == "bot_fulfillment.handler.lambda_handler"
        assert alias.disabled_locales == frozenset()


# A change made only in the template is what the runtime serves


NEW_HELP_UTTERANCE = "zorblax quintessence flummox"  # words no intent of the model has


def test_an_utterance_added_only_to_the_template_is_understood(templates, model) -> None:
    assert NEW_HELP_UTTERANCE not in model.intent("Help").utterances

    def add(properties: dict[str, Any]) -> None:
        _intent(properties, "Help")["SampleUtterances"].append({"Utterance": NEW_HELP_UTTERANCE})

    [changed] = bots_in(_changed(templates, add))
    [untouched] = bots_in(templates)
    hook = Recorder()
    understood = DialogEngine.with_hook(changed, hook).recognize_text(
        "BOOKSTORE1", TEST_ALIAS_ID, "en_US", "s1", NEW_HELP_UTTERANCE
    )
    assert understood["sessionState"]["intent"]["name"] == "Help"
    assert (
        understood["interpretations"][0]["nluConfidence"]["score"] >= changed.locales["en_US"].nlu_confidence_threshold
    )
    assert hook.events[-1]["sessionState"]["intent"]["name"] == "Help"
    not_understood = DialogEngine.with_hook(untouched, Recorder()).recognize_text(
        "BOOKSTORE1", TEST_ALIAS_ID, "en_US", "s1", NEW_HELP_UTTERANCE
    )
    assert not_understood["sessionState"]["intent"]["name"] == "FallbackIntent"


def _understood_below_certainty(bot: Any) -> tuple[str, float]:
    """An input the model's bot understands (at its threshold) with a confidence below 1.0, and that confidence."""
    engine = DialogEngine.with_hook(bot, Recorder())
    for index, text in enumerate(("register a new usr please", "could you maybe add a user", "register a new user")):
        response = engine.recognize_text("BOOKSTORE1", TEST_ALIAS_ID, "en_US", f"s{index}", text)
        first = response["interpretations"][0]
        if first["intent"]["name"] == "RegisterUser" and first["nluConfidence"]["score"] < 1.0:
            return text, float(first["nluConfidence"]["score"])
    pytest.fail("the NLU understands no RegisterUser request with a confidence between the threshold and 1.0")


def test_prompts_and_the_threshold_are_the_templates(templates, bot) -> None:
    unsure_text, score = _understood_below_certainty(bot)

    def raise_threshold(properties: dict[str, Any]) -> None:
        properties["BotLocales"][0]["NluConfidenceThreshold"] = round(min(1.0, score + 0.01), 2)

    [stricter] = bots_in(_changed(templates, raise_threshold))
    unsure = DialogEngine.with_hook(stricter, Recorder()).recognize_text(
        "BOOKSTORE1", TEST_ALIAS_ID, "en_US", "s1", unsure_text
    )
    assert unsure["sessionState"]["intent"]["name"] == "FallbackIntent"  # below the template's threshold

    def change_prompt(properties: dict[str, Any]) -> None:
        username = _intent(properties, "RegisterUser")["Slots"][0]["ValueElicitationSetting"]
        username["PromptSpecification"]["MessageGroupsList"] = [
            {"Message": {"PlainTextMessage": {"Value": "Username, please."}}},
            {"Message": {"PlainTextMessage": {"Value": "Letters and digits."}}},
        ]

    [changed] = bots_in(_changed(templates, change_prompt))
    engine = DialogEngine.with_hook(changed, Recorder())
    exact = engine.recognize_text("BOOKSTORE1", TEST_ALIAS_ID, "en_US", "s2", "register a new user")
    assert exact["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "Username"}
    # Lex sends one message of each message group, in order.
    assert [m["content"] for m in exact["messages"]] == ["Username, please.", "Letters and digits."]


# Code hooks by alias


def _without_test_alias_hook(properties: dict[str, Any]) -> None:
    for setting in properties["TestBotAliasSettings"]["BotAliasLocaleSettings"]:
        setting["BotAliasLocaleSetting"].pop("CodeHookSpecification")


def test_a_code_hook_wired_only_on_one_alias_is_called_for_that_alias_only(templates) -> None:
    [bot] = bots_in(_changed(templates, _without_test_alias_hook))
    assert bot.test_alias.code_hooks == {}
    assert bot.alias("live").code_hooks
    hook = Recorder()
    engine = DialogEngine(bot, every_alias(hook))
    test = engine.recognize_text("BOOKSTORE1", TEST_ALIAS_ID, "en_US", "s1", "help")
    assert hook.events == []  # the test alias has no Lambda function: Lex skips the hooks
    assert test["sessionState"]["intent"]["state"] == "Fulfilled"
    assert test["messages"] == []
    live = engine.recognize_text("BOOKSTORE1", LIVE_ALIAS_ID, "en_US", "s1", "help")
    assert [m["content"] for m in live["messages"]] == ["hook en_US"]
    assert [e["bot"] for e in hook.events] == [
        {
            "id": "BOOKSTORE1",
            "name": "BookstoreBot-dev",
            "localeId": "en_US",
            "version": "1",
            "aliasId": LIVE_ALIAS_ID,
            "aliasName": "live",
        }
    ]


def test_each_alias_calls_its_own_hook(bot) -> None:
    test_hook, live_hook = Recorder(), Recorder()
    engine = DialogEngine(bot, {TEST_ALIAS_ID: test_hook, LIVE_ALIAS_ID: live_hook})
    engine.recognize_text("BOOKSTORE1", LIVE_ALIAS_ID, "en_US", "s1", "help")
    assert (len(test_hook.events), len(live_hook.events)) == (0, 1)
    engine.recognize_text("BOOKSTORE1", TEST_ALIAS_ID, "en_US", "s1", "help")
    assert (len(test_hook.events), len(live_hook.events)) == (1, 1)


def test_an_alias_whose_template_names_a_hook_the_runtime_was_not_given_fails_the_turn(bot) -> None:
    engine = DialogEngine(bot, {TEST_ALIAS_ID: Recorder()})
    with pytest.raises(DependencyFailed, match=r"alias LIVEALIAS1 \(live\) names the code hook .*FulfillmentFunction"):
        engine.recognize_text("BOOKSTORE1", LIVE_ALIAS_ID, "en_US", "s1", "help")
    # Hooks can be given after construction (before the turn that needs one).
    engine.code_hooks[LIVE_ALIAS_ID] = Recorder()
    assert engine.recognize_text("BOOKSTORE1", LIVE_ALIAS_ID, "en_US", "s1", "help")["messages"]


def test_an_alias_the_template_does_not_define_is_refused_at_construction(bot) -> None:
    with pytest.raises(ValueError, match=r"'PRODALIAS1': 'prod'.*TestBotAlias, live"):
        DialogEngine(bot, {}, aliases={"PRODALIAS1": ("prod", "2")})


# What the runtime cannot serve as Lex would is refused, naming the place


def _ssml_prompt(properties: dict[str, Any]) -> None:
    slot = _intent(properties, "RegisterUser")["Slots"][0]
    slot["ValueElicitationSetting"]["PromptSpecification"]["MessageGroupsList"][0]["Message"] = {
        "SSMLMessage": {"Value": "<speak>Your username?</speak>"}
    }


UNSUPPORTED: list[tuple[str, Callable[[dict[str, Any]], Any], str, str]] = [
    (
        "ssml",
        _ssml_prompt,
        "Intents[0](RegisterUser).Slots[0](Username).ValueElicitationSetting.PromptSpecification"
        ".MessageGroupsList[0].Message",
        "SSMLMessage is not supported by the local Lex runtime: it sends plain-text messages only",
    ),
    (
        "input-contexts",
        lambda p: _intent(p, "Help").update(InputContexts=[{"Name": "Shopping"}]),
        "Intents[{n}](Help).InputContexts",
        "input contexts (which gate when the intent is recognized) is not supported by the local Lex runtime",
    ),
    (
        "multi-valued-built-in-slot",  # "You can only mark slots with custom slot types as multi-value slots"
        lambda p: _intent(p, "PlaceOrder")["Slots"][1].update(MultipleValuesSetting={"AllowMultipleValues": True}),
        "Intents[{n}](PlaceOrder).Slots[1](Quantity).MultipleValuesSetting.AllowMultipleValues",
        "only a slot of a custom slot type can be multi-valued",
    ),
    (
        "kendra",
        lambda p: p["BotLocales"][0]["Intents"].append(
            {"Name": "Search", "ParentIntentSignature": "AMAZON.KendraSearchIntent"}
        ),
        "Intents[{n}](Search).ParentIntentSignature",
        "AMAZON.KendraSearchIntent: the local Lex runtime serves only the built-in intents AMAZON.CancelIntent, ",
    ),
    (
        "built-in-type-without-recognizer",
        lambda p: _intent(p, "RegisterUser")["Slots"][3].update(SlotTypeName="AMAZON.City"),
        "Intents[0](RegisterUser).Slots[3](LastName).SlotTypeName",
        "AMAZON.City is a built-in slot type the local Lex runtime has no recognizer for",
    ),
    (
        "cloudformation-function",
        lambda p: _intent(p, "Help")["SampleUtterances"].append({"Utterance": {"Fn::Join": ["", ["he", "lp"]]}}),
        "Intents[{n}](Help).SampleUtterances[{n}].Utterance",
        "is a CloudFormation function (Fn::Join); the local runtime reads only a literal string here",
    ),
    (
        "no-fallback-intent",
        lambda p: p["BotLocales"][0].update(Intents=p["BotLocales"][0]["Intents"][:-1]),
        "Bookstore-dev-Bot/Bot (AWS::Lex::Bot) BotLocales[0](en_US)",
        "a locale needs an intent with ParentIntentSignature AMAZON.FallbackIntent",
    ),
    (
        "regex-lex-refuses",
        lambda p: p["BotLocales"][0]["SlotTypes"][0]["ValueSelectionSetting"]["RegexFilter"].update(Pattern="[a-z]+"),
        "SlotTypes[0](UsernameValue).ValueSelectionSetting.RegexFilter.Pattern",
        "'+' is an infinite repeater",
    ),
    (
        "default-slot-value",
        lambda p: _intent(p, "PlaceOrder")["Slots"][1]["ValueElicitationSetting"].update(
            DefaultValueSpecification={"DefaultValueList": [{"DefaultValue": "1"}]}
        ),
        "Intents[4](PlaceOrder).Slots[1](Quantity).ValueElicitationSetting.DefaultValueSpecification",
        "default slot values is not supported",
    ),
    (
        "closing-next-step",
        lambda p: _intent(p, "RegisterUser")["IntentClosingSetting"].update(
            NextStep={"DialogAction": {"Type": "ElicitIntent"}}
        ),
        "Intents[0](RegisterUser).IntentClosingSetting.NextStep",
        "a conversation flow is not supported",
    ),
    (
        "hook-turned-off-after-confirmation",
        lambda p: _intent(p, "PlaceOrder")["IntentConfirmationSetting"].update(
            CodeHook={"EnableCodeHookInvocation": False, "IsActive": True, "PostCodeHookSpecification": {}}
        ),
        "Intents[4](PlaceOrder).IntentConfirmationSetting.CodeHook",
        "turning the dialog code hook off at this step is not supported",
    ),
    (
        "intent-defined-twice",
        lambda p: p["BotLocales"][0]["Intents"].append(copy.deepcopy(_intent(p, "Help"))),
        "Intents[{n}](Help)",
        "intent Help is defined twice",
    ),
    (
        "slot-type-defined-twice",
        lambda p: p["BotLocales"][0]["SlotTypes"].append(copy.deepcopy(p["BotLocales"][0]["SlotTypes"][0])),
        "(UsernameValue)",
        "slot type UsernameValue is defined twice",
    ),
    (
        "threshold-out-of-range",
        lambda p: p["BotLocales"][0].update(NluConfidenceThreshold=5),
        "Bookstore-dev-Bot/Bot (AWS::Lex::Bot) BotLocales[0](en_US).NluConfidenceThreshold",
        "5.0 is not between 0 and 1",
    ),
    (
        "empty-utterance",
        lambda p: _intent(p, "Help")["SampleUtterances"].append({"Utterance": "  "}),
        "Intents[{n}](Help).SampleUtterances[{n}]",
        "is empty or has an unclosed {slot} reference",
    ),
    (
        "unclosed-slot-reference",
        lambda p: _intent(p, "Help")["SampleUtterances"].append({"Utterance": "help {"}),
        "Intents[{n}](Help).SampleUtterances[{n}]",
        "is empty or has an unclosed {slot} reference",
    ),
    (
        "utterances-of-a-built-in-intent",
        lambda p: _intent(p, "Cancel").update(SampleUtterances=[{"Utterance": "abandon ship"}]),
        "Intents[{n}](Cancel)",
        "an intent built on AMAZON.CancelIntent takes no SampleUtterances or Slots",
    ),
    (
        "built-in-intent-the-runtime-does-not-serve",
        lambda p: _intent(p, "StartOver").update(ParentIntentSignature="AMAZON.RepeatIntent"),
        "Intents[{n}](StartOver).ParentIntentSignature",
        "AMAZON.RepeatIntent: the local Lex runtime serves only the built-in intents",
    ),
    (
        "bot-from-s3",
        lambda p: p.update(BotFileS3Location={"S3Bucket": "bots", "S3ObjectKey": "bot.zip"}),
        "Bookstore-dev-Bot/Bot (AWS::Lex::Bot) BotFileS3Location",
        "a bot imported from a file in S3",
    ),
]


@pytest.mark.parametrize(("change", "place", "problem"), [c[1:] for c in UNSUPPORTED], ids=[c[0] for c in UNSUPPORTED])
def test_what_the_runtime_cannot_serve_is_refused_naming_the_place(templates, change, place, problem) -> None:
    with pytest.raises(TemplateError) as refused:
        bots_in(_changed(templates, change))
    assert refused.value.place.startswith("Bookstore-dev-Bot/Bot (AWS::Lex::Bot) "), refused.value.place
    assert re.search(re.escape(place).replace(re.escape("{n}"), r"\d+") + "$", refused.value.place), refused.value.place
    assert problem in refused.value.problem, refused.value.problem
    assert str(refused.value) == f"{refused.value.place}: {refused.value.problem}"


def test_a_default_code_hook_invocation_setting_is_accepted(templates, bot) -> None:
    """What the console writes for "invoke the dialog code hook" (the runtime's behaviour) is not refused."""
    default = {"EnableCodeHookInvocation": True, "IsActive": True, "PostCodeHookSpecification": {}}

    def change(properties: dict[str, Any]) -> None:
        _intent(properties, "PlaceOrder")["IntentConfirmationSetting"]["CodeHook"] = default
        for slot in _intent(properties, "PlaceOrder")["Slots"]:
            slot["ValueElicitationSetting"]["SlotCaptureSetting"] = {"CodeHook": default}
        _intent(properties, "Help")["Description"] = "changed, and ignored"

    [changed] = bots_in(_changed(templates, change))
    assert changed.locales == bot.locales


# Any Lex V2 bot of a template: two locales


def _message(text: str) -> dict[str, Any]:
    return {"Message": {"PlainTextMessage": {"Value": text}}}


def _flowers_locale(locale_id: str, words: dict[str, Any]) -> dict[str, Any]:
    def prompt(text: str) -> dict[str, Any]:
        return {"MessageGroupsList": [_message(text)], "MaxRetries": 1, "AllowInterrupt": True}

    return {
        "LocaleId": locale_id,
        "NluConfidenceThreshold": 0.4,
        "VoiceSettings": {"VoiceId": words["voice"]},
        "SlotTypes": [
            {
                "Name": "FlowerTypes",
                "SlotTypeValues": [
                    {"SampleValue": {"Value": value}, "Synonyms": [{"Value": s} for s in synonyms]}
                    for value, synonyms in words["flowers"].items()
                ],
                "ValueSelectionSetting": {"ResolutionStrategy": "TOP_RESOLUTION"},
            }
        ],
        "Intents": [
            {
                "Name": "OrderFlowers",
                "SampleUtterances": [{"Utterance": u} for u in words["utterances"]],
                "Slots": [
                    {
                        "Name": "FlowerType",
                        "SlotTypeName": "FlowerTypes",
                        "ValueElicitationSetting": {
                            "SlotConstraint": "Required",
                            "PromptSpecification": prompt(words["which"]),
                        },
                    },
                    {
                        "Name": "Quantity",
                        "SlotTypeName": "AMAZON.Number",
                        "ValueElicitationSetting": {
                            "SlotConstraint": "Required",
                            "PromptSpecification": prompt(words["how_many"]),
                        },
                    },
                ],
                "SlotPriorities": [{"Priority": 2, "SlotName": "Quantity"}, {"Priority": 1, "SlotName": "FlowerType"}],
                "IntentConfirmationSetting": {
                    "PromptSpecification": prompt(words["confirm"]),
                    "DeclinationResponse": {"MessageGroupsList": [_message(words["declined"])]},
                },
                "IntentClosingSetting": {
                    "ClosingResponse": {"MessageGroupsList": [_message(m) for m in words["closing"]]}
                },
                "FulfillmentCodeHook": {"Enabled": True},
            },
            {"Name": "FallbackIntent", "ParentIntentSignature": "AMAZON.FallbackIntent"},
        ],
    }


ENGLISH = {
    "voice": "Joanna",
    "flowers": {"roses": ["rose"], "tulips": ["tulip"], "lilies": ["lily"]},
    "utterances": ["I want to order flowers", "order {Quantity} {FlowerType}", "I would like to buy flowers"],
    "which": "What type of flowers would you like to order?",
    "how_many": "How many {FlowerType}?",
    "confirm": "Order {Quantity} {FlowerType}?",
    "declined": "Okay, no flowers.",
    "closing": ["Thank you.", "Anything else?"],
}
SPANISH = {
    "voice": "Lupe",
    "flowers": {"rosas": ["rosa"], "tulipanes": ["tulipan"], "lirios": ["lirio"]},
    "utterances": ["quiero pedir flores", "pedir {Quantity} {FlowerType}", "quiero comprar flores"],
    "which": "Que flores quiere pedir?",
    "how_many": "Cuantas {FlowerType}?",
    "confirm": "Pedir {Quantity} {FlowerType}?",
    "declined": "Vale, sin flores.",
    "closing": ["Gracias."],
}


def _alias_setting(locale_id: str, *, enabled: bool = True, arn: str | None = None) -> dict[str, Any]:
    setting: dict[str, Any] = {"Enabled": enabled}
    if arn is not None:
        setting["CodeHookSpecification"] = {"LambdaCodeHook": {"CodeHookInterfaceVersion": "1.0", "LambdaArn": arn}}
    return {"LocaleId": locale_id, "BotAliasLocaleSetting": setting}


FLOWERS_HOOK = "arn:aws:lambda:us-east-1:111111111111:function:flowers"
FLOWERS: dict[str, dict[str, Any]] = {
    "Flowers": {
        "Resources": {
            "FlowerBot": {
                "Type": "AWS::Lex::Bot",
                "Properties": {
                    "Name": "OrderFlowers",
                    "RoleArn": "arn:aws:iam::111111111111:role/flowers",
                    "DataPrivacy": {"ChildDirected": False},
                    "IdleSessionTTLInSeconds": 120,
                    "BotLocales": [_flowers_locale("en_US", ENGLISH), _flowers_locale("es_US", SPANISH)],
                    "TestBotAliasSettings": {
                        "BotAliasLocaleSettings": [
                            _alias_setting("en_US", arn=FLOWERS_HOOK),
                            _alias_setting("es_US", arn=FLOWERS_HOOK),
                        ]
                    },
                },
            },
            "ProdAlias": {
                "Type": "AWS::Lex::BotAlias",
                "Properties": {
                    "BotId": {"Ref": "FlowerBot"},
                    "BotAliasName": "prod",
                    "BotVersion": "1",
                    "BotAliasLocaleSettings": [_alias_setting("en_US"), _alias_setting("es_US", enabled=False)],
                },
            },
        }
    }
}
FLOWER_ALIASES = {TEST_ALIAS_ID: ("TestBotAlias", "DRAFT"), "PRODALIAS1": ("prod", "1")}


def test_a_bot_with_two_locales_is_served_in_both() -> None:
    [bot] = bots_in(FLOWERS)
    assert (bot.stack, bot.logical_id, bot.name, bot.idle_session_ttl_seconds) == (
        "Flowers",
        "FlowerBot",
        "OrderFlowers",
        120,
    )
    assert list(bot.locales) == ["en_US", "es_US"]
    assert bot.test_alias.code_hooks == {"en_US": FLOWERS_HOOK, "es_US": FLOWERS_HOOK}
    assert bot.alias("prod").disabled_locales == frozenset({"es_US"})
    hook = Recorder()
    engine = DialogEngine.with_hook(bot, hook, aliases=FLOWER_ALIASES)

    def say(locale: str, text: str, alias: str = TEST_ALIAS_ID) -> dict[str, Any]:
        return engine.recognize_text("BOOKSTORE1", alias, locale, f"s-{locale}", text)

    def contents(response: dict[str, Any]) -> list[str]:
        return [m["content"] for m in response["messages"]]

    assert contents(say("en_US", "I want to order flowers")) == ["What type of flowers would you like to order?"]
    assert contents(say("en_US", "roses")) == ["How many roses?"]
    assert contents(say("en_US", "3")) == ["Order 3 roses?"]
    assert contents(say("en_US", "yes")) == ["hook en_US", "Thank you.", "Anything else?"]

    assert contents(say("es_US", "quiero pedir flores")) == ["Que flores quiere pedir?"]
    assert contents(say("es_US", "rosa")) == ["Cuantas rosas?"]  # a synonym, resolved to its value
    assert contents(say("es_US", "2")) == ["Pedir 2 rosas?"]
    assert contents(say("es_US", "no")) == ["Vale, sin flores."]
    assert [e["bot"]["localeId"] for e in hook.events] == ["en_US"]

    # The prod alias has no Lambda function for en_US (fulfilled without the hook) and disables es_US.
    assert contents(say("en_US", "order 2 tulips", alias="PRODALIAS1")) == ["Order 2 tulips?"]
    assert contents(say("en_US", "yes", alias="PRODALIAS1")) == ["Thank you.", "Anything else?"]
    assert len(hook.events) == 1
    with pytest.raises(ResourceNotFound, match="Locale es_US is not enabled for alias PRODALIAS1"):
        say("es_US", "quiero pedir flores", alias="PRODALIAS1")
    with pytest.raises(
        ResourceNotFound, match="Locale fr_FR is not enabled for bot BOOKSTORE1 \\(it has en_US, es_US\\)"
    ):
        say("fr_FR", "je veux des fleurs")


# Built-in intents


def test_the_model_s_built_in_intents_have_lex_s_utterances(bot, model, templates) -> None:
    """An intent built on AMAZON.CancelIntent, AMAZON.StopIntent or AMAZON.StartOverIntent has no utterances in the
    template (Lex gives it its own); the runtime gives it its approximation of them, the documented ones first."""
    locale = bot.locales[model.locale]
    documented = {
        "AMAZON.CancelIntent": ["cancel", "never mind", "forget it"],
        "AMAZON.StopIntent": ["stop", "off", "shut up"],
        "AMAZON.StartOverIntent": ["start over", "restart", "start again"],
    }
    served = {i.parent: i for i in locale.intents if i.parent in documented}
    assert sorted(served) == sorted(documented)
    for parent, utterances in documented.items():
        assert "SampleUtterances" not in _intent(_bot_properties(templates), served[parent].name)
        assert list(served[parent].utterances[:3]) == utterances
        assert served[parent].slots == ()
        assert served[parent].closing, parent  # what Lex says when it is recognized


def _with_stop_intent(locale_index: int) -> dict[str, Any]:
    flowers = copy.deepcopy(FLOWERS)
    locale = flowers["Flowers"]["Resources"]["FlowerBot"]["Properties"]["BotLocales"][locale_index]
    locale["Intents"].insert(
        1,
        {
            "Name": "Quit",
            "ParentIntentSignature": "AMAZON.StopIntent",
            "IntentClosingSetting": {"ClosingResponse": {"MessageGroupsList": [_message("Stopped.")]}},
        },
    )
    return flowers


def test_a_built_in_intent_of_another_bot_interrupts_its_prompts() -> None:
    """Any bot's intent built on AMAZON.StopIntent is recognized from Lex's utterances, at a slot prompt too: the
    intent in progress is left unfulfilled and the built-in intent's closing response is said."""
    [bot] = bots_in(_with_stop_intent(0))
    quit_intent = bot.locales["en_US"].intent("Quit")
    assert quit_intent.parent == "AMAZON.StopIntent"
    hook = Recorder()
    engine = DialogEngine.with_hook(bot, hook, aliases=FLOWER_ALIASES)

    def say(text: str) -> dict[str, Any]:
        return engine.recognize_text("BOOKSTORE1", TEST_ALIAS_ID, "en_US", "s1", text)

    assert say("I want to order flowers")["sessionState"]["dialogAction"]["slotToElicit"] == "FlowerType"
    stopped = say("stop")
    assert stopped["sessionState"]["intent"]["name"] == "Quit"
    assert stopped["sessionState"]["intent"]["state"] == "Fulfilled"
    assert stopped["sessionState"]["dialogAction"] == {"type": "Close"}
    assert [m["content"] for m in stopped["messages"]] == ["Stopped."]
    assert hook.events == []  # OrderFlowers was never fulfilled


def test_a_built_in_intent_in_a_locale_whose_utterances_the_runtime_lacks_is_refused() -> None:
    with pytest.raises(
        TemplateError, match=r"AMAZON\.StopIntent in es_US: the local Lex runtime knows only the English"
    ):
        bots_in(_with_stop_intent(1))


def test_no_bot_in_templates_without_one(templates) -> None:
    assert bots_in({name: t for name, t in templates.items() if name != BOT_STACK}) == []
