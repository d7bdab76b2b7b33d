"""Read the bots the local Lex V2 runtime serves from CloudFormation templates (`AWS::Lex::Bot`, `AWS::Lex::BotAlias`).

`bots_in(templates)` finds every `AWS::Lex::Bot` of the templates (by stack name, as in a cloud assembly) and
translates it into the runtime's model (model.py): each `BotLocales` item (intents, `SampleUtterances`,
`Slots`, `SlotPriorities`, slot types with `SlotTypeValues` and synonyms, `ValueSelectionSetting`
`ResolutionStrategy` and `RegexFilter`, `ParentSlotTypeSignature`, prompts, `SlotConstraint`,
`IntentConfirmationSetting`, `IntentClosingSetting`, `DialogCodeHook` / `FulfillmentCodeHook`,
`ParentIntentSignature`, `NluConfidenceThreshold`), `IdleSessionTTLInSeconds`, and its aliases: the test alias
(`TestBotAliasSettings`) and every `AWS::Lex::BotAlias` of the same template whose `BotId` is the bot, each with
the Lambda function its `BotAliasLocaleSettings` name as code hook per enabled locale.

Built-in intents (`ParentIntentSignature`): AMAZON.FallbackIntent, AMAZON.CancelIntent, AMAZON.StopIntent,
AMAZON.StartOverIntent and AMAZON.HelpIntent. Lex gives an intent built on one of the last four its own sample
utterances, which the runtime approximates (`BUILTIN_INTENT_UTTERANCES`); the dialog engine lets them interrupt any
prompt (engine.py).

Reference: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lex-bot.html and the
property pages it links (BotLocale, Intent, Slot, SlotType, PromptSpecification, BotAliasLocaleSettings).

Messages: a prompt or response is a list of message groups; Lex sends one message of each group, in order,
choosing the group's `Message` or one of its `Variations`
(https://repost.aws/knowledge-center/lex-messaging-constructs). The runtime sends each group's `Message`,
which must be a `PlainTextMessage`; variations are ignored (always choosing the primary message is one of
Lex's choices).

Ignored (they do not change a text conversation, or only its wording among Lex's own choices): descriptions
and display names; `AllowInterrupt`, `MessageSelectionStrategy`, `PromptAttemptsSpecification`, message
`Variations`; voice and speech settings (`VoiceSettings`, `CustomVocabulary`, `SpeechRecognitionSettings`,
`SpeechDetectionSensitivity`, `UnifiedSpeechSettings`, `AudioFillerSettings`,
`AdvancedRecognitionSetting`, `FulfillmentUpdatesSpecification`, which is for streaming only);
`GenerativeAISettings` (the local NLU is its own approximation of Lex's); slot `SampleUtterances` (the
runtime finds the value in any answer) and `ObfuscationSetting` (logs only); `DataPrivacy`, `RoleArn`, tags,
`AutoBuildBotLocales`, `Replication`, `ErrorLogSettings`;
conversation logs and `SentimentAnalysisSettings` of the aliases; `CodeHookInterfaceVersion`;
the alias's `BotVersion` (every alias serves the bot as the template defines it, the version a deployment
creates); `Condition`s on the resources. `MultipleValuesSetting` is read: a multi-valued slot of a custom
type in en_US answers a list. Dialog code-hook invocation settings (`CodeHook`,
`ElicitationCodeHook` of a confirmation or a slot capture) are accepted when they keep Lex's default
(invoke the hook, nothing after it), since that is what the runtime does.

Refused with a `TemplateError` (the runtime would answer differently from Lex): a bot imported from
`BotFileS3Location` or a bot network (`BotType` BotNetwork, `BotMembers`); a CloudFormation function where the
runtime reads a value (except the alias's `LambdaArn`, kept as written); a locale without an intent built on
AMAZON.FallbackIntent; other built-in intents (another `ParentIntentSignature`, `KendraConfiguration`,
`QnAIntentConfiguration`, `BedrockAgentIntentConfiguration`, `QInConnectIntentConfiguration`), and
`SampleUtterances` or `Slots` on an intent built on a built-in one; conversation
flows: `InitialResponseSetting`, `InputContexts`, `OutputContexts`, `NextStep`s, `Conditional`s, the confirmation's
`ConfirmationResponse` and `FailureResponse`, slot `SlotCaptureSetting` responses, `DefaultValueSpecification`,
`WaitAndContinueSpecification`, `PostFulfillmentStatusSpecification`, a code-hook invocation setting that turns
the hook off; messages that are not plain text (SSML, custom payloads, image response cards); multi-valued
slots outside en_US or of a built-in type, `CONCATENATION` value selection, composite slots (`SubSlotSetting`,
`CompositeSlotTypeSetting`) and grammar slot types (`ExternalSourceSetting`); a `ParentSlotTypeSignature` other
than AMAZON.AlphaNumeric, a regex Lex would refuse (bot/lex_regex.py), a built-in slot type the runtime has no
recognizer for (local/emulators/lex/slots.py), a required slot without a prompt; names that are used twice or not
defined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.lex_regex import regex_filter_problems
from local.emulators.lex.model import (
    ALPHANUMERIC,
    FALLBACK_PARENT,
    BotLocale,
    CodeHooks,
    Confirmation,
    Intent,
    Prompt,
    Resolution,
    Slot,
    SlotType,
    SlotTypeValue,
)
from local.emulators.lex.slots import BUILTIN_RECOGNIZERS

_Named = TypeVar("_Named")

CANCEL_PARENT = "AMAZON.CancelIntent"
STOP_PARENT = "AMAZON.StopIntent"
START_OVER_PARENT = "AMAZON.StartOverIntent"
HELP_PARENT = "AMAZON.HelpIntent"
# The sample utterances Lex gives the built-in intents the runtime serves. An approximation, written for the local
# runtime: Lex publishes only "common utterances" of each (the first ones of every list, from
# https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-cancel.html, built-in-intent-stop.html,
# built-in-intent-start-over.html and, for AMAZON.HelpIntent, https://docs.aws.amazon.com/lex/latest/dg/built-in-intent-help.html);
# the others are the same requests in other common words. An intent built on one of them gets these as its sample
# utterances (a template may add none: "you can't add or remove sample utterances from the base intent",
# https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intents.html), so the NLU recognizes them like any other.
BUILTIN_INTENT_UTTERANCES: Mapping[str, tuple[str, ...]] = {
    CANCEL_PARENT: (
        "cancel",
        "never mind",
        "forget it",
        "cancel that",
        "cancel this",
        "nevermind",
        "never mind that",
        "forget about it",
        "forget that",
        "scratch that",
        "abort",
    ),
    STOP_PARENT: ("stop", "off", "shut up", "stop it", "stop that", "please stop", "quit", "exit"),
    START_OVER_PARENT: (
        "start over",
        "restart",
        "start again",
        "let's start over",
        "start from the beginning",
        "begin again",
        "reset",
    ),
    HELP_PARENT: ("help", "help me", "can you help me", "I need help", "what can I say"),
}
# The built-in intents the runtime serves (ParentIntentSignature): AMAZON.FallbackIntent and those above.
BUILTIN_PARENTS = frozenset({FALLBACK_PARENT, *BUILTIN_INTENT_UTTERANCES})

BOT_TYPE = "AWS::Lex::Bot"
ALIAS_TYPE = "AWS::Lex::BotAlias"
TEST_ALIAS_NAME = "TestBotAlias"
_PLACEHOLDER_START, _PLACEHOLDER_END = "{", "}"

# Properties whose presence makes the runtime answer differently from Lex, with what they are.
_REFUSED_BOT = {
    "BotFileS3Location": "a bot imported from a file in S3 (the runtime reads the bot from BotLocales)",
    "BotMembers": "a bot network",
}
_REFUSED_INTENT = {
    "InitialResponseSetting": "an initial response and conversation flow",
    "InputContexts": "input contexts (which gate when the intent is recognized)",
    "OutputContexts": "output contexts",
    "KendraConfiguration": "AMAZON.KendraSearchIntent",
    "QnAIntentConfiguration": "AMAZON.QnAIntent",
    "BedrockAgentIntentConfiguration": "AMAZON.BedrockAgentIntent",
    "QInConnectIntentConfiguration": "AMAZON.QInConnectIntent",
}
_REFUSED_CONFIRMATION = {
    "ConfirmationResponse": "a response after the user confirms",
    "ConfirmationConditional": "conditional branching",
    "ConfirmationNextStep": "a conversation flow",
    "DeclinationConditional": "conditional branching",
    "DeclinationNextStep": "a conversation flow",
    "FailureResponse": "a response when confirmation fails",
    "FailureConditional": "conditional branching",
    "FailureNextStep": "a conversation flow",
}
_REFUSED_CLOSING = {"Conditional": "conditional branching", "NextStep": "a conversation flow"}
_REFUSED_ELICITATION = {
    "DefaultValueSpecification": "default slot values",
    "WaitAndContinueSpecification": "wait-and-continue",
}
_REFUSED_CAPTURE = {
    "CaptureResponse": "a response after the slot is captured",
    "CaptureConditional": "conditional branching",
    "CaptureNextStep": "a conversation flow",
    "FailureResponse": "a response when capture fails",
    "FailureConditional": "conditional branching",
    "FailureNextStep": "a conversation flow",
}
_REFUSED_SLOT = {"SubSlotSetting": "a composite slot"}
_REFUSED_SLOT_TYPE = {
    "CompositeSlotTypeSetting": "a composite slot type",
    "ExternalSourceSetting": "a grammar slot type",
}
_REFUSED_FULFILLMENT = {"PostFulfillmentStatusSpecification": "post-fulfillment responses and flows"}
_POST_CODE_HOOK = (
    "SuccessResponse",
    "SuccessNextStep",
    "SuccessConditional",
    "FailureResponse",
    "FailureNextStep",
    "FailureConditional",
    "TimeoutResponse",
    "TimeoutNextStep",
    "TimeoutConditional",
)


class TemplateError(ValueError):
    """The template defines a bot the local runtime cannot serve as Lex would. `place` names the stack, the
    resource and the property path (e.g. `Bookstore-dev-Bot/Bot BotLocales[0](en_US).Intents[2](Help)`)."""

    def __init__(self, place: str, problem: str) -> None:
        self.place = place
        self.problem = problem
        super().__init__(f"{place}: {problem}")


@dataclass(frozen=True)
class TemplateAlias:
    name: str  # "TestBotAlias" for the bot's test alias, else BotAliasName
    logical_id: str | None  # None for the test alias
    # locale id -> the LambdaArn value exactly as in the template (e.g. {"Fn::GetAtt": [...]}), for enabled
    # locales with a code hook
    code_hooks: dict[str, Any]
    # locales whose BotAliasLocaleSetting has Enabled false ("the locale isn't available for use")
    disabled_locales: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TemplateBot:
    stack: str  # stack name holding the AWS::Lex::Bot
    logical_id: str
    name: str
    idle_session_ttl_seconds: int
    locales: dict[str, BotLocale]
    aliases: list[TemplateAlias] = field(default_factory=list)  # test alias first

    def alias(self, name: str) -> TemplateAlias:
        for alias in self.aliases:
            if alias.name == name:
                return alias
        raise KeyError(f"bot {self.logical_id} has no alias {name}")

    @property
    def test_alias(self) -> TemplateAlias:
        return self.aliases[0]


def _is_function(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref"))


@dataclass(frozen=True)
class _Node:
    """A value of the template and where it is, for errors that name the place."""

    value: Any
    place: str
    root: bool = False  # the resource's Properties: its place is `stack/LogicalId (Type)`

    def at(self, key: str) -> str:
        """The place of a property of this value."""
        return f"{self.place} {key}" if self.root else f"{self.place}.{key}"

    def error(self, problem: str) -> TemplateError:
        return TemplateError(self.place, problem)

    def _literal(self, value: Any, place: str, kind: str) -> Any:
        if _is_function(value):
            raise TemplateError(
                place,
                f"is a CloudFormation function ({next(iter(value))}); the local runtime reads only a literal "
                f"{kind} here",
            )
        return value

    def props(self) -> Mapping[str, Any]:
        value = self._literal(self.value, self.place, "object")
        if not isinstance(value, Mapping):
            raise self.error(f"must be an object, not {type(value).__name__}")
        return value

    def has(self, key: str) -> bool:
        return self.props().get(key) is not None

    def child(self, key: str) -> _Node | None:
        value = self.props().get(key)
        return None if value is None else _Node(value, self.at(key))

    def need(self, key: str) -> _Node:
        found = self.child(key)
        if found is None:
            raise self.error(f"{key} is required")
        return found

    def items(self, key: str) -> list[_Node]:
        """The items of a list property (none when absent), each placed `Key[i](Name)`."""
        node = self.child(key)
        if node is None:
            return []
        values = self._literal(node.value, node.place, "list")
        if not isinstance(values, list):
            raise node.error(f"must be a list, not {type(values).__name__}")
        nodes = []
        for index, item in enumerate(values):
            label = (item.get("Name") or item.get("LocaleId")) if isinstance(item, dict) else None
            suffix = f"({label})" if isinstance(label, str) else ""
            nodes.append(_Node(item, f"{self.at(key)}[{index}]{suffix}"))
        return nodes

    def _scalar(self, key: str, kinds: tuple[type, ...], kind: str, *, required: bool) -> Any:
        node = self.child(key)
        if node is None:
            if required:
                raise self.error(f"{key} is required")
            return None
        value = self._literal(node.value, node.place, kind)
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise node.error(f"must be a {kind}, not {value!r}")
        return value

    def text(self, key: str) -> str:
        return str(self._scalar(key, (str,), "string", required=True))

    def optional_text(self, key: str) -> str | None:
        value = self._scalar(key, (str,), "string", required=False)
        return None if value is None else str(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self._scalar(key, (bool,), "boolean", required=False)
        return default if value is None else bool(value)

    def integer(self, key: str, default: int | None = None) -> int:
        value = self._scalar(key, (int,), "integer", required=default is None)
        if value is None:
            assert default is not None
            return default
        return int(value)

    def number(self, key: str) -> float:
        return float(self._scalar(key, (int, float), "number", required=True))

    def refuse(self, refused: Mapping[str, str]) -> None:
        for key, what in refused.items():
            if self.has(key):
                raise TemplateError(
                    self.at(key),
                    f"{what} is not supported by the local Lex runtime (it would not answer as Lex does; docs/bot.md "
                    "lists what it serves)",
                )


def _messages(spec: _Node) -> tuple[str, ...]:
    """The primary message of each message group (`MessageGroupsList`), which must be plain text."""
    texts: list[str] = []
    for group in spec.items("MessageGroupsList"):
        message = group.need("Message")
        plain = message.child("PlainTextMessage")
        if plain is None:
            kinds = [k for k in ("SSMLMessage", "CustomPayload", "ImageResponseCard") if message.has(k)]
            raise message.error(
                f"{' / '.join(kinds) or 'this message'} is not supported by the local Lex runtime: it sends "
                "plain-text messages only (PlainTextMessage)"
            )
        texts.append(plain.text("Value"))
    if not texts:
        raise spec.error("MessageGroupsList needs at least one message group")
    return tuple(texts)


def _prompt(spec: _Node) -> Prompt:
    return Prompt(messages=_messages(spec), max_retries=spec.integer("MaxRetries", default=0))


def _check_code_hook_invocation(node: _Node | None, *, elicitation: bool = False) -> None:
    """A dialog code-hook invocation setting is accepted when it keeps Lex's default: the hook is invoked and
    nothing is configured to happen after it (what the runtime does)."""
    if node is None:
        return
    if not node.flag("EnableCodeHookInvocation", True) or (not elicitation and not node.flag("IsActive", True)):
        raise node.error(
            "turning the dialog code hook off at this step is not supported by the local Lex runtime (it calls "
            "the dialog code hook on every turn of an intent that enables it)"
        )
    post = node.child("PostCodeHookSpecification")
    if post is not None:
        post.refuse(dict.fromkeys(_POST_CODE_HOOK, "a response or flow after the dialog code hook"))


def _slot_type(node: _Node) -> SlotType:
    node.refuse(_REFUSED_SLOT_TYPE)
    name = node.text("Name")
    parent = node.optional_text("ParentSlotTypeSignature")
    selection = node.child("ValueSelectionSetting")
    resolution = selection.text("ResolutionStrategy") if selection else "ORIGINAL_VALUE"
    if resolution not in ("ORIGINAL_VALUE", "TOP_RESOLUTION"):
        raise TemplateError(
            node.at("ValueSelectionSetting.ResolutionStrategy"),
            f"{resolution} is not supported by the local Lex runtime (ORIGINAL_VALUE or TOP_RESOLUTION; "
            "CONCATENATION is for multi-valued slots)",
        )
    regex_node = selection.child("RegexFilter") if selection else None
    regex = regex_node.text("Pattern") if regex_node else None
    values = tuple(
        SlotTypeValue(
            value=item.need("SampleValue").text("Value"),
            synonyms=tuple(s.text("Value") for s in item.items("Synonyms")),
        )
        for item in node.items("SlotTypeValues")
    )
    if parent is not None and parent != ALPHANUMERIC:
        raise TemplateError(
            node.at("ParentSlotTypeSignature"), f"{parent}: only {ALPHANUMERIC} can be a parent slot type"
        )
    if regex is not None:
        if parent is None:
            raise TemplateError(
                node.at("ValueSelectionSetting.RegexFilter"),
                f"a regex filters only a slot type with ParentSlotTypeSignature {ALPHANUMERIC}",
            )
        problems = regex_filter_problems(regex)
        if problems:
            raise TemplateError(node.at("ValueSelectionSetting.RegexFilter.Pattern"), "; ".join(problems))
    if parent is not None:
        if regex is None:
            raise node.error(f"a slot type extending {parent} needs ValueSelectionSetting.RegexFilter")
        if values:
            raise node.error(f"a slot type extending {parent} takes a regex, not SlotTypeValues")
        if resolution != "ORIGINAL_VALUE":
            raise node.error("a slot type without values needs ORIGINAL_VALUE (with TOP_RESOLUTION Lex returns null)")
    strategy: Resolution = "TOP_RESOLUTION" if resolution == "TOP_RESOLUTION" else "ORIGINAL_VALUE"
    return SlotType(name=name, values=values, resolution=strategy, parent=parent, regex=regex)


def _slot(node: _Node, priority: int, slot_types: Mapping[str, SlotType], locale_id: str) -> Slot:
    node.refuse(_REFUSED_SLOT)
    setting = node.child("MultipleValuesSetting")
    multiple = setting is not None and setting.flag("AllowMultipleValues", False)
    name = node.text("Name")
    type_name = node.text("SlotTypeName")
    if type_name not in slot_types and type_name not in BUILTIN_RECOGNIZERS:
        where = (
            "a built-in slot type the local Lex runtime has no recognizer for"
            if type_name.startswith("AMAZON.")
            else "not a slot type of this locale"
        )
        raise TemplateError(node.at("SlotTypeName"), f"{type_name} is {where}")
    elicitation = node.need("ValueElicitationSetting")
    elicitation.refuse(_REFUSED_ELICITATION)
    capture = elicitation.child("SlotCaptureSetting")
    if capture is not None:
        capture.refuse(_REFUSED_CAPTURE)
        _check_code_hook_invocation(capture.child("CodeHook"))
        _check_code_hook_invocation(capture.child("ElicitationCodeHook"), elicitation=True)
    constraint = elicitation.text("SlotConstraint")
    if constraint not in ("Required", "Optional"):
        raise TemplateError(elicitation.at("SlotConstraint"), f"{constraint!r} is not Required or Optional")
    spec = elicitation.child("PromptSpecification")
    if spec is None and constraint == "Required":
        raise elicitation.error("a required slot needs a PromptSpecification")
    prompt = _prompt(spec) if spec is not None else Prompt(messages=())
    if multiple:
        # https://docs.aws.amazon.com/lexv2/latest/dg/multi-valued-slots.html: "only supported in the English (US)
        # language"; "You can only mark slots with custom slot types as multi-value slots".
        assert setting is not None
        if locale_id != "en_US":
            raise TemplateError(setting.at("AllowMultipleValues"), "multi-valued slots exist only in en_US")
        if type_name not in slot_types or slot_types[type_name].parent is not None:
            raise TemplateError(
                setting.at("AllowMultipleValues"), "only a slot of a custom slot type can be multi-valued"
            )
    required = constraint == "Required"
    return Slot(name=name, type=type_name, required=required, priority=priority, prompt=prompt, multiple=multiple)


def _placeholders(text: str) -> Iterator[str]:
    start = text.find(_PLACEHOLDER_START)
    while start >= 0:
        end = text.find(_PLACEHOLDER_END, start)
        if end < 0:
            return
        yield text[start + 1 : end].strip()
        start = text.find(_PLACEHOLDER_START, end)


def _intent(node: _Node, slot_types: Mapping[str, SlotType], locale_id: str) -> Intent:
    node.refuse(_REFUSED_INTENT)
    name = node.text("Name")
    parent = node.optional_text("ParentIntentSignature")
    if parent is not None and parent not in BUILTIN_PARENTS:
        raise TemplateError(
            node.at("ParentIntentSignature"),
            f"{parent}: the local Lex runtime serves only the built-in intents {', '.join(sorted(BUILTIN_PARENTS))}",
        )
    if parent in BUILTIN_INTENT_UTTERANCES and not locale_id.startswith("en_"):
        raise TemplateError(
            node.at("ParentIntentSignature"),
            f"{parent} in {locale_id}: the local Lex runtime knows only the English utterances of the built-in intents",
        )

    slot_nodes = node.items("Slots")
    slot_names = [s.text("Name") for s in slot_nodes]
    duplicates = sorted({n for n in slot_names if slot_names.count(n) > 1})
    if duplicates:
        raise node.error(f"slots {duplicates} are defined twice")
    priorities: dict[str, int] = {}
    for item in node.items("SlotPriorities"):
        slot_name = item.text("SlotName")
        if slot_name not in slot_names:
            raise TemplateError(item.at("SlotName"), f"{slot_name} is not a slot of intent {name}")
        priorities[slot_name] = item.integer("Priority")
    # A slot without a priority is elicited after those with one, in the order the slots are listed.
    after = max(priorities.values(), default=0) + 1
    slots = tuple(
        _slot(slot_node, priorities.get(slot_name, after + index), slot_types, locale_id)
        for index, (slot_node, slot_name) in enumerate(zip(slot_nodes, slot_names, strict=True))
    )

    utterances = tuple(u.text("Utterance") for u in node.items("SampleUtterances"))
    for index, utterance in enumerate(utterances):
        if not utterance.strip() or utterance.count(_PLACEHOLDER_START) != utterance.count(_PLACEHOLDER_END):
            raise TemplateError(
                f"{node.place}.SampleUtterances[{index}]",
                f"{utterance!r} is empty or has an unclosed {{slot}} reference (the locale would not build)",
            )
        unknown = [p for p in _placeholders(utterance) if p not in slot_names]
        if unknown:
            raise TemplateError(
                f"{node.place}.SampleUtterances[{index}]", f"{utterance!r} names {unknown}, not slots of {name}"
            )
    if parent is not None and (utterances or slots):
        raise node.error(
            f"an intent built on {parent} takes no SampleUtterances or Slots (Lex gives a built-in intent its own "
            "utterances; you can't add utterances or slots to it)"
        )
    if parent is not None:
        utterances = BUILTIN_INTENT_UTTERANCES.get(parent, ())

    confirmation = None
    confirming = node.child("IntentConfirmationSetting")
    if confirming is not None:
        confirming.refuse(_REFUSED_CONFIRMATION)
        _check_code_hook_invocation(confirming.child("CodeHook"))
        _check_code_hook_invocation(confirming.child("ElicitationCodeHook"), elicitation=True)
        if confirming.flag("IsActive", True):
            declination = confirming.child("DeclinationResponse")
            confirmation = Confirmation(
                prompt=_prompt(confirming.need("PromptSpecification")),
                declination=_messages(declination) if declination is not None else (),
            )

    closing: tuple[str, ...] = ()
    closing_node = node.child("IntentClosingSetting")
    if closing_node is not None:
        closing_node.refuse(_REFUSED_CLOSING)
        response = closing_node.child("ClosingResponse")
        if closing_node.flag("IsActive", True) and response is not None:
            closing = _messages(response)

    dialog = node.child("DialogCodeHook")
    fulfillment = node.child("FulfillmentCodeHook")
    if fulfillment is not None:
        fulfillment.refuse(_REFUSED_FULFILLMENT)
    hooks = CodeHooks(
        dialog=dialog is not None and dialog.flag("Enabled", False),
        fulfillment=fulfillment is not None
        and fulfillment.flag("Enabled", False)
        and fulfillment.flag("IsActive", True),  # "When active is false, the code hook doesn't run"
    )
    return Intent(
        name=name,
        utterances=utterances,
        slots=slots,
        confirmation=confirmation,
        closing=closing,
        code_hooks=hooks,
        parent=parent,
    )


def _by_name(
    items: Iterable[_Node], parse: Callable[[_Node], _Named], name_of: Callable[[_Named], str], what: str
) -> dict[str, _Named]:
    """Each item parsed, by its name; a name defined twice is refused where its second definition is."""
    found: dict[str, _Named] = {}
    for item in items:
        value = parse(item)
        name = name_of(value)
        if name in found:
            raise item.error(f"{what} {name} is defined twice")
        found[name] = value
    return found


def _locale(node: _Node) -> BotLocale:
    locale_id = node.text("LocaleId")
    slot_types = _by_name(node.items("SlotTypes"), _slot_type, lambda t: t.name, "slot type")
    intents = _by_name(
        node.items("Intents"), lambda item: _intent(item, slot_types, locale_id), lambda i: i.name, "intent"
    )
    if not any(i.parent == FALLBACK_PARENT for i in intents.values()):
        raise node.error(
            f"a locale needs an intent with ParentIntentSignature {FALLBACK_PARENT} (Lex refuses the bot without one)"
        )
    threshold = node.number("NluConfidenceThreshold")
    if not 0 <= threshold <= 1:  # lexv2-models service model: ConfidenceThreshold min 0, max 1
        raise TemplateError(node.at("NluConfidenceThreshold"), f"{threshold} is not between 0 and 1")
    return BotLocale(
        locale_id=locale_id,
        nlu_confidence_threshold=threshold,
        intents=tuple(intents.values()),
        slot_types=tuple(slot_types.values()),
    )


def _alias_settings(owner: _Node, key: str, locales: Mapping[str, BotLocale]) -> tuple[dict[str, Any], frozenset[str]]:
    """`BotAliasLocaleSettings` -> (locale id -> LambdaArn for enabled locales with a code hook, disabled locales)."""
    hooks: dict[str, Any] = {}
    disabled: set[str] = set()
    for item in owner.items(key):
        locale_id = item.text("LocaleId")
        if locale_id not in locales:
            raise TemplateError(item.at("LocaleId"), f"{locale_id} is not a locale of the bot ({', '.join(locales)})")
        setting = item.need("BotAliasLocaleSetting")
        if not setting.flag("Enabled", True):
            disabled.add(locale_id)
            continue
        spec = setting.child("CodeHookSpecification")
        if spec is not None:
            lambda_hook = spec.need("LambdaCodeHook")
            arn = lambda_hook.props().get("LambdaArn")
            if arn is None:
                raise lambda_hook.error("LambdaArn is required")
            hooks[locale_id] = arn
    return hooks, frozenset(disabled)


def _refers_to(value: Any, logical_id: str) -> bool:
    """Whether an alias's BotId is this bot: {"Fn::GetAtt": [id, "Id"]}, "id.Id" or {"Ref": id}."""
    if not isinstance(value, dict):
        return False
    target = value.get("Fn::GetAtt")
    if isinstance(target, str):
        target = target.split(".", 1)
    if isinstance(target, list) and len(target) == 2:
        return bool(target[0] == logical_id and target[1] == "Id")
    return bool(value.get("Ref") == logical_id)


def _bot(stack: str, logical_id: str, resource: Mapping[str, Any], resources: Mapping[str, Any]) -> TemplateBot:
    node = _Node(resource.get("Properties") or {}, f"{stack}/{logical_id} ({BOT_TYPE})", root=True)
    node.refuse(_REFUSED_BOT)
    if node.optional_text("BotType") not in (None, "Bot"):
        raise TemplateError(node.at("BotType"), "a bot network is not supported by the local Lex runtime")
    locales = _by_name(node.items("BotLocales"), _locale, lambda locale: locale.locale_id, "locale")
    if not locales:
        raise node.error("BotLocales defines no locale: the bot has nothing to serve")
    raw_name = node.props().get("Name")
    name = raw_name if isinstance(raw_name, str) else logical_id  # a computed name: the logical id stands in
    ttl = node.integer("IdleSessionTTLInSeconds")

    # The test alias (TSTALIASID) always exists: with no TestBotAliasSettings it has no code hook.
    test_settings = node.child("TestBotAliasSettings")
    hooks: dict[str, Any] = {}
    disabled: frozenset[str] = frozenset()
    if test_settings is not None:
        hooks, disabled = _alias_settings(test_settings, "BotAliasLocaleSettings", locales)
    aliases = [TemplateAlias(name=TEST_ALIAS_NAME, logical_id=None, code_hooks=hooks, disabled_locales=disabled)]
    for alias_id, alias in resources.items():
        if not isinstance(alias, Mapping) or alias.get("Type") != ALIAS_TYPE:
            continue
        alias_node = _Node(alias.get("Properties") or {}, f"{stack}/{alias_id} ({ALIAS_TYPE})", root=True)
        if not _refers_to(alias_node.props().get("BotId"), logical_id):
            continue
        hooks, disabled = _alias_settings(alias_node, "BotAliasLocaleSettings", locales)
        aliases.append(
            TemplateAlias(
                name=alias_node.text("BotAliasName"), logical_id=alias_id, code_hooks=hooks, disabled_locales=disabled
            )
        )
    names = [a.name for a in aliases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise node.error(f"aliases {duplicates} are named twice")
    return TemplateBot(
        stack=stack, logical_id=logical_id, name=name, idle_session_ttl_seconds=ttl, locales=locales, aliases=aliases
    )


def bots_in(templates: Mapping[str, Mapping[str, Any]]) -> list[TemplateBot]:
    """Every `AWS::Lex::Bot` of the templates (stack name -> template), in stack and resource order."""
    bots: list[TemplateBot] = []
    for stack, template in templates.items():
        resources = template.get("Resources") or {}
        for logical_id, resource in resources.items():
            if isinstance(resource, Mapping) and resource.get("Type") == BOT_TYPE:
                bots.append(_bot(stack, logical_id, resource, resources))
    return bots


__all__ = [
    "BUILTIN_INTENT_UTTERANCES",
    "BUILTIN_PARENTS",
    "CANCEL_PARENT",
    "HELP_PARENT",
    "START_OVER_PARENT",
    "STOP_PARENT",
    "TemplateAlias",
    "TemplateBot",
    "TemplateError",
    "bots_in",
]
