"""The bot the local Lex V2 runtime serves: one locale of an `AWS::Lex::Bot`, as the runtime needs it.

local/emulators/lex/template.py reads it from a CloudFormation template (`BotLocales`); the dialog engine
(engine.py) and the NLU (nlu.py, slots.py) run on it. Only what changes a text conversation is kept: the
names, sample utterances, slots and their priorities, slot types, the first message of each message group
of every prompt and response, retries, confirmation, closing, the code-hook flags and the confidence
threshold. Descriptions, voice and speech settings and the like are not kept (see template.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FALLBACK_PARENT = "AMAZON.FallbackIntent"
ALPHANUMERIC = "AMAZON.AlphaNumeric"
Resolution = Literal["ORIGINAL_VALUE", "TOP_RESOLUTION"]


@dataclass(frozen=True)
class Prompt:
    """What Lex says to ask for something: one plain-text message per message group (Lex sends one message of
    each group, in order), and how many times it asks again after an answer it cannot use."""

    messages: tuple[str, ...]
    max_retries: int = 0


@dataclass(frozen=True)
class SlotTypeValue:
    value: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlotType:
    """A custom slot type: listed values (and synonyms), or AMAZON.AlphaNumeric extended by a regex."""

    name: str
    values: tuple[SlotTypeValue, ...] = ()
    resolution: Resolution = "ORIGINAL_VALUE"
    parent: str | None = None  # only AMAZON.AlphaNumeric
    regex: str | None = None  # with parent AMAZON.AlphaNumeric: what a value must match


@dataclass(frozen=True)
class Slot:
    name: str
    type: str  # a built-in type (AMAZON.*) or the name of a slot type of the locale
    required: bool
    priority: int  # lower is elicited first
    prompt: Prompt
    multiple: bool = False  # MultipleValuesSetting.AllowMultipleValues: the value is a list (shape List)

    @property
    def max_retries(self) -> int:
        return self.prompt.max_retries


@dataclass(frozen=True)
class Confirmation:
    prompt: Prompt
    declination: tuple[str, ...] = ()  # what Lex says when the user says no (nothing when not set)


@dataclass(frozen=True)
class CodeHooks:
    dialog: bool = False  # DialogCodeHook.Enabled: the alias's Lambda function is called on every turn
    fulfillment: bool = False  # FulfillmentCodeHook.Enabled (and not IsActive false): called to fulfil


@dataclass(frozen=True)
class Intent:
    name: str
    utterances: tuple[str, ...] = ()
    slots: tuple[Slot, ...] = ()
    confirmation: Confirmation | None = None
    closing: tuple[str, ...] = ()  # IntentClosingSetting.ClosingResponse, sent after fulfillment
    code_hooks: CodeHooks = field(default_factory=CodeHooks)
    parent: str | None = None  # ParentIntentSignature: AMAZON.FallbackIntent or a built-in template.py accepts

    def slot(self, name: str) -> Slot:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(f"intent {self.name} has no slot {name}")

    def slots_by_priority(self) -> list[Slot]:
        return sorted(self.slots, key=lambda s: s.priority)


@dataclass(frozen=True)
class BotLocale:
    """One locale of the bot (`AWS::Lex::Bot` BotLocale): what the runtime serves for that localeId."""

    locale_id: str
    nlu_confidence_threshold: float
    intents: tuple[Intent, ...]
    slot_types: tuple[SlotType, ...] = ()

    def intent(self, name: str) -> Intent:
        for intent in self.intents:
            if intent.name == name:
                return intent
        raise KeyError(f"locale {self.locale_id} has no intent {name}")

    def has_intent(self, name: str) -> bool:
        return any(intent.name == name for intent in self.intents)

    def slot_type(self, name: str) -> SlotType | None:
        return next((t for t in self.slot_types if t.name == name), None)

    @property
    def fallback_intent(self) -> Intent:
        """The intent built on AMAZON.FallbackIntent (Lex requires one in every locale)."""
        for intent in self.intents:
            if intent.parent == FALLBACK_PARENT:
                return intent
        raise KeyError(f"locale {self.locale_id} has no intent built on {FALLBACK_PARENT}")
