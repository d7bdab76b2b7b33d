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
utterances, which the runtime approximates (builtin_intents.py `BUILTIN_INTENT_UTTERANCES`); the dialog engine lets
them interrupt any prompt (user_input.py).

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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from local.emulators.lex.model import BotLocale
from local.emulators.lex.template_intents import read_locale
from local.emulators.lex.template_node import Node, TemplateError, by_name

BOT_TYPE = "AWS::Lex::Bot"
ALIAS_TYPE = "AWS::Lex::BotAlias"
TEST_ALIAS_NAME = "TestBotAlias"

# Properties whose presence makes the runtime answer differently from Lex, with what they are.
_REFUSED_BOT = {
    "BotFileS3Location": "a bot imported from a file in S3 (the runtime reads the bot from BotLocales)",
    "BotMembers": "a bot network",
}


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


def _alias_settings(owner: Node, key: str, locales: Mapping[str, BotLocale]) -> tuple[dict[str, Any], frozenset[str]]:
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
    node = Node(resource.get("Properties") or {}, f"{stack}/{logical_id} ({BOT_TYPE})", root=True)
    node.refuse(_REFUSED_BOT)
    if node.optional_text("BotType") not in (None, "Bot"):
        raise TemplateError(node.at("BotType"), "a bot network is not supported by the local Lex runtime")
    locales = by_name(node.items("BotLocales"), read_locale, lambda locale: locale.locale_id, "locale")
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
        alias_node = Node(alias.get("Properties") or {}, f"{stack}/{alias_id} ({ALIAS_TYPE})", root=True)
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
    "TemplateAlias",
    "TemplateBot",
    "TemplateError",
    "bots_in",
]
