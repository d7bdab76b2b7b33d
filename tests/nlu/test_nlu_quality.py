"""The NLU benchmark's targets hold on the labelled set, which the bot has never seen. The bot is the one the local
runtime serves: the en_US locale of the dev stage's synthesized Bot template."""

from __future__ import annotations

import pytest

from benchmarks.nlu import TARGETS, evaluate, load_examples, seen_in_model, served_locale
from local.emulators.lex.model import BotLocale

EXAMPLES = load_examples()


@pytest.fixture(scope="module")
def locale(dev) -> BotLocale:
    return served_locale(dev.templates)


def test_set_is_large_varied_and_unseen(locale) -> None:
    assert len(EXAMPLES) >= 150
    intents = {e.intent for e in EXAMPLES}
    assert {i.name for i in locale.intents if i.code_hooks.fulfillment and i.parent is None} <= intents
    assert sum(e.intent == "FallbackIntent" for e in EXAMPLES) >= 30
    assert seen_in_model(locale, EXAMPLES) == []


def test_nlu_meets_its_targets(locale) -> None:
    report = evaluate(locale, EXAMPLES)
    metrics = report.metrics()
    for name, target in TARGETS.items():
        assert metrics[name] >= target, f"{name} {metrics[name]:.1%} < {target:.0%}; errors: {report.errors}"
