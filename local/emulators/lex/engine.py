"""The dialog engine of the local Lex V2 runtime: what Lex does around the code hook, turn by turn.

It serves one bot as its CloudFormation template defines it (template.py `bots_in` -> `TemplateBot`): every
locale of the bot, on the aliases given (alias id -> alias name and version), each alias calling the code
hook its template names for the locale (`TemplateAlias.code_hooks`), which the caller supplies as a callable
per alias id (`code_hooks`).

One RecognizeText turn (turn.py): resolve the input (a slot answer, a yes/no to a confirmation, or a new intent:
at any prompt a built-in intent such as AMAZON.CancelIntent, another intent clearly asked for, or the same intent
asked anew, replaces the intent in progress, which is not fulfilled; an answer Lex cannot use, or the code hook
refuses, is asked again up to the prompt's max retries, then the fallback intent: docs/bot.md "Changing the
subject"), call the dialog code hook with the exact Lex V2 event when the intent enables it, obey its dialog
action, and when the intent is ready, call the fulfillment hook and add the closing response (dialog.py,
code_hook.py). An alias whose template names no Lambda function for the locale skips the code hooks, as Lex does;
one whose template names a function the caller gave no callable for fails the turn with DependencyFailedException.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from local.emulators.lex import responses
from local.emulators.lex import session_state as client_state
from local.emulators.lex.code_hook import CodeHook, HookTarget
from local.emulators.lex.dialog import Dialog
from local.emulators.lex.errors import LexError, ResourceNotFound, Validation
from local.emulators.lex.model import BotLocale
from local.emulators.lex.nlu import IntentClassifier
from local.emulators.lex.session import Session, session_state_json
from local.emulators.lex.template import TemplateAlias, TemplateBot
from local.emulators.lex.turn import Turn

BOT_ID = "BOOKSTORE1"
TEST_ALIAS_ID = "TSTALIASID"
LIVE_ALIAS_ID = "LIVEALIAS1"
# Alias id -> (alias name in the template, the version it serves). TestBotAlias is the bot's test alias.
ALIASES: Mapping[str, tuple[str, str]] = {TEST_ALIAS_ID: ("TestBotAlias", "DRAFT"), LIVE_ALIAS_ID: ("live", "1")}
MAX_TEXT = 1024
_TEXT_CONSTRAINT = "1 validation error detected: Value at 'text' failed to satisfy constraint: Member must have length"


def every_alias(hook: CodeHook | None, aliases: Mapping[str, tuple[str, str]] = ALIASES) -> dict[str, CodeHook]:
    """`code_hooks` for DialogEngine that give every alias the same hook (none for None)."""
    return {} if hook is None else dict.fromkeys(aliases, hook)


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
                classifier = self.classifiers[locale.locale_id]
                Turn(session, self._target(alias_id, locale), classifier, text, attributes).run()
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
                "sessionState": session_state_json(session),
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
                "sessionState": session_state_json(session),
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
            dialog = Dialog(session, self._target(alias_id, locale), "", request_attributes)
            dialog.advance()
            return dialog.messages
        intent["state"] = "InProgress"
        if given:
            return []
        if action == "ElicitSlot":
            slot = str((session.dialog_action or {}).get("slotToElicit"))
            return responses.messages(defined.slot(slot).prompt.messages, session)
        if defined.confirmation is None:
            raise Validation(
                f"ConfirmIntent: intent {defined.name} has no confirmation prompt; give the messages to send"
            )
        return responses.messages(defined.confirmation.prompt.messages, session)

    def _target(self, alias_id: str, locale: BotLocale) -> HookTarget:
        """The bot, alias and locale a request runs on, with the alias's code hook for the locale."""
        alias_name, version = self.aliases[alias_id]
        return HookTarget(
            bot_id=self.bot_id,
            bot_name=self.bot.name,
            alias_id=alias_id,
            alias_name=alias_name,
            version=version,
            locale=locale,
            arn=self.template_aliases[alias_id].code_hooks.get(locale.locale_id),
            hook=self.code_hooks.get(alias_id),
        )

    def _response(self, session: Session, request_attributes: dict[str, str] | None) -> dict[str, Any]:
        response: dict[str, Any] = {
            "messages": session.messages,
            "sessionState": session_state_json(session),
            "interpretations": session.interpretations,
            "sessionId": session.session_id,
        }
        if request_attributes is not None:
            response["requestAttributes"] = request_attributes
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
]
