"""NLU quality of the local Lex runtime on a labelled set the model has never seen (tests/nlu/utterances.csv).

Reports intent accuracy (in-domain lines), slot exact-match (lines that expect slots: every expected slot has
exactly the expected value, case-insensitive) and the out-of-domain fallback rate (lines labelled
FallbackIntent that the bot sends to FallbackIntent). Targets: 95%, 90%, 90%.

    python -m benchmarks.nlu [--show-errors]
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

import local  # noqa: F401  (puts functions/ on sys.path)
from bot import load_bot_model
from bot.schema import BotModel
from local.emulators.lex.nlu import IntentClassifier
from local.emulators.lex.text import normalize_phrase

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "tests" / "nlu" / "utterances.csv"
TARGETS = {"intent_accuracy": 0.95, "slot_exact_match": 0.90, "ood_fallback_rate": 0.90}
FALLBACK = "FallbackIntent"


@dataclass(frozen=True)
class Example:
    utterance: str
    intent: str
    slots: dict[str, str]


@dataclass
class Report:
    intent_total: int = 0
    intent_correct: int = 0
    slot_total: int = 0
    slot_correct: int = 0
    ood_total: int = 0
    ood_fallback: int = 0
    errors: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        return {
            "intent_accuracy": self.intent_correct / self.intent_total if self.intent_total else 1.0,
            "slot_exact_match": self.slot_correct / self.slot_total if self.slot_total else 1.0,
            "ood_fallback_rate": self.ood_fallback / self.ood_total if self.ood_total else 1.0,
        }

    def meets_targets(self) -> bool:
        return all(self.metrics()[k] >= v for k, v in TARGETS.items())


def load_examples(path: Path = DATASET) -> list[Example]:
    examples = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            slots = {}
            for pair in filter(None, (row.get("slots") or "").split(";")):
                name, _, value = pair.partition("=")
                slots[name.strip()] = value.strip()
            examples.append(Example(row["utterance"], row["intent"], slots))
    return examples


def evaluate(model: BotModel, examples: list[Example]) -> Report:
    classifier = IntentClassifier(model)
    report = Report()
    for example in examples:
        matches = classifier.classify(example.utterance)
        top = matches[0] if matches else None
        predicted = top.intent if top and top.confidence >= model.nlu_confidence_threshold else FALLBACK
        confidence = top.confidence if top else 0.0
        if example.intent == FALLBACK:
            report.ood_total += 1
            if predicted == FALLBACK:
                report.ood_fallback += 1
            else:
                report.errors.append(f"OOD  {example.utterance!r}: {predicted} ({confidence})")
            continue
        report.intent_total += 1
        if predicted == example.intent:
            report.intent_correct += 1
        else:
            report.errors.append(f"INT  {example.utterance!r}: {predicted} ({confidence}), expected {example.intent}")
        if example.slots:
            report.slot_total += 1
            got = {k: v.interpreted for k, v in (top.slots if top and predicted == example.intent else {}).items()}
            if all(got.get(k, "").lower() == v.lower() for k, v in example.slots.items()):
                report.slot_correct += 1
            else:
                report.errors.append(f"SLOT {example.utterance!r}: {got}, expected {example.slots}")
    return report


def seen_in_model(model: BotModel, examples: list[Example]) -> list[str]:
    """Utterances of the set that are also sample utterances of the model (there must be none)."""
    samples = {normalize_phrase(u) for i in model.intents for u in i.utterances}
    return [e.utterance for e in examples if normalize_phrase(e.utterance) in samples]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-errors", action="store_true", help="list every misclassified line")
    args = parser.parse_args(argv)
    model = load_bot_model()
    examples = load_examples()
    report = evaluate(model, examples)
    metrics = report.metrics()
    print(f"{len(examples)} utterances ({report.intent_total} in-domain, {report.ood_total} out-of-domain)")
    print("| metric | value | target |")
    print("|---|---|---|")
    for name, value in metrics.items():
        print(f"| {name.replace('_', ' ')} | {value:.1%} | >= {TARGETS[name]:.0%} |")
    if args.show_errors:
        print("\n".join(report.errors) or "no errors", file=sys.stderr)
    return 0 if report.meets_targets() else 1


if __name__ == "__main__":
    raise SystemExit(main())
