"""The built-in intents the local Lex V2 runtime serves (`ParentIntentSignature`): AMAZON.FallbackIntent,
AMAZON.CancelIntent, AMAZON.StopIntent, AMAZON.StartOverIntent and AMAZON.HelpIntent, with the sample utterances
Lex gives an intent built on one of the last four (approximated here); the dialog engine lets them interrupt any
prompt (user_input.py)."""

from __future__ import annotations

from collections.abc import Mapping

from local.emulators.lex.model import FALLBACK_PARENT

CANCEL_PARENT = "AMAZON.CancelIntent"
STOP_PARENT = "AMAZON.StopIntent"
START_OVER_PARENT = "AMAZON.StartOverIntent"
HELP_PARENT = "AMAZON.HelpIntent"
# The sample utterances Lex gives the built-in intents the runtime serves. An approximation, written for the local
# runtime: Lex publishes only "common utterances" of each (the first ones of every list, from
# https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intent-cancel.html, built-in-intent-stop.html,
# built-in-intent-start-over.html and, for AMAZON.HelpIntent, https://docs.aws.amazon.com/lex/latest/dg/built-in-intent-help.html);
# the others are the same requests in other common words. An intent built on one of them gets these as its sample
# utterances (a template may add none: "you can't add or remove sample utterances from the base intent",
# https://docs.aws.amazon.com/lexv2/latest/dg/built-in-intents.html), so the NLU recognizes them like any other.
BUILTIN_INTENT_UTTERANCES: Mapping[str, tuple[str, ...]] = {
    CANCEL_PARENT: (
        "cancel",
        "never mind",
        "forget it",
        "cancel that",
        "cancel this",
        "nevermind",
        "never mind that",
        "forget about it",
        "forget that",
        "scratch that",
        "abort",
    ),
    STOP_PARENT: ("stop", "off", "shut up", "stop it", "stop that", "please stop", "quit", "exit"),
    START_OVER_PARENT: (
        "start over",
        "restart",
        "start again",
        "let's start over",
        "start from the beginning",
        "begin again",
        "reset",
    ),
    HELP_PARENT: ("help", "help me", "can you help me", "I need help", "what can I say"),
}
# The built-in intents the runtime serves (ParentIntentSignature): AMAZON.FallbackIntent and those above.
BUILTIN_PARENTS = frozenset({FALLBACK_PARENT, *BUILTIN_INTENT_UTTERANCES})


__all__ = [
    "BUILTIN_INTENT_UTTERANCES",
    "BUILTIN_PARENTS",
    "CANCEL_PARENT",
    "HELP_PARENT",
    "START_OVER_PARENT",
    "STOP_PARENT",
]
