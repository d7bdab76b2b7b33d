"""Intents and locales of a bot template, as the local Lex V2 runtime serves them: a locale's slot types and
intents (with its AMAZON.FallbackIntent) and confidence threshold; an intent's slots in priority order, sample
utterances (a built-in intent's own, approximated in builtin_intents.py), confirmation, closing response and
which code hooks it enables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from local.emulators.lex.builtin_intents import BUILTIN_INTENT_UTTERANCES, BUILTIN_PARENTS
from local.emulators.lex.model import FALLBACK_PARENT, BotLocale, CodeHooks, Confirmation, Intent, Slot, SlotType
from local.emulators.lex.template_node import Node, TemplateError, by_name
from local.emulators.lex.template_prompts import check_code_hook_invocation, message_texts, prompt_of
from local.emulators.lex.template_slots import read_slot, read_slot_type

_PLACEHOLDER_START, _PLACEHOLDER_END = "{", "}"

# Properties whose presence makes the runtime answer differently from Lex, with what they are.
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
_REFUSED_FULFILLMENT = {"PostFulfillmentStatusSpecification": "post-fulfillment responses and flows"}


def _placeholders(text: str) -> Iterator[str]:
    start = text.find(_PLACEHOLDER_START)
    while start >= 0:
        end = text.find(_PLACEHOLDER_END, start)
        if end < 0:
            return
        yield text[start + 1 : end].strip()
        start = text.find(_PLACEHOLDER_START, end)


def read_intent(node: Node, slot_types: Mapping[str, SlotType], locale_id: str) -> Intent:
    node.refuse(_REFUSED_INTENT)
    name = node.text("Name")
    parent = _parent(node, locale_id)
    slots = _slots(node, name, slot_types, locale_id)
    utterances = _utterances(node, name, parent, slots)
    return Intent(
        name=name,
        utterances=utterances,
        slots=slots,
        confirmation=_confirmation(node),
        closing=_closing(node),
        code_hooks=_code_hooks(node),
        parent=parent,
    )


def _parent(node: Node, locale_id: str) -> str | None:
    """The built-in intent the intent is built on (ParentIntentSignature), one the runtime serves."""
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
    return parent


def _slots(node: Node, name: str, slot_types: Mapping[str, SlotType], locale_id: str) -> tuple[Slot, ...]:
    """The intent's slots, each with its priority (SlotPriorities)."""
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
    return tuple(
        read_slot(slot_node, priorities.get(slot_name, after + index), slot_types, locale_id)
        for index, (slot_node, slot_name) in enumerate(zip(slot_nodes, slot_names, strict=True))
    )


def _utterances(node: Node, name: str, parent: str | None, slots: tuple[Slot, ...]) -> tuple[str, ...]:
    """The intent's sample utterances, each naming only its slots; a built-in intent's are Lex's own."""
    slot_names = [slot.name for slot in slots]
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
    return utterances


def _confirmation(node: Node) -> Confirmation | None:
    confirming = node.child("IntentConfirmationSetting")
    if confirming is None:
        return None
    confirming.refuse(_REFUSED_CONFIRMATION)
    check_code_hook_invocation(confirming.child("CodeHook"))
    check_code_hook_invocation(confirming.child("ElicitationCodeHook"), elicitation=True)
    if not confirming.flag("IsActive", True):
        return None
    declination = confirming.child("DeclinationResponse")
    return Confirmation(
        prompt=prompt_of(confirming.need("PromptSpecification")),
        declination=message_texts(declination) if declination is not None else (),
    )


def _closing(node: Node) -> tuple[str, ...]:
    closing_node = node.child("IntentClosingSetting")
    if closing_node is None:
        return ()
    closing_node.refuse(_REFUSED_CLOSING)
    response = closing_node.child("ClosingResponse")
    if closing_node.flag("IsActive", True) and response is not None:
        return message_texts(response)
    return ()


def _code_hooks(node: Node) -> CodeHooks:
    dialog = node.child("DialogCodeHook")
    fulfillment = node.child("FulfillmentCodeHook")
    if fulfillment is not None:
        fulfillment.refuse(_REFUSED_FULFILLMENT)
    return CodeHooks(
        dialog=dialog is not None and dialog.flag("Enabled", False),
        fulfillment=fulfillment is not None
        and fulfillment.flag("Enabled", False)
        and fulfillment.flag("IsActive", True),  # "When active is false, the code hook doesn't run"
    )


def read_locale(node: Node) -> BotLocale:
    locale_id = node.text("LocaleId")
    slot_types = by_name(node.items("SlotTypes"), read_slot_type, lambda t: t.name, "slot type")
    intents = by_name(
        node.items("Intents"), lambda item: read_intent(item, slot_types, locale_id), lambda i: i.name, "intent"
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
