"""The dialog engine of the local Lex V2 runtime: what Lex does around the code hook, turn by turn.

It serves one bot as its CloudFormation template defines it (template.py `bots_in` -> `TemplateBot`): every
locale of the bot, on the aliases given (alias id -> alias name and version), each alias calling the code
hook its template names for the locale (`TemplateAlias.code_hooks`), which the caller supplies as a callable
per alias id (`code_hooks`).

One RecognizeText turn: resolve the input (a slot answer, a yes/no to a confirmation, or a new intent: at any
prompt a built-in intent such as AMAZON.CancelIntent, another intent clearly asked for, or the same intent asked
anew, replaces the intent in progress, which is not fulfilled; an answer Lex cannot use, or the code hook refuses,
is asked again up to the prompt's max retries, then the fallback intent: docs/bot.md "Changing the subject"),
call the dialog code hook with the exact Lex V2 event when the intent enables it, obey its dialog action,
and when the intent is ready, call the fulfillment hook and add the closing response. An alias whose template
names no Lambda function for the locale skips the code hooks, as Lex does; one whose template names a function
the caller gave no callable for fails the turn with DependencyFailedException.
"""

from __future__ import annotations

import copy
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from bot_fulfillment.lex import LexEvent, LexResponse
from local.emulators.lex import session_state as client_state
from local.emulators.lex.errors import DependencyFailed, LexError, ResourceNotFound, Validation
from local.emulators.lex.model import BotLocale, Intent
from local.emulators.lex.nlu import IntentClassifier, Match
from local.emulators.lex.slots import Resolved
from local.emulators.lex.template import BUILTIN_INTENT_UTTERANCES, TemplateAlias, TemplateBot
from local.emulators.lex.text import tokenize

# A code hook: the Lex V2 event in, the function's response out (validated as Lex validates it).
CodeHook = Callable[[dict[str, Any]], Any]

BOT_ID = "BOOKSTORE1"
TEST_ALIAS_ID = "TSTALIASID"
LIVE_ALIAS_ID = "LIVEALIAS1"
# Alias id -> (alias name in the template, the version it serves). TestBotAlias is the bot's test alias.
ALIASES: Mapping[str, tuple[str, str]] = {TEST_ALIAS_ID: ("TestBotAlias", "DRAFT"), LIVE_ALIAS_ID: ("live", "1")}
MAX_TEXT = 1024
_TEXT_CONSTRAINT = "1 validation error detected: Value at 'text' failed to satisfy constraint: Member must have length"
# The usual name of the intent built on AMAZON.FallbackIntent; the engine takes the name from the locale.
FALLBACK = "FallbackIntent"
# Switching intent in the middle of a slot prompt needs a clear signal.
SWITCH_CONFIDENCE = 0.75
# Intents built on these built-in intents are recognized at any prompt (above the confidence threshold) and
# replace the intent in progress, which is not fulfilled: docs/bot.md "Built-in intents".
INTERRUPTING_PARENTS = frozenset(BUILTIN_INTENT_UTTERANCES)
# Words that may come around a built-in intent's utterance without changing it ("oh, never mind", "stop please").
_AROUND_BUILTIN = frozenset({"please", "oh", "ok", "okay", "just", "actually", "no", "um", "uh", "well", "then", "so"})

_YES = "yes yeah yep yup sure ok okay correct right confirm confirmed affirmative y absolutely definitely certainly"
YES = frozenset(_YES.split())
WHOLE_REQUEST_EXTRA_WORDS = 4  # words beyond a slot's value that make an answer a request of its own
LISTED_CERTAINTY = 0.8  # a slot value the type lists (or a part of one), as slots.py rates it
YES_PHRASES = ("go ahead", "do it", "sounds good", "that's right", "that is right", "of course", "yes please")
NO = frozenset(["no", "nope", "nah", "n", "negative", "cancel", "stop", "never", "wrong", "incorrect"])
NO_PHRASES = ("don't", "do not", "not really", "no thanks", "forget it", "never mind")


@dataclass
class Session:
    session_id: str
    intent: dict[str, Any] | None = None
    dialog_action: dict[str, Any] | None = None
    session_attributes: dict[str, str] = field(default_factory=dict)
    active_contexts: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)
    interpretations: list[dict[str, Any]] = field(default_factory=list)
    originating_request_id: str | None = None
    last_active: float = 0.0
    runtime_hints: dict[str, Any] | None = None  # sessionState.runtimeHints (session_state.py)
    context_set_at: dict[str, float] = field(default_factory=dict)  # active context name -> when it was set


def _slot_json(resolved: Resolved) -> dict[str, Any]:
    """A slot value as Lex sends it: Scalar, or for a multi-valued slot List with each value (always a list)."""
    value = {
        "originalValue": resolved.original,
        "interpretedValue": resolved.interpreted,
        "resolvedValues": list(resolved.resolved),
    }
    if resolved.values:
        return {"shape": "List", "value": value, "values": [_slot_json(part) for part in resolved.values]}
    return {"shape": "Scalar", "value": value}


def _said(slot: Any) -> str | None:
    """The interpreted value of a slot of the session (None when empty), case-folded."""
    value = (slot or {}).get("value") or {}
    said = value.get("interpretedValue") or value.get("originalValue")
    return str(said).casefold() if said else None


def _normalized(text: str) -> str:
    return " ".join(t.norm for t in tokenize(text))


def _fallback_json(locale: BotLocale) -> dict[str, Any]:
    return {"name": locale.fallback_intent.name, "slots": {}, "state": "InProgress", "confirmationState": "None"}


def every_alias(hook: CodeHook | None, aliases: Mapping[str, tuple[str, str]] = ALIASES) -> dict[str, CodeHook]:
    """`code_hooks` for DialogEngine that give every alias the same hook (none for None)."""
    return {} if hook is None else dict.fromkeys(aliases, hook)


def yes_or_no(text: str) -> bool | None:
    """True for a yes, False for a no, None for neither or for both: "ok stop", "yes cancel" or "sure, don't" is
    no consent (the caller then looks for another intent, such as Stop or Cancel, or asks again)."""
    words = [t.norm for t in tokenize(text)]
    phrase = f" {' '.join(words)} "
    said_no = any(f" {p} " in phrase for p in NO_PHRASES) or any(w in NO for w in words)
    said_yes = any(f" {p} " in phrase for p in YES_PHRASES) or any(w in YES for w in words)
    if said_no and said_yes:
        return None
    return True if said_yes else False if said_no else None


class DialogEngine:
    """The Lex V2 runtime of one bot: `bot` as its template defines it, `code_hooks` by alias id."""

    def __init__(
        self,
        bot: TemplateBot,
        code_hooks: Mapping[str, CodeHook],
        *,
        bot_id: str = BOT_ID,
        aliases: Mapping[str, tuple[str, str]] = ALIASES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        # Alias id -> the callable run as the code hook the alias's template names; may be replaced or filled
        # in after construction, before the first turn that needs it.
        self.code_hooks: dict[str, CodeHook] = dict(code_hooks)
        self.bot_id = bot_id
        self.aliases = dict(aliases)
        defined = {alias.name: alias for alias in bot.aliases}
        unknown = {alias_id: name for alias_id, (name, _) in self.aliases.items() if name not in defined}
        if unknown:
            raise ValueError(
                f"aliases {unknown} are not aliases of bot {bot.logical_id} in {bot.stack} (it has "
                f"{', '.join(defined)}); pass aliases={{alias id: (alias name, version)}} for the ones it has"
            )
        self.template_aliases: dict[str, TemplateAlias] = {
            alias_id: defined[name] for alias_id, (name, _) in self.aliases.items()
        }
        self.classifiers = {locale_id: IntentClassifier(locale) for locale_id, locale in bot.locales.items()}
        self.clock = clock
        self.sessions: dict[tuple[str, str, str], Session] = {}
        self._lock = threading.RLock()

    @classmethod
    def with_hook(
        cls,
        bot: TemplateBot,
        hook: CodeHook | None,
        *,
        bot_id: str = BOT_ID,
        aliases: Mapping[str, tuple[str, str]] = ALIASES,
        clock: Callable[[], float] = time.monotonic,
    ) -> DialogEngine:
        """An engine whose aliases all run `hook` as their code hook (where their template names one)."""
        return cls(bot, every_alias(hook, aliases), bot_id=bot_id, aliases=aliases, clock=clock)

    # ---- public operations (one per runtime API) -------------------------------------------------

    def recognize_text(
        self,
        bot_id: str,
        alias_id: str,
        locale_id: str,
        session_id: str,
        text: Any,
        session_state: Mapping[str, Any] | None = None,
        request_attributes: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        locale = self._check_target(bot_id, alias_id, locale_id)
        if not isinstance(text, str) or not text.strip():
            raise Validation(f"{_TEXT_CONSTRAINT} greater than or equal to 1")
        if len(text) > MAX_TEXT:
            raise Validation(f"{_TEXT_CONSTRAINT} less than or equal to {MAX_TEXT}")
        attributes = self._check_attributes(request_attributes)
        with self._lock:
            session = self._session(alias_id, locale_id, session_id, create=True)
            assert session is not None
            before = copy.deepcopy(session)
            try:
                if session_state:
                    self._apply_client_state(session, session_state, locale)
                active = client_state.start_turn(session, self.clock())  # contexts expire (session_state.py)
                session.originating_request_id = str(uuid.uuid4())
                turn = _Turn(self, session, alias_id, locale, text, attributes)
                turn.run()
                client_state.end_turn(session, active, self.clock())
            except Exception:
                self.sessions[(alias_id, locale_id, session_id)] = before
                raise
            session.last_active = self.clock()
            return self._response(session, attributes if request_attributes is not None else None)

    def put_session(
        self,
        bot_id: str,
        alias_id: str,
        locale_id: str,
        session_id: str,
        session_state: Mapping[str, Any],
        messages: list[dict[str, Any]] | None = None,
        request_attributes: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        locale = self._check_target(bot_id, alias_id, locale_id)
        if not isinstance(session_state, Mapping):
            raise Validation("sessionState is required")
        attributes = self._check_attributes(request_attributes)
        given = client_state.message_list(messages)
        with self._lock:
            key = (alias_id, locale_id, session_id)
            before = copy.deepcopy(self._session(alias_id, locale_id, session_id, create=False))
            session = self._session(alias_id, locale_id, session_id, create=True)
            assert session is not None
            try:
                self._apply_client_state(session, session_state, locale)
                session.attempts = 0
                action = (session_state.get("dialogAction") or {}).get("type")
                said = self._act_on_put_session(session, action, alias_id, locale, attributes, given)
                session.messages = given + said
            except Exception:
                if before is None:
                    self.sessions.pop(key, None)
                else:
                    self.sessions[key] = before
                raise
            session.last_active = self.clock()
            return {
                "messages": session.messages,
                "sessionState": self._session_state(session),
                "requestAttributes": attributes,
                "sessionId": session.session_id,
            }

    def get_session(self, bot_id: str, alias_id: str, locale_id: str, session_id: str) -> dict[str, Any]:
        self._check_target(bot_id, alias_id, locale_id)
        with self._lock:
            session = self._session(alias_id, locale_id, session_id, create=False)
            if session is None:
                raise ResourceNotFound(f"Session {session_id} does not exist or has expired.")
            client_state.expire_contexts(session, self.clock())
            return {
                "sessionId": session.session_id,
                "messages": session.messages,
                "interpretations": session.interpretations,
                "sessionState": self._session_state(session),
            }

    def delete_session(self, bot_id: str, alias_id: str, locale_id: str, session_id: str) -> dict[str, Any]:
        self._check_target(bot_id, alias_id, locale_id)
        with self._lock:
            if self._session(alias_id, locale_id, session_id, create=False) is None:
                raise ResourceNotFound(f"Session {session_id} does not exist or has expired.")
            del self.sessions[(alias_id, locale_id, session_id)]
        return {"botId": bot_id, "botAliasId": alias_id, "localeId": locale_id, "sessionId": session_id}

    # ---- helpers ---------------------------------------------------------------------------------

    def _check_target(self, bot_id: str, alias_id: str, locale_id: str) -> BotLocale:
        if bot_id != self.bot_id:
            raise ResourceNotFound(f"Bot {bot_id} does not exist. The local runtime serves bot {self.bot_id}.")
        if alias_id not in self.aliases:
            raise ResourceNotFound(f"{bot_id}/{alias_id} is not a valid BotId/BotAliasId combination.")
        locale = self.bot.locales.get(locale_id)
        if locale is None:
            raise ResourceNotFound(
                f"Locale {locale_id} is not enabled for bot {bot_id} (it has {', '.join(self.bot.locales)})."
            )
        if locale_id in self.template_aliases[alias_id].disabled_locales:
            raise ResourceNotFound(f"Locale {locale_id} is not enabled for alias {alias_id} of bot {bot_id}.")
        return locale

    @staticmethod
    def _check_attributes(attributes: Mapping[str, str] | None) -> dict[str, str]:
        return client_state.check_request_attributes(attributes)

    def _session(self, alias_id: str, locale_id: str, session_id: str, *, create: bool) -> Session | None:
        key = (alias_id, locale_id, session_id)
        session = self.sessions.get(key)
        if session is not None and self.clock() - session.last_active > self.bot.idle_session_ttl_seconds:
            del self.sessions[key]
            session = None
        if session is None and create:
            session = Session(session_id=session_id, last_active=self.clock())
            self.sessions[key] = session
        return session

    def _apply_client_state(self, session: Session, state: Mapping[str, Any], locale: BotLocale) -> None:
        """The client's sessionState, validated as the service model and the bot require, wins over what the
        session holds (session_state.py)."""
        client_state.check_session_state(state, locale, (session.intent or {}).get("name"))
        client_state.apply_session_state(session, state, locale, self.clock())

    def _act_on_put_session(
        self,
        session: Session,
        action: str | None,
        alias_id: str,
        locale: BotLocale,
        request_attributes: dict[str, str],
        given: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """What Lex says after a PutSession with this dialog action, after the client's messages (`given`):
        ElicitSlot and ConfirmIntent the slot's or intent's prompt unless the client gave messages; Delegate lets
        the dialog go on as after a turn (the next slot, the confirmation, or fulfillment with its code hook and
        closing response); ElicitIntent, Close and None only the client's messages.
        https://docs.aws.amazon.com/lexv2/latest/dg/managing-sessions.html"""
        intent = session.intent
        if intent is None or action not in {"ElicitSlot", "ConfirmIntent", "Delegate"}:
            return []
        defined = locale.intent(intent["name"])
        if action == "Delegate":
            if intent.get("state") in {"Fulfilled", "Failed"}:
                session.dialog_action = {"type": "Close"}
                return []
            turn = _Turn(self, session, alias_id, locale, "", request_attributes)
            turn._advance()
            return turn.messages
        intent["state"] = "InProgress"
        if given:
            return []
        if action == "ElicitSlot":
            slot = str((session.dialog_action or {}).get("slotToElicit"))
            return self.messages(defined.slot(slot).prompt.messages, session)
        if defined.confirmation is None:
            raise Validation(
                f"ConfirmIntent: intent {defined.name} has no confirmation prompt; give the messages to send"
            )
        return self.messages(defined.confirmation.prompt.messages, session)

    def messages(self, templates: Sequence[str], session: Session) -> list[dict[str, Any]]:
        """One message per message group of a prompt or response, in order."""
        return [self.message(template, session) for template in templates]

    def message(self, template: str, session: Session) -> dict[str, Any]:
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

    def _session_state(self, session: Session) -> dict[str, Any]:
        state: dict[str, Any] = {"sessionAttributes": dict(session.session_attributes)}
        if session.dialog_action:
            state["dialogAction"] = dict(session.dialog_action)
        if session.intent:
            state["intent"] = copy.deepcopy(session.intent)
        if session.active_contexts:
            state["activeContexts"] = list(session.active_contexts)
        if session.originating_request_id:
            state["originatingRequestId"] = session.originating_request_id
        if session.runtime_hints:
            state["runtimeHints"] = copy.deepcopy(session.runtime_hints)
        return state

    def _response(self, session: Session, request_attributes: dict[str, str] | None) -> dict[str, Any]:
        response: dict[str, Any] = {
            "messages": session.messages,
            "sessionState": self._session_state(session),
            "interpretations": session.interpretations,
            "sessionId": session.session_id,
        }
        if request_attributes is not None:
            response["requestAttributes"] = request_attributes
        return response

    def interpretations(self, matches: list[Match], chosen: dict[str, Any], locale: BotLocale) -> list[dict[str, Any]]:
        """Up to five interpretations, as RecognizeText returns them: the intents at or above the threshold (best
        first, each with an object {score}: a bare number would crash botocore's parser), the fallback intent
        (no score), then those below."""
        threshold = locale.nlu_confidence_threshold
        above = [m for m in matches if m.confidence >= threshold]
        below = [m for m in matches if 0 < m.confidence < threshold]
        fallback = {"intent": _fallback_json(locale)}
        ordered: list[dict[str, Any]] = []
        for match in above:
            intent = chosen if chosen["name"] == match.intent else self.intent_json(match, locale)
            ordered.append(
                {"nluConfidence": {"score": match.confidence}, "intent": intent, "interpretationSource": "Lex"}
            )
        if chosen["name"] == fallback["intent"]["name"]:
            fallback["intent"] = chosen
        ordered.append({**fallback, "interpretationSource": "Lex"})
        for match in below:
            ordered.append(
                {
                    "nluConfidence": {"score": match.confidence},
                    "intent": self.intent_json(match, locale),
                    "interpretationSource": "Lex",
                }
            )
        return ordered[:5]

    def intent_json(self, match: Match, locale: BotLocale) -> dict[str, Any]:
        defined = locale.intent(match.intent)
        slots = {s.name: (_slot_json(match.slots[s.name]) if s.name in match.slots else None) for s in defined.slots}
        return {"name": match.intent, "slots": slots, "state": "InProgress", "confirmationState": "None"}


class _Turn:
    """One RecognizeText turn on a session."""

    def __init__(
        self,
        engine: DialogEngine,
        session: Session,
        alias_id: str,
        locale: BotLocale,
        text: str,
        request_attributes: dict[str, str],
    ) -> None:
        self.engine = engine
        self.locale = locale
        self.classifier = engine.classifiers[locale.locale_id]
        self.session = session
        self.alias_id = alias_id
        self.text = text
        self.request_attributes = request_attributes
        self.messages: list[dict[str, Any]] = []
        self.interpretations: list[dict[str, Any]] | None = None
        self.hook_calls = 0

    def run(self) -> None:
        session = self.session
        action = (session.dialog_action or {}).get("type")
        active = session.intent is not None and session.intent.get("state") in {"InProgress", None}
        slot = (session.dialog_action or {}).get("slotToElicit")
        if active and action == "ElicitSlot" and isinstance(slot, str):
            self._answer_slot(slot)
        elif active and action == "ConfirmIntent":
            self._answer_confirmation()
        else:
            self._new_intent()
        session.messages = self.messages
        session.interpretations = self._current_interpretations()

    # ---- input resolution ------------------------------------------------------------------------

    def _classify(self) -> list[Match]:
        """The classifier's matches; when the input is, word for word, one of Lex's own utterances of a built-in
        intent ("cancel", "never mind", "start over", with a word such as "please" or "oh" around it), the intent
        built on it comes first with confidence 1.0, as a built-in intent is recognized from its utterances."""
        matches = self.classifier.classify(self.text)
        words = [w for w in _normalized(self.text).split() if w not in _AROUND_BUILTIN]
        said = " ".join(words)
        for intent in self.locale.intents:
            if intent.parent in INTERRUPTING_PARENTS and said in {_normalized(u) for u in intent.utterances}:
                return [Match(intent.name, 1.0), *(m for m in matches if m.intent != intent.name)]
        return matches

    def _new_intent(self, matches: list[Match] | None = None) -> None:
        matches = matches if matches is not None else self._classify()
        top = matches[0] if matches else None
        if top is None or top.confidence < self.locale.nlu_confidence_threshold:
            intent = _fallback_json(self.locale)
        else:
            intent = self.engine.intent_json(top, self.locale)
        self.session.intent = intent
        self.session.attempts = 0
        self.interpretations = self.engine.interpretations(matches, intent, self.locale)
        self._advance()

    def _answer_slot(self, slot: str) -> None:
        """The answer to a slot prompt: another intent the input clearly asks for (the intent in progress is
        abandoned, never fulfilled), else a value of the slot, else the prompt again, up to its max retries."""
        session = self.session
        assert session.intent is not None
        defined = self.locale.intent(session.intent["name"])
        before, mark = session.attempts, len(self.messages)
        max_retries = defined.slot(slot).max_retries
        matches = self._classify()
        if self._interrupts(matches):
            self._new_intent(matches)
            return
        resolved = self._slot_value(matches, defined, slot)
        if self._switches(matches, defined, slot, resolved):
            self._new_intent(matches)
            return
        if resolved is not None:
            session.intent["slots"][slot] = _slot_json(resolved)
            self._advance()
        elif others := self._other_slots(matches, defined, slot):
            for name, value in others.items():
                session.intent["slots"][name] = _slot_json(value)
            self._advance()
        elif before + 1 > max_retries:
            self._fallback()
            return
        else:
            session.attempts = before + 1
            self._advance(attempt=f"Retry{before + 1}", retry_slot=slot)
        self._count_retry(defined, {"type": "ElicitSlot", "slotToElicit": slot}, before, max_retries, mark)

    def _other_slots(self, matches: list[Match], defined: Intent, slot: str) -> dict[str, Resolved]:
        """Values of the intent's other empty slots that an answer holds, when it holds none of the slot asked for:
        Lex fills any slot of the intent it finds ("horror" to "Tell me a title, an author or a genre" is the
        genre). Only values the types are sure of (listed ones), never guesses."""
        assert self.session.intent is not None
        match = next((m for m in matches if m.intent == defined.name), None)
        if match is None:
            return {}
        filled = self.session.intent["slots"]
        return {
            name: value
            for name, value in match.slots.items()
            if name != slot and not filled.get(name) and value.certainty >= LISTED_CERTAINTY
        }

    def _answer_confirmation(self) -> None:
        """The answer to a confirmation prompt: yes; else another intent the input clearly asks for; else no;
        else the prompt again, up to its max retries."""
        session = self.session
        assert session.intent is not None
        defined = self.locale.intent(session.intent["name"])
        before, mark = session.attempts, len(self.messages)
        max_retries = defined.confirmation.prompt.max_retries if defined.confirmation else 0
        answer = yes_or_no(self.text)
        plain_no = answer is False and _normalized(self.text).split()[:1] in (["no"], ["nope"], ["nah"], ["negative"])
        if answer is not True and not plain_no:  # "no, cancel that" is a no
            matches = self._classify()
            if self._interrupts(matches) or (answer is None and self._switches(matches, defined, None, None)):
                self._new_intent(matches)
                return
        if answer is not None:
            session.intent["confirmationState"] = "Confirmed" if answer else "Denied"
            self._advance()
        elif before + 1 > max_retries:
            self._fallback()
            return
        else:
            session.attempts = before + 1
            self._advance(attempt=f"Retry{before + 1}")
        self._count_retry(defined, {"type": "ConfirmIntent"}, before, max_retries, mark)

    def _slot_value(self, matches: list[Match], defined: Intent, slot: str) -> Resolved | None:
        """The value of `slot` in the answer: what the slot's type finds in it, or, when that is only a guess, the
        value of a clear match of the same intent ("I'd like to order Walden" at the title prompt gives Walden).
        A value a runtime hint prefers wins (session_state.hinted_value)."""
        hinted = client_state.hinted_value(self.locale, defined, slot, self.text, self.session.runtime_hints)
        if hinted is not None:
            return hinted
        resolved = self.classifier.fill_slot(defined, slot, self.text)
        top = matches[0] if matches else None
        if top is None or top.intent != defined.name or top.confidence < SWITCH_CONFIDENCE:
            return resolved
        found = top.slots.get(slot)
        if found is not None and (resolved is None or found.certainty > resolved.certainty):
            return found
        return resolved

    def _interrupts(self, matches: list[Match]) -> bool:
        """Whether the input is, above the confidence threshold, an intent built on one of the built-in intents
        Lex recognizes at any point of a dialog ("cancel", "stop", "start over", "help"), whatever was asked."""
        if not matches or matches[0].confidence < self.locale.nlu_confidence_threshold:
            return False
        return self.locale.intent(matches[0].intent).parent in INTERRUPTING_PARENTS

    def _switches(self, matches: list[Match], defined: Intent, slot: str | None, value: Resolved | None) -> bool:
        """Whether the answer to a prompt of `defined` clearly asks for something else: another intent, or the same
        intent anew with other values ("order the great gatsby" while asked how many copies of Dracula). A value
        of the slot the recognizer is sure of ("jdoe" for a username, a listed title) is the answer, unless the
        input is word for word a sample utterance of the other intent ("help")."""
        top = matches[0] if matches else None
        if top is None or top.confidence < SWITCH_CONFIDENCE:
            return False
        if top.intent == defined.name:
            current = (self.session.intent or {}).get("slots") or {}
            return any(
                name != slot
                and _said(current.get(name)) not in {v.casefold() for v in (found.interpreted, *found.resolved)}
                for name, found in top.slots.items()
            )
        if value is None or value.certainty < 1.0:
            return True
        # A whole request for the other intent, with values of its own around the word that fits the slot
        # ("actually register a new user named newbie7 with email ..." while asked which attribute to change).
        if top.slots and len(tokenize(self.text)) - len(tokenize(value.original)) >= WHOLE_REQUEST_EXTRA_WORDS:
            return True
        said = _normalized(self.text)
        return any(_normalized(u) == said for u in self.locale.intent(top.intent).utterances)

    def _count_retry(self, defined: Intent, asked: dict[str, Any], before: int, max_retries: int, mark: int) -> None:
        """After an answer to `asked`: when the same intent asks the same again (Lex could not take the answer, or
        the code hook refused it and elicits the slot again), that is one more retry; past the prompt's max
        retries, the fallback intent is invoked instead of asking again. Anything else starts the count anew."""
        session = self.session
        intent = session.intent or {}
        action = session.dialog_action or {}
        again = (
            intent.get("name") == defined.name
            and intent.get("state") == "InProgress"
            and action.get("type") == asked["type"]
            and action.get("slotToElicit") == asked.get("slotToElicit")
        )
        if not again:
            session.attempts = 0
        elif before + 1 > max_retries:
            del self.messages[mark:]
            self._fallback()
        else:
            session.attempts = before + 1

    def _fallback(self) -> None:
        self.session.intent = _fallback_json(self.locale)
        self.session.attempts = 0
        self._advance()

    # ---- dialog management -----------------------------------------------------------------------

    def _next_step(self, defined: Intent) -> dict[str, Any]:
        intent = self.session.intent
        assert intent is not None
        for slot in defined.slots_by_priority():
            if slot.required and intent["slots"].get(slot.name) is None:
                return {"type": "ElicitSlot", "slotToElicit": slot.name}
        if intent.get("confirmationState") == "Denied":
            return {"type": "Declined"}
        if defined.confirmation and intent.get("confirmationState") in {None, "None"}:
            return {"type": "ConfirmIntent"}
        return {"type": "Fulfill"}

    def _advance(self, attempt: str = "Initial", retry_slot: str | None = None) -> None:
        """Propose the next step to the dialog hook (if any) and take it. After an answer that did not fill the
        slot being elicited (`retry_slot`), the next step is that slot again, required or not: Lex retries the
        slot it asked for, up to its max retries."""
        session = self.session
        assert session.intent is not None
        defined = self.locale.intent(session.intent["name"])

        def next_step() -> dict[str, Any]:
            intent = session.intent or {}
            if retry_slot is not None and intent.get("name") == defined.name and not intent["slots"].get(retry_slot):
                return {"type": "ElicitSlot", "slotToElicit": retry_slot}
            return self._next_step(defined)

        step = next_step()
        if defined.code_hooks.dialog and self._code_hook() is not None:
            proposed = step if step["type"] in {"ElicitSlot", "ConfirmIntent"} else {"type": "Delegate"}
            response = self._call_hook("DialogCodeHook", proposed=proposed, attempt=attempt)
            if self._obey(response, defined):
                return
            step = next_step()
        self._execute(step, defined)

    def _execute(self, step: dict[str, Any], defined: Intent) -> None:
        session = self.session
        assert session.intent is not None
        kind = step["type"]
        if kind == "ElicitSlot":
            session.intent["state"] = "InProgress"
            session.dialog_action = {"type": "ElicitSlot", "slotToElicit": step["slotToElicit"]}
            self.messages.extend(self.engine.messages(defined.slot(step["slotToElicit"]).prompt.messages, session))
        elif kind == "ConfirmIntent":
            assert defined.confirmation is not None
            session.intent["state"] = "InProgress"
            session.dialog_action = {"type": "ConfirmIntent"}
            self.messages.extend(self.engine.messages(defined.confirmation.prompt.messages, session))
        elif kind == "Declined":
            session.intent["state"] = "Failed"
            session.dialog_action = {"type": "Close"}
            if defined.confirmation:
                self.messages.extend(self.engine.messages(defined.confirmation.declination, session))
        else:
            self._fulfil(defined)

    def _fulfil(self, defined: Intent) -> None:
        session = self.session
        assert session.intent is not None
        session.intent["state"] = "ReadyForFulfillment"
        if defined.code_hooks.fulfillment and self._code_hook() is not None:
            response = self._call_hook("FulfillmentCodeHook")
            if self._obey(response, defined, fulfilment=True):
                return
        session.intent["state"] = "Fulfilled"
        self._close(defined)

    def _close(self, defined: Intent) -> None:
        session = self.session
        assert session.intent is not None
        session.dialog_action = {"type": "Close"}
        if session.intent["state"] == "Fulfilled":
            self.messages.extend(self.engine.messages(defined.closing, session))

    def _obey(self, response: LexResponse, defined: Intent, *, fulfilment: bool = False) -> bool:
        """Apply the hook's response. True when the turn is over; False after a Delegate."""
        session = self.session
        state = response.session_state
        assert state.dialog_action is not None
        assert state.intent is not None
        session.session_attributes = dict(state.session_attributes)
        if state.active_contexts is not None:
            session.active_contexts = list(state.active_contexts)
        session.intent = state.intent.dump()
        target = self.locale.intent(state.intent.name)
        for slot in target.slots:  # every slot is present, unfilled ones as null
            session.intent["slots"].setdefault(slot.name, None)
        hook_messages = [m.dump() for m in response.messages or []]
        action = state.dialog_action.type
        if action == "Delegate":
            if fulfilment:
                # After fulfillment there is nothing left to delegate to: Lex closes the intent.
                session.intent["state"] = session.intent.get("state") or "Fulfilled"
                self.messages.extend(hook_messages)
                self._close(target)
                return True
            self.messages.extend(hook_messages)
            return False
        self.messages.extend(hook_messages)
        if action == "Close":
            session.intent.setdefault("state", "Fulfilled")
            if session.intent["state"] in {"InProgress", "ReadyForFulfillment"}:
                session.intent["state"] = "Fulfilled"
            if fulfilment:
                self._close(target)  # the closing response follows a completed fulfillment
            else:
                session.dialog_action = {"type": "Close"}
        elif action == "ElicitSlot":
            session.intent["state"] = "InProgress"
            session.dialog_action = {"type": "ElicitSlot", "slotToElicit": state.dialog_action.slot_to_elicit}
            if not hook_messages:
                prompt = target.slot(str(state.dialog_action.slot_to_elicit)).prompt
                self.messages.extend(self.engine.messages(prompt.messages, session))
        elif action == "ConfirmIntent":
            session.intent["state"] = "InProgress"
            session.dialog_action = {"type": "ConfirmIntent"}
        elif action == "ElicitIntent":
            session.dialog_action = {"type": "ElicitIntent"}
        session.attempts = 0
        return True

    # ---- the code hook ---------------------------------------------------------------------------

    def _code_hook(self) -> CodeHook | None:
        """The code hook of this alias for this locale. None when its template names no Lambda function for the
        locale: Lex then skips the hooks (the intent is fulfilled without them). A function the template names
        but the caller gave the engine no callable for fails the turn, as a hook Lex cannot invoke does."""
        arn = self.engine.template_aliases[self.alias_id].code_hooks.get(self.locale.locale_id)
        if arn is None:
            return None
        hook = self.engine.code_hooks.get(self.alias_id)
        if hook is None:
            alias_name, _ = self.engine.aliases[self.alias_id]
            raise DependencyFailed(
                f"Invalid Bot Configuration: alias {self.alias_id} ({alias_name}) names the code hook {arn!r} for "
                f"locale {self.locale.locale_id}, and the local runtime was given no code hook for {self.alias_id}"
            )
        return hook

    def _current_interpretations(self) -> list[dict[str, Any]]:
        """This turn's interpretations: the NLU's when the input was taken as a new intent, else (an answer to a
        slot or confirmation prompt) the intent in progress as the turn has left it, first."""
        if self.interpretations is not None:
            return self.interpretations
        return client_state.answer_interpretations(self.session.intent, self.locale)

    def _event(self, source: str, proposed: dict[str, Any] | None, attempt: str) -> dict[str, Any]:
        session = self.session
        assert session.intent is not None
        alias_name, version = self.engine.aliases[self.alias_id]
        intent = copy.deepcopy(session.intent)
        if source == "FulfillmentCodeHook":
            intent["state"] = "ReadyForFulfillment"
        interpretations = []
        for item in self._current_interpretations():
            entry: dict[str, Any] = {"intent": item["intent"], "interpretationSource": "Lex"}
            if "nluConfidence" in item:
                entry["nluConfidence"] = item["nluConfidence"]["score"]  # a bare number in the hook event
            interpretations.append(entry)
        if not interpretations:
            interpretations = [{"intent": intent, "interpretationSource": "Lex"}]
        event: dict[str, Any] = {
            "messageVersion": "1.0",
            "invocationSource": source,
            "inputMode": "Text",
            "responseContentType": "text/plain; charset=utf-8",
            "sessionId": session.session_id,
            "inputTranscript": self.text,
            "bot": {
                "id": self.engine.bot_id,
                "name": self.engine.bot.name,
                "localeId": self.locale.locale_id,
                "version": version,
                "aliasId": self.alias_id,
                "aliasName": alias_name,
            },
            "interpretations": interpretations,
            "requestAttributes": dict(self.request_attributes),
            "sessionState": {
                "activeContexts": list(session.active_contexts),
                "sessionAttributes": dict(session.session_attributes),
                "intent": intent,
                "originatingRequestId": session.originating_request_id,
            },
        }
        if proposed is not None:
            event["proposedNextState"] = {"dialogAction": proposed, "intent": intent, "prompt": {"attempt": attempt}}
        return event

    def _call_hook(
        self, source: str, *, proposed: dict[str, Any] | None = None, attempt: str = "Initial"
    ) -> LexResponse:
        hook = self._code_hook()
        assert hook is not None
        self.hook_calls += 1
        if self.hook_calls > 10:
            raise DependencyFailed("Invalid Lambda Response: the code hook delegated in a loop")
        event = self._event(source, proposed, attempt)
        LexEvent.model_validate(event)  # the emulator must send what Lex sends
        try:
            raw = hook(event)
        except Exception as err:  # the hook's own failure, reported as Lex reports it
            raise DependencyFailed(
                f"Lambda function threw an exception during {source}: {type(err).__name__}: {err}"
            ) from err
        return self._validated(raw)

    def _validated(self, raw: Any) -> LexResponse:
        def invalid(reason: str) -> DependencyFailed:
            return DependencyFailed(f"Invalid Lambda Response: Received invalid response from Lambda: {reason}")

        if not isinstance(raw, Mapping):
            raise invalid(f"expected a JSON object, got {type(raw).__name__}")
        if not isinstance(raw.get("sessionState"), Mapping):
            raise invalid("sessionState is required")
        try:
            response = LexResponse.model_validate(raw)
        except PydanticValidationError as err:
            first = err.errors()[0]
            place = ".".join(str(p) for p in first["loc"])
            raise invalid(f"{place}: {first['msg']}") from err
        state = response.session_state
        if state.dialog_action is None:
            raise invalid("sessionState.dialogAction is required")
        if state.intent is None:
            raise invalid("sessionState.intent is required")
        if not self.locale.has_intent(state.intent.name):
            raise invalid(f"intent {state.intent.name!r} does not exist in the bot")
        action = state.dialog_action.type
        if action == "None":
            raise invalid("dialogAction.type None is not allowed in a code hook response")
        if action == "ElicitSlot":
            slots = {s.name for s in self.locale.intent(state.intent.name).slots}
            if state.dialog_action.slot_to_elicit not in slots:
                raise invalid(f"ElicitSlot needs slotToElicit naming a slot of {state.intent.name}")
        if action in {"ElicitIntent", "ConfirmIntent"} and not response.messages:
            raise invalid(f"messages are required when dialogAction.type is {action}")
        try:  # the messages as the runtime API's Messages shape holds them: Lex refuses what it cannot send
            client_state.message_list(raw.get("messages"))
        except Validation as err:
            raise invalid(str(err)) from err
        return response


__all__ = [
    "ALIASES",
    "BOT_ID",
    "LIVE_ALIAS_ID",
    "TEST_ALIAS_ID",
    "CodeHook",
    "DialogEngine",
    "LexError",
    "every_alias",
    "yes_or_no",
]
