"""The dialog steps of an intent, as Lex takes them: propose the next step (the next required slot, the
confirmation, fulfillment) to the dialog code hook when the intent enables it, obey its dialog action, and when
the intent is ready, call the fulfillment hook and add the closing response."""

from __future__ import annotations

from typing import Any

from bot_fulfillment.lex import LexResponse
from local.emulators.lex import responses
from local.emulators.lex import session_state as client_state
from local.emulators.lex.code_hook import HookTarget, call_hook, hook_event
from local.emulators.lex.errors import DependencyFailed
from local.emulators.lex.model import Intent
from local.emulators.lex.session import Session

# Code-hook calls one turn may make before Lex gives up on a hook that delegates in a loop.
MAX_HOOK_CALLS = 10


class Dialog:
    """The dialog of the intent in progress on a session, for one request (`text`: its input, "" for PutSession)."""

    def __init__(self, session: Session, target: HookTarget, text: str, request_attributes: dict[str, str]) -> None:
        self.session = session
        self.target = target
        self.locale = target.locale
        self.text = text
        self.request_attributes = request_attributes
        self.messages: list[dict[str, Any]] = []
        self.interpretations: list[dict[str, Any]] | None = None
        self.hook_calls = 0

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

    def advance(self, attempt: str = "Initial", retry_slot: str | None = None) -> None:
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
        if defined.code_hooks.dialog and self.target.code_hook() is not None:
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
            self.messages.extend(responses.messages(defined.slot(step["slotToElicit"]).prompt.messages, session))
        elif kind == "ConfirmIntent":
            assert defined.confirmation is not None
            session.intent["state"] = "InProgress"
            session.dialog_action = {"type": "ConfirmIntent"}
            self.messages.extend(responses.messages(defined.confirmation.prompt.messages, session))
        elif kind == "Declined":
            session.intent["state"] = "Failed"
            session.dialog_action = {"type": "Close"}
            if defined.confirmation:
                self.messages.extend(responses.messages(defined.confirmation.declination, session))
        else:
            self._fulfil(defined)

    def _fulfil(self, defined: Intent) -> None:
        session = self.session
        assert session.intent is not None
        session.intent["state"] = "ReadyForFulfillment"
        if defined.code_hooks.fulfillment and self.target.code_hook() is not None:
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
            self.messages.extend(responses.messages(defined.closing, session))

    def _obey(self, response: LexResponse, defined: Intent, *, fulfilment: bool = False) -> bool:
        """Apply the hook's response. True when the turn is over; False after a Delegate."""
        session = self.session
        state = response.session_state
        assert state.dialog_action is not None
        target = self._adopt(response)
        assert session.intent is not None
        hook_messages = [m.dump() for m in response.messages or []]
        self.messages.extend(hook_messages)
        action = state.dialog_action.type
        if action == "Delegate":
            if not fulfilment:
                return False
            # After fulfillment there is nothing left to delegate to: Lex closes the intent.
            session.intent["state"] = session.intent.get("state") or "Fulfilled"
            self._close(target)
            return True
        if action == "Close":
            self._obey_close(target, fulfilment=fulfilment)
        elif action == "ElicitSlot":
            self._obey_elicit_slot(target, state.dialog_action.slot_to_elicit, prompted=bool(hook_messages))
        elif action == "ConfirmIntent":
            session.intent["state"] = "InProgress"
            session.dialog_action = {"type": "ConfirmIntent"}
        elif action == "ElicitIntent":
            session.dialog_action = {"type": "ElicitIntent"}
        session.attempts = 0
        return True

    def _adopt(self, response: LexResponse) -> Intent:
        """Take the hook's session state as the session's (its attributes, its active contexts when it gives
        them, its intent); the definition of that intent, whose every slot the session's intent now has."""
        session = self.session
        state = response.session_state
        assert state.intent is not None
        session.session_attributes = dict(state.session_attributes)
        if state.active_contexts is not None:
            session.active_contexts = list(state.active_contexts)
        session.intent = state.intent.dump()
        target = self.locale.intent(state.intent.name)
        for slot in target.slots:  # every slot is present, unfilled ones as null
            session.intent["slots"].setdefault(slot.name, None)
        return target

    def _obey_close(self, target: Intent, *, fulfilment: bool) -> None:
        """A Close from the hook: an intent left in progress or ready counts as fulfilled (one without a state
        too), and after fulfillment the intent's closing response follows."""
        session = self.session
        assert session.intent is not None
        session.intent.setdefault("state", "Fulfilled")
        if session.intent["state"] in {"InProgress", "ReadyForFulfillment"}:
            session.intent["state"] = "Fulfilled"
        if fulfilment:
            self._close(target)  # the closing response follows a completed fulfillment
        else:
            session.dialog_action = {"type": "Close"}

    def _obey_elicit_slot(self, target: Intent, slot: str | None, *, prompted: bool) -> None:
        """An ElicitSlot from the hook: the slot's own prompt unless the hook gave messages (`prompted`)."""
        session = self.session
        assert session.intent is not None
        session.intent["state"] = "InProgress"
        session.dialog_action = {"type": "ElicitSlot", "slotToElicit": slot}
        if not prompted:
            self.messages.extend(responses.messages(target.slot(str(slot)).prompt.messages, session))

    def current_interpretations(self) -> list[dict[str, Any]]:
        """This turn's interpretations: the NLU's when the input was taken as a new intent, else (an answer to a
        slot or confirmation prompt) the intent in progress as the turn has left it, first."""
        if self.interpretations is not None:
            return self.interpretations
        return client_state.answer_interpretations(self.session.intent, self.locale)

    def _call_hook(
        self, source: str, *, proposed: dict[str, Any] | None = None, attempt: str = "Initial"
    ) -> LexResponse:
        hook = self.target.code_hook()
        assert hook is not None
        self.hook_calls += 1
        if self.hook_calls > MAX_HOOK_CALLS:
            raise DependencyFailed("Invalid Lambda Response: the code hook delegated in a loop")
        event = hook_event(
            self.target,
            self.session,
            source,
            text=self.text,
            request_attributes=self.request_attributes,
            interpretations=self.current_interpretations(),
            proposed=proposed,
            attempt=attempt,
        )
        return call_hook(hook, event, self.locale)
