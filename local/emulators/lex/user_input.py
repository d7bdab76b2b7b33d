"""What the input of a turn says, read against the bot's locale: yes or no to a confirmation, a built-in intent
that interrupts any prompt, another intent clearly asked for, or a value of the slot being elicited
(docs/bot.md "Changing the subject")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from local.emulators.lex import session_state as client_state
from local.emulators.lex.builtin_intents import BUILTIN_INTENT_UTTERANCES
from local.emulators.lex.model import BotLocale, Intent
from local.emulators.lex.nlu import IntentClassifier, Match
from local.emulators.lex.slot_values import Resolved
from local.emulators.lex.text import tokenize

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
LISTED_CERTAINTY = 0.8  # a slot value the type lists (or a part of one), as slot_custom.py rates it
YES_PHRASES = ("go ahead", "do it", "sounds good", "that's right", "that is right", "of course", "yes please")
NO = frozenset(["no", "nope", "nah", "n", "negative", "cancel", "stop", "never", "wrong", "incorrect"])
NO_PHRASES = ("don't", "do not", "not really", "no thanks", "forget it", "never mind")


def said_value(slot: Any) -> str | None:
    """The interpreted value of a slot of the session (None when empty), case-folded."""
    value = (slot or {}).get("value") or {}
    said = value.get("interpretedValue") or value.get("originalValue")
    return str(said).casefold() if said else None


def normalized(text: str) -> str:
    return " ".join(t.norm for t in tokenize(text))


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


def plain_no(text: str) -> bool:
    """Whether the input starts with a plain no ("no, cancel that" is a no, not the Cancel intent)."""
    return normalized(text).split()[:1] in (["no"], ["nope"], ["nah"], ["negative"])


@dataclass(frozen=True)
class UserInput:
    """The text of one turn, read by the classifier of its locale."""

    text: str
    locale: BotLocale
    classifier: IntentClassifier

    def classify(self) -> list[Match]:
        """The classifier's matches; when the input is, word for word, one of Lex's own utterances of a built-in
        intent ("cancel", "never mind", "start over", with a word such as "please" or "oh" around it), the intent
        built on it comes first with confidence 1.0, as a built-in intent is recognized from its utterances."""
        matches = self.classifier.classify(self.text)
        words = [w for w in normalized(self.text).split() if w not in _AROUND_BUILTIN]
        said = " ".join(words)
        for intent in self.locale.intents:
            if intent.parent in INTERRUPTING_PARENTS and said in {normalized(u) for u in intent.utterances}:
                return [Match(intent.name, 1.0), *(m for m in matches if m.intent != intent.name)]
        return matches

    def other_slots(
        self, matches: list[Match], defined: Intent, slot: str, intent: Mapping[str, Any]
    ) -> dict[str, Resolved]:
        """Values of the other empty slots of the intent in progress (`intent`) that an answer holds, when it holds
        none of the slot asked for: Lex fills any slot of the intent it finds ("horror" to "Tell me a title, an
        author or a genre" is the genre). Only values the types are sure of (listed ones), never guesses."""
        match = next((m for m in matches if m.intent == defined.name), None)
        if match is None:
            return {}
        filled = intent["slots"]
        return {
            name: value
            for name, value in match.slots.items()
            if name != slot and not filled.get(name) and value.certainty >= LISTED_CERTAINTY
        }

    def slot_value(
        self, matches: list[Match], defined: Intent, slot: str, runtime_hints: dict[str, Any] | None
    ) -> Resolved | None:
        """The value of `slot` in the answer: what the slot's type finds in it, or, when that is only a guess, the
        value of a clear match of the same intent ("I'd like to order Walden" at the title prompt gives Walden).
        A value a runtime hint prefers wins (session_state.hinted_value)."""
        hinted = client_state.hinted_value(self.locale, defined, slot, self.text, runtime_hints)
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

    def interrupts(self, matches: list[Match]) -> bool:
        """Whether the input is, above the confidence threshold, an intent built on one of the built-in intents
        Lex recognizes at any point of a dialog ("cancel", "stop", "start over", "help"), whatever was asked."""
        if not matches or matches[0].confidence < self.locale.nlu_confidence_threshold:
            return False
        return self.locale.intent(matches[0].intent).parent in INTERRUPTING_PARENTS

    def switches(
        self,
        matches: list[Match],
        defined: Intent,
        slot: str | None,
        value: Resolved | None,
        current: Mapping[str, Any],
    ) -> bool:
        """Whether the answer to a prompt of `defined` clearly asks for something else: another intent, or the same
        intent anew with other values ("order the great gatsby" while asked how many copies of Dracula; `current`:
        the slots of the intent in progress). A value of the slot the recognizer is sure of ("jdoe" for a
        username, a listed title) is the answer, unless the input is word for word a sample utterance of the
        other intent ("help")."""
        top = matches[0] if matches else None
        if top is None or top.confidence < SWITCH_CONFIDENCE:
            return False
        if top.intent == defined.name:
            return any(
                name != slot
                and said_value(current.get(name)) not in {v.casefold() for v in (found.interpreted, *found.resolved)}
                for name, found in top.slots.items()
            )
        if value is None or value.certainty < 1.0:
            return True
        # A whole request for the other intent, with values of its own around the word that fits the slot
        # ("actually register a new user named newbie7 with email ..." while asked which attribute to change).
        if top.slots and len(tokenize(self.text)) - len(tokenize(value.original)) >= WHOLE_REQUEST_EXTRA_WORDS:
            return True
        said = normalized(self.text)
        return any(normalized(u) == said for u in self.locale.intent(top.intent).utterances)
