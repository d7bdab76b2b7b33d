"""Load bot/model.yaml and reject a broken model with an error that names the place."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.lex_regex import regex_filter_problems
from bot.schema import (
    BUILTIN_PARENT_INTENTS,
    BUILTIN_SLOT_TYPES,
    FALLBACK_INTENT,
    LEX_NAME_RE,
    PLACEHOLDER_RE,
    BotModel,
    Intent,
    SlotType,
)

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "model.yaml"


class BotModelError(ValueError):
    """The bot model is invalid. `problems` lists every problem found, each starting with its place."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid bot model {source}:\n{listing}")


def _normalize_utterance(text: str) -> str:
    """Case, punctuation and spacing do not make two utterances different to Lex."""
    text = PLACEHOLDER_RE.sub(lambda m: "{" + m.group(1).strip() + "}", text.lower())
    text = re.sub(r"[^\w{}@.' -]", " ", text)
    return " ".join(text.split()).strip(" .")


def _place(intent: Intent, index: int | None = None) -> str:
    return f"intents[{index}] ({intent.name})" if index is not None else f"intent {intent.name}"


def _pydantic_place(raw: Any, loc: tuple[int | str, ...]) -> str:
    """`('intents', 0, 'slots', 1, 'priority')` -> `intents[0] (RegisterUser).slots[1] (Email).priority`."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            name = node[key].get("name") if isinstance(node, list) and isinstance(node[key], dict) else None
            parts[-1] += f"[{key}]" + (f" ({name})" if name else "")
            node = node[key] if isinstance(node, list) and key < len(node) else None
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def _slot_type_problems(slot_type: SlotType, place: str) -> list[str]:
    """A slot type lists values, or extends AMAZON.AlphaNumeric with a regex Lex accepts (bot/lex_regex.py)."""
    if slot_type.parent is None:
        if slot_type.regex is not None:
            return [f"{place}.regex: a regex needs parent AMAZON.AlphaNumeric (Lex filters only that type)"]
        if not slot_type.values:
            return [f"{place}.values: a slot type needs at least one value (or values_from)"]
        return []
    problems: list[str] = []
    if slot_type.values or slot_type.values_from:
        problems.append(f"{place}.values: a slot type extending {slot_type.parent} takes a regex, not values")
    if slot_type.regex is None:
        problems.append(f"{place}.regex: a slot type extending {slot_type.parent} needs the regex that filters it")
    else:
        problems += [f"{place}.regex: {problem}" for problem in regex_filter_problems(slot_type.regex)]
    if slot_type.resolution != "ORIGINAL_VALUE":
        # "TOP_RESOLUTION - If there is a resolution list for the slot, return the first value in the resolution
        # list ... If there is no resolution list, null is returned." (AWS::Lex::Bot SlotValueSelectionSetting)
        problems.append(f"{place}.resolution: a slot type without values needs ORIGINAL_VALUE (else Lex returns null)")
    return problems


def _name_problems(kind: str, name: str, place: str) -> list[str]:
    if LEX_NAME_RE.match(name):
        return []
    return [
        f"{place}: {kind} name {name!r} is not accepted by Lex (letters and digits, single '_' or '-' "
        "between them, at most 100 characters)"
    ]


def validate_model(model: BotModel) -> list[str]:
    """Semantic checks pydantic cannot express. Returns the problems found (empty when valid)."""
    problems = _name_problems("bot", model.name, "name")
    type_names: set[str] = set()
    for i, slot_type in enumerate(model.slot_types):
        problems += _slot_type_definition_problems(slot_type, f"slot_types[{i}] ({slot_type.name})", type_names)

    utterance_owner: dict[str, str] = {}
    intent_names: set[str] = set()
    parents: dict[str, str] = {}  # built-in intent -> the intent built on it
    for i, intent in enumerate(model.intents):
        place = _place(intent, i)
        problems += _name_problems("intent", intent.name, place)
        if intent.name in intent_names:
            problems.append(f"{place}: duplicate intent name")
        intent_names.add(intent.name)
        problems += _parent_problems(intent, place, parents)
        problems += _slots_problems(intent, place, type_names)
        problems += _utterances_problems(intent, place, utterance_owner)
        if intent.confirmation is not None:
            slot_names = {s.name for s in intent.slots}
            for ref in PLACEHOLDER_RE.findall(intent.confirmation.prompt):
                if ref.strip() not in slot_names:
                    problems.append(f"{place}.confirmation.prompt: names unknown slot {{{ref}}}")

    if FALLBACK_INTENT not in parents:
        problems.append("intents: a FallbackIntent with parent AMAZON.FallbackIntent is required by Lex")
    return problems


def _slot_type_definition_problems(slot_type: SlotType, place: str, type_names: set[str]) -> list[str]:
    """A slot type's name (once: `type_names` holds those seen, this one added), its values or regex, and values
    or synonyms that belong to two values."""
    problems = _name_problems("slot type", slot_type.name, place)
    problems += _slot_type_problems(slot_type, place)
    if slot_type.name in type_names:
        problems.append(f"{place}: duplicate slot type name")
    type_names.add(slot_type.name)
    seen_values: dict[str, str] = {}
    for value in slot_type.values:
        for text in [value.value, *value.synonyms]:
            key = text.lower()
            if key in seen_values and seen_values[key] != value.value:
                problems.append(
                    f"{place}: {text!r} is both a value/synonym of {seen_values[key]!r} and {value.value!r}"
                )
            seen_values[key] = value.value
    return problems


def _parent_problems(intent: Intent, place: str, parents: dict[str, str]) -> list[str]:
    """The built-in intent an intent is built on (each at most once: `parents` maps those seen to their intent),
    or, for any other intent, its sample utterances."""
    problems: list[str] = []
    if intent.parent is not None:
        if intent.parent not in BUILTIN_PARENT_INTENTS:
            known = ", ".join(sorted(BUILTIN_PARENT_INTENTS))
            problems.append(f"{place}.parent: unknown built-in intent {intent.parent!r} (one of {known})")
        elif intent.parent in parents:
            problems.append(f"{place}.parent: intent {parents[intent.parent]} is already built on {intent.parent}")
        else:
            parents[intent.parent] = intent.name
        # Lex's own sample utterances come with the built-in intent: "you can't add or remove sample utterances
        # from the base intent" nor "configure slots for built-in intents" (lexv2 built-in-intents.html).
        if intent.utterances or intent.slots or intent.confirmation:
            problems.append(f"{place}: an intent built on {intent.parent} takes no utterances, slots or confirmation")
    elif not intent.utterances:
        problems.append(f"{place}.utterances: an intent needs at least one sample utterance")
    return problems


def _slots_problems(intent: Intent, place: str, type_names: set[str]) -> list[str]:
    """Each slot's name, type (built-in or defined), priority (its own) and prompt; slot names used twice."""
    problems: list[str] = []
    slot_names = {s.name for s in intent.slots}
    priorities: dict[int, str] = {}
    for j, slot in enumerate(intent.slots):
        slot_place = f"{place}.slots[{j}] ({slot.name})"
        problems += _name_problems("slot", slot.name, slot_place)
        if slot.type not in BUILTIN_SLOT_TYPES and slot.type not in type_names:
            problems.append(f"{slot_place}.type: undefined slot type {slot.type!r}")
        if slot.priority in priorities:
            problems.append(
                f"{slot_place}.priority: {slot.priority} is also the priority of {priorities[slot.priority]}"
            )
        priorities[slot.priority] = slot.name
        for ref in PLACEHOLDER_RE.findall(slot.prompt):
            if ref.strip() not in slot_names:
                problems.append(f"{slot_place}.prompt: names unknown slot {{{ref}}}")
    if len(slot_names) != len(intent.slots):
        problems.append(f"{place}.slots: duplicate slot names")
    return problems


def _utterances_problems(intent: Intent, place: str, utterance_owner: dict[str, str]) -> list[str]:
    """Each sample utterance names only slots of its intent, and is in no other place of the model
    (`utterance_owner`: normalized utterances seen -> their intent)."""
    problems: list[str] = []
    slot_names = {s.name for s in intent.slots}
    for j, utterance in enumerate(intent.utterances):
        utterance_place = f"{place}.utterances[{j}]"
        for ref in PLACEHOLDER_RE.findall(utterance):
            if ref.strip() not in slot_names:
                problems.append(f"{utterance_place}: {utterance!r} names unknown slot {{{ref}}}")
        key = _normalize_utterance(utterance)
        owner = utterance_owner.get(key)
        if owner is not None:
            where = "twice in this intent" if owner == intent.name else f"also in intent {owner}"
            problems.append(f"{utterance_place}: duplicate utterance {utterance!r} ({where})")
        else:
            utterance_owner[key] = intent.name
    return problems


def _expand_values(raw: dict[str, Any], base: Path | None, source: str) -> None:
    """Fill `values` of slot types that name a CSV column in `values_from` (unique values, file order)."""
    for index, slot_type in enumerate(raw.get("slot_types") or []):
        spec = slot_type.get("values_from") if isinstance(slot_type, dict) else None
        if not isinstance(spec, dict):
            continue
        place = f"slot_types[{index}] ({slot_type.get('name')}).values_from"
        if base is None:
            raise BotModelError(source, [f"{place}: values_from needs a model loaded from a file"])
        path = (base / str(spec.get("file", ""))).resolve()
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as err:
            raise BotModelError(source, [f"{place}: cannot read {path}: {err.strerror}"]) from err
        column = str(spec.get("column", ""))
        if rows and column not in rows[0]:
            raise BotModelError(source, [f"{place}: {path.name} has no column {column!r}"])
        seen = {str(v.get("value", "")).lower() for v in slot_type.get("values") or [] if isinstance(v, dict)}
        values = list(slot_type.get("values") or [])
        for row in rows:
            value = " ".join(str(row[column]).split())[:140]
            if value and value.lower() not in seen:
                seen.add(value.lower())
                values.append({"value": value})
        slot_type["values"] = values


def parse_bot_model(raw: Any, source: str = "<memory>", base: Path | None = None) -> BotModel:
    if not isinstance(raw, dict):
        raise BotModelError(source, ["(top level): the model must be a mapping"])
    _expand_values(raw, base, source)
    try:
        model = BotModel.model_validate(raw)
    except ValidationError as err:
        problems = [f"{_pydantic_place(raw, tuple(e['loc']))}: {e['msg']}" for e in err.errors()]
        raise BotModelError(source, problems) from err
    problems = validate_model(model)
    if problems:
        raise BotModelError(source, problems)
    return model


def load_bot_model(path: Path | str = DEFAULT_MODEL_PATH) -> BotModel:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise BotModelError(str(path), [f"YAML syntax: {err}"]) from err
    return parse_bot_model(raw, str(path), base=path.parent)


def model_hash(model: BotModel) -> str:
    """A stable hash of the model; a new bot version is cut whenever it changes."""
    canonical = json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
