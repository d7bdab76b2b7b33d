"""The session state a client sends (RecognizeText, RecognizeUtterance, PutSession), as Lex V2 takes it.

- `check_session_state`: the state is first validated against the service model (`service_model.py`: types,
  enums, lengths, ranges, patterns, required members such as an active context's name, timeToLive and
  contextAttributes), then against the bot: the intent and its slots exist, a slot value has the shape its
  slot allows, a dialog action names what it needs (ElicitSlot an existing slot of the intent; ElicitSlot,
  ConfirmIntent and Delegate an intent), runtime hints name existing intents and slots. Anything else is a
  ValidationException.
- `apply_session_state`: what the client sent replaces what the session holds, member by member.
- Active contexts expire by `turnsToLive` (each RecognizeText turn that starts with a context counts one) and by
  `timeToLiveInSeconds` (from when the context was set), as the ActiveContext reference says: "Once the time to
  live expires, the context is no longer returned in a response."
  https://docs.aws.amazon.com/lexv2/latest/APIReference/API_runtime_ActiveContext.html
- Runtime hints (`sessionState.runtimeHints.slotHints`) are used "only when eliciting a slot value", and "the
  values of the hints are preferred over similar values" (https://docs.aws.amazon.com/lexv2/latest/dg/using-hints.html).
  Lex supports them for 8 kHz audio; for text, the local runtime lets a hint choose among the values the slot's
  type accepts in the answer, and never adds a value the type would refuse (never more lenient than Lex).
- `message_list`: the messages a client gives PutSession, validated as the model and Lex require them.
- `answer_interpretations`: the interpretations of a turn that answers a prompt (the intent in progress first).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from local.emulators.lex.errors import DependencyFailed, Validation
from local.emulators.lex.model import BotLocale, Intent
from local.emulators.lex.service_model import check_shape, raise_if
from local.emulators.lex.slot_values import Recognizer, Resolved
from local.emulators.lex.slots import recognizer_for
from local.emulators.lex.text import fuzzy_equal, normalize_phrase, tokenize

# https://docs.aws.amazon.com/lexv2/latest/dg/using-hints.html: "Runtime hints are only available in the English
# (US) and English (UK) languages. They can be used with the following slot types: Custom slot types, ..."
HINT_LOCALES = frozenset({"en_US", "en_GB"})
HINT_BUILTIN_TYPES = frozenset(
    {"AMAZON.City", "AMAZON.Country", "AMAZON.FirstName", "AMAZON.LastName", "AMAZON.State", "AMAZON.StreetName"}
)
# RuntimeHints: "You can provide hints for a maximum of 100 intents. You can provide a maximum of 100 slots."
MAX_HINT_INTENTS = 100
MAX_HINT_SLOTS = 100
# Dialog actions that act on an intent: without one (in the state or the session) there is nothing to act on.
NEEDS_INTENT = frozenset({"ElicitSlot", "ConfirmIntent", "Delegate"})


class SessionLike(Protocol):
    """What this module reads and writes of an engine session (session.py `Session`)."""

    intent: dict[str, Any] | None
    dialog_action: dict[str, Any] | None
    session_attributes: dict[str, str]
    active_contexts: list[dict[str, Any]]
    runtime_hints: dict[str, Any] | None
    context_set_at: dict[str, float]


# ---- validation ------------------------------------------------------------------------------------


def check_session_state(
    state: Any, locale: BotLocale, current_intent: str | None, *, path: str = "sessionState"
) -> None:
    """Validate a client's session state against the service model, then against the bot's locale.
    `current_intent` is the name of the session's intent, which a dialog action may act on when the state
    names none. Raises a ValidationException."""
    check_shape("SessionState", state, path)
    found: list[str] = []
    intent = state.get("intent")
    intent_name = current_intent
    if intent is not None:
        intent_name = intent["name"]
        found += _intent_problems(intent, locale, f"{path}.intent")
        if found:
            raise_if(found)
    action = state.get("dialogAction")
    if action is not None:
        found += _action_problems(action, locale, intent_name, f"{path}.dialogAction")
    contexts = state.get("activeContexts") or []
    names = [context["name"] for context in contexts]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        found.append(f"{path}.activeContexts names a context more than once: {', '.join(repeated)}")
    hints = state.get("runtimeHints")
    if hints is not None:
        found += _hint_problems(hints, locale, f"{path}.runtimeHints")
    raise_if(found)


def _intent_problems(intent: Mapping[str, Any], locale: BotLocale, path: str) -> list[str]:
    name = intent["name"]
    if not locale.has_intent(name):
        return [f"{path}.name: intent {name} does not exist in locale {locale.locale_id} of the bot"]
    defined = locale.intent(name)
    known = {slot.name for slot in defined.slots}
    found: list[str] = []
    for slot_name, slot in (intent.get("slots") or {}).items():
        where = f"{path}.slots.{slot_name}"
        if slot_name not in known:
            found.append(f"{where}: intent {name} has no slot {slot_name}")
        elif slot is not None:
            found += _slot_problems(slot, where, multiple=defined.slot(slot_name).multiple)
    return found


def _slot_problems(slot: Mapping[str, Any], where: str, *, multiple: bool = False) -> list[str]:
    """A slot value has the shape its slot allows: Scalar with a `value`, or for a multi-valued slot List with its
    `values`, each a Scalar (the local runtime refuses composite slots when it reads the template)."""
    shape = slot.get("shape", "Scalar")
    if multiple and (shape == "List" or slot.get("values") is not None):
        values = slot.get("values")
        if shape != "List" or not isinstance(values, list) or not values:
            return [f"{where}: a multi-valued slot's value has shape List and a list of values"]
        return [
            problem
            for index, part in enumerate(values, 1)
            for problem in _slot_problems(part, f"{where}.values.{index}")
        ]
    if shape == "List" or slot.get("values") is not None:
        return [f"{where}: the slot does not allow multiple values (shape List, values)"]
    if shape == "Composite" or slot.get("subSlots") is not None:
        return [f"{where}: the slot is not a composite slot (shape Composite, subSlots)"]
    if slot.get("value") is None:
        return [f"{where}: a Scalar slot needs a value with an interpretedValue (or the slot as null)"]
    return []


def _action_problems(action: Mapping[str, Any], locale: BotLocale, intent_name: str | None, path: str) -> list[str]:
    kind = action["type"]
    if action.get("subSlotToElicit") is not None:
        return [f"{path}.subSlotToElicit: the bot has no composite slots"]
    if kind in NEEDS_INTENT and intent_name is None:
        return [f"{path}.type: {kind} needs an intent (sessionState.intent)"]
    if kind == "ElicitSlot":
        slot = action.get("slotToElicit")
        if slot is None:
            return [f"{path}.slotToElicit: ElicitSlot needs the slot to elicit"]
        assert intent_name is not None
        if slot not in {s.name for s in locale.intent(intent_name).slots}:
            return [f"{path}.slotToElicit: intent {intent_name} has no slot {slot}"]
    elif action.get("slotToElicit") is not None:
        return [f"{path}.slotToElicit: only an ElicitSlot dialog action elicits a slot (type is {kind})"]
    return []


def _hint_problems(hints: Mapping[str, Any], locale: BotLocale, path: str) -> list[str]:
    by_intent = hints.get("slotHints") or {}
    found: list[str] = []
    if len(by_intent) > MAX_HINT_INTENTS:
        found.append(f"{path}.slotHints: hints for at most {MAX_HINT_INTENTS} intents")
    if sum(len(slots) for slots in by_intent.values()) > MAX_HINT_SLOTS:
        found.append(f"{path}.slotHints: hints for at most {MAX_HINT_SLOTS} slots")
    for intent_name, slots in by_intent.items():
        # "The intent name and slot name must exist."
        if not locale.has_intent(intent_name):
            found.append(f"{path}.slotHints.{intent_name}: intent {intent_name} does not exist in the bot")
            continue
        known = {slot.name for slot in locale.intent(intent_name).slots}
        for slot_name, details in slots.items():
            where = f"{path}.slotHints.{intent_name}.{slot_name}"
            if slot_name not in known:
                found.append(f"{where}: intent {intent_name} has no slot {slot_name}")
            elif details.get("subSlotHints") is not None:
                found.append(f"{where}.subSlotHints: only composite slots take sub-slot hints")
    return found


def check_request_attributes(attributes: Any, path: str = "requestAttributes") -> dict[str, str]:
    """A StringMap without the reserved `x-amz-lex:` prefix ("Don't create any request attributes with the
    prefix x-amz-lex:"). Raises a ValidationException."""
    if attributes is None:
        return {}
    check_shape("StringMap", attributes, path)
    reserved = sorted(key for key in attributes if key.startswith("x-amz-lex:"))
    if reserved:
        raise Validation(f"Request attributes with the reserved prefix x-amz-lex: are not allowed: {reserved}")
    return dict(attributes)


def message_list(messages: Any, path: str = "messages") -> list[dict[str, Any]]:
    """The messages a client gives PutSession: the model's `Messages` (at most 10, each with a contentType),
    each with what its content type needs (content, or an imageResponseCard)."""
    if messages is None:
        return []
    check_shape("Messages", messages, path)
    found: list[str] = []
    for index, message in enumerate(messages, 1):
        where = f"{path}.{index}.member"
        if message["contentType"] == "ImageResponseCard":
            if message.get("imageResponseCard") is None:
                found.append(f"{where}.imageResponseCard: an ImageResponseCard message needs its card")
        elif message.get("content") is None:
            found.append(f"{where}.content: a {message['contentType']} message needs content")
    raise_if(found)
    return [copy.deepcopy(dict(message)) for message in messages]


# ---- applying a state ------------------------------------------------------------------------------


def apply_session_state(session: SessionLike, state: Mapping[str, Any], locale: BotLocale, now: float) -> None:
    """What the client sent (validated by check_session_state) replaces what the session holds, member by member.
    An empty activeContexts list clears the contexts ("If you specify an empty list, all contexts for the session
    are cleared"); a context that differs from the one the session holds under its name starts its time to live."""
    if "sessionAttributes" in state:
        session.session_attributes = dict(state["sessionAttributes"] or {})
    if "activeContexts" in state:
        contexts = [copy.deepcopy(dict(context)) for context in state["activeContexts"] or []]
        held = {context["name"]: context for context in session.active_contexts}
        session.context_set_at = {
            context["name"]: (
                session.context_set_at.get(context["name"], now) if held.get(context["name"]) == context else now
            )
            for context in contexts
        }
        session.active_contexts = contexts
    if state.get("intent") is not None:
        intent = state["intent"]
        defined = locale.intent(intent["name"])
        slots: dict[str, Any] = {slot.name: None for slot in defined.slots}
        for name, slot in (intent.get("slots") or {}).items():
            slots[name] = None if slot is None else {"shape": "Scalar", **copy.deepcopy(dict(slot))}
        session.intent = {
            "name": intent["name"],
            "slots": slots,
            "state": intent.get("state", "InProgress"),
            "confirmationState": intent.get("confirmationState", "None"),
        }
    if state.get("dialogAction") is not None:
        session.dialog_action = copy.deepcopy(dict(state["dialogAction"]))
    if "runtimeHints" in state:
        session.runtime_hints = copy.deepcopy(state["runtimeHints"]) or None


# ---- active contexts -------------------------------------------------------------------------------


def expire_contexts(session: SessionLike, now: float) -> None:
    """Drop the contexts whose timeToLiveInSeconds has passed since they were set."""
    alive = []
    for context in session.active_contexts:
        seconds = (context.get("timeToLive") or {}).get("timeToLiveInSeconds")
        set_at = session.context_set_at.setdefault(context["name"], now)
        if isinstance(seconds, int) and now - set_at >= seconds:
            continue
        alive.append(context)
    session.active_contexts = alive
    session.context_set_at = {c["name"]: session.context_set_at[c["name"]] for c in alive}


def start_turn(session: SessionLike, now: float) -> list[dict[str, Any]]:
    """Before a turn: expire by time; what is left is active during the turn (returned, to end_turn)."""
    expire_contexts(session, now)
    return copy.deepcopy(session.active_contexts)


def end_turn(session: SessionLike, active: Sequence[Mapping[str, Any]], now: float) -> None:
    """After a turn: each context that was active during it and is still there unchanged has lived one more
    turn (turnsToLive - 1; gone at 0); a context the code hook set or changed in the turn starts its life now,
    counted from the response that first sends it. Contexts the code hook returned must be what the model
    allows, or Lex reports an invalid Lambda response."""
    try:
        check_shape("ActiveContextsList", session.active_contexts, "sessionState.activeContexts")
    except Validation as err:
        raise DependencyFailed(
            f"Invalid Lambda Response: Received invalid response from Lambda: {err.message}"
        ) from err
    before = {context["name"]: context for context in active}
    kept: list[dict[str, Any]] = []
    set_at: dict[str, float] = {}
    for context in session.active_contexts:
        name = context["name"]
        if before.get(name) == context:
            ttl = dict(context.get("timeToLive") or {})
            turns = ttl.get("turnsToLive")
            if isinstance(turns, int):
                if turns - 1 <= 0:
                    continue
                ttl["turnsToLive"] = turns - 1
            kept.append({**context, "timeToLive": ttl})
            set_at[name] = session.context_set_at.get(name, now)
        else:
            kept.append(copy.deepcopy(dict(context)))
            set_at[name] = now
    session.active_contexts = kept
    session.context_set_at = set_at


# ---- runtime hints ---------------------------------------------------------------------------------


_RECOGNIZERS: dict[tuple[int, str], tuple[BotLocale, Recognizer]] = {}


def _recognizer(locale: BotLocale, type_name: str) -> Recognizer:
    """The slot type's recognizer, built once per locale object (kept alive with it, so its id stays its own)."""
    key = (id(locale), type_name)
    if key not in _RECOGNIZERS:
        _RECOGNIZERS[key] = (locale, recognizer_for(type_name, locale.slot_types))
    return _RECOGNIZERS[key][1]


def hint_phrases(hints: Mapping[str, Any] | None, intent: str, slot: str) -> list[str]:
    details = ((hints or {}).get("slotHints") or {}).get(intent, {}).get(slot) or {}
    return [value["phrase"] for value in details.get("runtimeHintValues") or []]


def hinted_value(
    locale: BotLocale, defined: Intent, slot: str, text: str, hints: Mapping[str, Any] | None
) -> Resolved | None:
    """The value of `slot` (being elicited) that a runtime hint prefers in the answer `text`: a hint phrase said
    in the answer (word for word, a small typo allowed) that the slot's type accepts; the longest, then the last.
    None when no hint applies (the slot's type or the locale takes no hints, or no hinted phrase was said)."""
    phrases = hint_phrases(hints, defined.name, slot)
    if not phrases or locale.locale_id not in HINT_LOCALES:
        return None
    type_name = defined.slot(slot).type
    if locale.slot_type(type_name) is None and type_name not in HINT_BUILTIN_TYPES:
        return None
    try:
        recognize = _recognizer(locale, type_name)
    except ValueError:
        return None
    tokens = tokenize(text)
    found: list[tuple[int, int, Resolved]] = []
    for phrase in phrases:
        wanted = normalize_phrase(phrase).split()
        for start in range(len(tokens) - len(wanted) + 1):
            span = tokens[start : start + len(wanted)]
            if wanted and all(fuzzy_equal(t.norm, w) for t, w in zip(span, wanted, strict=True)):
                resolved = recognize([t.orig for t in span])
                if resolved is not None:
                    found.append((len(wanted), start, resolved))
    if not found:
        return None
    return max(found, key=lambda f: (f[0], f[1]))[2]


# ---- interpretations -------------------------------------------------------------------------------


def answer_interpretations(intent: Mapping[str, Any] | None, locale: BotLocale) -> list[dict[str, Any]]:
    """The interpretations of a turn that answered a slot or confirmation prompt: the intent in progress as this
    turn left it, first (the input was taken as its answer: nluConfidence 1.0), then the fallback intent (which
    Lex lists without a score). When the turn ended in the fallback intent, that alone."""
    name = locale.fallback_intent.name
    unnamed = {"name": name, "slots": {}, "state": "InProgress", "confirmationState": "None"}
    fallback = {"intent": unnamed, "interpretationSource": "Lex"}
    if intent is None or intent.get("name") == name:
        return [{"intent": copy.deepcopy(dict(intent or unnamed)), "interpretationSource": "Lex"}]
    current = {"nluConfidence": {"score": 1.0}, "intent": copy.deepcopy(dict(intent)), "interpretationSource": "Lex"}
    return [current, fallback]
