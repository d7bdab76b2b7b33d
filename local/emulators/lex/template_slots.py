"""Slot types and slots of a bot template's locale, as the local Lex V2 runtime serves them: values and synonyms,
the resolution strategy, a regex on AMAZON.AlphaNumeric, a built-in type it has a recognizer for, the elicitation
prompt, and multi-valued slots (en_US, custom types only)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.lex_regex import regex_filter_problems
from local.emulators.lex.model import ALPHANUMERIC, Prompt, Resolution, Slot, SlotType, SlotTypeValue
from local.emulators.lex.slots import BUILTIN_RECOGNIZERS
from local.emulators.lex.template_node import Node, TemplateError
from local.emulators.lex.template_prompts import check_code_hook_invocation, prompt_of

# Properties whose presence makes the runtime answer differently from Lex, with what they are.
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


def read_slot_type(node: Node) -> SlotType:
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


def read_slot(node: Node, priority: int, slot_types: Mapping[str, SlotType], locale_id: str) -> Slot:
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
        check_code_hook_invocation(capture.child("CodeHook"))
        check_code_hook_invocation(capture.child("ElicitationCodeHook"), elicitation=True)
    constraint = elicitation.text("SlotConstraint")
    if constraint not in ("Required", "Optional"):
        raise TemplateError(elicitation.at("SlotConstraint"), f"{constraint!r} is not Required or Optional")
    spec = elicitation.child("PromptSpecification")
    if spec is None and constraint == "Required":
        raise elicitation.error("a required slot needs a PromptSpecification")
    prompt = prompt_of(spec) if spec is not None else Prompt(messages=())
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
