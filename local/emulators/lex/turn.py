"""One RecognizeText turn: resolve the input (a slot answer, a yes/no to a confirmation, or a new intent: at any
prompt a built-in intent such as AMAZON.CancelIntent, another intent clearly asked for, or the same intent asked
anew, replaces the intent in progress, which is not fulfilled; an answer Lex cannot use, or the code hook refuses,
is asked again up to the prompt's max retries, then the fallback intent: docs/bot.md "Changing the subject"),
then take the dialog's next step (dialog.py)."""

from __future__ import annotations

from typing import Any

from local.emulators.lex import responses
from local.emulators.lex.code_hook import HookTarget
from local.emulators.lex.dialog import Dialog
from local.emulators.lex.model import Intent
from local.emulators.lex.nlu import IntentClassifier, Match
from local.emulators.lex.session import Session
from local.emulators.lex.user_input import UserInput, plain_no, yes_or_no


class Turn(Dialog):
    """One RecognizeText turn on a session."""

    def __init__(
        self,
        session: Session,
        target: HookTarget,
        classifier: IntentClassifier,
        text: str,
        request_attributes: dict[str, str],
    ) -> None:
        super().__init__(session, target, text, request_attributes)
        self.input = UserInput(text, target.locale, classifier)

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
        session.interpretations = self.current_interpretations()

    def _new_intent(self, matches: list[Match] | None = None) -> None:
        matches = matches if matches is not None else self.input.classify()
        top = matches[0] if matches else None
        if top is None or top.confidence < self.locale.nlu_confidence_threshold:
            intent = responses.fallback_json(self.locale)
        else:
            intent = responses.intent_json(top, self.locale)
        self.session.intent = intent
        self.session.attempts = 0
        self.interpretations = responses.interpretations(matches, intent, self.locale)
        self.advance()

    def _answer_slot(self, slot: str) -> None:
        """The answer to a slot prompt: another intent the input clearly asks for (the intent in progress is
        abandoned, never fulfilled), else a value of the slot, else the prompt again, up to its max retries."""
        session = self.session
        assert session.intent is not None
        defined = self.locale.intent(session.intent["name"])
        before, mark = session.attempts, len(self.messages)
        max_retries = defined.slot(slot).max_retries
        matches = self.input.classify()
        if self.input.interrupts(matches):
            self._new_intent(matches)
            return
        resolved = self.input.slot_value(matches, defined, slot, session.runtime_hints)
        if self.input.switches(matches, defined, slot, resolved, self._current_slots()):
            self._new_intent(matches)
            return
        if resolved is not None:
            session.intent["slots"][slot] = responses.slot_json(resolved)
            self.advance()
        elif others := self.input.other_slots(matches, defined, slot, session.intent):
            for name, value in others.items():
                session.intent["slots"][name] = responses.slot_json(value)
            self.advance()
        elif before + 1 > max_retries:
            self._fallback()
            return
        else:
            session.attempts = before + 1
            self.advance(attempt=f"Retry{before + 1}", retry_slot=slot)
        self._count_retry(defined, {"type": "ElicitSlot", "slotToElicit": slot}, before, max_retries, mark)

    def _answer_confirmation(self) -> None:
        """The answer to a confirmation prompt: yes; else another intent the input clearly asks for; else no;
        else the prompt again, up to its max retries."""
        session = self.session
        assert session.intent is not None
        defined = self.locale.intent(session.intent["name"])
        before, mark = session.attempts, len(self.messages)
        max_retries = defined.confirmation.prompt.max_retries if defined.confirmation else 0
        answer = yes_or_no(self.text)
        if answer is not True and not (answer is False and plain_no(self.text)):  # "no, cancel that" is a no
            matches = self.input.classify()
            if self.input.interrupts(matches) or (
                answer is None and self.input.switches(matches, defined, None, None, self._current_slots())
            ):
                self._new_intent(matches)
                return
        if answer is not None:
            session.intent["confirmationState"] = "Confirmed" if answer else "Denied"
            self.advance()
        elif before + 1 > max_retries:
            self._fallback()
            return
        else:
            session.attempts = before + 1
            self.advance(attempt=f"Retry{before + 1}")
        self._count_retry(defined, {"type": "ConfirmIntent"}, before, max_retries, mark)

    def _current_slots(self) -> dict[str, Any]:
        """The slots of the intent in progress."""
        slots: dict[str, Any] = (self.session.intent or {}).get("slots") or {}
        return slots

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
        self.session.intent = responses.fallback_json(self.locale)
        self.session.attempts = 0
        self.advance()
