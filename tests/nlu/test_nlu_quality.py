"""The NLU benchmark's targets hold on the labelled set, which the model has never seen."""

from __future__ import annotations

from benchmarks.nlu import TARGETS, evaluate, load_examples, seen_in_model
from bot import load_bot_model

MODEL = load_bot_model()
EXAMPLES = load_examples()


def test_set_is_large_varied_and_unseen() -> None:
    assert len(EXAMPLES) >= 150
    intents = {e.intent for e in EXAMPLES}
    assert {i.name for i in MODEL.intents} <= intents
    assert sum(e.intent == "FallbackIntent" for e in EXAMPLES) >= 30
    assert seen_in_model(MODEL, EXAMPLES) == []


def test_nlu_meets_its_targets() -> None:
    report = evaluate(MODEL, EXAMPLES)
    metrics = report.metrics()
    for name, target in TARGETS.items():
        assert metrics[name] >= target, f"{name} {metrics[name]:.1%} < {target:.0%}; errors: {report.errors}"
