"""What the local Lex V2 runtime says, as Lex's JSON: messages from a prompt's templates, slot values, intents
and the interpretations RecognizeText returns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from local.emulators.lex.model import BotLocale
from local.emulators.lex.nlu import Match
from local.emulators.lex.session import Session
from local.emulators.lex.slot_values import Resolved


def slot_json(resolved: Resolved) -> dict[str, Any]:
    """A slot value as Lex sends it: Scalar, or for a multi-valued slot List with each value (always a list)."""
    value = {
        "originalValue": resolved.original,
        "interpretedValue": resolved.interpreted,
        "resolvedValues": list(resolved.resolved),
    }
    if resolved.values:
        return {"shape": "List", "value": value, "values": [slot_json(part) for part in resolved.values]}
    return {"shape": "Scalar", "value": value}


def fallback_json(locale: BotLocale) -> dict[str, Any]:
    return {"name": locale.fallback_intent.name, "slots": {}, "state": "InProgress", "confirmationState": "None"}


def messages(templates: Sequence[str], session: Session) -> list[dict[str, Any]]:
    """One message per message group of a prompt or response, in order."""
    return [message(template, session) for template in templates]


def message(template: str, session: Session) -> dict[str, Any]:
    """Substitute `{Slot}` with slot values and `[attribute]` with session attributes."""
    slots = (session.intent or {}).get("slots") or {}

    def slot_value(match: re.Match[str]) -> str:
        slot = slots.get(match.group(1).strip())
        if slot and slot.get("value"):
            return str(slot["value"].get("interpretedValue") or slot["value"].get("originalValue") or "")
        return match.group(0)

    text = re.sub(r"\{([^{}]+)\}", slot_value, template)
    text = re.sub(r"\[([^\[\]]+)\]", lambda m: session.session_attributes.get(m.group(1), m.group(0)), text)
    return {"contentType": "PlainText", "content": text}


def interpretations(matches: list[Match], chosen: dict[str, Any], locale: BotLocale) -> list[dict[str, Any]]:
    """Up to five interpretations, as RecognizeText returns them: the intents at or above the threshold (best
    first, each with an object {score}: a bare number would crash botocore's parser), the fallback intent
    (no score), then those below."""
    threshold = locale.nlu_confidence_threshold
    above = [m for m in matches if m.confidence >= threshold]
    below = [m for m in matches if 0 < m.confidence < threshold]
    fallback = {"intent": fallback_json(locale)}
    ordered: list[dict[str, Any]] = []
    for match in above:
        intent = chosen if chosen["name"] == match.intent else intent_json(match, locale)
        ordered.append({"nluConfidence": {"score": match.confidence}, "intent": intent, "interpretationSource": "Lex"})
    if chosen["name"] == fallback["intent"]["name"]:
        fallback["intent"] = chosen
    ordered.append({**fallback, "interpretationSource": "Lex"})
    for match in below:
        ordered.append(
            {
                "nluConfidence": {"score": match.confidence},
                "intent": intent_json(match, locale),
                "interpretationSource": "Lex",
            }
        )
    return ordered[:5]


def intent_json(match: Match, locale: BotLocale) -> dict[str, Any]:
    defined = locale.intent(match.intent)
    slots = {s.name: (slot_json(match.slots[s.name]) if s.name in match.slots else None) for s in defined.slots}
    return {"name": match.intent, "slots": slots, "state": "InProgress", "confirmationState": "None"}
