"""Translate the bot model (bot/model.yaml) into AWS::Lex::Bot locale properties. No intent is written here."""

from __future__ import annotations

from aws_cdk import aws_lex as lex

from bot.schema import BotModel, Intent, Slot, SlotType

L = lex.CfnBot


def _messages(text: str) -> list[lex.CfnBot.MessageGroupProperty]:
    return [
        L.MessageGroupProperty(message=L.MessageProperty(plain_text_message=L.PlainTextMessageProperty(value=text)))
    ]


def _prompt(text: str, max_retries: int) -> lex.CfnBot.PromptSpecificationProperty:
    return L.PromptSpecificationProperty(
        message_groups_list=_messages(text), max_retries=max_retries, allow_interrupt=True
    )


def _slot_type(slot_type: SlotType) -> lex.CfnBot.SlotTypeProperty:
    """Listed values, or AMAZON.AlphaNumeric extended by a regex (ParentSlotTypeSignature + RegexFilter)."""
    return L.SlotTypeProperty(
        name=slot_type.name,
        description=slot_type.description or None,
        parent_slot_type_signature=slot_type.parent,
        slot_type_values=[
            L.SlotTypeValueProperty(
                sample_value=L.SampleValueProperty(value=v.value),
                synonyms=[L.SampleValueProperty(value=s) for s in v.synonyms] or None,
            )
            for v in slot_type.values
        ]
        or None,
        value_selection_setting=L.SlotValueSelectionSettingProperty(
            resolution_strategy=slot_type.resolution,
            regex_filter=L.SlotValueRegexFilterProperty(pattern=slot_type.regex) if slot_type.regex else None,
        ),
    )


def _slot(slot: Slot) -> lex.CfnBot.SlotProperty:
    return L.SlotProperty(
        name=slot.name,
        description=slot.description or None,
        slot_type_name=slot.type,
        value_elicitation_setting=L.SlotValueElicitationSettingProperty(
            slot_constraint="Required" if slot.required else "Optional",
            prompt_specification=_prompt(slot.prompt, slot.max_retries),
        ),
    )


def _intent(intent: Intent) -> lex.CfnBot.IntentProperty:
    confirmation = intent.confirmation
    return L.IntentProperty(
        name=intent.name,
        description=intent.description[:200] or None,
        parent_intent_signature=intent.parent,
        sample_utterances=[L.SampleUtteranceProperty(utterance=u) for u in intent.utterances] or None,
        slots=[_slot(s) for s in intent.slots] or None,
        slot_priorities=[L.SlotPriorityProperty(priority=s.priority, slot_name=s.name) for s in intent.slots] or None,
        dialog_code_hook=L.DialogCodeHookSettingProperty(enabled=True) if intent.code_hooks.dialog else None,
        fulfillment_code_hook=L.FulfillmentCodeHookSettingProperty(enabled=True)
        if intent.code_hooks.fulfillment
        else None,
        intent_confirmation_setting=L.IntentConfirmationSettingProperty(
            prompt_specification=_prompt(confirmation.prompt, confirmation.max_retries),
            declination_response=L.ResponseSpecificationProperty(
                message_groups_list=_messages(confirmation.declination), allow_interrupt=True
            ),
        )
        if confirmation
        else None,
        intent_closing_setting=L.IntentClosingSettingProperty(
            closing_response=L.ResponseSpecificationProperty(
                message_groups_list=_messages(intent.closing), allow_interrupt=True
            )
        )
        if intent.closing
        else None,
    )


def bot_locale(model: BotModel) -> lex.CfnBot.BotLocaleProperty:
    return L.BotLocaleProperty(
        locale_id=model.locale,
        nlu_confidence_threshold=model.nlu_confidence_threshold,
        description=model.description[:200] or None,
        slot_types=[_slot_type(t) for t in model.slot_types] or None,
        intents=[_intent(i) for i in model.intents],
    )
