"""The local Lex runtime's NLU: intent classification and slot filling learned from a bot locale's sample
utterances (classifier.py says how)."""

from local.emulators.lex.nlu.classifier import IntentClassifier, Match

__all__ = ["IntentClassifier", "Match"]
