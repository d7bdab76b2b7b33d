"""Pydantic schema of the bot model. Field names are ours; BotStack maps them onto AWS::Lex::Bot."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# What Lex V2 accepts for bot, intent, slot and slot-type names.
LEX_NAME_RE = re.compile(r"^([0-9a-zA-Z][_-]?){1,100}$")
# The `{Slot}` placeholders of utterances and prompts.
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")

BUILTIN_SLOT_TYPES = frozenset(
    {
        "AMAZON.AlphaNumeric",
        "AMAZON.City",
        "AMAZON.Country",
        "AMAZON.Date",
        "AMAZON.Duration",
        "AMAZON.EmailAddress",
        "AMAZON.FirstName",
        "AMAZON.FreeFormInput",
        "AMAZON.LastName",
        "AMAZON.Number",
        "AMAZON.Percentage",
        "AMAZON.PhoneNumber",
        "AMAZON.State",
        "AMAZON.StreetName",
        "AMAZON.Time",
        "AMAZON.UKPostalCode",
    }
)
FALLBACK_INTENT = "AMAZON.FallbackIntent"
# The built-in intents an intent of the model may be built on (`parent`, rendered as the intent's
# ParentIntentSignature). Lex V2 offers them for en_US (https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intents.html);
# "you can't add or remove sample utterances from the base intent" nor "configure slots for built-in intents", so
# an intent built on one takes neither (docs/bot.md "Built-in intents"). AMAZON.HelpIntent is accepted but not used
# by bot/model.yaml: the custom Help intent keeps its own utterances and role-dependent answer.
BUILTIN_PARENT_INTENTS = frozenset(
    {FALLBACK_INTENT, "AMAZON.CancelIntent", "AMAZON.StopIntent", "AMAZON.StartOverIntent", "AMAZON.HelpIntent"}
)

Text = Annotated[str, Field(min_length=1, max_length=1000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlotTypeValue(_Strict):
    value: Annotated[str, Field(min_length=1, max_length=140)]
    synonyms: list[Annotated[str, Field(min_length=1, max_length=140)]] = []


class ValuesFrom(_Strict):
    """Slot values read from a CSV column (path relative to the model file), e.g. the catalog's titles."""

    file: str
    column: str


class SlotType(_Strict):
    """A custom slot type: listed values (and synonyms), or AMAZON.AlphaNumeric extended by a regex (`parent`
    + `regex`, rendered as ParentSlotTypeSignature and ValueSelectionSetting.RegexFilter)."""

    name: str
    description: str = ""
    # The only built-in type a slot type may extend (AWS::Lex::Bot SlotType ParentSlotTypeSignature: "Only
    # AMAZON.AlphaNumeric is supported", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/
    # aws-properties-lex-bot-slottype.html); its regex: bot/lex_regex.py.
    parent: Literal["AMAZON.AlphaNumeric"] | None = None
    regex: Annotated[str, Field(min_length=1)] | None = None
    resolution: Literal["ORIGINAL_VALUE", "TOP_RESOLUTION"] = "ORIGINAL_VALUE"
    values: list[SlotTypeValue] = []
    values_from: ValuesFrom | None = None


class Slot(_Strict):
    name: str
    type: str
    required: bool
    priority: Annotated[int, Field(ge=0, le=100)]
    prompt: Text
    max_retries: Annotated[int, Field(ge=0, le=5)] = 2
    description: str = ""


class Confirmation(_Strict):
    prompt: Text
    declination: Text
    max_retries: Annotated[int, Field(ge=0, le=5)] = 2


class CodeHooks(_Strict):
    dialog: bool = False
    fulfillment: bool = False


class Intent(_Strict):
    name: str
    description: str = ""
    parent: str | None = None
    utterances: list[Annotated[str, Field(min_length=1, max_length=200)]] = []
    slots: list[Slot] = []
    confirmation: Confirmation | None = None
    closing: Text | None = None
    code_hooks: CodeHooks = CodeHooks()

    def slot(self, name: str) -> Slot:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(f"intent {self.name} has no slot {name}")

    def slots_by_priority(self) -> list[Slot]:
        return sorted(self.slots, key=lambda s: s.priority)


class BotModel(_Strict):
    name: str
    description: str = ""
    locale: Literal["en_US"] = "en_US"
    nlu_confidence_threshold: Annotated[float, Field(ge=0, le=1)]
    idle_session_ttl_seconds: Annotated[int, Field(ge=60, le=86400)] = 300
    child_directed: bool = False
    slot_types: list[SlotType] = []
    intents: Annotated[list[Intent], Field(min_length=1)]

    def intent(self, name: str) -> Intent:
        for intent in self.intents:
            if intent.name == name:
                return intent
        raise KeyError(f"the bot has no intent {name}")

    def slot_type(self, name: str) -> SlotType | None:
        return next((t for t in self.slot_types if t.name == name), None)
